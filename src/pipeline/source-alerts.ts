import type { AppContext } from '../app/context.js';
import { chatDestinations } from '../alerts/destinations.js';
import { enqueueBulk } from '../jobs/queues.js';

/** Tells every chat destination that a source needs a person (renew a token, fix a setting). */
export async function alertSourceProblem(ctx: AppContext, sourceId: string, problem: string): Promise<void> {
  const at = Date.now();
  const destinations = chatDestinations(ctx.config).map((c) => c.id);
  await enqueueBulk(
    ctx.queues,
    'alert',
    destinations.map((destinationId) => ({
      data: { kind: 'source' as const, sourceId, destinationId, problem: problem.slice(0, 2000), at },
      // One alert per source problem per hour per destination, however often polls fail.
      opts: { jobId: `source-${sourceId}-${destinationId}-${Math.floor(at / 3_600_000)}` },
    })),
  );
}
