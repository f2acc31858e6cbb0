import { eld } from './eld-data.js';
import { WordTrie } from './word-trie.js';

/**
 * Which language a post is in, and whether triage scores it. ELD (the `eld` package, n-gram
 * profiles for 60 languages, all in the package: nothing is downloaded) names the language;
 * measured on the multilingual dev set it beat cld3-asm and franc-min on every language and ran
 * 4× faster (README "How good is triage?"). Two things it cannot do are handled here:
 * - Hindi tweets are mostly written in Latin letters, mixed with English ("kya hua?? ur cm
 *   candidate ran"), which ELD reads as English or Tagalog; a small trained head (model.ts
 *   `hinglish`) recognises them.
 * - Posts in plain ASCII letters, with English function words and none of the other languages'
 *   (Hindi markers included), are English without asking: ELD costs about a third as much as
 *   the rest of triage, and these are most of what a brand is sent.
 */
export const SCORED_LANGUAGES = ['en', 'es', 'pt', 'fr', 'de', 'it', 'ar', 'hi'] as const;
export type ScoredLanguage = (typeof SCORED_LANGUAGES)[number];
const SCORED = new Set<string>(SCORED_LANGUAGES);

export const LANGUAGE_NAMES: Record<string, string> = {
  en: 'English',
  es: 'Spanish',
  pt: 'Portuguese',
  fr: 'French',
  de: 'German',
  it: 'Italian',
  ar: 'Arabic',
  hi: 'Hindi',
  nl: 'Dutch',
  ja: 'Japanese',
  zh: 'Chinese',
  ko: 'Korean',
  ru: 'Russian',
  tr: 'Turkish',
  pl: 'Polish',
  sv: 'Swedish',
  da: 'Danish',
  no: 'Norwegian',
  fi: 'Finnish',
  el: 'Greek',
  he: 'Hebrew',
  th: 'Thai',
  vi: 'Vietnamese',
  id: 'Indonesian',
  uk: 'Ukrainian',
  cs: 'Czech',
  ro: 'Romanian',
  hu: 'Hungarian',
  tl: 'Tagalog',
  ms: 'Malay',
  fa: 'Persian',
  ur: 'Urdu',
};

export const ENGLISH = new Set(
  `a an the and or but if so of to in on at for from by with about as into over after before than then
  i me my mine we our us you your yours he him his she her it its they them their this that these those
  is are was were be been being am do does did have has had will would can could should shall may might must
  not no nor there here what which who whom when where why how all any some just very too also only
  up out off again still yet ever even because while until since get got`.split(/\s+/),
);

// Function words of the Latin-script languages triage scores that are not English words: one of
// these in a post sends it to ELD even when English words dominate ("que", "der", "les").
const HINDI_MARKERS = `hai hain nahi nahin nhi kya kyu kyun ki ke ko se bhi thi mein aur yeh woh karo raha rahe rahi hua gaya gayi
 yaar bhai koi kuch bahut bohot abhi phir sirf apna apne mera meri tera teri tum aap
 ji haan hoon hun mei yar accha acha theek thik kaise kaisa kahan kyunki lekin matlab wala wali wale mujhe tujhe
 usko uska iska toh tha`;
const HINDI = new Set(HINDI_MARKERS.split(/\s+/));
const OTHER = new Set(
  `el los del por para una muy pero está esta qué que porque también nunca hoy mis más tengo estoy 
 nos cuando ahora bien 
 le les des une pour avec pas je vous nous très dans sur mes aux être été c'est suis sont mais tout fait bien
 der das und ist nicht ich mein meine mit für auf ein eine sehr noch schon wir sie bei auch nur wie bist aber oder
 wenn dass jetzt heute immer mehr kein keine zum zur vom beim dem einen einem sich uns mir mich dir dich
 doch nichts nein wieder viel gibt geht macht hab habe haben wird werden kann
 não uma meu minha você muito mais isso esse essa tem foi está estou já mas aqui hoje agora tudo vai vou
 pra né também
 il che sono della perché anche molto questo questa tutto tutti oggi sempre ancora cosa quando bene grazie
 lui lei noi voi loro nel nella alla alle sul fatto essere stato gli più
 het een niet ik mijn voor naar zijn ook
 ${HINDI_MARKERS}`.split(/\s+/),
);

