import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.js';
import type { ChatDestinationConfig } from '../config/schema.js';
import { PermanentError, TransientError } from '../http/errors.js';
import type { HttpClient } from '../http/client.js';
import { inQuietHours } from '../config/spikes.js';
import { SEVERITIES } from './spikes/detector.js';
import { releaseLease, takeLease } from '../store/leases.js';
import { getSpike, recordDelivery, type Delivery, type SpikeRecord } from '../store/spikes.js';
import { chatDestinations } from './destinations.js';
import { escapeDiscord } from './discord.js';
import { spikeText, type SpikeText } from './spike-message.js';
import { postSpike, spikeBlocks, updateSpike, type SlackBot } from './spike-slack.js';
import { webhookSignature } from './webhook.js';

/** Who hears about spikes: spikes.destinations, or every chat destination; plus the manager channel once escalated. */
export function spikeDestinations(ctx: AppContext, s: SpikeRecord): ChatDestinationConfig[] {
  const all = chatDestinations(ctx.config);
  const ids = ctx.config.spikes.destinations;
  const chosen = ids ? all.filter((d) => ids.includes(d.id)) : all;
  const manager = escalationTarget(ctx);
  if (s.escalatedBy && manager && !chosen.some((d) => d.id === manager.id)) chosen.push(manager);
  return chosen;
}

export function escalationTarget(ctx: AppContext): ChatDestinationConfig | null {
  const id = ctx.config.spikes.escalateTo ?? ctx.config.sla.escalateTo;
  return id ? (ctx.config.chat.find((c) => c.id === id) ?? null) : null;
}

function botOf(d: ChatDestinationConfig): SlackBot | null {
  if (d.kind !== 'slack' || !d.botToken || !d.channel) return null;
  return { botToken: d.botToken, channel: d.channel, apiUrl: d.apiUrl ?? 'https://slack.com/api' };
}

type Step = 'new' | 'edit' | 'none';

/**
 * What a destination needs now. A Slack bot message is edited on every revision; a webhook
 * cannot edit, so it gets a new message only when the spike opens, grows a severity level or
 * ends, never one per minute while it grows.
 */
export function nextStep(s: SpikeRecord, prev: Delivery | undefined, bot: boolean, quiet: boolean): Step {
  if (!prev) {
    if (s.status === 'closed' || s.expectedBy) return 'none';
    // Outside working hours only a critical spike pages anyone; the others go out when the hours end.
    return quiet && s.severity !== 'critical' ? 'none' : 'new';
  }
  if (prev.revision >= s.revision) return 'none';
  // A spike that flares up again within the cooldown reopens, and so does its message.
  if (prev.closed) return s.status === 'open' && !s.expectedBy ? (bot && prev.ts ? 'edit' : 'new') : 'none';
  if (bot && prev.ts) return 'edit';
  if (s.expectedBy) return 'none';
  if (s.status === 'closed') return 'new';
  return SEVERITIES.indexOf(s.severity) > SEVERITIES.indexOf(prev.severity) ? 'new' : 'none';
}

async function send(
  http: HttpClient,
  d: ChatDestinationConfig,
  s: SpikeRecord,
  t: SpikeText,
  step: Step,
  prev: Delivery | undefined,
  log: AppContext['log'],
): Promise<Partial<Delivery>> {
  if (d.kind === 'slack') return sendSlack(http, d, s, t, step, prev);
  const lines = [t.title, t.summary, ...t.rose, t.terms, t.context, ...t.posts.map((p) => p.text), t.status, t.inboxUrl];
  if (d.kind === 'console') log.warn({ spike: s.id, brand: s.brandId, severity: s.severity, status: s.status }, lines.join(' | '));
  else if (d.kind === 'discord')
    await postJson(http, d.webhookUrl, d.id, {
      content: lines.map(escapeDiscord).join('\n').slice(0, 1900),
      allowed_mentions: { parse: [] },
    });
  else if (d.kind === 'teams') await postJson(http, d.webhookUrl, d.id, teamsMessage(lines, t.inboxUrl));
  else await sendSigned(http, d, s, t.inboxUrl, prev);
  return {};
}

type Dest<K extends ChatDestinationConfig['kind']> = Extract<ChatDestinationConfig, { kind: K }>;

async function sendSlack(
  http: HttpClient,
  d: Dest<'slack'>,
  s: SpikeRecord,
  t: SpikeText,
  step: Step,
  prev: Delivery | undefined,
): Promise<Partial<Delivery>> {
  const bot = botOf(d);
  const payload = spikeBlocks(s, t, Boolean(d.signingSecret));
  if (bot && step === 'edit' && prev?.ts && prev.channel) {
    await updateSpike(http, bot, prev.channel, prev.ts, payload);
    // The edit alone would go unnoticed in a busy channel: the end is also said in the thread.
    if (s.status === 'closed') await postSpike(http, bot, { text: `Back to normal: ${t.summary}`, blocks: [] }, prev.ts);
    return { ts: prev.ts, channel: prev.channel };
  }
  if (bot) return postSpike(http, bot, payload);
  await check(await http.send({ method: 'POST', url: d.webhookUrl, json: payload, write: true, timeoutMs: 10_000 }), d.id);
  return {};
}

