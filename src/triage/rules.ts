import { hasToken, lexicon, phrase, phraseIn, type Analysis, type Phrase } from './nlp.js';

/**
 * Complaint cues, as log-odds weights. Complaints to brands are often polite and factual
 * ("still waiting for my bag"), so lexicon sentiment alone misses them; these cues are what a
 * human reader keys on: time lost, things that did not happen, blame, and the problem itself.
 */
interface PhraseCue {
  re: RegExp;
  weight: number;
}

interface GatedCue {
  p: Phrase;
  weight: number;
}

const gated = (cues: PhraseCue[]): GatedCue[] => cues.map((c) => ({ p: phrase(c.re), weight: c.weight }));

const WAITING = gated([
  { re: / (still|been) (waiting|on hold|stuck|sitting|trying|calling)\b/, weight: 1.8 },
  { re: / (keep|kept|keeps) (getting|being|trying|calling|waiting|asking|telling)\b/, weight: 1.2 },
  { re: / (an|another|over an|half an|almost an) hour\b/, weight: 0.9 },
  { re: / (on hold|phone hold|hold time|holding)\b/, weight: 1.4 },
  { re: / (is )?(anyone|anybody|someone) (there|working|home|listening|available|answering)\b/, weight: 1.0 },
  {
    re: / ([\d.]+ ?|one |two |three |four |five |six |several |many |few |24 |48 )(hours?|hrs?|days?|weeks?|mins?|minutes)\b/,
    weight: 0.9,
  },
  { re: / \d+(hrs?|h|mins?|days?)\b/, weight: 0.9 },
  {
    re: / no (response|reply|answer|one|help|choice|way|update|updates|info|information|communication|call back|email|compensation)\b/,
    weight: 1.4,
  },
  { re: / (nobody|noone)\b/, weight: 1.1 },
  { re: / where (is|are|was) (my|our)\b/, weight: 1.2 },
  { re: / day (\d+|two|three|four|five|six|seven|eight|nine|ten)\b/, weight: 0.9 },
  { re: / (finally|at last|every time|every single time)\b/, weight: 0.8 },
  { re: / (hung|hangs|hang|hanging) up\b/, weight: 1.2 },
  { re: / (yet )?again\b/, weight: 0.7 },
  { re: / (days?|times?|weeks?|nights?) in a row\b/, weight: 0.9 },
  { re: / still\b/, weight: 0.5 },
  { re: / (waited|waiting|wait time|call back|callback)\b/, weight: 0.6 },
]);

const BLAME = gated([
  {
    re: new RegExp(
      ' you (guys |people |all |have |just )?(lost|cancel\\w*|charged|broke|damaged|delayed|overbooked|ruined|left|' +
        'stranded|bumped|changed|moved|switched|sold|screwed|messed|ignored|forgot|keep|never|refuse\\w*|suck)\\b',
    ),
    weight: 1.4,
  },
  { re: / you people\b/, weight: 1.0 },
  { re: / how (is|was) (that|this)\b/, weight: 0.8 },
  { re: / (done with|fed up|sick of|tired of)\b/, weight: 1.2 },
  {
    re: / your (app|website|site|system|phone|customer service|service|policy|policies|agents?|staff|employees|reps?|representatives?)\b/,
    weight: 0.5,
  },
  { re: / (thanks|thank you) for nothing\b/, weight: 2.5 },
  { re: / (never|not) (again|flying|fly|book|booking)\b/, weight: 1.2 },
  { re: / (please|pls|plz) (help|fix|respond|reply|call|check|look into|do something)\b/, weight: 0.8 },
  { re: / (safety|security|health) (issue|concern|hazard|risk|problem)\b/, weight: 1.2 },
  { re: / (why|how come) (is|are|do|does|did|was|were|would|can|can not|is not|are not|has|have|no)\b/, weight: 0.6 },
]);

// Ways of saying something should have happened and did not; no negative word needed.
const COUNTERFACTUAL = gated([
  { re: / (should|supposed to|wish|would be nice|could have|instead|at least|atleast|expected|promised)\b/, weight: 0.7 },
  { re: / (need|needs|needed) to\b/, weight: 0.4 },
]);

