/**
 * The one place that decides what of a URL or a message may be printed. Logs, the API, the CLI,
 * chat alerts and config errors all pass text through here, so a feed URL with `?token=`, a
 * YouTube `key=`, a Slack webhook path or `user:pass@` never leaves in the clear.
 */

export const REDACTED = '[redacted]';

// Query names that carry a credential (token, api_key, apikey, key, sig, secret, password, auth, code…).
const SECRET_NAME = /(token|key|secret|sig|signature|passw|pwd|auth(?!or)|credential|session|code|jwt|bearer)/i;
// Chat webhooks whose path is the secret: Slack /services/T…/B…/…, Discord /api/webhooks/<id>/<token>.
const WEBHOOK_PATHS: Array<{ host: RegExp; path: RegExp; keep: number }> = [
  { host: /(^|\.)slack\.com$/i, path: /^\/(services|workflows|triggers)\//i, keep: 1 },
  { host: /(^|\.)(discord|discordapp)\.com$/i, path: /^\/api\/webhooks\//i, keep: 2 },
];
// A path segment that looks like a random credential (long, letters and digits mixed).
const TOKEN_LIKE = /^(?=.*\d)(?=.*[a-z])[A-Za-z0-9_-]{24,}$/i;

/** A URL with its credentials replaced; text that is not a URL is returned unchanged. */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Unparsable, but it may still carry `user:password@` (a Redis URL with an odd password).
    return raw.replace(/\/\/[^/?#\s]*@/, `//${REDACTED}@`);
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return raw;
  if (url.username) url.username = REDACTED;
  if (url.password) url.password = REDACTED;
  const webhook = WEBHOOK_PATHS.find((w) => w.host.test(url.hostname) && w.path.test(url.pathname));
  if (webhook) {
    const segments = url.pathname.split('/');
    url.pathname = [...segments.slice(0, webhook.keep + 1), REDACTED].join('/');
  } else {
    url.pathname = url.pathname
      .split('/')
      .map((seg) => (TOKEN_LIKE.test(seg) ? REDACTED : seg))
      .join('/');
  }
  const params = new URLSearchParams(url.search);
  let changed = false;
  for (const key of new Set(params.keys())) {
    if (SECRET_NAME.test(key)) {
      params.set(key, REDACTED);
      changed = true;
    }
  }
  if (changed) url.search = params.toString();
  // URL encodes the brackets in the path and userinfo; show them as written so the mark reads plainly.
  return url.toString().replace(/%5Bredacted%5D/gi, REDACTED);
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
const BEARER = /\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
// `token=…` in text, and `"access_token":"…"` in quoted JSON; a config path such as `oauth.tokenUri: must…` is not one.
const ASSIGNMENT =
  /\b([A-Za-z_-]*(?:token|secret|password|api[_-]?key|apikey|signature|client_secret)[A-Za-z_-]*)(\s*=\s*|"\s*:\s*")([^\s"'&,;)}\]]+)/gi;

/** Free text (an error message, a log line) with every URL redacted and obvious `token=…` pairs hidden. */
export function redactText(text: string): string {
  return text
    .replace(URL_IN_TEXT, (match) => {
      // A sentence's full stop or closing parenthesis is not part of the URL.
      const tail = /[.,;:)\]]+$/.exec(match)?.[0] ?? '';
      return redactUrl(match.slice(0, match.length - tail.length)) + tail;
    })
    .replace(BEARER, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(ASSIGNMENT, (m, name: string, sep: string, value: string) => (value.startsWith('[') ? m : `${name}${sep}${REDACTED}`));
}

/** Every string inside a value redacted (log records, API answers); the shape is kept. */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: redactText(value.message), ...(value.stack ? { stack: redactText(value.stack) } : {}) };
  }
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, depth + 1);
  return out;
}
