import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;
import { COMMANDS, globalHelp } from './help.js';

/**
 * A mistake on the command line: main() prints the message and a hint on the next line, no
 * stack, and exits 2. `command` names whose help the hint points to.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command: string | null = null,
  ) {
    super(message);
    this.name = 'UsageError';
  }

  get hint(): string {
    return this.command ? `see \`earshot ${this.command} --help\`` : 'see `earshot --help`';
  }
}

export interface CliArgs {
  command: string;
  positionals: string[];
  config: string | undefined;
  role: string | undefined;
  source: string | undefined;
  name: string | undefined;
  limit: number;
  textColumn: string | undefined;
  input: string | undefined;
  brand: string | undefined;
  passwordStdin: boolean;
  token: boolean;
  keywords: string[] | undefined;
  handles: string[] | undefined;
  hashtags: string[] | undefined;
  help: boolean;
  version: boolean;
}

const COMMON: ParseArgsOptionsConfig = {
  config: { type: 'string', short: 'c' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
};

/** The version in package.json, found from this file in src/ or dist/src/. */
export function earshotVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'earshot' && pkg.version) return pkg.version;
    } catch {
      // Not at this depth; try the next.
    }
  }
  return 'unknown';
}

export const USAGE = globalHelp(earshotVersion()).trimEnd();

/** node:util's messages name the option well; keep their first sentence and drop its advice about `--`. */
function cleanParseMessage(message: string): string {
  return (message.split('. ')[0] ?? message).replace(/\.$/, '');
}

function limitOf(raw: string | undefined, command: string): number {
  if (raw === undefined) return 20;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 10_000)
    throw new UsageError(`--limit must be a whole number from 1 to 10000, not "${raw}"`, command);
  return n;
}

/** The command word, skipping a leading `--config <file>` (its value is not the command). */
function firstPositional(argv: string[]): string | undefined {
  let configValue = false;
  for (const a of argv) {
    if (configValue) configValue = false;
    else if (a === '--config' || a === '-c') configValue = true;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

/** Parses with the chosen command's own options only, so a misspelt or misplaced flag is an error, not ignored. */
export function parseCli(argv: string[]): CliArgs {
  const command = firstPositional(argv) ?? 'help';
  const spec = COMMANDS[command];
  if (!spec && command !== 'help') throw new UsageError(`unknown command "${command}"`);
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { ...COMMON, ...(spec?.options ?? {}) },
    }) as typeof parsed;
  } catch (err) {
    throw new UsageError(cleanParseMessage((err as Error).message), spec ? command : null);
  }
  const v = parsed.values;
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const list = (k: string) => (Array.isArray(v[k]) ? (v[k] as string[]) : undefined);
  const [, ...rest] = parsed.positionals;
  return {
    command,
    positionals: rest,
    config: str('config'),
    role: str('role'),
    source: str('source'),
    name: str('name'),
    limit: limitOf(str('limit'), command),
    textColumn: str('text-column'),
    input: str('input'),
    brand: str('brand'),
    passwordStdin: v['password-stdin'] === true,
    token: v['token'] === true,
    keywords: list('keyword'),
    handles: list('handle'),
    hashtags: list('hashtag'),
    help: v['help'] === true || command === 'help',
    version: v['version'] === true,
  };
}