// Counted once per distinct word: a post listing three problems is more surely a complaint than one naming one.
const PROBLEM_WORDS = lexicon(
  `broken broke cancel cancelled canceled cancellation delay delayed late lost missing crash outage stuck stranded
  overbooked damaged rude worst terrible horrible awful ridiculous unacceptable disappointed disappointing frustrated
  frustrating fail failed failure error glitch bug diverted misconnect complaint complain issue problem dirty filthy
  useless incompetent unprofessional nightmare mess waste wasted ruin ruined stolen ripped charged overcharged bumped
  sucks fix refused denied shameful shame bummed upset angry annoyed pathetic joke lack poor
  mistake wrong unable hassle disconnected expired sad unfortunately supposedly apparently sos hate disgusting fault
  nothing ignored excuse excuses downgrade extortion disorganized chaos smashed torn snapped cracked dented leaking
  deleted wiped erased declined crashes crashed freezes
  :( :-( 😡 😠 😤 😢 😭 🙄 👎 😩 😒 😞 😔`,
);
const PROBLEM_PHRASES = [
  / (charged|billed) (me )?(twice|double|two times)\b/,
  / double (charged|billed|booked)\b/,
  / missed (my )?(connection|flight)\b/,
  / (not|never) (working|work|loading|load)\b/,
  / is down\b/,
  / (customer|terrible|poor|bad) service\b/,
  / gave up\b/,
].map(phrase);

const SERVICE_VERBS = lexicon(
  `arrive work load let refund respond answer help get got receive show call fix accept allow honor honour reply send
  sent open connect book board take give return come came find found deliver process pick update log sign login hear
  heard contact reach tell told answers locate transfer change allowed going`,
);
// Negated words that are not complaints: "can't wait", "no problem", "couldn't be happier".
const NEGATION_OK = lexicon(`wait worry problem problems bad doubt hesitate forget be happier better complaint complaints mind`, {
  stems: false,
});
const NEGATORS = new Set(['not', 'never', 'no', 'nobody', 'noone']);

const STRONG_PRAISE = lexicon(
  `love loved great awesome amazing best kudos excellent wonderful fantastic shoutout smooth friendly helpful perfect
  brilliant outstanding impressed glad happy nice incredible superb easiest easy seamless comfortable lovely pleasant
  recommend recommended efficient caring courteous ❤ ❤️ 👍 😊 😀 😁 🙌 😍 👏 💙 ♥`,
  { stems: false },
);
// Said just as often to close a complaint or a request, so they count for less.
const POLITE = lexicon(`thanks thank thx appreciate appreciated 🙏`, { stems: false });
const PRAISE_PHRASES = [
  / shout out\b/,
  / well done\b/,
  / good job\b/,
  / can not thank\b/,
  / above and beyond\b/,
  / made (my|her|his|our|their) (day|trip)\b/,
  / (huge|big|many|special) thanks\b/,
  / thank you so much\b/,
  / (so|very|really|incredibly) (kind|patient|professional)\b/,
].map(phrase);

// Marks of sarcasm: the upside-down and eye-roll faces, scare quotes, and stock phrases said about a bad turn.
const SARCASM_MARKS =
  /🙃|🙄|😒|😑|(?:^|\s)\/s(?:\s|$)|#sarcasm|["“][^"”]{2,40}["”]|\b(?:yeah right|oh great|oh joy|just what i (?:needed|wanted)|thanks a lot|thanks for nothing|love (?:how|it when|that)|so glad|what a surprise|how nice|great job|well done|my favou?rite|as always|amazing)\b/i;

export function sarcasmMarks(text: string): number {
  return SARCASM_MARKS.test(text) ? 1 : 0;
}

export interface ComplaintCues {
  probability: number;
  /** The separate cue groups, for the model's hand features and for reasons. */
  waiting: number;
  blame: number;
  counterfactual: number;
  negatedAction: number;
  problemWords: number;
  praise: number;
  /** 0–1: shouting in capitals, "!!!", "??". */
  intensity: number;
}

function sumPhrases(a: Analysis, cues: GatedCue[]): number {
  let total = 0;
  for (const cue of cues) if (phraseIn(cue.p, a)) total += cue.weight;
  return total;
}

function countProblems(a: Analysis): number {
  // Made on the first hit only: most posts name no problem word.
  let seen: Set<string> | null = null;
  for (let i = 0; i < a.normals.length; i += 1) {
    if (hasToken(PROBLEM_WORDS, a, i)) (seen ??= new Set()).add(a.stems[i] ?? '');
  }
  let count = seen?.size ?? 0;
  for (const p of PROBLEM_PHRASES) if (phraseIn(p, a)) count += 1;
  return count;
}

/**
 * Something that did not happen: "didn't arrive", "can't log in", "nobody answers". A service verb
 * within three words after a negator is a strong cue; any other word in wink-nlp's negation scope
 * (bar "can't wait"-style exceptions) a weak one. wink does not scope "nobody", so that needs no flag.
 */
function negatedAction(a: Analysis): number {
  let best = 0;
  for (let i = 0; i < a.normals.length; i += 1) {
    const negator = a.normals[i] ?? '';
    if (!NEGATORS.has(negator)) continue;
    const scoped = negator === 'nobody' || negator === 'noone';
    for (let j = i + 1; j <= i + 3 && j < a.normals.length; j += 1) {
      if (a.types[j] !== 'word') break;
      if (!(a.negated[j] || scoped) || hasToken(NEGATION_OK, a, j)) continue;
      best = Math.max(best, hasToken(SERVICE_VERBS, a, j) ? 2.0 : 0.9);
    }
  }
  return best;
}

