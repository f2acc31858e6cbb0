import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { escalationAlert } from '../alerts/message.js';
import { outcomePayload, parseApprovalValue } from '../alerts/slack.js';
import { ActionError, approveItem, rejectItem, type Actor } from '../inbox/actions.js';
import { firstSighting } from '../store/alert-marks.js';
import { appendAudit } from '../store/audit.js';
import { ANSWERED_STATUSES, getItem } from '../store/inbox.js';
import { loadMentions } from '../store/mentions.js';
import { RefusalLog, type SlackRefusalReason } from './slack-refusals.js';
import { spikeClick } from './slack-spikes.js';

/** Slack's own limit: a request older or newer than this is refused, whatever its signature. */
const MAX_SKEW_SECONDS = 300;
/** Longer than the skew window, so a captured request cannot be replayed while it would still pass. */
const REPLAY_TTL_MS = 10 * 60_000;
/** Interactivity payloads carry the whole message; ours are a few KB. */
const MAX_BODY = 256 * 1024;

/** `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the app's signing secret. */
export function slackSignature(secret: string, timestamp: string, rawBody: string | Buffer): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`;
}

/** Checks every configured secret without stopping early, so timing does not tell which one matched. */
export function signatureMatches(secrets: readonly string[], timestamp: string, rawBody: Buffer, presented: string): boolean {
  const given = Buffer.from(presented);
  let ok = false;
  for (const secret of secrets) {
    const expected = Buffer.from(slackSignature(secret, timestamp, rawBody));
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}

const Payload = z.object({
  type: z.string(),
  user: z.object({ id: z.string().min(1).max(32) }),
  response_url: z
    .string()
    .regex(/^https?:\/\/\S+$/)
    .max(2000)
    .optional(),
  actions: z.array(z.object({ action_id: z.string().max(255), value: z.string().max(2000).optional() })).default([]),
});
type Payload = z.infer<typeof Payload>;

function header(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' ? value : null;
}

interface Refusal {
  reason: SlackRefusalReason;
  message: string;
}

/** Null when the request is Slack's, fresh and first seen; otherwise why it is refused. */
async function authenticity(ctx: AppContext, request: FastifyRequest, raw: Buffer, nowMs: number): Promise<Refusal | null> {
  const timestamp = header(request, 'x-slack-request-timestamp');
  const signature = header(request, 'x-slack-signature');
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp))
    return { reason: 'unsigned', message: 'missing or malformed Slack signature headers' };
  const secrets = ctx.config.chat.flatMap((c) => (c.kind === 'slack' && c.signingSecret ? [c.signingSecret] : []));
  if (secrets.length === 0) return { reason: 'not_configured', message: 'no Slack destination has a signingSecret configured' };
  if (!signatureMatches(secrets, timestamp, raw, signature)) return { reason: 'bad_signature', message: 'signature does not match' };
  // A stale or replayed request was signed by Slack once, but whoever sends it again need not be Slack.
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS)
    return { reason: 'stale', message: 'timestamp outside the 5-minute window' };
  if (!(await firstSighting(ctx, timestamp, signature, REPLAY_TTL_MS))) return { reason: 'replay', message: 'replayed request' };
  return null;
}

function parsePayload(raw: Buffer): Payload | null {
  const json = new URLSearchParams(raw.toString('utf8')).get('payload');
  if (!json) return null;
  try {
    const parsed = Payload.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** For requests Slack really signed: rare, and worth a lasting record of who tried. */
async function refuseSigned(ctx: AppContext, reply: FastifyReply, reason: string, detail: Record<string, unknown>): Promise<FastifyReply> {
  ctx.log.warn({ reason, ...detail }, 'Slack interactivity request refused');
  await appendAudit(ctx.db, 'slack', 'slack.refused', undefined, { reason, ...detail });
  return reply.code(401).send({ error: 'unauthorized', message: reason });
}

interface Outcome {
  itemId: string;
  text: string;
  /** A refusal only the clicker sees; the channel's message stays as it was. */
  ephemeral: boolean;
  keepButtons: boolean;
}

/** The same calls the web inbox makes, so the approval policy and roles apply unchanged. */
async function runAction(ctx: AppContext, actor: Actor, action: Payload['actions'][number]): Promise<Outcome | null> {
  // Link buttons (Edit, View post) report their clicks too; there is nothing to do for them.
  if (action.action_id !== 'approve' && action.action_id !== 'reject') return null;
  const target = parseApprovalValue(action.value ?? '');
  if (!target) return null;
  const { itemId, draftVersion } = target;
  try {
    if (action.action_id === 'reject') {
      await rejectItem(ctx, actor, itemId, `rejected in Slack by ${actor.name}`);
      return { itemId, text: `Rejected by @${actor.name}; no reply will be posted`, ephemeral: false, keepButtons: false };
    }
    const item = await approveItem(ctx, actor, itemId, { draftVersion });
    if (ANSWERED_STATUSES.includes(item.status))
      return { itemId, text: `Approved by @${actor.name} — reply posting`, ephemeral: false, keepButtons: false };
    return { itemId, text: `First approval by @${actor.name}; waiting for a second approver`, ephemeral: false, keepButtons: true };
  } catch (err) {
    if (!(err instanceof ActionError)) throw err;
    await appendAudit(ctx.db, actor.name, 'slack.action_refused', itemId, {
      action: action.action_id,
      status: err.status,
      message: err.message,
    });
    return {
      itemId,
      text: `Not ${action.action_id === 'approve' ? 'approved' : 'rejected'}: ${err.message}`,
      ephemeral: true,
      keepButtons: true,
    };
  }
}

async function responseBody(ctx: AppContext, outcome: Outcome): Promise<Record<string, unknown>> {
  if (outcome.ephemeral) return { response_type: 'ephemeral', replace_original: false, text: outcome.text };
  const item = await getItem(ctx.db, outcome.itemId);
  const stored = item ? (await loadMentions(ctx.db, [item.id])).get(item.id) : undefined;
  const alert = item && stored ? escalationAlert(ctx.config, item, stored, ctx.directory.brands) : null;
  return outcomePayload(alert, outcome.text, outcome.keepButtons);
}

/**
 * Slack wants its 200 within 3 s, and the outcome goes back through response_url. Fire and
 * forget: a failed update leaves the old buttons, which then answer "cannot approve … posted".
 */
function updateMessage(ctx: AppContext, responseUrl: string, outcome: Outcome): void {
  const update = (async () => {
    const json = await responseBody(ctx, outcome);
    const res = await ctx.http.send({ method: 'POST', url: responseUrl, json, timeoutMs: 10_000 });
    if (res.status >= 300) ctx.log.warn({ status: res.status, body: res.text.slice(0, 200) }, 'Slack response_url refused the update');
  })().catch((err: unknown) => ctx.log.warn({ err: (err as Error).message }, 'could not update the Slack message'));
  inFlight.add(update);
  void update.finally(() => inFlight.delete(update));
}

/** Message updates still on their way to Slack: a closing server waits for them instead of dropping the outcome. */
const inFlight = new Set<Promise<void>>();

/** Resolves when every Slack message update started so far has been answered (or has failed and been logged). */
export async function slackUpdatesSettled(): Promise<void> {
  while (inFlight.size > 0) await Promise.all([...inFlight]);
}

async function handle(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  now: () => number,
  refusals: RefusalLog,
): Promise<FastifyReply> {
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const refusal = await authenticity(ctx, request, raw, now());
  if (refusal) {
    refusals.refuse(refusal.reason, refusal.message);
    return reply.code(401).send({ error: 'unauthorized', message: refusal.message });
  }
  const payload = parsePayload(raw);
  if (!payload) return reply.code(400).send({ error: 'bad_request', message: 'expected payload=<JSON> as Slack sends it' });
  const user = ctx.directory.userBySlackId(payload.user.id);
  if (!user)
    return refuseSigned(ctx, reply, 'Slack user is not mapped to an Earshot user (users[].slackUserId)', { slackUserId: payload.user.id });
  const action = payload.type === 'block_actions' ? payload.actions[0] : undefined;
  if (action?.action_id.startsWith('spike_'))
    return spikeClick(ctx, reply, { name: user.name, role: user.role }, action, payload.response_url, now);
  const outcome = action ? await runAction(ctx, { name: user.name, role: user.role }, action) : null;
  if (outcome && payload.response_url) updateMessage(ctx, payload.response_url, outcome);
  return reply.code(200).send('');
}

/**
 * POST /slack/interactivity, outside the bearer-token scope (Slack cannot send our tokens; the
 * signature is its credential). Its own scope keeps the raw-body form parser off other routes.
 */
export function slackRoutes(ctx: AppContext, options: { now?: () => number } = {}) {
  const now = options.now ?? Date.now;
  const refusals = new RefusalLog(ctx.log);
  return async function (scope: FastifyInstance): Promise<void> {
    scope.removeAllContentTypeParsers();
    // The signature covers the exact bytes Slack sent, so the body stays a Buffer until it is verified.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: MAX_BODY }, (_request, body, done) =>
      done(null, body),
    );
    scope.post('/slack/interactivity', (request, reply) => handle(ctx, request, reply, now, refusals));
    scope.addHook('onClose', async () => slackUpdatesSettled());
  };
}
