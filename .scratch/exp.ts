import { loadAirline, loadSentences, loadAlexa, AIRLINE_BRAND } from '../src/triage/dataset.js';
import { readPost } from '../src/triage/signals.js';
import { trainSoftmax, softmax, type Example } from '../src/triage/learn.js';
import { FEATURE_DIM } from '../src/triage/features.js';
const LAB = ['negative','neutral','positive'];
const t0=performance.now();
const air = loadAirline(), sen = loadSentences(), alx = loadAlexa().filter(r=>r.sentiment);
const all = [...air, ...sen, ...alx].map(p => ({ p, x: readPost(p.text, AIRLINE_BRAND).features }));
console.log('features', ((performance.now()-t0)/1000).toFixed(1),'s', all.length);
function fold(key:string){let h=0x811c9dc5;for(let i=0;i<key.length;i++)h=Math.imul(h^key.charCodeAt(i),0x01000193);return (h>>>0)%5;}
const epochs=Number(process.env.E??10), rate=Number(process.env.R??0.1), l2=Number(process.env.L2??1e-4);
const gold:string[]=[], pred:string[]=[]; const sg:string[]=[], sp:string[]=[];
const pNeg:number[]=[];
for (let f=0; f<5; f++) {
  const train = all.filter(r=>fold(r.p.key)!==f);
  const cw: Record<string,number> = {airline:1, sentences:1, alexa:1};
  const ex: Example[] = train.map(r=>({x:r.x, y:LAB.indexOf(r.p.sentiment!), w: cw[r.p.source]!}));
  const w = trainSoftmax(ex, {classes:3, dim:FEATURE_DIM, epochs, rate, l2});
  const out=new Float64Array(3);
  for (const r of all.filter(r=>fold(r.p.key)===f)) {
    softmax(w, FEATURE_DIM, r.x, out);
    if (r.p.source==='airline'){ gold.push(r.p.sentiment!); let b=0; for(let c=1;c<3;c++) if(out[c]!>out[b]!) b=c; pred.push(LAB[b]!); pNeg.push(out[0]!);}
    if (r.p.source==='sentences'){ sg.push(r.p.sentiment!); sp.push(out[0]!>out[2]! ? 'negative':'positive'); }
  }
}
function rep(g:string[],p:string[]){ const f1s=[]; const parts=[]; for(const l of LAB){let tp=0,fp=0,fn=0; g.forEach((x,i)=>{if(p[i]===l&&x===l)tp++;else if(p[i]===l)fp++;else if(x===l)fn++;}); const P=tp/Math.max(1,tp+fp),R=tp/Math.max(1,tp+fn); f1s.push(P+R?2*P*R/(P+R):0); parts.push(`${l} P=${P.toFixed(3)} R=${R.toFixed(3)}`);} return `macroF1=${(f1s.reduce((a,b)=>a+b)/3).toFixed(3)} acc=${(g.filter((x,i)=>x===p[i]).length/g.length).toFixed(3)} ${parts.join(' ')}`;}
console.log('airline', rep(gold,pred));
console.log('sentences acc', (sg.filter((x,i)=>x===sp[i]).length/sg.length).toFixed(3));
for (const t of [0.3,0.35,0.4,0.45,0.5]) { const p2 = pred.map((x,i)=> pNeg[i]!>=t ? 'negative' : (x==='negative' ? 'neutral' : x)); console.log('t',t, rep(gold,p2)); }
console.log('total', ((performance.now()-t0)/1000).toFixed(1));
