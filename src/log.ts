import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { redactDeep, redactText } from './http/redact.js';

export type { Logger };

// Secrets never reach a log line, whatever object they arrive in.
const REDACT = [
  'token',
  '*.token',
  '*.*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'webhookUrl',
  '*.webhookUrl',
  'signingSecret',
  '*.signingSecret',
  'passwordHash',
  '*.passwordHash',
  'tokenHash',
  '*.tokenHash',
  'password',
  '*.*.password',
  'authorization',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'redisUrl',
];

/**
 * Paths catch secrets by field name; the formatter and hook catch them inside any string (a URL
 * with ?token= in an error message, a webhook path in a debug line) with the same redaction the
 * API, CLI and chat use.
 */
const SCRUB: Pick<LoggerOptions, 'formatters' | 'hooks'> = {
  formatters: { log: (record) => redactDeep(record) as Record<string, unknown> },
  hooks: {
    logMethod(args, method) {
      method.apply(this, args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as Parameters<typeof method>);
    },
  },
};

export function createLogger(options: { level: string; pretty: boolean; name?: string }, destination?: DestinationStream): Logger {
  const base = { level: options.level, name: options.name ?? 'earshot', redact: { paths: REDACT, censor: '[redacted]' }, ...SCRUB };
  if (options.pretty) {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } },
    });
  }
  return destination ? pino(base, destination) : pino(base);
}

/**
 * Untrusted text (posts, names) in log fields: strip terminal control sequences and newlines so a
 * post cannot forge log lines or repaint a terminal, and cap the length.
 */
export function logSafe(text: string, max = 200): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** Kept here for the modules that import it from the logger; the one implementation is in http/redact.ts. */
export { redactUrl } from './http/redact.js';
