import { readFileSync } from 'node:fs';
import { findModelFile } from './model-files.js';

/**
 * Small polarity lexicons for the other languages triage scores, written for Earshot from
 * ordinary usage (not copied from a published list): everyday words of praise and complaint,
 * with their common inflections and the informal spellings tweets use. Strong words count 2.5,
 * the others 1.5. They give the models a prior for words their ~2,000 training tweets per
 * language never showed; the models still learn how much to trust it. For es, pt, fr, de, it and
 * ar a longer list, AFINN translated (models/polarity-multi.tsv), fills in the words ours lack.
 */
interface Lists {
  strongPositive: string;
  positive: string;
  negative: string;
  strongNegative: string;
}

const LISTS: Record<string, Lists> = {
  es: {
    strongPositive: `excelente maravilloso maravillosa increíble increible genial perfecto perfecta encanta encantó encanto amo adoro
      fantástico fantastico fantástica espectacular brutal precioso preciosa buenísimo buenisimo felicidades enhorabuena
      hermoso hermosa hermosos hermosas divino divina estupendo estupenda fenomenal buenísima buenisima riquísimo riquisimo delicioso deliciosa adorable maravilla felicitaciones bendiciones chévere chevere chido chida bacán bacan padrísimo padrisimo guapísimo guapisima guapísima orgullosísimo emocionadísimo`,
    positive: `bueno buena buenos buenas bien feliz felices gracias alegría alegria bonito bonita lindo linda guapo guapa mola
      divertido divertida gusta gustó gusto disfrutar disfruté contento contenta orgullo orgulloso orgullosa éxito exito
      mejor mejores suerte ánimo animo jaja jajaja jajajaja haha risa amor querido querida feliz recomiendo ganas
      bello bella bellos bellas rico rica ricos ricas emocionado emocionada emocionante ilusión ilusion ilusionado ilusionada sonrisa sonreír sonreir gracioso graciosa chulo chula guay encantado encantada besos besitos abrazo abrazos crack ídolo idolo campeón campeon campeones bendecido bendecida disfruten disfrutando disfruta éxitos exitos bravo olé ole viva tierno tierna amable amigos amistad paz esperanza apoyo ganar ganamos ganó gano victoria felicidad quiero`,
    negative: `malo mala malos malas mal triste tristeza problema problemas difícil dificil aburrido aburrida cansado cansada
      harto harta miedo peor peores queja retraso perdido error fallo lástima lastima falta culpa roto rota
      enfadado enfadada molesto molesta preocupado preocupada llorar lloro sufrir duele dolor caro lento lenta
      feo fea feos feas pobre injusto injusta injusticia mentira mentiras mentiroso mentirosa falso falsa lamentable desgracia accidente herido heridos enfermo enferma llorando lágrimas lagrimas deprimido deprimida depresión depresion soledad aburre rabia enojado enojada cabreado cabreada indignado indignada decepción decepcion decepcionado decepcionada fracaso perder perdimos perdió perdio derrota susto asustado asustada preocupa peligro grave caos crisis estrés estres estresado estresada agobiado agobiada ansiedad sufro sufriendo dolió dolio tonto tonta lamentablemente desgraciadamente jodido jodida joder coño carajo robo robar ladrón ladron ladrones violencia guerra`,
    strongNegative: `horrible terrible pésimo pesimo pésima pesima asco odio odiar asqueroso vergüenza verguenza desastre
      mierda fatal basura indignante inaceptable vergonzoso vergonzosa ridículo ridiculo estafa muerte asesino corrupto corruptos
      horroroso horrorosa espantoso espantosa insoportable imbécil imbecil idiota idiotas estúpido estupido estúpida estupida pendejo pendeja pendejos gilipollas cabrón cabron maldito maldita malditos puta puto putos porquería porqueria patético patetico patética patetica nefasto nefasta asesinato asesinos tragedia odia odian asco`,
  },
  pt: {
    strongPositive: `excelente maravilhoso maravilhosa incrível incrivel ótimo otimo ótima otima perfeito perfeita amo adoro
      fantástico fantastico sensacional lindo linda parabéns parabens demais
      amei adorei perfeição perfeicao espetacular brilhante arrasou arrasa arrasando apaixonado apaixonada apaixonante delícia delicia delicioso deliciosa maravilhosos maravilhosas lindos lindas lindeza`,
    positive: `bom boa bons boas bem feliz felizes obrigado obrigada obg alegria bonito bonita gosto gostei legal massa
      divertido divertida contente orgulho sucesso melhor melhores sorte amor querido querida kkk kkkk kkkkk haha hahaha rsrs
      recomendo top show
      bacana fofo fofa fofura fofos gostoso gostosa felicidade orgulhoso orgulhosa obg vlw valeu diva rainha craque ídolo idolo torcendo merece merecido emocionante emocionado emocionada emoção emocao sorriso sorrindo engraçado engraçada engracado divertida eba oba uhul viva abençoado abençoada bênção bencao paz esperança esperanca ganhou ganhamos vitória vitoria querida amigos amizade`,
    negative: `mau má ruim ruins mal triste tristeza problema problemas difícil dificil chato chata cansado cansada medo
      pior piores reclamação reclamacao atraso perdido erro falha falta culpa quebrado quebrada raiva
      preocupado preocupada chorar chorando sofrer dor lento lenta
      chatice cansei desisto decepção decepcao decepcionado decepcionada injusto injusta injustiça injustica mentira mentiras mentiroso falso falsa feio feia feios burro burra errado errada complicado ansiedade depressão depressao doente doendo infelizmente lamentável lamentavel tédio tedio entediado nervoso nervosa irritado irritada irritante sofri sofrendo sofrimento chorei chorando perdeu perdemos derrota eliminado eliminada droga saco aff afff argh preguiça preguica fracasso triste tristes crise roubo ladrão ladrao ladrões`,
    strongNegative: `horrível horrivel terrível terrivel péssimo pessimo péssima pessima nojo odeio odiar nojento vergonha
      desastre merda lixo absurdo ridículo ridiculo golpe roubo morte corrupto corruptos vergonhoso
      ódio odio insuportável insuportavel detesto idiota idiotas imbecil otário otario otária otaria babaca palhaçada palhacada porra caralho fdp pqp vsf tnc morreu morrer matar mataram assassino assassinos crime corrupção corrupcao golpista nojenta decepcionante`,
  },
  fr: {
    strongPositive: `excellent excellente merveilleux merveilleuse incroyable génial geniale génial parfait parfaite adore
      fantastique magnifique superbe bravo félicitations felicitations sublime`,
    positive: `bon bonne bons bonnes bien heureux heureuse merci joie beau belle jolie jolis sympa cool super aime aimé
      plaisir content contente fier fière fiere réussite succès mieux meilleur meilleure chance amour mdr ptdr haha top
      recommande vivement`,
    negative: `mauvais mauvaise mal triste tristesse problème probleme problèmes difficile ennuyeux ennuyeuse fatigué fatiguée
      marre peur pire plainte retard perdu erreur panne dommage manque faute cassé cassée énervé enervé énervée
      inquiet inquiète pleurer souffrir douleur lent lente déçu deçu déçue decu`,
    strongNegative: `horrible terrible nul nulle dégoûtant degoutant honte désastre desastre merde catastrophe inadmissible
      scandale scandaleux ridicule inacceptable arnaque déteste deteste haine mort pourri pourrie`,
  },
  de: {
    strongPositive: `ausgezeichnet wunderbar wundervoll unglaublich genial perfekt großartig grossartig fantastisch
      hervorragend traumhaft herrlich liebe glückwunsch gratuliere klasse spitze`,
    positive: `gut gute guter gutes schön schoen schöne schöner glücklich gluecklich danke dank freude freue froh toll
      super cool lustig gefällt gefaellt spaß spass stolz erfolg besser beste glück lieb nett prima haha hahaha empfehle`,
    negative: `schlecht schlechte schlechter traurig problem probleme schwierig langweilig müde muede angst schlimmer
      beschwerde verspätung verspaetung verloren fehler schade leider schuld kaputt ärgerlich aergerlich sauer
      sorge sorgen weinen leiden schmerz teuer langsam enttäuscht enttaeuscht`,
    strongNegative: `schrecklich furchtbar schlimm scheiße scheisse scheiß mist katastrophe ekelhaft schande hass hasse
      unverschämt unverschaemt unmöglich lächerlich laecherlich betrug tod grauenhaft widerlich peinlich`,
  },
  it: {
    strongPositive: `eccellente meraviglioso meravigliosa incredibile geniale perfetto perfetta adoro fantastico fantastica
      stupendo stupenda splendido splendida magnifico bravissimo bravissima complimenti auguri`,
    positive: `buono buona buoni buone bene felice felici grazie gioia bello bella belli carino carina piace piaciuto
      divertente contento contenta orgoglio orgoglioso successo meglio migliore fortuna amore caro cara haha ahah ahahah
      simpatico simpatica consiglio top`,
    negative: `cattivo cattiva male triste tristezza problema problemi difficile noioso noiosa stanco stanca paura peggio
      peggiore reclamo ritardo perso persa errore guasto peccato manca colpa rotto rotta arrabbiato arrabbiata
      preoccupato preoccupata piangere soffrire dolore lento lenta deluso delusa`,
    strongNegative: `orribile terribile pessimo pessima schifo odio odiare disgustoso vergogna disastro merda cazzo
      vergognoso ridicolo inaccettabile truffa morte corrotto corrotti squallido`,
  },
  ar: {
    strongPositive: `رائع رائعة ممتاز ممتازة جميل جميلة مبروك أحب احب الحمدلله`,
    positive: `شكرا شكراً جيد جيدة سعيد سعيدة حلو حلوة فرح أفضل افضل نجاح حب الله يحفظك ههه هههه ههههه haha`,
    negative: `سيء سيئة مشكلة مشاكل حزين حزينة صعب خطأ تأخير للأسف مؤسف غالي بطيء زعلان`,
    strongNegative: `أسوأ اسوأ فاشل فاشلة كارثة حرام عيب قرف مقرف أكره اكره ظلم فساد`,
  },
  hi: {
    strongPositive: `zabardast jabardast shandar shaandar shandaar kamaal kamal mast badhiya badiya badhia behtareen
      lajawab lajawaab shabash shabaash waah wahh`,
    positive: `accha acha achha achhi acchi achhe acche sahi khush khushi shukriya dhanyavad dhanyawad pyaar pyar maza mazaa
      maja mja sundar badhai mubarak jeet jeete jeeta jeeti wah`,
    negative: `bura buri bure galat dukh dukhi pareshan mushkil dard bekaar kharab kharaab haar haare gussa dikkat takleef
      afsos pagal jhooth jhoot jhootha dhokha ganda gandi gande rona`,
    strongNegative: `bakwas bakwaas ghatiya bekar faltu nafrat sharam sharm besharam chor harami kamina kamine nalayak
      bewakoof bevkoof beizzati chutiya`,
  },
};

