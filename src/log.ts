import pino, { type DestinationStream, type Logger } from 'pino';

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

export function createLogger(options: { level: string; pretty: boolean; name?: string }, destination?: DestinationStream): Logger {
  const base = { level: options.level, name: options.name ?? 'earshot', redact: { paths: REDACT, censor: '[redacted]' } };
  if (options.pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } } });
  }
  return destination ? pino(base, destination) : pino(base);
}

/**
 * Untrusted text (posts, names) in log fields: strip terminal control sequences and newlines so a
 * post cannot forge log lines or repaint a terminal, and cap the length.
 */
export function logSafe(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** Redacts credentials inside a URL (user:pass@, ?token=) before logging it. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = 'redacted';
    for (const key of [...u.searchParams.keys()]) if (/token|key|secret|sig/i.test(key)) u.searchParams.set(key, 'redacted');
    return u.toString();
  } catch {
    return '[unparsable url]';
  }
}
