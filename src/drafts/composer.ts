import type { BrandConfig, PlaybookConfig } from '../config/schema.js';
import type { Mention } from '../mention.js';
import type { AuthorHistory } from '../store/drafts.js';
import type { ActionSnippet, SnippetSet, TopicSnippet } from '../config/playbook.js';
import { LANGUAGE_NAMES } from '../triage/language.js';
import type { TriageResult } from '../triage-types.js';
import { fillSlots, joinParts, type SlotValues } from './fill.js';
import { situationOf, type Situation } from './situation.js';
import { postFacts, type DetailKind, type PostFacts } from './slots.js';

export const NO_HISTORY: AuthorHistory = { priorMentions: 0, recentMentions: 0, repliesSent: 0, recentTexts: [] };

export interface ComposeInput {
  mention: Mention;
  triage: TriageResult;
  brand: BrandConfig;
  playbook: PlaybookConfig;
  history: AuthorHistory;
  /** The author's first name, already made safe (see playbook/draft.ts sanitizeName). */
  name: string;
  handle: string;
}

export interface Composed {
  text: string;
  /** The language the reply is written in. */
  language: string;
  /** The situations and snippets used, for the inbox ("repeat contact", "topic: damaged_item"). */
  used: string[];
  /** Said to the responder, not to the customer: "written in English: no Italian snippets". */
  notes: string[];
  facts: PostFacts;
  missing: string[];
}

const DEFAULT_ORDINALS = ['second', 'third', 'fourth', 'fifth', 'sixth', 'seventh'];

function pickLanguage(playbook: PlaybookConfig, language: string): { code: string; set: SnippetSet; notes: string[] } | null {
  const own = playbook.snippets[language];
  if (own) return { code: language, set: own, notes: [] };
  const fallback = playbook.snippets[playbook.language];
  if (!fallback) return null;
  const name = LANGUAGE_NAMES[language] ?? language;
  const mainName = LANGUAGE_NAMES[playbook.language] ?? playbook.language;
  const why =
    language === 'und' ? "the post's language was not recognised" : `the post is in ${name} and the playbook has no ${name} snippets`;
  return { code: playbook.language, set: fallback, notes: [`written in ${mainName}: ${why}`] };
}

/**
 * Cues come from the playbook, so a handful of patterns serve every post: compiling them anew for
 * each topic of each draft was 30% of composing one (and composing, most of a worker's time per
 * item with the demo playbook). Bounded so that playbooks edited many times over do not pile up.
 */
const cueCache = new Map<string, RegExp>();

function cueRe(cue: string): RegExp {
  let re = cueCache.get(cue);
  if (!re) {
    if (cueCache.size >= 5_000) cueCache.clear();
    cueCache.set(cue, (re = compileCue(cue)));
  }
  return re;
}

