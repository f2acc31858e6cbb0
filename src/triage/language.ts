/**
 * A deliberately cheap detector: triage only needs "is this English enough to score?".
 * English function words are frequent in any English sentence; a few distinctive function
 * words of other common Latin-script languages catch posts that would otherwise pass.
 */
export const ENGLISH = new Set(
  `a an the and or but if so of to in on at for from by with about as into over after before than then
  i me my mine we our us you your yours he him his she her it its they them their this that these those
  is are was were be been being am do does did have has had will would can could should shall may might must
  not no nor there here what which who whom when where why how all any some just very too also only
  up out off again still yet ever even because while until since get got`.split(/\s+/),
);

const OTHER = new Set(
  `el los las del por para con una muy pero está esta qué que porque también nunca ya hoy mi mis
  le les des est une pour avec pas je vous nous très dans sur c'est mon mes aux être été
  der das und ist nicht ich mein meine mit für auf ein eine sehr noch schon wir sie bei
  não uma com meu minha você está também muito já
  il che non per sono della perché anche molto ho
  het een niet ik mijn van met voor naar zijn ook`.split(/\s+/),
);

const LETTER_RE = /\p{L}/gu;
const LATIN_RE = /\p{Script=Latin}/gu;

export interface LanguageGuess {
  language: string;
  /** False when sentiment must not be claimed: unknown or a declared language other than English. */
  scored: boolean;
  declared: boolean;
}

function mostlyNonLatin(text: string): boolean {
  // Plain ASCII is Latin by definition; skip the Unicode scans for the common case.
  if (!/[^\x00-\x7f]/.test(text)) return false;
  const letters = text.match(LETTER_RE)?.length ?? 0;
  if (letters === 0) return false;
  const latin = text.match(LATIN_RE)?.length ?? 0;
  return latin / letters < 0.5;
}

export interface WordStats {
  words: string[];
  /** How many of `words` the English model's vocabulary knows; a function when counting is deferred. */
  known: number | (() => number);
}

export function looksEnglish(text: string, { words, known }: WordStats): boolean {
  if (mostlyNonLatin(text)) return false;
  let en = 0;
  let other = 0;
  for (const w of words) {
    if (ENGLISH.has(w)) en += 1;
    else if (OTHER.has(w)) other += 1;
  }
  if (other >= 2 && other > en) return false;
  // Terse English ("RUDE service! Awful.") has no function words but known vocabulary;
  // names and places are unknown too, so only a clear majority of unknown words counts.
  if (words.length < 4 || en / words.length >= 0.25) return true;
  return (typeof known === 'function' ? known() : known) / words.length >= 0.45;
}

/** Platform tags win when they say "not English"; an "en" tag is often just the app default, so the text is still checked. */
export function guessLanguage(text: string, stats: WordStats, declared: string | null): LanguageGuess {
  const primary = declared?.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  if (primary && primary !== 'en' && primary !== 'und') {
    return { language: primary, scored: false, declared: true };
  }
  return looksEnglish(text, stats)
    ? { language: 'en', scored: true, declared: false }
    : { language: 'und', scored: false, declared: false };
}
