/**
 * What a post says that a reply can use or must not ask for again: reference numbers, the item,
 * dates, how long they have waited, and details they say they already sent. Plain patterns over
 * the text, so they work offline and the same way in the eval and in the inbox.
 */

export type DetailKind = 'booking' | 'order' | 'flight' | 'ticket' | 'email' | 'phone' | 'account' | 'details';

export interface Slots {
  flight?: string;
  booking?: string;
  order?: string;
  ticket?: string;
  /** The thing the post is about: "stroller", "suitcase", "the app". */
  item?: string;
  product?: string;
  date?: string;
  /** How long they say they have waited: "18 days", "2 hours". */
  waited?: string;
  place?: string;
  amount?: string;
}

export interface PostFacts {
  slots: Slots;
  /** Details the post contains or says were already sent (here or by DM). */
  given: Set<DetailKind>;
}

const MONTH = String.raw`(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?`;
const DATE_RES = [
  new RegExp(String.raw`\b${MONTH}\s+\d{1,2}(?:st|nd|rd|th)?\b`, 'i'),
  new RegExp(String.raw`\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?${MONTH}\b`, 'i'),
  /\b\d{1,2}\/\d{1,2}(?:\/\d{2,4})?\b/,
];
const FLIGHT_RES = [/\b(?:flight|vuelo|flug|vol|voo|volo)\s*(?:no\.?|number|#)?\s*([A-Z]{0,2}\d{2,4})\b/i, /\b([A-Z]{2}\d{2,4})\b/];
const BOOKING_RE =
  /\b(?:booking|confirmation|reservation|record locator|pnr|buchung|reserva|réservation)\s*(?:ref(?:erence)?|code|number|no\.?|#|nummer|número)?\s*(?:is|:|#)?\s*([A-Z0-9]{5,8})\b/i;
const ORDER_RE = /\border\s*(?:number|no\.?|id|#)?\s*(?:is|:)?\s*#?\s*([A-Z0-9-]{5,20})\b/i;
const TICKET_RE = /\b(?:ticket|case|claim|file|reference|ref)\s*(?:number|no\.?|id|#)?\s*(?:is|:)?\s*#?\s*([A-Z0-9-]*\d[A-Z0-9-]{3,})\b/i;
const EMAIL_RE = /\b[\w.+-]+@[\w-]+\.[\w.]+\b/;
const PHONE_RE = /(?:\+\d[\d\s().-]{7,}\d|\b\d{3}[\s.-]\d{3}[\s.-]\d{4}\b)/;
const WAITED_RE =
  /\b(?:(?:it'?s|it has) been|for|waiting|waited|day)\s+(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|\d+\+?)\s*(hours?|days?|weeks?|months?|hrs?)?\b/i;
const DAY_N_RE = /\bday\s+(\d{1,3}|two|three|four|five|six|seven|eight|nine|ten)\b/i;
const AMOUNT_RE = /(?:[$£€]\s?\d+(?:[.,]\d{2})?|\b\d+(?:[.,]\d{2})?\s?(?:euros?|eur|dollars?|usd|pounds?|gbp|bucks)\b|\bwants?\s+(\d+)\b)/i;
const PLACE_RE = /\b(?:from|to|at|in|en|de|nach|in)\s+([A-Z][a-zà-ÿ]+(?:\s[A-Z][a-zà-ÿ]+)?)/;
const NOT_PLACES = new Set([
  'Gate',
  'Terminal',
  'The',
  'I',
  'My',
  'Acme',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
  'March',
  'December',
  'November',
]);

// Things people write about, most specific first; the first one found names the item.
const ITEMS = [
  'car seat',
  'stroller',
  'pushchair',
  'pram',
  'buggy',
  'wheelchair',
  'suitcase',
  'luggage',
  'bag',
  'backpack',
  'guitar',
  'laptop',
  'package',
  'parcel',
  'order',
  'teddy',
  'phone',
  'router',
  'modem',
  'app',
  'website',
  'card',
  'seat',
  'refund',
  'voucher',
  'koffer',
  'maleta',
  'valise',
  'gepäck',
];
// Letters with digits or an inner capital: iPhone, PS4, Galaxy S8, XPS13.
const PRODUCT_RE = /\b((?:[a-z]+[A-Z][A-Za-z]*|[A-Z][A-Za-z]*\d+[A-Za-z]*|[A-Z]{2,}\d+)(?:\s(?:\d+|[A-Z]\d*|Pro|Max|Plus|Mini))?)\b/;

function first(text: string, re: RegExp, group = 1): string | undefined {
  const m = re.exec(text);
  return m ? (m[group] ?? m[0]).trim() : undefined;
}

const ITEM_RES = ITEMS.map((item) => [item, new RegExp(`\\b${item}s?\\b`, 'u')] as const);

function findItem(lower: string): string | undefined {
  for (const [item, re] of ITEM_RES) if (re.test(lower)) return item;
  return undefined;
}

function waitedOf(text: string): string | undefined {
  const dayN = DAY_N_RE.exec(text);
  if (dayN) return `${dayN[1]} days`;
  const m = WAITED_RE.exec(text);
  if (!m || !m[2]) return undefined;
  const unit = m[2].toLowerCase().startsWith('hr') ? 'hours' : m[2].toLowerCase();
  return `${m[1]} ${unit.endsWith('s') || m[1] === '1' || m[1] === 'one' ? unit : `${unit}s`}`;
}

function flightOf(text: string): string | undefined {
  for (const re of FLIGHT_RES) {
    const found = first(text, re);
    if (found && /\d/.test(found)) return found.toUpperCase();
  }
  return undefined;
}

export function extractSlots(text: string): Slots {
  const lower = text.toLowerCase();
  const slots: Slots = {};
  const set = (key: keyof Slots, value: string | undefined) => {
    if (value) slots[key] = value;
  };
  set('flight', flightOf(text));
  const booking = first(text, BOOKING_RE);
  if (booking && /\d/.test(booking) && /[A-Z]/i.test(booking)) set('booking', booking.toUpperCase());
  set('order', first(text, ORDER_RE));
  set('ticket', first(text, TICKET_RE));
  set('item', findItem(lower));
  const product = first(text, PRODUCT_RE);
  if (product && product !== slots.flight && product !== slots.booking) set('product', product);
  for (const re of DATE_RES) {
    const d = first(text, re, 0);
    if (d) {
      set('date', d);
      break;
    }
  }
  set('waited', waitedOf(text));
  const place = first(text, PLACE_RE);
  if (place && !NOT_PLACES.has(place.split(' ')[0] ?? '')) set('place', place);
  const amount = AMOUNT_RE.exec(text);
  if (amount) set('amount', (amount[1] ?? amount[0]).trim());
  return slots;
}

const SENT_RE =
  /\b(?:i|we)(?:'ve|’ve| have| had)?\s+(?:already\s+|just\s+)?(?:sent|send|gave|given|provided|dm'?d|dm'?ed|messaged|emailed|shared|submitted|filled (?:in|out))\b(.{0,60})/giu;
const SENT_NO_OBJECT_RE =
  /\b(?:i|we)(?:'ve|’ve| have)?\s+(?:already\s+)?(?:dm'?e?d|direct messaged|messaged) (?:you|u|them)\b|\b(?:check|see|read) (?:your|ur) (?:dms?|inbox|messages)\b|\bin (?:the|my|a) dm\b|\bsent (?:you )?a dm\b/iu;
const OBJECT_KINDS: Array<[RegExp, DetailKind]> = [
  [/\b(?:booking|reservation|confirmation|pnr|locator)\b/i, 'booking'],
  [/\border\b/i, 'order'],
  [/\bflight\b/i, 'flight'],
  [/\b(?:ticket|case|claim|file|reference|ref)\b/i, 'ticket'],
  [/\be-?mail\b/i, 'email'],
  [/\b(?:phone|number|mobile)\b/i, 'phone'],
  [/\baccount\b/i, 'account'],
];

/** Details the person says they already sent, anywhere in `texts` (this post and their earlier ones). */
export function saidSent(texts: readonly string[]): Set<DetailKind> {
  const given = new Set<DetailKind>();
  for (const text of texts) {
    for (const m of text.matchAll(SENT_RE)) {
      const object = m[1] ?? '';
      let named = false;
      for (const [re, kind] of OBJECT_KINDS) {
        if (re.test(object)) {
          given.add(kind);
          named = true;
          // "the booking reference" is the booking, not a ticket number too.
          if (kind === 'booking') break;
        }
      }
      if (!named || /\b(?:details|info|information|dms?|message|everything|all)\b/i.test(object)) given.add('details');
    }
    if (SENT_NO_OBJECT_RE.test(text)) given.add('details');
  }
  return given;
}

/** Facts about one post, with the details its author gave here or earlier. */
export function postFacts(text: string, earlier: readonly string[] = []): PostFacts {
  const slots = extractSlots(text);
  const given = saidSent([text, ...earlier]);
  if (slots.booking) given.add('booking');
  if (slots.order) given.add('order');
  if (slots.flight) given.add('flight');
  if (slots.ticket) given.add('ticket');
  if (EMAIL_RE.test(text)) given.add('email');
  if (PHONE_RE.test(text)) given.add('phone');
  for (const e of earlier) {
    const s = extractSlots(e);
    if (s.booking) given.add('booking');
    if (s.order) given.add('order');
  }
  // Having given their booking (or order) reference, nobody should be asked for "the details" again.
  if (given.has('booking') || given.has('order')) given.add('details');
  return { slots, given };
}

const ASK_RE =
  /\b(?:dm|direct message|message|send|share|provide|give|tell|confirm|reply with|follow (?:us|and dm)|what(?:'s| is| was)|can you|could you|please)\b[^.?!]{0,50}?\b(?:your|the|a|an)\b[^.?!]{0,30}?\b(booking|reservation|confirmation|order|flight|ticket|case|reference|e-?mail|phone|number|account|details|info|information)\b/giu;

/**
 * What a reply asks the person for. Any "DM us" counts as asking for details: to someone who
 * says they already messaged, it reads as not having looked.
 */
export function asksFor(reply: string): Set<DetailKind> {
  const asked = new Set<DetailKind>();
  for (const m of reply.matchAll(ASK_RE)) {
    const word = (m[1] ?? '').toLowerCase();
    const kind = OBJECT_KINDS.find(([re]) => re.test(word))?.[1];
    if (kind) asked.add(kind);
    if (!kind || /\b(?:dm|direct message|message)\b/i.test(m[0])) asked.add('details');
  }
  if (
    /\b(?:dm|direct message|private message|message) us\b|\bsend us a (?:dm|direct message|private message)\b|\bslide into (?:our|the) dms\b/i.test(
      reply,
    )
  )
    asked.add('details');
  return asked;
}

/** Whether `reply` asks for a detail the post (or the author's earlier posts) already gave. */
export function asksForGiven(reply: string, facts: PostFacts): boolean {
  for (const kind of asksFor(reply)) if (facts.given.has(kind)) return true;
  return false;
}
