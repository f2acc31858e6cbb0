import { ENGLISH } from '../../triage/language.js';

/**
 * Words that say nothing about what a storm is about, per language triage scores. The log-odds
 * already discount words whose rate did not move; these lists only keep the candidate lists
 * short and the explanation readable ("my flight" is a phrase, "my" alone is not a topic).
 */
const LISTS: Record<string, string> = {
  en: `im ive dont cant wont didnt doesnt isnt thats its youre u ur pls please thanks thank hi hey lol
    like know one would could us via amp rt today now day time going go got get still
    wasnt werent arent hasnt havent hadnt couldnt wouldnt shouldnt cannot ill id youll youve weve
    theyre theyve hes shes whats yes yeah yep ok okay thx plz`,
  es: `el la los las un una unos unas de del al y o pero que qué en por para con sin se su sus mi mis tu es son
    fue ser estar está están esta este esto eso muy más ya no sí lo le les me te nos hay como cuando porque`,
  pt: `o a os as um uma de do da dos das e ou mas que em no na nos nas por para com sem se seu sua meu minha
    é são foi ser estar está muito mais já não sim lo lhe me te há como quando porque pra né você`,
  fr: `le la les un une des de du et ou mais que qui en dans par pour avec sans se son sa ses mon ma mes
    est sont été être très plus ne pas oui je tu il elle nous vous ils on ce cette c'est au aux`,
  de: `der die das ein eine einen einem und oder aber dass in im mit für von zu zum zur auf bei ist sind
    war sein sehr mehr nicht kein keine ja ich du er sie wir ihr es sich mein meine den dem des auch noch`,
  it: `il lo la i gli le un una di del della e o ma che in nel nella per con senza si suo sua mio mia
    è sono era essere molto più non sì io tu lui lei noi voi ho ha al alla anche`,
  ar: `في من على إلى عن مع هذا هذه ذلك التي الذي و أو ثم لا ما لم لن هو هي أنا نحن انت كان قد كل`,
  hi: `hai hain ka ki ke ko se me mein aur ya par bhi to tha thi the ho kya koi ye yeh woh vo ek nahi na
    है हैं का की के को से में और या पर भी तो था थी थे हो क्या कोई ये वो एक नहीं`,
};

const cache = new Map<string, Set<string>>();

export function stopwords(language: string): Set<string> {
  let set = cache.get(language);
  if (!set) {
    set = new Set((LISTS[language] ?? '').split(/\s+/).filter(Boolean));
    // Every post may mix in English function words ("the", "my"), whatever language it is in.
    for (const w of ENGLISH) set.add(w);
    for (const w of (LISTS['en'] ?? '').split(/\s+/)) if (w) set.add(w);
    cache.set(language, set);
  }
  return set;
}
