import { Counter, Registry } from 'prom-client';
import type { Logger } from '../log.js';

/**
 * Requests to /slack/interactivity refused before their signature checked out. Anyone can send
 * them, hundreds a second, so they must cost nothing lasting: no audit entry (that stream is
 * trimmed, and a flood would push real approvals out of it), no Redis write, one log line a
 * minute at most. A counter in this process's memory is what /metrics shows of them.
 */
export const SLACK_REFUSAL_REASONS = ['unsigned', 'not_configured', 'bad_signature', 'stale', 'replay'] as const;
export type SlackRefusalReason = (typeof SLACK_REFUSAL_REASONS)[number];

/** Metrics kept in this process (not in Redis); /metrics merges them into what it reads at scrape time. */
export const processMetrics = new Registry();

const refused = new Counter({
  name: 'earshot_slack_refused_total',
  help: 'Slack interactivity requests refused before the signature checked out, by reason (counted by this process)',
  labelNames: ['reason'],
  registers: [processMetrics],
});
for (const reason of SLACK_REFUSAL_REASONS) refused.inc({ reason }, 0);

const LOG_EVERY_MS = 60_000;

/** One warning per minute at most; the next one says how many went unlogged in between. */
export class RefusalLog {
  private lastLoggedAt = -Infinity;
  private unlogged = 0;

  constructor(
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  refuse(reason: SlackRefusalReason, message: string): void {
    refused.inc({ reason });
    const now = this.now();
    if (now - this.lastLoggedAt < LOG_EVERY_MS) {
      this.unlogged += 1;
      return;
    }
    this.log.warn(
      { reason, message, alsoRefusedSinceLastLine: this.unlogged },
      'Slack interactivity request refused before its signature checked out (logged at most once a minute; see earshot_slack_refused_total)',
    );
    this.lastLoggedAt = now;
    this.unlogged = 0;
  }
}
