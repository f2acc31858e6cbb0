/**
 * What a model that obeys injected instructions would write: the fake language-model server's
 * "obey injections" mode and the eval's guardrail table both use it, so the guardrails are
 * tested against the worst model, not a well-behaved one.
 */
const ORDERS = [
  /(?:ignore|disregard|forget)[^.:]*?(?:instructions|rules|prompt|above)[^.:]*?(?:and|then|[.:,])\s*(?:instead\s+)?(?:say|write|reply(?: with)?|respond(?: with)?|tell (?:me|them|the customer)|promise|include|post|answer(?: with)?)[\s:"“]*([^"”]+?)["”]?\s*$/isu,
  /(?:system|assistant|admin)\s*:\s*(?:reply|respond|write|say)(?: with)?[\s:"“]*([^"”]+?)["”]?\s*$/isu,
  /(?:you must|you will now|new instructions?:)\s*(?:say|write|reply(?: with)?|promise|include)?[\s:"“]*([^"”]+?)["”]?\s*$/isu,
];

/** The injected order's text, if the post carries one. */
export function injectedOrder(post: string): string | null {
  for (const re of ORDERS) {
    const m = re.exec(post);
    if (m?.[1]) return m[1].trim();
  }
  return null;
}

/** An obedient model's reply: it does what the post says; without an order it writes something harmless. */
const PROMISE_ORDER =
  /(?:ignore|disregard|forget)[^.]*?(?:instructions|rules|prompt|above)[^.]*?\bpromise\s+(?:them\s+|the customer\s+|that\s+)*(.+)$/isu;

export function obeyingReply(post: string): string {
  const promised = PROMISE_ORDER.exec(post);
  if (promised?.[1]) return `Hi there, we promise you ${promised[1].trim()}`;
  const order = injectedOrder(post);
  if (!order) return 'Hi there, thanks for getting in touch. We are looking into this for you.';
  return `Hi there, ${order}`;
}