function compileCue(cue: string): RegExp {
  const words = cue
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .map((w) => (w.endsWith('*') ? `${escapeRe(w.slice(0, -1))}[\\p{L}'’-]*` : escapeRe(w)));
  return new RegExp(`(?<![\\p{L}\\p{N}])${words.join('\\s+')}(?![\\p{L}\\p{N}])`, 'iu');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The topic with the most cue hits in the post (then in their recent posts), among those allowed for the category. */
export function matchTopic(topics: readonly TopicSnippet[], category: string, texts: readonly string[]): TopicSnippet | null {
  for (const text of texts) {
    let best: TopicSnippet | null = null;
    let bestHits = 0;
    for (const topic of topics) {
      if (topic.categories && !topic.categories.includes(category)) continue;
      const hits = topic.when.filter((cue) => cueRe(cue).test(text)).length;
      if (hits > bestHits) {
        best = topic;
        bestHits = hits;
      }
    }
    if (best) return best;
  }
  return null;
}

function ordinal(set: SnippetSet, n: number): string {
  const words = set.ordinals.length ? set.ordinals : DEFAULT_ORDINALS;
  return words[n - 2] ?? words[words.length - 1] ?? String(n);
}

function slotValues(input: ComposeInput, facts: PostFacts, sit: Situation, set: SnippetSet): SlotValues {
  const s = facts.slots;
  return {
    name: input.name,
    brand: input.brand.name,
    handle: input.handle,
    flight: s.flight,
    booking: s.booking,
    order: s.order,
    ticket: s.ticket,
    item: s.item,
    product: s.product,
    date: s.date,
    waited: s.waited,
    place: s.place,
    amount: s.amount,
    ordinal: sit.contactNumber !== null && sit.contactNumber >= 2 ? ordinal(set, sit.contactNumber) : undefined,
  };
}

interface Plan {
  parts: string[];
  used: string[];
}

/** The action, with its ask replaced by "you already sent it" when they did. */
function actionParts(action: ActionSnippet, set: SnippetSet, facts: PostFacts, sit: Situation, plan: Plan): void {
  const answer = sit.asking && action.answer ? action.answer : null;
  if (answer) plan.used.push('answer');
  // A question gets its answer first; an upset person gets the apology first, then the answer.
  if (answer && !sit.upset) plan.parts.push(answer, action.say);
  else if (answer) plan.parts.push(action.say, answer);
  else plan.parts.push(action.say);
  if (!action.ask) return;
  const kind = (action.asks ?? 'details') as DetailKind;
  if (facts.given.has(kind)) {
    if (set.alreadySent) {
      const given = set.details[kind] ?? set.details['details'] ?? kind;
      plan.parts.push(set.alreadySent.replaceAll('{given}', given));
    }
    plan.used.push(`already given: ${kind}`);
    return;
  }
  plan.parts.push(action.ask);
}

function planReply(input: ComposeInput, set: SnippetSet, facts: PostFacts, sit: Situation): Plan {
  const plan: Plan = { parts: [], used: [] };
  const { triage, mention } = input;
  if (sit.escalation && set.escalation[sit.escalation]) {
    if (sit.followUp && set.repeatContact && sit.contactNumber) plan.parts.push(set.repeatContact);
    plan.parts.push(set.escalation[sit.escalation] as string);
    plan.used.push(`escalation: ${sit.escalation}`);
    return plan;
  }
  if (sit.praise && set.thanks) {
    plan.parts.push(set.thanks);
    plan.used.push('thanks');
    return plan;
  }
  // Their earlier posts name the topic only when this one continues them ("day 19. Still waiting.").
  const thread = sit.followUp || mention.inReplyToId !== null ? input.history.recentTexts : [];
  const topic = matchTopic(set.topics, triage.category, [mention.text, ...thread]);
  if (sit.followUp && sit.contactNumber !== null && sit.contactNumber >= 2 && set.repeatContact) {
    plan.parts.push(set.repeatContact);
    plan.used.push('repeat contact');
  }
  if (sit.careful && set.sarcasm) {
    plan.parts.push(set.sarcasm);
    plan.used.push('careful (sarcasm or annoyed question)');
  }
  const action = topic ?? set.actions[triage.category] ?? set.actions['default'];
  if (topic) plan.used.push(`topic: ${topic.id}`);
  else if (action) plan.used.push(`action: ${set.actions[triage.category] ? triage.category : 'default'}`);
  if (sit.asking && !topic && !action?.answer && set.question) {
    plan.parts.push(set.question);
    plan.used.push('question');
  }
  if (action) actionParts(action, set, facts, sit, plan);
  return plan;
}

/**
 * Builds a reply from the playbook's snippets for this situation, in the post's language when
 * the playbook has it. Null when the playbook has no snippets at all (templates only).
 */
export function compose(input: ComposeInput): Composed | null {
  const chosen = pickLanguage(input.playbook, input.triage.language);
  if (!chosen) return null;
  const { set } = chosen;
  const facts = postFacts(input.mention.text, input.history.recentTexts);
  const topic = matchTopic(set.topics, input.triage.category, [input.mention.text]);
  const sameTopicEarlier =
    topic !== null && input.history.recentTexts.some((t) => matchTopic([topic], input.triage.category, [t]) !== null);
  const sit = situationOf(input.mention.text, input.triage, input.history, {
    isReply: input.mention.inReplyToId !== null,
    sameTopicEarlier,
  });
  const plan = planReply(input, set, facts, sit);
  const values = slotValues(input, facts, sit, set);
  const missing: string[] = [];
  const greeting = fillSlots(input.name ? set.greeting : (set.greetingNoName ?? set.greeting.replace(/\s*\{name\}/, '')), values, missing);
  const body = plan.parts.map((p) => fillSlots(p, values, missing));
  let text = joinParts(greeting, body, chosen.code === 'de');
  const signature = (set.signature ?? input.playbook.signature).trim();
  if (signature) text = `${text}\n${fillSlots(signature, values, missing)}`;
  return { text, language: chosen.code, used: plan.used, notes: chosen.notes, facts, missing };
}