function praiseScore(a: Analysis): number {
  let score = 0;
  for (let i = 0; i < a.normals.length; i += 1) {
    if (a.negated[i]) continue;
    if (hasToken(STRONG_PRAISE, a, i)) score += 1.1;
    else if (hasToken(POLITE, a, i)) score += 0.5;
  }
  for (const p of PRAISE_PHRASES) if (phraseIn(p, a)) score += 1.1;
  return score;
}

export function intensityOf(a: Analysis, text: string): number {
  let capsWords = 0;
  let words = 0;
  for (let i = 0; i < a.values.length; i += 1) {
    if (a.types[i] !== 'word') continue;
    words += 1;
    const v = a.values[i] ?? '';
    // Four letters or more so airport codes (LAX, JFK) and "DM" don't count as shouting.
    // A word starting with a-z is not in capitals: checked first, since toUpperCase makes a new string.
    const c0 = v.charCodeAt(0);
    if (v.length >= 4 && !(c0 >= 97 && c0 <= 122) && v === v.toUpperCase() && /\p{Lu}/u.test(v)) capsWords += 1;
  }
  let score = 0;
  if (capsWords >= 2 || (words >= 3 && capsWords / words > 0.5)) score += 0.6;
  if (/!{2,}|\?{2,}|[?!]{3,}|\?!|!\?/.test(text)) score += 0.4;
  return Math.min(1, score);
}

const QUESTION_START = new Set(
  'who what when where why which whose how can could does is are was will would should may any anyone has have did'.split(' '),
);

/**
 * `masked` for the question mark (links and handles gone), `raw` for the first word: masking the
 * brand would turn "Acme Air will add a route" into "will add a route", which reads as a question.
 */
export function isQuestion(masked: string, raw: string): boolean {
  if (masked.indexOf('?') >= 0 && (/\?[^\p{L}\p{N}]*$/u.test(masked) || /\?\s/.test(masked))) return true;
  const lead = raw.replace(/^(?:\s*[@#.]\S*)+\s*/u, '');
  // Most posts do not open with a question word, which the first letters tell without lower-casing the whole post.
  if (!QUESTION_START.has(asciiFirstWord(lead) ?? firstWord(lead.toLowerCase()))) return false;
  // "Can't believe…" and "Isn't it…" open complaints, not questions.
  return !/^\p{L}+(?:n['’]?t|\s+not)\b/u.test(lead.toLowerCase());
}

function firstWord(lower: string): string {
  return /^\p{L}+/u.exec(lower)?.[0] ?? '';
}

/**
 * firstWord(lead.toLowerCase()) when `lead` opens with ASCII letters followed by an ASCII
 * non-letter (or nothing): lower-casing maps those one to one and the word ends there. Null
 * when the word runs into anything else, which lower-casing might change.
 */
function asciiFirstWord(lead: string): string | null {
  let k = 0;
  for (; k < lead.length; k += 1) {
    const c = lead.charCodeAt(k) | 32;
    if (c < 97 || c > 122) break;
  }
  if (k < lead.length && lead.charCodeAt(k) > 0x7f) return null;
  return lead.slice(0, k).toLowerCase();
}

const BIAS = -2.0;

export function complaintCues(a: Analysis, text: string, question: boolean, rating: number | null): ComplaintCues {
  const problemWords = countProblems(a);
  const praise = praiseScore(a);
  const intensity = intensityOf(a, text);
  const waiting = sumPhrases(a, WAITING);
  const blame = sumPhrases(a, BLAME);
  const counterfactual = sumPhrases(a, COUNTERFACTUAL);
  const negated = negatedAction(a);
  let logit = BIAS + waiting + blame + counterfactual;
  logit += Math.min(3, problemWords) * 1.4 + negated;
  if (question && problemWords > 0) logit += 0.6;
  logit += intensity * (problemWords > 0 || a.docScore < 0 ? 1.2 : 0.4);
  logit -= Math.min(2.5, praise);
  // A negative lexicon verdict is one more cue. A positive one is not counter-evidence: wink rates
  // "still", "waiting", "help" and "please" as positive; real praise is counted above instead.
  if (a.docScore < 0) logit += Math.min(1.5, -a.docScore * 2.5);
  if (rating !== null) logit += rating <= 1 ? 3 : rating <= 2 ? 2 : rating >= 4 ? -2 : 0;
  return {
    probability: 1 / (1 + Math.exp(-logit)),
    waiting,
    blame,
    counterfactual,
    negatedAction: negated,
    problemWords,
    praise,
    intensity,
  };
}
