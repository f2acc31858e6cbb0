import { parseArgs } from 'node:util';

export const USAGE = `earshot — brand listening and response bot

Usage: earshot <command> [options]

Commands:
  start [--role all|workers|api|scheduler]   run Earshot (default: every role in this process)
  check-config                               validate the config and print what is wrong, then exit
  import <file.jsonl> [--source <id>]        backfill mentions from a JSONL export (progress on stderr)
  token [--name <user>] [--role <role>]      make a new API token and the config lines for it
  user add --name <user> --role <role>       make the config lines for a web sign-in (asks for the password;
           [--password-stdin]                with --password-stdin, reads it from standard input)
  triage <file> [--text-column text] [--brand <id>]
                                             score a CSV or JSONL export offline: one JSON line per post, in order
  sources                                    show each source's health
  sources test <id>                          one fetch through the source (nothing stored); exit 1 if it fails
  dead-letters [--limit N]                   show items that could not be read, with the reason
  migrate-from-redis                         upgrade: copy a Redis-only installation's records (mentions,
                                             people, inbox, audit, corrections) into PostgreSQL; safe to rerun

Options:
  --config <file>   config file (default: $EARSHOT_CONFIG, else config/earshot.yaml)
  -h, --help        this text`;

export interface CliArgs {
  command: string;
  positionals: string[];
  config: string | undefined;
  role: string;
  source: string | undefined;
  name: string;
  limit: number;
  textColumn: string | undefined;
  input: string | undefined;
  brand: string | undefined;
  passwordStdin: boolean;
  help: boolean;
}

export function parseCli(argv: string[]): CliArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      role: { type: 'string', default: 'all' },
      source: { type: 'string' },
      name: { type: 'string', default: 'someone' },
      limit: { type: 'string', default: '20' },
      'text-column': { type: 'string' },
      input: { type: 'string' },
      brand: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command = 'help', ...rest] = positionals;
  return {
    command,
    positionals: rest,
    config: values.config,
    role: values.role ?? 'all',
    source: values.source,
    name: values.name ?? 'someone',
    limit: Number(values.limit ?? 20) || 20,
    textColumn: values['text-column'],
    input: values.input,
    brand: values.brand,
    passwordStdin: values['password-stdin'] ?? false,
    help: values.help ?? false,
  };
}
