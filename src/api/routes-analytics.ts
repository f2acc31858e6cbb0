import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { computeAnalytics, type Analytics } from '../analytics/index.js';
import { requireRole } from './auth.js';
import { InputError, OptionalText, parseInput } from './routes-common.js';

const DAY = 86_400_000;
/** Longer ranges read a hash per day; a quarter keeps one request to about a hundred. */
const MAX_RANGE = 92 * DAY;

/** An ISO date or date-time, or epoch milliseconds. */
const Instant = z
  .string()
  .max(40)
  .optional()
  .transform((value, check) => {
    if (value === undefined || value.trim() === '') return undefined;
    const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    if (!Number.isFinite(ms)) {
      check.addIssue({ code: 'custom', message: 'expected an ISO date (2026-11-20 or 2026-11-20T10:00:00Z) or epoch milliseconds' });
      return z.NEVER;
    }
    return ms;
  });

const AnalyticsQuery = z.object({ from: Instant, to: Instant, brand: OptionalText });

export type AnalyticsAnswer = Analytics;

export function registerAnalyticsRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.get('/analytics', { onRequest: requireRole('read') }, async (request): Promise<AnalyticsAnswer> => {
    const query = parseInput(AnalyticsQuery, request.query, 'query');
    const to = query.to ?? Date.now();
    const from = query.from ?? to - 7 * DAY;
    if (from >= to) throw new InputError('from: must be before to');
    if (to - from > MAX_RANGE) throw new InputError('from: the range can be at most 92 days');
    return computeAnalytics(ctx, { from, to, brand: query.brand });
  });
}