export interface LanguageGuess {
  /** ISO 639-1, or 'und' when nothing could be told. */
  language: string;
  /** True when triage has a model for it. */
  scored: boolean;
  /** The platform said so (a tag other than "en"), rather than the text. */
  declared: boolean;
}

const WORD_RE = /\p{L}+/gu;

export function wordsIn(text: string): string[] {
  const lower = text.toLowerCase();
  return asciiOnly(lower) ? asciiWords(lower) : (lower.match(WORD_RE) ?? []);
}

function asciiOnly(s: string): boolean {
  for (let i = 0; i < s.length; i += 1) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Runs of a-z in lower-case ASCII text: the same words as WORD_RE, which is several times slower. */
function asciiWords(s: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= s.length; i += 1) {
    const c = i < s.length ? s.charCodeAt(i) : 0;
    const letter = c >= 97 && c <= 122;
    if (letter && start < 0) start = i;
    else if (!letter && start >= 0) {
      out.push(s.slice(start, i));
      start = -1;
    }
  }
  return out;
}

// A letter outside ASCII: an accent or another script. Emoji and curly quotes are not letters.
const NON_ASCII_LETTER = /(?![\x00-\x7f])\p{L}/u;

function clearlyEnglish(text: string, words: readonly string[]): boolean {
  // Plain ASCII letters only: an accent or another script always goes to ELD.
  if (/[^\x00-\x7f]/.test(text) && NON_ASCII_LETTER.test(text)) return false;
  let en = 0;
  for (const w of words) {
    if (OTHER.has(w)) return false;
    if (ENGLISH.has(w)) en += 1;
  }
  // One or two words with no English function word among them ("unglaublich", "Gracias amigo") go to ELD.
  return words.length < 3 ? en > 0 : en / words.length >= 0.25;
}

// Built on first use, so whatever the lists hold by then (they are fixed at load) is what it reads.
let trie: WordTrie | null = null;

/**
 * The two English answers below (too short to tell, clearly English), for plain-ASCII text, read
 * without making the post's words: most posts end here. False means "ask the full route", which
 * then decides exactly as before (for ASCII text this gives the same counts as wordsIn).
 */
function plainEnglish(text: string): boolean {
  trie ??= new WordTrie([ENGLISH, OTHER]);
  const c = trie.countAscii(text);
  if (c === null) return false;
  if (c.letters < MIN_LETTERS) return true;
  if ((c.inList[1] as number) > 0) return false;
  const en = c.inList[0] as number;
  return c.words < 3 ? en > 0 : en / c.words >= 0.25;
}

export function latinScript(text: string): boolean {
  return !/[^\x00-\x7f\u00c0-\u024f\s\p{P}\p{S}\p{N}]/u.test(text);
}

export interface LanguageInput {
  /** The masked text: links, handles and the brand's names removed. */
  text: string;
  declared: string | null;
  /** P(the text is Hindi in Latin letters), from the model; called only for Latin-script text. */
  hinglish: (words: readonly string[]) => number;
  /** Whether a lower-case word is a known English word (the word-vector vocabulary); absent: not asked. */
  englishWord?: (word: string) => boolean;
}

const HINGLISH_AT = 0.5;
/**
 * ELD reads much Hinglish as Italian, French or Spanish ("koi aur kaam dhandha nhi hai" is
 * "Italian"); the Hinglish head, trained with those languages as counter-examples, overrules it
 * when it is sure. Measured in the 4-fold CV: Hindi identified 0.67 → 0.72, no other language lower.
 */
