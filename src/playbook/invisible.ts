/**
 * Characters a reader cannot see. They let a word slip past a text check ("guar\u200Bantee" is
 * not "guarantee" to a regex) and then reach the platform intact, where they can also hide or
 * reorder what the reply says. Format characters (Cf: zero-width space and joiners, soft hyphen,
 * bidi controls, tag characters), every default-ignorable code point (variation selectors, Hangul
 * fillers, the combining grapheme joiner), and C0/C1 controls other than tab and line breaks.
 */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/gu;
/** What an emoji may legitimately carry: a joiner between two pictographs, a presentation selector after one. */
const EMOJI_JOIN = /(?<=\p{Extended_Pictographic}[\u{FE0E}\u{FE0F}\u{1F3FB}-\u{1F3FF}]?)\u200D(?=\p{Extended_Pictographic})/u;
const EMOJI_STYLE = /(?<=\p{Extended_Pictographic})[\u{FE0E}\u{FE0F}]/u;

function keptInEmoji(text: string, index: number, char: string): boolean {
  if (char !== '\u200D' && char !== '\uFE0E' && char !== '\uFE0F') return false;
  // Sticky matching at `index`: the lookbehind sees the text before it, the lookahead the text after.
  const re = new RegExp(char === '\u200D' ? EMOJI_JOIN.source : EMOJI_STYLE.source, 'uy');
  re.lastIndex = index;
  return re.test(text);
}

/**
 * The reply as it should be posted: invisible characters removed, except the joiners and
 * presentation selectors inside emoji ("❤️", family emoji), which render as intended.
 */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, (char, index: number) => (keptInEmoji(text, index, char) ? char : ''));
}

/**
 * The text a guardrail compares: compatibility forms folded (NFKC turns full-width letters,
 * ligatures and no-break spaces into their plain forms), every invisible character removed,
 * lower-cased. Only for checking; the reply itself keeps its letters.
 */
export function normaliseForCheck(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE, '').normalize('NFKC').toLowerCase();
}
