import { readFileSync } from 'node:fs';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { readCsvObjects } from '../src/text/csv.js';
const rows = readCsvObjects(readFileSync('/work/shared/data/airline-tweets-dev.csv','utf8')).map(r=>r.text??'');
for (const pipe of [[], ['sbd'], ['sbd','negation'], ['sbd','negation','sentiment'], ['negation','sentiment']] as any) {
  const nlp = winkNLP(model, pipe); const its = nlp.its;
  for (let rep=0; rep<2; rep++){
  const t=performance.now(); let n=0;
  for (const r of rows) { const d = nlp.readDoc(r); const toks=d.tokens(); n+= (toks.out(its.normal) as string[]).length; if (pipe.includes('negation')) toks.out(its.negationFlag); if (pipe.includes('sentiment')) d.out(its.sentiment); toks.out(its.type); }
  const s=(performance.now()-t)/1000;
  if (rep) console.log(pipe.join('+')||'none', Math.round(rows.length/s), 'docs/s', n);
  }
}
