import type { TriageResult } from '../triage-types.js';

/**
 * Which situation a reply is for. Triage gives the category, language, question and irony; the
 * words of the post decide what triage does not model: a lawyer, a reporter or a safety report
 * (holding reply), a follow-up ("third time asking", "day 19"), a rhetorical question
 * ("Seriously?") that wants an acknowledgement rather than "good question!".
 */

export type Escalation = 'legal' | 'press' | 'safety';

export interface Situation {
  escalation: Escalation | null;
  praise: boolean;
  /** Sarcasm, irony or an annoyed rhetorical question: no cheerfulness. */
  careful: boolean;
  /** Negative or a complaint: the apology comes before any answer. */
  upset: boolean;
  /** A question that wants an answer (not a rhetorical one). */
  asking: boolean;
  /** They are chasing us: this post or their history says so. */
  followUp: boolean;
  /** How many times they have now contacted us about it (2 = second), when known. */
  contactNumber: number | null;
}

const LEGAL =
  /\b(?:lawyer|lawyers|solicitor|attorney|sue|suing|lawsuit|legal action|small claims|court|anwalt|anwältin|rechtsanwalt|abogad[oa]|avocat|advogad[oa]|avvocat[oa]|demanda)\b/iu;
const PRESS =
  /\b(?:reporter|journalist|press office|for comment|to comment|newspaper|editor|our readers|on the record|media enquiry|periodista|journaliste|journalist(?:in)?|redaktion)\b/iu;
const SAFETY =
  /\b(?:safety|unsafe|dangerous|emergency exit|exit row|injur(?:y|ed|ies)|hurt|smoke|fire|aviation authority|faa|caa|easa|seguridad|sécurité|sicherheit)\b/iu;

const PRAISE =
  /\b(?:thank(?:s| you)|appreciated?|well done|nice\.?$|made (?:her|his|my|our) day|above and beyond|great job|brilliant|faster than promised|so kind|gracias|merci|danke)\b/imu;
const COMPLAINT_WORDS =
  /\b(?:not|never|no|nobody|still|waiting|worst|rude|lost|broken|late|delay(?:ed)?|cancel(?:l?ed)?|charged?|again|why|terrible|awful)\b/iu;

const RHETORICAL = [
  /\bseriously\s*\?/i,
  /\breally\s*\?\s*$/im,
  /\bare you (?:kidding|joking|serious)\b/i,
  /\bhow is (?:that|this) (?:a|an|okay|ok|fair|acceptable)\b/i,
  /\bwhat a joke\b/i,
  /\b(?:located|fixed|sorted|helpful) where\?/i,
  /\bwhy (?:is|are) there (?:no|nobody|no one)\b/i,
  /\bthanks for nothing\b/i,
];
const SHOUTING = /\b[A-Z]{3,}\b(?:[^a-z]*\b[A-Z]{3,}\b){3,}/;

const ORDINAL_WORDS: Record<string, number> = {
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  '2nd': 2,
  '3rd': 3,
  '4th': 4,
  '5th': 5,
};
// "third time asking", "asking for the third time": the person counting their own messages, not "the captain said it for the third time".
const NTH_TIME =
  /\b(second|third|fourth|fifth|sixth|seventh|2nd|3rd|4th|5th)\s+time\s+(?:asking|i(?:['’]ve| have)? (?:asked|written|messaged|tweeted|contacted|called)|writing|messaging|contacting|tweeting|chasing)\b|\b(?:asking|contacting|writing to|messaging|chasing) (?:you |this )?for the (second|third|fourth|fifth|sixth|seventh)\s+time\b/i;
const TIMES_ASKED = /\basked (?:you )?(twice|\d+ times|three times|four times)\b/i;
const FOLLOW_UP = [
  /\bfollowing up\b/i,
  /\bstill (?:no|not|haven['’]t|hasn['’]t|nothing)\b[^.?!]{0,40}\b(?:reply|replied|answer|answered|response|responded|heard|contacted|back|refund|update)\b/i,
  /\bstill waiting\s*(?:[.!]|$|for (?:a|an|any|my|the) (?:reply|answer|response|refund|callback|call))/im,
  /\b(?:nobody|no one|no-one) (?:has )?(?:answered|replied|responded|got back|contacted|called)\b/i,
  /\bday (?:\d{1,3}|two|three|four|five|six|seven|eight|nine|ten)\b/i,
  /\bit['’]?s been \d+ (?:days|weeks)\b/i,
  /\b(?:asking|asked) again\b/i,
  /\bmy earlier (?:request|message|post|tweet)\b/i,
];

function contactFromText(text: string): number | null {
  const nth = NTH_TIME.exec(text);
  if (nth) return ORDINAL_WORDS[(nth[1] ?? nth[2] ?? '').toLowerCase()] ?? null;
  const times = TIMES_ASKED.exec(text);
  if (times) {
    const said = (times[1] ?? '').toLowerCase();
    const n = said === 'twice' ? 2 : said.startsWith('three') ? 3 : said.startsWith('four') ? 4 : Number.parseInt(said, 10);
    return Number.isFinite(n) ? n + 1 : null;
  }
  return null;
}

export function escalationOf(text: string, category: string): Escalation | null {
  if (PRESS.test(text)) return 'press';
  if (LEGAL.test(text)) return 'legal';
  if (SAFETY.test(text)) return 'safety';
  // Triage saw risk the words above missed: a person still takes it, with the safety line.
  return category === 'safety_legal_press' ? 'safety' : null;
}

export interface HistoryCounts {
  /** Their earlier posts in the last 30 days (any source of the platform). */
  recentMentions: number;
}

export interface ThreadHints {
  /** The post replies to another post (usually their own earlier one). */
  isReply: boolean;
  /** One of their recent posts is about the same topic. */
  sameTopicEarlier: boolean;
}

/**
 * Their history counts as "asking again" only when this post is about the same thing: it
 * continues a thread, says it is chasing, or repeats a topic of theirs from the last 30 days. Someone
 * who wrote about a broken stroller yesterday is not on their second request about a seat fee.
 */
export function situationOf(
  text: string,
  triage: TriageResult,
  history: HistoryCounts,
  hints: ThreadHints = { isReply: false, sameTopicEarlier: false },
): Situation {
  const escalation = escalationOf(text, triage.category);
  const rhetorical = RHETORICAL.some((re) => re.test(text)) || SHOUTING.test(text);
  const careful = rhetorical || (triage.irony ?? 0) >= 0.5;
  const praiseWords = PRAISE.test(text) && !COMPLAINT_WORDS.test(text.replace(PRAISE, ''));
  const praise =
    !careful &&
    escalation === null &&
    (triage.category === 'praise' || praiseWords || (triage.sentiment === 'positive' && !triage.complaint));
  const said = contactFromText(text);
  const chasing = FOLLOW_UP.some((re) => re.test(text));
  const related = chasing || hints.isReply || hints.sameTopicEarlier;
  const fromHistory = related && history.recentMentions > 0 ? history.recentMentions + 1 : null;
  const contactNumber = said ?? fromHistory;
  const followUp = contactNumber !== null || chasing;
  return {
    escalation,
    praise,
    careful,
    upset: triage.sentiment === 'negative' && triage.complaint,
    asking: triage.question && !rhetorical,
    followUp,
    contactNumber,
  };
}
