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
