import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Gauge, Registry } from 'prom-client';
import type { AppContext } from '../context.js';
import { JOB_NAMES } from '../jobs/catalog.js';
import { bearerToken } from './auth.js';
import { fromThisMachine } from './client-address.js';
import { processMetrics } from './slack-refusals.js';
import { readSourceState } from '../store/sources.js';
import { deriveSourceHealth, SourceStates } from '../listen/source-status.js';
import { countMentions } from '../store/mentions.js';

const SOURCE_GAUGES = {
  earshot_source_healthy: [
    '1 when the source is running, 0 when stopped (e.g. credentials rejected)',
    (s: SourceRow) => (s.healthy ? 1 : 0),
  ],
  earshot_source_error_streak: ['failed polls in a row', (s: SourceRow) => s.errorStreak],
  earshot_source_last_success_seconds: ['unix time of the last successful poll', (s: SourceRow) => s.lastSuccessAt / 1000],
  earshot_source_last_item_seconds: ['unix time the source last produced a post', (s: SourceRow) => s.lastItemAt / 1000],
  earshot_source_stream_connected: ['1 while a live stream is connected', (s: SourceRow) => (s.streamConnected ? 1 : 0)],
  earshot_source_last_error_seconds: ['unix time of the last failed poll (0 when none)', (s: SourceRow) => s.lastErrorAt / 1000],
  earshot_source_paused_until_seconds: ['unix time a rate-limit pause ends (0 when not paused)', (s: SourceRow) => s.pauseUntil / 1000],
} as const;

type SourceRow = Awaited<ReturnType<typeof readSourceState>>;

/**
 * Prometheus text at /metrics, read from Redis at scrape time so every process reports the same
 * numbers whichever one is scraped.
 */
async function collect(ctx: AppContext): Promise<Registry> {
  const registry = new Registry();
  const states = await Promise.all(ctx.config.sources.map(async (s) => ({ source: s, state: await readSourceState(ctx.db, s.id) })));
  for (const [name, [help, read]] of Object.entries(SOURCE_GAUGES)) {
    const gauge = new Gauge({ name, help, labelNames: ['source', 'kind', 'brand'], registers: [registry] });
    for (const { source, state } of states) gauge.set({ source: source.id, kind: source.kind, brand: source.brand }, read(state));
  }
  // One series per state, 1 for the one the source is in, so an alert rule needs no knowledge of the store's flags.
  const stateGauge = new Gauge({
    name: 'earshot_source_state',
    help: 'derived source state (ok, degraded, failing, rate_limited, needs_credentials, stopped): 1 for the current one',
    labelNames: ['source', 'kind', 'brand', 'state'],
    registers: [registry],
  });
  for (const { source, state } of states) {
    const current = deriveSourceHealth(ctx.config, source, state).state;
    for (const s of SourceStates)
      stateGauge.set({ source: source.id, kind: source.kind, brand: source.brand, state: s }, s === current ? 1 : 0);
  }
  const queueGauge = new Gauge({
    name: 'earshot_queue_jobs',
    help: 'jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
  });
  for (const name of JOB_NAMES) {
    const counts = await ctx.queues[name].getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
    for (const [state, n] of Object.entries(counts)) queueGauge.set({ queue: name, state }, n);
  }
  const stored = new Gauge({ name: 'earshot_mentions_indexed', help: 'mentions in the retention window', registers: [registry] });
  stored.set(await countMentions(ctx.db));
  return Registry.merge([registry, processMetrics]);
}

/**
 * Queue depths and source names are not for everyone: a scraper presents api.metricsToken, and
 * without one configured only this machine may read them (the client's address, not the socket's:
 * behind a proxy on this host every socket is loopback).
 */
function metricsAllowed(ctx: AppContext, request: FastifyRequest): { ok: true } | { ok: false; status: number; error: string } {
  const expected = ctx.config.api.metricsToken;
  if (!expected) {
    return fromThisMachine(ctx.config, request)
      ? { ok: true }
      : { ok: false, status: 403, error: 'metrics are served to loopback only; set api.metricsToken to scrape from another host' };
  }
  const given = Buffer.from(bearerToken(request.headers.authorization) ?? '');
  const want = Buffer.from(expected);
  return given.length === want.length && timingSafeEqual(given, want)
    ? { ok: true }
    : { ok: false, status: 401, error: 'send api.metricsToken as a Bearer token' };
}

export function registerMetricsRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get('/metrics', async (request, reply) => {
    const allowed = metricsAllowed(ctx, request);
    if (!allowed.ok) return reply.code(allowed.status).send({ error: allowed.error });
    const registry = await collect(ctx);
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}
