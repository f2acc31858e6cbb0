/**
 * Failure kinds shared by every connector. Workers decide what to do from the kind alone:
 * retry with backoff, wait for a rate-limit reset, stop the source, or hand to a human.
 */
export class ConnectorError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = new.target.name;
  }
}

/** Worth retrying with backoff (5xx, connection refused, timeouts on reads). */
export class TransientError extends ConnectorError {}

/** The platform said to slow down; nothing was done, try again after `retryAt`. */
export class RateLimitedError extends ConnectorError {
  constructor(message: string, readonly retryAt: Date, status = 429) {
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
