import type { ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** What one command accepts and says about itself with `--help`. */
export interface CommandSpec {
  usage: string;
  summary: string;
  /** Lines after the usage in `earshot <command> --help`. */
  details: string;
  options: ParseArgsOptionsConfig;
}

const CONFIG_NOTE = '  --config <file>   config file (default: $EARSHOT_CONFIG, else config/earshot.yaml)';

export const COMMANDS: Record<string, CommandSpec> = {
  start: {
    usage: 'earshot start [--role all|workers|api|scheduler]',
    summary: 'run Earshot (default: every role in this process)',
    details: `Runs the scheduler, the workers and the API (the web inbox) in this process, or one role of a
split setup (every process then needs the same REDIS_URL and DATABASE_URL). SIGTERM drains: the
process finishes its jobs within workers.drainTimeout, then exits.

  --role <role>     all (default), workers, api or scheduler`,
    options: { role: { type: 'string' } },
  },
  'check-config': {
    usage: 'earshot check-config',
    summary: 'validate the config and print what is wrong, then exit',
    details: 'Reads the config file once and lists every problem with its path and the fix. Exit 0 when it is valid, 2 when not.',
    options: {},
  },
  import: {
    usage: 'earshot import <file.jsonl|file.csv> [--source <id>]',
    summary: 'backfill mentions from a JSONL or CSV export (progress on stderr)',
    details: `Stores and dedupes the posts like a poll would and queues them for triage. Lines that cannot be
read go to the dead letters with their line number and the reason; the rest of the file keeps
going. Importing the same file again adds no posts and no dead letters twice.
CSV needs a header row with at least id, text, createdAt and author (or author_handle).

  --source <id>     the source to attribute the posts to (default: the first source)`,
    options: { source: { type: 'string' } },
  },
  token: {
    usage: 'earshot token --name <user> --role <viewer|responder|approver|admin>',
    summary: 'make a new API token and the config lines for it',
    details: `Prints a new random API token once and the users: lines (with its hash) to paste into the config.
To store a token in the database instead, use \`earshot users new-token <name>\`.

  --name <user>     who the token is for (required)
  --role <role>     viewer, responder, approver or admin (required)`,
    options: { name: { type: 'string' }, role: { type: 'string' } },
  },
  user: {
    usage: 'earshot user add --name <user> --role <role> [--password-stdin]',
    summary: 'print the config lines for a web sign-in (stores nothing)',
    details: `Asks for a password twice (or reads it from standard input with --password-stdin) and prints the
users: lines with its scrypt hash, for installations that keep users in the config file.
To add a user to the database without a restart, use \`earshot users add\`.`,
    options: { name: { type: 'string' }, role: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
  },
  users: {
    usage: 'earshot users <list|add|set-role|disable|enable|reset-password|new-token|end-sessions> ...',
    summary: 'manage sign-ins in the database; running processes pick changes up without a restart',
    details: `  users list
  users add <name> --role <role> [--password-stdin] [--token]
                          asks for a password unless --token alone is given; --token prints a new
                          API token once
  users set-role <name> <role>
  users disable <name>    ends the user's sessions and refuses their token; \`enable\` undoes it
  users enable <name>
  users reset-password <name> [--password-stdin]   also ends the user's sessions
  users new-token <name>  replaces the user's API token and prints the new one once
  users end-sessions <name>

Every change is in the audit log, as done by cli:<your login name>. The last admin cannot be
disabled or demoted.`,
    options: { role: { type: 'string' }, 'password-stdin': { type: 'boolean' }, token: { type: 'boolean' } },
  },
  brands: {
    usage: 'earshot brands <list|add|edit> ...',
    summary: 'manage brands in the database; running workers pick changes up without a restart',
    details: `  brands list
  brands add <id> --name <name> [--keyword <k>]... [--handle <@h>]... [--hashtag <t>]...
  brands edit <id> [--name <name>] [--keyword <k>]... [--handle <@h>]... [--hashtag <t>]...
                          each list given replaces the brand's list; lists not given stay

A post whose text does not name its source's brand but names exactly one other brand (by name,
keyword, @handle or #hashtag) is filed under that brand.`,
    options: {
      name: { type: 'string' },
      keyword: { type: 'string', multiple: true },
      handle: { type: 'string', multiple: true },
      hashtag: { type: 'string', multiple: true },
    },
  },
  triage: {
    usage: 'earshot triage <file.csv|file.jsonl> [--text-column text] [--brand <id>]',
    summary: 'score a CSV or JSONL export offline: one JSON line per post, in order',
    details: `Needs no Redis or PostgreSQL. A row that cannot be read (a malformed CSV quote, bad JSON) prints
{"row": N, "error": "..."} in its place and the rest of the file is scored.

  --text-column <c> the CSV column holding the post (default: text)
  --brand <id>      the brand to mask (default: the config's first brand)`,
    options: { 'text-column': { type: 'string' }, input: { type: 'string' }, brand: { type: 'string' } },
  },
  sources: {
    usage: 'earshot sources [test <id>]',
    summary: "show each source's health, or test one source's connection",
    details: `  sources           each source's state: last success, error streak, the error and, when it stopped, why
  sources test <id> one fetch through the source and its outbound policy, nothing stored; exit 1 if it fails`,
    options: {},
  },
  'dead-letters': {
    usage: 'earshot dead-letters [--limit N]',
    summary: 'show items that could not be read, with the reason',
    details: '  --limit <N>       how many, newest first (default 20)',
    options: { limit: { type: 'string' } },
  },
  'migrate-from-redis': {
    usage: 'earshot migrate-from-redis',
    summary: "upgrade: copy a Redis-only installation's records into PostgreSQL; safe to rerun",
    details:
      'Copies mentions, people, inbox items, audit and corrections from the old Redis keys into PostgreSQL. Stop every Earshot process first.',
    options: {},
  },
};

export function commandHelp(name: string): string {
  const spec = COMMANDS[name];
  // args.ts only hands over command words it found in COMMANDS.
  if (!spec) throw new Error(`no help for the command "${name}"`);
  return `${spec.usage}\n\n${spec.summary.charAt(0).toUpperCase()}${spec.summary.slice(1)}.\n\n${spec.details}\n\nOptions for every command:\n${CONFIG_NOTE}\n  -h, --help        this text\n`;
}

export function globalHelp(version: string): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length)) + 2;
  const lines = Object.entries(COMMANDS).map(([name, spec]) => `  ${name.padEnd(width)}${spec.summary}`);
  return `earshot ${version} — brand listening and response bot

Usage: earshot <command> [options]

Commands:
${lines.join('\n')}

Options:
${CONFIG_NOTE}
  -h, --help        this text; \`earshot <command> --help\` for one command
  -V, --version     print the version
`;
}
