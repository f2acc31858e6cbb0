/**
 * The values a post's stored strings may repeat (its link and reply reference hold its own ids),
 * in a fixed order: a stored row names one by its position. APPEND ONLY, as stored rows depend
 * on the order (rest-codec.ts, rest-v3.ts).
 */
export function tokens(nativeId: string, authorId: string, handle: string): string[] {
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/]+/i.exec(nativeId)?.[0] ?? '';
  const slash = nativeId.lastIndexOf('/');
  const tail = slash >= 0 ? nativeId.slice(slash + 1) : '';
  return [nativeId, tail, origin, handle, authorId];
}

/**
 * Left to right, the earliest repeat first, the longest at the same place: what one global
 * alternation of the values (longest first) would replace. Written out because building that
 * RegExp for every post was most of the cost of encoding a page of mentions.
 */
export function replaceTokens(s: string, order: ReadonlyArray<readonly [value: string, code: string]>): string {
  let out = '';
  let from = 0;
  for (;;) {
    let at = -1;
    let hit: readonly [string, string] | null = null;
    for (const t of order) {
      const i = s.indexOf(t[0], from);
      if (i >= 0 && (at < 0 || i < at)) [at, hit] = [i, t];
    }
    if (!hit) return from === 0 ? s : out + s.slice(from);
    out += s.slice(from, at) + hit[1];
    from = at + hit[0].length;
  }
}
