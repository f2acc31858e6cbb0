import { formatPath } from './format.js';

const REFERENCE = /\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string of the parsed YAML. A missing
 * variable is reported with the config path that needs it, so the fix is obvious.
 */
export function interpolateEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  at: PropertyKey[],
  problems: string[],
  /** Filled with each config path that read an environment variable, and its names (for "renew $MASTODON_TOKEN"). */
  refs?: Map<string, string[]>,
): unknown {
  if (typeof value === 'string') {
    let missing: string | null = null;
    const names: string[] = [];
    const out = value.replace(REFERENCE, (_m, name: string, fallback: string | undefined) => {
      names.push(name);
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      missing = name;
      return '';
    });
    if (missing !== null) {
      problems.push(
        `${formatPath(at)}: environment variable ${missing} is not set; export it (e.g. ${missing}=… npm start) or write \${${missing}:-default}`,
      );
    }
    if (names.length) refs?.set(formatPath(at), names);
    return out;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateEnv(v, env, [...at, i], problems, refs));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateEnv(v, env, [...at, k], problems, refs)]));
  }
  return value;
}