const HINGLISH_OVER_ELD_AT = 0.8;

/**
 * Hindi in Latin letters is plain ASCII: a post with "ü" or "é" is never it, however few words it
 * has ("Hübsch!" read as Hindi before), so such posts keep ELD's reading.
 */
function romanisedHindi(input: LanguageInput, words: readonly string[], eldSaid: string): boolean {
  if (NON_ASCII_LETTER.test(input.text) || !latinScript(input.text)) return false;
  if (plainEnglishWords(input, words)) return false;
  const at = eldSaid === 'en' || !SCORED.has(eldSaid) ? HINGLISH_AT : HINGLISH_OVER_ELD_AT;
  return input.hinglish(words) >= at;
}

/**
 * Short English posts without a function word ("great game last night", "Lumen shares rose 3%")
 * read as Hindi to the Hinglish head, whose Hindi rows are a quarter plain English. A post whose
 * every word is a known English word and none a Hindi marker keeps ELD's reading.
 */
function plainEnglishWords(input: LanguageInput, words: readonly string[]): boolean {
  const known = input.englishWord;
  if (!known || !words.length) return false;
  for (const w of words) if (HINDI.has(w) || !known(w)) return false;
  return true;
}

/**
 * ELD reads short Arabic posts as Persian, mostly names written in Arabic letters ("هاري بوتر",
 * "جستن بيبر"). The two spell differently: Persian and Urdu have letters Arabic lacks (پ چ ژ گ,
 * and their own yeh and kaf, ی ک, where Arabic writes ي ك), and Arabic has ة and ى. A text with
 * Arabic's forms and none of the others' is Arabic whatever its words.
 */
const PERSIAN_OR_URDU_LETTER = /[\u067e\u0686\u0698\u06af\u06cc\u06a9\u0679\u0688\u0691\u06ba\u06d2\u06c1\u06be]/u;
const ARABIC_ONLY_LETTER = /[\u0629\u064a\u0643\u0649]/u;

export function arabicNotPersian(text: string): boolean {
  return ARABIC_ONLY_LETTER.test(text) && !PERSIAN_OR_URDU_LETTER.test(text);
}

/** Arabic letters in their positional shapes (old software wrote them so): ELD knows only the plain letters NFKC gives back. */
const PRESENTATION_FORMS = /[\ufb50-\ufdff\ufe70-\ufefe]/u;

/** Posts this short say too little for any detector; English is the model that reads emoji and "!!!" best. */
const MIN_LETTERS = 4;

export function identifyLanguage(input: LanguageInput): LanguageGuess {
  const primary = input.declared?.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  if (primary && primary !== 'en' && primary !== 'und') return { language: primary, scored: SCORED.has(primary), declared: true };
  if (plainEnglish(input.text)) return { language: 'en', scored: true, declared: false };
  const words = wordsIn(input.text);
  const letters = words.reduce((n, w) => n + w.length, 0);
  if (letters < MIN_LETTERS) return { language: 'en', scored: true, declared: false };
  // Hindi marker words are in OTHER, so a post written in Hinglish never takes the English shortcut.
  if (clearlyEnglish(input.text, words)) return { language: 'en', scored: true, declared: false };
  const found = eld.detect(PRESENTATION_FORMS.test(input.text) ? input.text.normalize('NFKC') : input.text);
  // A guess ELD itself does not trust, about plain-ASCII text, is most often terse English ("Awful service!!").
  // isReliable() re-sorts ELD's scores, so the cheap checks go first.
  let language =
    found.language && (SCORED.has(found.language) || NON_ASCII_LETTER.test(input.text) || found.isReliable()) ? found.language : 'en';
  if (language === 'fa' || language === 'ur') language = arabicNotPersian(input.text) ? 'ar' : language;
  if (romanisedHindi(input, words, language)) language = 'hi';
  return { language, scored: SCORED.has(language), declared: false };
}
