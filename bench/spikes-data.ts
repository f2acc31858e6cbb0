import { readFileSync } from 'node:fs';
import type { BrandConfig } from '../src/config/schema.js';
import { toMention, type Mention } from '../src/mention.js';
import { readCsvObjects } from '../src/text/csv.js';

export const AIRLINES: Array<BrandConfig & { label: string }> = [
  { id: 'united', label: 'United', name: 'United', keywords: ['United Airlines'], handles: ['@united'], hashtags: [] },
  { id: 'usairways', label: 'US Airways', name: 'US Airways', keywords: ['USAirways'], handles: ['@USAirways'], hashtags: [] },
  { id: 'american', label: 'American', name: 'American Airlines', keywords: ['AmericanAir'], handles: ['@AmericanAir'], hashtags: [] },
  { id: 'southwest', label: 'Southwest', name: 'Southwest', keywords: ['SouthwestAir'], handles: ['@SouthwestAir'], hashtags: [] },
  { id: 'delta', label: 'Delta', name: 'Delta', keywords: ['JetBlue', 'Delta'], handles: ['@JetBlue', '@Delta'], hashtags: [] },
  { id: 'virgin', label: 'Virgin America', name: 'Virgin America', keywords: ['VirginAmerica'], handles: ['@VirginAmerica'], hashtags: [] },
];

function mention(brandId: string, nativeId: string, author: string, text: string, at: number, followers: number | null = null): Mention {
  const built = toMention({
    platform: 'twitter',
    sourceId: 'twitter',
    brandId,
    nativeId,
    url: `https://twitter.example/${author}/status/${nativeId}`,
    text,
    lang: 'en',
    createdAt: new Date(at).toISOString(),
    author: { id: author.toLowerCase(), handle: author, name: author, followers, url: null },
    inReplyToId: null,
    engagement: { replies: 0, reposts: 0, likes: 0 },
    rating: null,
    replyRef: {},
  });
  if (!built.ok) throw new Error(built.reason);
  return built.mention;
}

/** The dev split in time order; "2015-02-24 11:35:52 -0800" parsed with its offset. */
export function loadAirline(file: string): Mention[] {
  const byLabel = new Map(AIRLINES.map((a) => [a.label, a.id]));
  const out: Mention[] = [];
  for (const row of readCsvObjects(readFileSync(file, 'utf8'))) {
    const brand = byLabel.get(row['airline'] ?? '');
    const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})$/.exec(row['tweet_created'] ?? '');
    if (!brand || !m || !row['text']) continue;
    const at = Date.parse(`${m[1]}T${m[2]}${m[3]}:${m[4]}`);
    out.push(mention(brand, `t${row['tweet_id']}`, row['name'] || 'anon', row['text'], at, 100));
  }
  // The set keeps a few rows twice (same tweet id); the store would keep one.
  const unique = [...new Map(out.map((m) => [m.id, m])).values()];
  return unique.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
}

/** A little random that is the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const OPENERS = ['', 'so ', 'wow ', 'seriously ', 'ugh ', 'hey ', 'again? ', 'lol '];
const BURST = [
  'the inflight wifi outage is still on, nothing loads',
  'is the wifi outage fleetwide? offline since takeoff',
  'wifi outage on my flight, paid for wifi and got nothing',
  'any update on the wifi outage? cannot work on board',
  'third flight this week with the wifi outage, refund the wifi please',
  'wifi outage again. the crew says it is every plane',
];

/**
 * The synthetic storm: 200 posts about a topic the brand never had (an inflight wifi outage)
 * by 150 authors over 20 minutes: 100 post once and 50 twice.
 */
export function burst(brand: BrandConfig, start: number): Mention[] {
  const r = rng(7);
  const handle = brand.handles[brand.handles.length - 1] ?? '';
  const authors = [...Array.from({ length: 150 }, (_, i) => `flyer${i}`), ...Array.from({ length: 50 }, (_, i) => `flyer${i}`)];
  return authors
    .map((a, i) => {
      const text = `${handle} ${OPENERS[Math.floor(r() * OPENERS.length)]}${BURST[Math.floor(r() * BURST.length)]} (DL${100 + Math.floor(r() * 900)})`;
      return mention(brand.id, `burst${i}`, a, text, start + Math.floor(r() * 20 * 60_000), 50 + Math.floor(r() * 2000));
    })
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
}

const RANT = [
  'my voucher code was rejected',
  'voucher code rejected AGAIN',
  'why is my voucher code rejected',
  'fix the voucher code page',
  'voucher code broken, answer me',
];

/** One angry account: 50 posts in 30 minutes about its own topic. Not a crisis. */
export function oneAuthor(brand: BrandConfig, start: number): Mention[] {
  const handle = brand.handles[0] ?? '';
  return Array.from({ length: 50 }, (_, i) =>
    mention(brand.id, `rant${i}`, 'angryflyer', `${handle} ${RANT[i % RANT.length]} #${i}`, start + i * 36_000, 300),
  );
}
