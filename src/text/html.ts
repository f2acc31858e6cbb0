const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  // A plain space: the text is matched against keywords, where U+00A0 would only get in the way.
  nbsp: ' ',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  copy: '©',
  reg: '®',
  trade: '™',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  deg: '°',
  times: '×',
  divide: '÷',
  shy: '',
  zwj: '\u200d',
  zwnj: '\u200c',
};

const BLOCK_TAGS = 'p|div|li|ul|ol|h[1-6]|blockquote|pre|tr|table|section|article|header|footer|hr|dd|dt|dl';

/** Decodes named (common set), decimal and hex character references in one pass, so `&amp;lt;` stays `&lt;`. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z][a-zA-Z0-9]{1,31});/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return codePointOrReplacement(code);
    }
    return NAMED_ENTITIES[ref] ?? NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

function codePointOrReplacement(code: number): string {
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(code);
}

/**
 * Turns an HTML fragment (a post body, a comment) into plain text: line breaks and paragraph
 * boundaries become newlines, tags go, entities are decoded. Whitespace inside <pre> is kept.
 */
export function htmlToText(html: string): string {
  const cleaned = html.replace(/<!--[\s\S]*?-->/g, '').replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '');
  const parts = cleaned.split(/(<pre\b[^>]*>[\s\S]*?<\/pre\s*>)/i);
  const text = parts.map((part, i) => (i % 2 === 1 ? preToText(part) : flowToText(part))).join('');
  return text
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\n+$/g, '')
    .trim();
}

function flowToText(html: string): string {
  return decodeEntities(
    html
      .replace(/\s+/g, ' ')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/p\s*>\s*<p\b[^>]*>/gi, '\n\n')
      // A run of block boundaries (`</li><li>`, `</p><ul>`) is one line break, not several.
      .replace(new RegExp(`(?:\\s*</?(?:${BLOCK_TAGS})\\b[^>]*>)+`, 'gi'), '\n')
      .replace(/<[^>]*>/g, ''),
  ).replace(/[ \t]*\n[ \t]*/g, '\n');
}

function preToText(html: string): string {
  return `\n${decodeEntities(html.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]*>/g, ''))}\n`;
}
