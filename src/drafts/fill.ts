/**
 * Snippet text with slots: `{name}` is replaced, `{item|bag}` falls back to "bag" when the post
 * named no item, and `[ from {flight}]` is kept only when every slot inside it has a value, so a
 * snippet reads naturally whether or not the post gave a flight number.
 */

const OPTIONAL_RE = /\[([^[\]]*)\]/g;
const SLOT_RE = /\{([A-Za-z_][A-Za-z0-9_]*)(?:\|([^{}]*))?\}/g;

export type SlotValues = Record<string, string | undefined>;

function present(v: string | undefined): v is string {
  return v !== undefined && v.trim() !== '';
}

/** Fills `text`; `missing` collects slots that had neither a value nor a fallback (left visible for a person to see). */
export function fillSlots(text: string, values: SlotValues, missing: string[] = []): string {
  const withOptional = text.replace(OPTIONAL_RE, (_whole, inner: string) => {
    for (const m of inner.matchAll(SLOT_RE)) if (!present(values[m[1] as string]) && m[2] === undefined) return '';
    return inner;
  });
  const out = withOptional.replace(SLOT_RE, (whole, key: string, fallback: string | undefined) => {
    const v = values[key];
    if (present(v)) return v;
    if (fallback !== undefined) return fallback;
    if (!missing.includes(whole)) missing.push(whole);
    return whole;
  });
  return out
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/\s+([,.;:!?])/g, '$1')
    .trim();
}

/** Joins reply parts into sentences; the part after a greeting ending in a comma starts lower case (unless the language keeps capitals). */
export function joinParts(greeting: string, parts: string[], keepCapital: boolean): string {
  const body = parts.map((p) => p.trim()).filter(Boolean);
  if (!greeting) return body.join(' ');
  const [head, ...rest] = body;
  if (head === undefined) return greeting;
  const lowered = greeting.endsWith(',') && !keepCapital ? lowerFirst(head) : head;
  return [greeting, lowered, ...rest].join(' ');
}

function lowerFirst(s: string): string {
  // "I", "I'm", acronyms ("AA212", "DM") and names stay as written.
  if (/^(?:I\b|I['’]|[A-Z]{2}|[A-Z][a-z]*[A-Z])/u.test(s)) return s;
  return s.charAt(0).toLowerCase() + s.slice(1);
}
