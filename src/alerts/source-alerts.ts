import type { AppContext } from '../context.js';
import { chatDestinations } from './destinations.js';
import { redactText } from '../http/redact.js';
import { enqueueBulk } from '../jobs/queues.js';

/**
 * Tells every chat destination that a source needs a person (renew a token, fix a setting).
 * `topic` keeps different problems apart: each topic alerts at most once an hour per destination,
 * however often polls fail, and one topic never swallows another.
 */
export async function alertSourceProblem(ctx: AppContext, sourceId: string, problem: string, topic: string): Promise<void> {
  const at = Date.now();
  // Chat is read by more people than the config: no credential in a URL reaches it.
  const shown = redactText(problem).slice(0, 2000);
  const destinations = chatDestinations(ctx.config).map((c) => c.id);
  await enqueueBulk(
    ctx.queues,
    'alert',
    destinations.map((destinationId) => ({
      data: { kind: 'source' as const, sourceId, destinationId, problem: shown, at },
      opts: { jobId: `source-${sourceId}-${topic}-${destinationId}-${Math.floor(at / 3_600_000)}` },
    })),
  );
}
