/**
 * "Something did not happen" in the other languages: "mi pedido nunca llegó", "la commande n'est
 * jamais arrivée", "nessuno ci aiuta", "Paket ist nie angekommen". It fills the same dense feature
 * as the English cue (rules.ts negatedAction), whose weight the English complaint and sentiment
 * data taught; the other languages have sentiment labels but no complaint labels of their own.
 * A service verb (arrive, receive, answer, work, refund, deliver, help, solve) within three words
 * after a negation, or just before German "nicht" ("antwortet nicht"), counts; the verbs are word
 * beginnings so every tense and person of them matches.
 */
const SERVICE_STARTS: Record<string, readonly string[]> = Object.fromEntries(
  Object.entries({
    es: 'lleg recib respond contest funcion devolv devuelv reembols entreg atend atiend resolv resuelv solucion ayud',
    pt: 'cheg receb respond funcion devolv reembols entreg atend resolv ajud',
    fr: 'arriv reçu recu recev reçoi recoi répond repond march fonctionn rembours livr aid résol resol',
    de: 'angekommen ankomm kommt kam erhalten bekommen bekam antwort geantwortet funktion erstatt geliefert liefer geholfen hilft helf gelöst geloest',
    it: 'arriv ricev rispost rispond funzion rimbors consegn aiut risolt risolv',
  }).map(([lang, starts]) => [lang, starts.split(' ')]),
);

/** Negations that stand before a verb (a subset of multi.ts's, without "ni", "kein", "rien"...), plus "nobody" ("nadie responde"). */
const NEGATIONS: Record<string, ReadonlySet<string>> = Object.fromEntries(
  Object.entries({
    es: 'no nunca jamás jamas tampoco nadie',
    pt: 'não nao nunca jamais ninguém ninguem',
    fr: 'pas jamais personne ne',
    de: 'nicht nie niemals niemand',
    it: 'non mai nessuno',
  }).map(([lang, words]) => [lang, new Set(words.split(' '))]),
);

/** The value the English cue gives a negated service verb. */
const STRONG = 2;

function isServiceVerb(word: string, starts: readonly string[]): boolean {
  for (const s of starts) if (word.startsWith(s)) return true;
  return false;
}

/** 0, or the strong cue's value when a negated service verb is in `words` (lower-cased, in order). */
export function missedAction(words: readonly string[], lang: string): number {
  const starts = SERVICE_STARTS[lang];
  const negations = NEGATIONS[lang];
  if (starts === undefined || negations === undefined) return 0;
  for (let i = 0; i < words.length; i += 1) {
    const w = words[i] as string;
    // French "n'est", "n'a": the elided negation is part of the word.
    const negates = negations.has(w) || (lang === 'fr' && (w.startsWith("n'") || w.startsWith('n’')));
    if (!negates) continue;
    for (let j = i + 1; j <= i + 3 && j < words.length; j += 1) if (isServiceVerb(words[j] as string, starts)) return STRONG;
    if (lang === 'de' && w === 'nicht' && i > 0 && isServiceVerb(words[i - 1] as string, starts)) return STRONG;
  }
  return 0;
}
