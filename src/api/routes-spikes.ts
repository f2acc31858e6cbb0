import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { brandSettings } from '../config/spikes.js';
import { actOnSpike, draftHoldingReply, spikeItems, type SpikeVerb } from '../alerts/spikes/actions.js';
import { DAY, expectedCount, HOUR, sumRange, type Series } from '../alerts/spikes/baseline.js';
import { bucketOf } from '../alerts/spikes/record.js';
import { brandCounts, firstBucket } from '../store/spike-counts.js';
import { getSpike, listSpikes, type SpikeRecord } from '../store/spikes.js';
import { actorOf, requireRole } from './auth.js';
import { limitParam, OptionalText, parseInput } from './routes-common.js';

const SpikeParams = z.object({ id: z.string().regex(/^s_[A-Za-z0-9_-]{1,40}$/, 'expected a spike id') });
const ListQuery = z.object({ brand: OptionalText, status: z.enum(['open', 'closed']).optional(), limit: limitParam(50, 200) });
const ChartQuery = z.object({ brand: z.string().min(1).max(64), hours: z.coerce.number().int().min(6).max(168).default(48) });
const Holding = z.object({ text: z.string().trim().min(1, 'write the holding reply').max(2000) });
const VERBS: Record<string, SpikeVerb> = { acknowledge: 'acknowledge', escalate: 'escalate', expected: 'expected' };

function summary(s: SpikeRecord) {
  return {
    id: s.id,
    brandId: s.brandId,
    brand: s.explanation.brandName,
    status: s.status,
    severity: s.severity,
    startedAt: s.startedAt,
    closedAt: s.closedAt,
    summary: s.explanation.summary,
    terms: s.explanation.terms.slice(0, 5).map((t) => t.term),
    posts: s.explanation.totalPosts,
    authors: s.explanation.authors,
    acknowledgedBy: s.acknowledgedBy,
    escalatedBy: s.escalatedBy,
    expectedBy: s.expectedBy,
  };
}

/** Half-hour points of what came in and the range expected for it, for the chart. */
async function chart(ctx: AppContext, brandId: string, hours: number, now: number) {
  const history = await firstBucket(ctx.db, brandId);
  const series: Series = new Map();
  for (const r of await brandCounts(ctx.db, brandId, bucketOf(now - (hours * HOUR + 8 * DAY)), now))
    if (r.dim === 'brand') series.set(r.bucket, { n: r.n, negative: r.negative });
  const { threshold } = brandSettings(ctx.config.spikes, brandId);
  const step = 30 * 60_000;
  const points = [];
  for (let t = Math.floor((now - hours * HOUR) / step) * step; t < now; t += step) {
    const e = history === null ? null : expectedCount(series, { from: t, to: t + step, history });
    points.push({
      at: t,
      observed: sumRange(series, t, Math.min(t + step, now)),
      negative: sumRange(series, t, Math.min(t + step, now), 'negative'),
      expected: e?.expected ?? null,
      upper: e ? e.expected + threshold * e.sd : null,
    });
  }
  return { brandId, step, threshold, points };
}

export type SpikeSummary = ReturnType<typeof summary>;
export interface SpikesAnswer {
  spikes: SpikeSummary[];
}
export type SpikeChartAnswer = Awaited<ReturnType<typeof chart>>;
/** A spike with its explanation, every item in it and previews of the first 50. */
export type SpikeDetailAnswer = SpikeSummary & {
  explanation: SpikeRecord['explanation'];
  items: string[];
  previews: Array<{ id: string; text: string }>;
};
export type SpikeActionAnswer = SpikeSummary & { message: string };
export type HoldingReplyAnswer = Awaited<ReturnType<typeof draftHoldingReply>>;

export function registerSpikeRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.get('/spikes', { onRequest: requireRole('read') }, async (request): Promise<SpikesAnswer> => {
    const q = parseInput(ListQuery, request.query, 'query');
    return {
      spikes: (
        await listSpikes(ctx.db, { ...(q.brand ? { brandId: q.brand } : {}), ...(q.status ? { status: q.status } : {}), limit: q.limit })
      ).map(summary),
    };
  });
  api.get('/spikes/chart', { onRequest: requireRole('read') }, async (request): Promise<SpikeChartAnswer> => {
    const q = parseInput(ChartQuery, request.query, 'query');
    if (!ctx.config.brands.some((b) => b.id === q.brand)) return { brandId: q.brand, step: 0, threshold: 0, points: [] };
    return chart(ctx, q.brand, q.hours, Date.now());
  });
  api.get('/spikes/:id', { onRequest: requireRole('read') }, async (request, reply): Promise<SpikeDetailAnswer | FastifyReply> => {
    const { id } = parseInput(SpikeParams, request.params, 'params');
    const spike = await getSpike(ctx.db, id);
    if (!spike) return reply.code(404).send({ error: 'not_found', message: `no spike ${id}` });
    const items = await spikeItems(ctx, spike);
    // The first items' texts too, so the page can say what each is rather than list ids.
    return {
      ...summary(spike),
      explanation: spike.explanation,
      items: items.map((i) => i.id),
      previews: items.slice(0, 50).map((i) => ({ id: i.id, text: i.text.slice(0, 160) })),
    };
  });
  api.post('/spikes/:id/:verb', { onRequest: requireRole('read') }, async (request, reply): Promise<SpikeActionAnswer | FastifyReply> => {
    const { id } = parseInput(SpikeParams, request.params, 'params');
    const verb = VERBS[(request.params as { verb?: string }).verb ?? ''];
    if (!verb) return reply.code(404).send({ error: 'not_found', message: 'use acknowledge, escalate or expected' });
    const outcome = await actOnSpike(ctx, actorOf(request), id, verb);
    return { ...summary(outcome.spike), message: outcome.message };
  });
  api.post('/spikes/:id/holding-reply', { onRequest: requireRole('edit') }, async (request): Promise<HoldingReplyAnswer> => {
    const { id } = parseInput(SpikeParams, request.params, 'params');
    const { text } = parseInput(Holding, request.body, 'body');
    return draftHoldingReply(ctx, actorOf(request), id, text);
  });
}
