import type { FastifyReply } from 'fastify';

/**
 * Caps how many expensive requests run at once, per user and in total: a viewer (or a script with
 * a viewer token) firing many inbox searches in parallel gets 429s instead of growing the heap
 * until the process dies. Requests over the cap are refused, not queued: a queue would hold the
 * same memory, only later.
 */
export class InFlightLimit {
  private readonly perUser = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly maxPerUser: number,
    private readonly maxTotal: number,
  ) {}

  /** Runs `work` if there is room, else answers 429 with Retry-After. */
  async run<T>(user: string, reply: FastifyReply, work: () => Promise<T>): Promise<T | FastifyReply> {
    const mine = this.perUser.get(user) ?? 0;
    if (mine >= this.maxPerUser || this.total >= this.maxTotal) {
      const who = mine >= this.maxPerUser ? `you already have ${mine} running` : 'the server is busy with others';
      return reply
        .code(429)
        .header('Retry-After', '2')
        .send({ error: 'too_many_requests', message: `too many inbox requests at once (${who}); try again in a moment` });
    }
    this.perUser.set(user, mine + 1);
    this.total += 1;
    try {
      return await work();
    } finally {
      const left = (this.perUser.get(user) ?? 1) - 1;
      if (left > 0) this.perUser.set(user, left);
      else this.perUser.delete(user);
      this.total -= 1;
    }
  }
}
