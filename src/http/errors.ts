/**
 * Failure kinds shared by every connector. Workers decide what to do from the kind alone:
 * retry with backoff, wait for a rate-limit reset, stop the source, or hand to a human.
 */
export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Worth retrying with backoff (5xx, connection refused, timeouts on reads). */
export class TransientError extends ConnectorError {}

/** The platform said to slow down; nothing was done, try again after `retryAt`. */
export class RateLimitedError extends ConnectorError {
  constructor(
    message: string,
    readonly retryAt: Date,
    status = 429,
  ) {
    super(message, status);
  }
}

/** Credentials rejected or expired: stop the source until someone renews them. */
export class AuthError extends ConnectorError {}

/** The request was wrong or refused for good (404, 422, reply not allowed): do not repeat it. */
export class PermanentError extends ConnectorError {}

/** A write may or may not have happened (timeout after sending): only a human should decide to resend. */
export class UnknownOutcomeError extends ConnectorError {}

/** The platform answered with something we cannot read (truncated JSON, wrong types). */
export class MalformedResponseError extends ConnectorError {}

/**
 * The outbound policy refused the destination (private address, plain http, redirect to such a
 * place). Permanent: repeating the request cannot change the answer; the config or the feed must.
 */
export class OutboundRefusedError extends PermanentError {
  constructor(readonly reason: string) {
    super(`refused by the outbound policy: ${reason}`);
  }
}

/**
 * What viewers, the API and chat may read about a failure: its kind and status in Earshot's own
 * words. The message itself can quote the platform's answer (and a redirect can make that any
 * internal page), so it goes only to logs and to admins.
 */
export function publicReason(err: unknown): string {
  if (err instanceof OutboundRefusedError) return err.message;
  const status = err instanceof ConnectorError && err.status ? ` (HTTP ${err.status})` : '';
  if (err instanceof RateLimitedError) return `rate limited${status}; trying again after ${err.retryAt.toISOString()}`;
  if (err instanceof AuthError) return `credentials rejected${status}; renew this source's credentials in the config`;
  if (err instanceof UnknownOutcomeError) return 'no answer after sending; the request may have been applied';
  if (err instanceof MalformedResponseError) return `unreadable answer from the platform${status}`;
  if (err instanceof PermanentError) return `request refused by the platform${status}`;
  if (err instanceof TransientError)
    return status ? `platform temporarily failing${status}` : 'could not reach the platform (network error or timeout)';
  return 'internal error; see the logs';
}
