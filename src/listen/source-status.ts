import type { Config, LoadedSource } from '../config/load.js';
import { formatDuration } from '../config/duration.js';
import { connectors } from '../connectors/registry.js';
import { redactText } from '../http/redact.js';
import type { SourceState } from '../store/sources.js';

type Heartbeat = Omit<SourceState, 'cursor' | 'lastErrorDetail' | 'streamErrorDetail'>;

/**
 * One word per source for people and dashboards. `healthy` in the store only means "not
 * stopped"; a source failing every poll is still running, and was shown as healthy because of it.
 */
export const SourceStates = ['ok', 'degraded', 'failing', 'rate_limited', 'needs_credentials', 'stopped'] as const;
export type SourceHealthState = (typeof SourceStates)[number];

/** Failed polls in a row before a source counts as failing rather than having a bad moment (BullMQ retries in between). */
export const FAILING_STREAK = 3;

export interface RenewHint {
  /** Config paths of the source's credentials, e.g. sources[2].options.token. */
  paths: string[];
  /** Environment variables those values are read from, when the config uses ${NAME}. */
  env: string[];
  text: string;
}

export interface SourceHealth {
  state: SourceHealthState;
  /** Short words for a badge: "Needs new credentials". */
  label: string;
  /** One sentence in Earshot's words: what is wrong and what to do. */
  summary: string;
  /** Worth a banner on every page: a person has to act. */
  problem: boolean;
  lastSuccessAt: number | null;
  lastItemAt: number | null;
  errorStreak: number;
  lastError: string;
  lastErrorAt: number | null;
  pausedUntil: number | null;
  stream: { connected: boolean; at: number | null; error: string } | null;
  renew: RenewHint | null;
}

const LABELS: Record<SourceHealthState, string> = {
  ok: 'OK',
  degraded: 'Degraded',
  failing: 'Failing',
  rate_limited: 'Paused by rate limit',
  needs_credentials: 'Needs new credentials',
  stopped: 'Stopped',
};

/** Option names that hold a credential (or say which one), whatever the connector. */
const CREDENTIAL_KEY =
  /token|secret|password|apikey|api_key|privatekey|credential|serviceaccount|bearer|clientid|keyid|issuerid|^headers$/i;

function credentialPaths(value: unknown, at: string): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) => {
    const here = `${at}.${key}`;
    if (CREDENTIAL_KEY.test(key)) return [here];
    return credentialPaths(v, here);
  });
}

/** Where this source's credentials are set, from its raw options (what the operator wrote). */
export function renewHint(config: Config, source: LoadedSource): RenewHint {
  const index = config.sources.indexOf(source);
  const base = `sources[${index}].options`;
  const paths = credentialPaths(source.options, base);
  const env = [
    ...new Set(
      [...config.envRefs.entries()]
        .filter(([p]) => paths.some((c) => p === c || p.startsWith(`${c}.`) || p.startsWith(`${c}[`)))
        .flatMap(([, names]) => names),
    ),
  ];
  const where = paths.length ? paths.join(', ') : `${base} (this connector's credentials)`;
  const from = env.length ? ` (read from ${env.map((n) => `$${n}`).join(', ')})` : '';
  return {
    paths,
    env,
    text: `Renew ${where}${from} in ${config.file}, then restart Earshot; "Test connection" checks the new value first.`,
  };
}

const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function stopped(config: Config, source: LoadedSource, s: Heartbeat): Pick<SourceHealth, 'state' | 'summary' | 'renew'> {
  if (s.stoppedKind === 'other')
    return { state: 'stopped', summary: `Stopped: ${s.stoppedReason}. Fix the source in ${config.file} and restart Earshot.`, renew: null };
  // Before stop kinds were stored, every stop was a rejected credential.
  const renew = renewHint(config, source);
  return { state: 'needs_credentials', summary: `Stopped: ${s.stoppedReason || 'credentials rejected'}. ${renew.text}`, renew };
}

function running(source: LoadedSource, s: Heartbeat, now: number): Pick<SourceHealth, 'state' | 'summary'> {
  if (s.pauseUntil > now)
    return { state: 'rate_limited', summary: `The platform asked Earshot to slow down; polling resumes at ${at(s.pauseUntil)} by itself.` };
  if (s.errorStreak >= FAILING_STREAK)
    return {
      state: 'failing',
      summary: `The last ${s.errorStreak} polls failed: ${s.lastError}. ${s.lastSuccessAt ? `Last success ${at(s.lastSuccessAt)}.` : 'It has never polled successfully.'}`,
    };
  if (s.errorStreak > 0) return { state: 'degraded', summary: `The last poll failed (${s.lastError}); Earshot retries with backoff.` };
  const wantsStream = source.stream && connectors[source.kind]?.capabilities.stream === true;
  if (wantsStream && s.streamAt && !s.streamConnected && s.streamError)
    return { state: 'degraded', summary: `The live stream is down (${s.streamError}); polling keeps the posts coming meanwhile.` };
  if (source.quietAfter && s.lastItemAt && now - s.lastItemAt >= source.quietAfter) {
    return {
      state: 'degraded',
      summary: `No new posts for ${formatDuration(Math.floor((now - s.lastItemAt) / 60_000) * 60_000 || 60_000)} (alert threshold ${formatDuration(source.quietAfter)}).`,
    };
  }
  if (!s.lastSuccessAt) return { state: 'ok', summary: 'Waiting for its first poll.' };
  return { state: 'ok', summary: `Polling every ${formatDuration(source.interval)}; last success ${at(s.lastSuccessAt)}.` };
}

/** The one state a source is in, from its config and stored heartbeat. Text is redacted and in Earshot's words. */
export function deriveSourceHealth(config: Config, source: LoadedSource, s: Heartbeat, now = Date.now()): SourceHealth {
  let derived: Pick<SourceHealth, 'state' | 'summary'> & { renew?: RenewHint | null };
  if (!source.enabled)
    derived = { state: 'stopped', summary: `Turned off in the config (sources[${config.sources.indexOf(source)}].enabled: false).` };
  else if (!s.healthy) derived = stopped(config, source, s);
  else derived = running(source, s, now);
  const wantsStream = source.stream && connectors[source.kind]?.capabilities.stream === true;
  return {
    state: derived.state,
    label: LABELS[derived.state],
    summary: redactText(derived.summary),
    // A source switched off on purpose is not a problem; one that stopped by itself or keeps failing is.
    problem: source.enabled && (derived.state === 'failing' || derived.state === 'needs_credentials' || derived.state === 'stopped'),
    lastSuccessAt: s.lastSuccessAt || null,
    lastItemAt: s.lastItemAt || null,
    errorStreak: s.errorStreak,
    lastError: redactText(s.lastError),
    lastErrorAt: s.lastErrorAt || null,
    pausedUntil: s.pauseUntil > now ? s.pauseUntil : null,
    stream: wantsStream ? { connected: s.streamConnected, at: s.streamAt || null, error: redactText(s.streamError) } : null,
    renew: derived.renew ?? null,
  };
}
