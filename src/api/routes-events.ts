import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { subscribeInboxEvents, type InboxSubscription } from '../store/inbox-events.js';
import { sessionAlive } from '../store/sessions.js';
import { requireRole, sessionOf, sessionTimes } from './auth.js';
import { SECURITY_HEADERS } from './static.js';

/** Comment lines keep proxies from closing an idle stream; each one also re-checks the session. */
const HEARTBEAT_MS = 20_000;

type Listener = (message: string) => void;

/**
 * One Redis subscriber per server, shared by every open stream: a connection per browser tab
 * would multiply Redis clients by the team size. Created on the first stream, closed with the server.
 */
class EventHub {
  private subscriber: Promise<InboxSubscription> | null = null;
  private readonly listeners = new Set<Listener>();
  readonly closers = new Set<() => void>();

  constructor(private readonly ctx: AppContext) {}

  /** Resolves once Redis confirmed the subscription, also for a stream that joins while it is being made. */
  async add(listener: Listener): Promise<void> {
    this.listeners.add(listener);
    this.subscriber ??= subscribeInboxEvents(
      this.ctx,
      (message) => {
        for (const l of this.listeners) l(message);
      },
      (err) => this.ctx.log.warn({ err: err.message }, 'inbox event subscriber error'),
    );
    await this.subscriber;
  }

  remove(listener: Listener): void {
    this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    for (const close of [...this.closers]) close();
    const sub = this.subscriber;
    this.subscriber = null;
    if (sub) await (await sub.catch(() => null))?.close();
  }
}

/** One `inbox` event on /api/events: what changed, for the UI to decide what to reload. */
export interface LiveEvent {
  action: string;
  ids: string[];
  status: string | null;
  at: number;
  /** Only on `presence`: who is on the item now. */
  presence?: LivePresence[];
}
export interface LivePresence {
  user: string;
  state: 'viewing' | 'typing';
  ms: number;
}

/** Presence entries as the store wrote them (user names from the config, no post text), re-checked field by field. */
function presenceOf(raw: unknown): LivePresence[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  return raw
    .slice(0, 50)
    .flatMap((e: { user?: unknown; state?: unknown; ms?: unknown }) =>
      typeof e?.user === 'string' && (e.state === 'viewing' || e.state === 'typing')
        ? [{ user: e.user.slice(0, 64), state: e.state, ms: Math.max(0, Number(e.ms) || 0) }]
        : [],
    );
}

/** Only the fields the UI needs to decide what to reload; anything else in the message is dropped. */
function toEvent(message: string): string | null {
  try {
    const raw = JSON.parse(message) as { action?: unknown; ids?: unknown; status?: unknown; at?: unknown; presence?: unknown };
    const ids = Array.isArray(raw.ids) ? raw.ids.filter((x): x is string => typeof x === 'string').slice(0, 500) : [];
    const presence = raw.action === 'presence' ? presenceOf(raw.presence) : undefined;
    const event: LiveEvent = {
      action: String(raw.action ?? ''),
      ids,
      status: typeof raw.status === 'string' ? raw.status : null,
      at: Number(raw.at) || Date.now(),
      ...(presence ? { presence } : {}),
    };
    return JSON.stringify(event);
  } catch {
    return null;
  }
}

function stillSignedIn(ctx: AppContext, request: FastifyRequest): Promise<boolean> {
  const current = sessionOf(request);
  if (!current) return Promise.resolve(true); // bearer tokens do not expire
  return sessionAlive(ctx.redis, ctx.config.redis.prefix, current.id, current.session, sessionTimes(ctx.config, ctx.now));
}

async function stream(ctx: AppContext, hub: EventHub, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  // Hijacked replies skip the onSend hooks, so the security headers are set here.
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write('retry: 3000\n\n');
  const listener: Listener = (message) => {
    const data = toEvent(message);
    if (data) res.write(`event: inbox\ndata: ${data}\n\n`);
  };
  const end = () => {
    clearInterval(timer);
    hub.remove(listener);
    hub.closers.delete(end);
    if (!res.writableEnded) res.end();
  };
  const timer = setInterval(() => {
    stillSignedIn(ctx, request).then(
      (ok) => (ok ? res.write(': ping\n\n') : (res.write('event: signed-out\ndata: {}\n\n'), end())),
      () => undefined,
    );
  }, HEARTBEAT_MS);
  hub.closers.add(end);
  request.raw.on('close', end);
  await hub.add(listener);
  // Only now: a client that acts on "connected" (a test, a reconnecting tab refetching) must not miss a change made meanwhile.
  if (!res.writableEnded) res.write(': connected\n\n');
}

/** GET /api/events: server-sent events for inbox changes (ids and actions; the UI fetches the rest). */
export function registerEventRoutes(api: FastifyInstance, ctx: AppContext): void {
  const hub = new EventHub(ctx);
  // preClose: open streams would otherwise keep server.close() waiting forever.
  api.addHook('preClose', async () => hub.close());
  api.get('/events', { onRequest: requireRole('read') }, async (request, reply) => stream(ctx, hub, request, reply));
}