const TRANSLATED_FILE = 'models/polarity-multi.tsv';
/**
 * A machine translation of an English list is noisier than ours (it rates "mayor" and "sério" as
 * praise), so its words count less. Chosen on scripts/multi-cv.ts: 0.4, 0.6 and 1 read a mean
 * macro-F1 over the seven languages of 0.5766, 0.5778 and 0.5759 (0.5722 without the list).
 */
const TRANSLATED_WEIGHT = 0.6;

/** AFINN translated per language (scripts/build-multi-lexicon.ts): language -> word -> polarity. */
function loadTranslated(): Map<string, Map<string, number>> {
  const by = new Map<string, Map<string, number>>();
  const file = findModelFile(TRANSLATED_FILE);
  if (!file) return by;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [lang = '', word = '', value = ''] = line.split('\t');
    const words = by.get(lang) ?? new Map<string, number>();
    words.set(word, Number(value));
    by.set(lang, words);
  }
  return by;
}

/** Without accents too ("genial" for "génial"): multi.ts looks a word up as written and without its accents. */
const plain = (w: string): string => w.normalize('NFD').replace(/\p{M}/gu, '');

function build(lists: Lists | undefined, translated: ReadonlyMap<string, number> | undefined): Map<string, number> {
  const out = new Map<string, number>();
  const add = (words: Iterable<string>, v: (w: string) => number): void => {
    const all = [...words];
    for (const w of all) if (w && !out.has(w)) out.set(w, v(w));
    for (const w of all) {
      const p = plain(w);
      if (p && !out.has(p)) out.set(p, v(w));
    }
  };
  const split = (words: string): string[] => words.split(/\s+/);
  // Our own words first: where the translated list rates a word too, ours is the one kept.
  if (lists) {
    add(split(lists.strongNegative), () => -2.5);
    add(split(lists.strongPositive), () => 2.5);
    add(split(lists.negative), () => -1.5);
    add(split(lists.positive), () => 1.5);
  }
  if (translated) add(translated.keys(), (w) => TRANSLATED_WEIGHT * (translated.get(w) ?? 0));
  return out;
}

const TRANSLATED = loadTranslated();

export const MULTI_LEXICONS: ReadonlyMap<string, ReadonlyMap<string, number>> = new Map(
  [...new Set([...Object.keys(LISTS), ...TRANSLATED.keys()])].map((lang) => [lang, build(LISTS[lang], TRANSLATED.get(lang))]),
);