function teamsMessage(lines: string[], inboxUrl: string): unknown {
  const card = {
    type: 'AdaptiveCard',
    version: '1.4',
    body: lines.map((text, i) => ({ type: 'TextBlock', text, wrap: true, ...(i === 0 ? { weight: 'Bolder', size: 'Medium' } : {}) })),
    actions: [{ type: 'Action.OpenUrl', title: 'Open in Earshot', url: inboxUrl }],
  };
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] };
}

async function postJson(http: HttpClient, url: string, id: string, json: unknown): Promise<void> {
  await check(await http.send({ method: 'POST', url, json, timeoutMs: 10_000 }), id);
}

/** Standard Webhooks: a stable message id per spike revision, so a receiver drops a redelivery. */
async function sendSigned(
  http: HttpClient,
  d: Dest<'webhook'>,
  s: SpikeRecord,
  inboxUrl: string,
  prev: Delivery | undefined,
): Promise<void> {
  const type = s.status === 'closed' ? 'spike.closed' : prev ? 'spike.updated' : 'spike.opened';
  const id = `msg_spike_${s.id}_${s.revision}`.slice(0, 64);
  const event = {
    type,
    timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    data: { id: s.id, brand: s.brandId, severity: s.severity, status: s.status, explanation: s.explanation, inboxUrl },
  };
  const ts = Math.floor(Date.now() / 1000);
  const headers = {
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': webhookSignature(d.secret, id, ts, JSON.stringify(event)),
  };
  await check(await http.send({ method: 'POST', url: d.webhookUrl, headers, json: event, timeoutMs: 20_000 }), d.id);
}

async function check(res: { status: number; text: string }, id: string): Promise<void> {
  if (res.status >= 200 && res.status < 300) return;
  if (res.status === 429 || res.status >= 500) throw new TransientError(`chat ${id}: HTTP ${res.status}`, res.status);
  throw new PermanentError(`chat ${id} refused the spike alert: HTTP ${res.status} ${res.text.slice(0, 120)}`, res.status);
}

/**
 * Brings every destination up to the spike's current revision. Safe to call from the sweep
 * and from a button click at once: a Redis lease per spike lets one of them deliver. The holder
 * reads the spike again when done, so a revision written meanwhile by a caller that found the
 * lease taken (a close right after a click) is delivered now, not a sweep later. It reads once
 * more after letting go of the lease: a revision written between its last read and the release
 * was left to it by a caller that found the lease still held. A failed destination keeps its
 * old revision and is tried again at the next sweep.
 */
export function deliverSpike(ctx: AppContext, s: SpikeRecord, now: number): Promise<number> {
  return deliverHolding(ctx, s, now, 0);
}

/** Rounds of "deliver, read again" under one lease, and holds taken again after it, before leaving the rest to the sweep. */
const ROUNDS = 3;

async function deliverHolding(ctx: AppContext, s: SpikeRecord, now: number, holds: number): Promise<number> {
  const token = randomUUID();
  if (!(await takeLease(ctx, 'spikedeliver', s.id, token, 30_000))) return 0;
  let sent = 0;
  let delivered = s.revision;
  try {
    let current: SpikeRecord | null = s;
    for (let round = 0; current && round < ROUNDS; round += 1) {
      sent += await deliverRevision(ctx, current, now);
      delivered = current.revision;
      const latest: SpikeRecord | null = await getSpike(ctx.db, s.id);
      current = latest && latest.revision > current.revision ? latest : null;
    }
  } finally {
    await releaseLease(ctx, 'spikedeliver', s.id, token);
  }
  const after = await getSpike(ctx.db, s.id);
  if (after && after.revision > delivered && holds + 1 < ROUNDS) sent += await deliverHolding(ctx, after, now, holds + 1);
  return sent;
}

async function deliverRevision(ctx: AppContext, s: SpikeRecord, now: number): Promise<number> {
  let sent = 0;
  const quiet = inQuietHours(ctx.config.spikes, now);
  const text = spikeText(ctx.config, s);
  for (const d of spikeDestinations(ctx, s)) {
    const prev = s.deliveries[d.id];
    const step = nextStep(s, prev, botOf(d) !== null, quiet);
    try {
      const got = step === 'none' ? {} : await send(ctx.http, d, s, text, step, prev, ctx.log);
      if (step === 'none' && !prev) continue;
      const delivery: Delivery = {
        revision: s.revision,
        severity: step === 'none' && prev ? prev.severity : s.severity,
        closed: step !== 'none' ? s.status === 'closed' : (prev?.closed ?? false),
        ...pick(prev),
        ...got,
      };
      if (step !== 'none') sent += 1;
      await recordDelivery(ctx.db, s.id, d.id, delivery);
    } catch (err) {
      ctx.log.warn(
        { spike: s.id, destination: d.id, err: (err as Error).message },
        'spike alert not delivered; trying again at the next sweep',
      );
    }
  }
  return sent;
}

function pick(prev: Delivery | undefined): Partial<Delivery> {
  return prev?.ts ? { ts: prev.ts, ...(prev.channel ? { channel: prev.channel } : {}) } : {};
}
