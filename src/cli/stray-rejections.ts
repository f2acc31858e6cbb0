import type { Logger } from '../log.js';

/** What ioredis rejects every queued command with when its connection closes (utils CONNECTION_CLOSED_ERROR_MSG). */
const CONNECTION_CLOSED = 'Connection is closed.';
const LOG_EVERY_MS = 10_000;

/**
 * A promise nobody awaited that failed. Node's default is to crash the process, which for the
 * one case seen here is wrong: when Redis restarts or the process drains, ioredis rejects the
 * commands still queued on a closing connection, and BullMQ drops some of those promises (its
 * own loops retry the work; see bullmq issues #2430 and #4656). A drain after an embedded
 * redis-server restart then exited 1 instead of stopping cleanly. That error is logged (at
 * most once per 10 s, an outage rejects many) and the process goes on; any other unhandled
 * rejection is a bug of ours and still stops the process, through `fatal` so the embedded
 * servers are stopped and the reason is in the log.
 */
export function strayRejectionHandler(log: Logger, fatal: (err: Error) => void, now: () => number = Date.now): (reason: unknown) => void {
  let lastLogged = -Infinity;
  let dropped = 0;
  return (reason: unknown) => {
    const err = reason instanceof Error ? reason : new Error(String(reason));
    if (err.message !== CONNECTION_CLOSED) {
      log.error({ err: err.message, stack: err.stack }, 'unhandled rejection: a bug; Earshot is stopping');
      fatal(err);
      return;
    }
    dropped += 1;
    if (now() - lastLogged < LOG_EVERY_MS) return;
    lastLogged = now();
    log.warn({ dropped }, 'a Redis command was cut off by a closing connection and nobody waited for it; carrying on');
    dropped = 0;
  };
}

export function onStrayRejections(log: Logger, fatal: (err: Error) => void): void {
  process.on('unhandledRejection', strayRejectionHandler(log, fatal));
}
