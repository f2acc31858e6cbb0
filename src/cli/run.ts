import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { hashToken, type Config } from '../config/load.js';
import { loadConfig } from '../app/config.js';
import { Roles } from '../config/schema.js';
import { createLogger, type Logger } from '../log.js';
import { UsageError, type CliArgs } from './args.js';
import { onStrayRejections } from './stray-rejections.js';
import type { RoleName, Running } from './start.js';

// Each command loads only what it needs: check-config or triage should not pay for the pipeline,
// the connectors' clients and the database driver on a slow machine.
const commands = () => import('./commands.js');

// The CLI is the one place that reads the process environment; everything else gets Config.
const env = process.env;

function configPath(args: CliArgs): string {
  return path.resolve(args.config ?? env['EARSHOT_CONFIG'] ?? 'config/earshot.yaml');
}

function readConfig(args: CliArgs): Config {
  return loadConfig(configPath(args), env);
}

async function start(args: CliArgs): Promise<void> {
  const { ROLES, startRoles } = await import('./start.js');
  const role = args.role ?? 'all';
  if (!(ROLES as readonly string[]).includes(role))
    throw new UsageError(`--role must be one of ${ROLES.join(', ')}, not "${role}"`, 'start');
  const config = readConfig(args);
  // Under systemd (JOURNAL_STREAM) or any pipe, one JSON object per line: journald and log shippers read it as is.
  const log = createLogger({ level: config.log.level, pretty: config.log.pretty ?? Boolean(process.stdout.isTTY) });
  // Handlers first: the API answers before the rest has started, and a signal then must not kill
  // the process outright (that would skip stopping the embedded server).
  let running: Running | null = null;
  const shutdown = shutdownOnce(() => running, log, config.workers.drainTimeout);
  process.on('SIGTERM', () => shutdown('SIGTERM', 0));
  process.on('SIGINT', () => shutdown('SIGINT', 0));
  onStrayRejections(log, () => shutdown('unhandled rejection', 1));
  const onFatal = (err: Error) => {
    say(log, `${err.message}; Earshot is stopping`);
    shutdown('store lost', 1);
  };
  running = await startRoles(config, role as RoleName, log, { onFatal });
  log.info(
    { config: config.file, role, inbox: running.apiUrl, sources: config.sources.map((s) => `${s.id} (${s.kind})`) },
    running.apiUrl ? `Earshot is running. Inbox: ${running.apiUrl}/  (sign in with a token from ${config.file})` : 'Earshot is running',
  );
  shutdown.resume();
}

/** One line for the operator: in the log, and on stderr in case a log transport has not flushed at exit. */
function say(log: Logger, message: string): void {
  log.error(message);
  process.stderr.write(`earshot: ${message}\n`);
}

/**
 * Drains once, within `drainMs` whatever state the store is in: a job or a Redis command that
 * cannot finish must not keep the process from stopping. Exit handlers stop embedded servers and
 * release the data-folder lock on every exit path (see embedded/exit-cleanup.ts).
 */
function shutdownOnce(current: () => Running | null, log: Logger, drainMs: number) {
  let reason: string | null = null;
  let exitCode = 0;
  let draining = false;
  const drain = () => {
    const running = current();
    if (!running || draining) return;
    draining = true;
    running.stop().then(
      () => {
        log.info('stopped cleanly');
        process.exit(exitCode);
      },
      (err: Error) => {
        log.error({ err: err.message }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  const shutdown = (why: string, code: number) => {
    if (reason !== null) {
      if (why.startsWith('SIG')) {
        log.warn('second signal: exiting without draining');
        process.exit(1);
      }
      return;
    }
    reason = why;
    exitCode = code;
    log.info({ reason, drainTimeoutMs: drainMs }, 'draining: finishing active jobs, taking no new ones');
    setTimeout(() => {
      say(
        log,
        `stopping took longer than workers.drainTimeout (${drainMs / 1000}s) while waiting for ${current()?.stopStep() ?? 'startup to finish'}, so Earshot exits now; jobs still running are retried at the next start`,
      );
      process.exit(1);
    }, drainMs);
    // During startup the drain waits until everything it has to stop exists (see resume).
    drain();
  };
  return Object.assign(shutdown, { resume: () => reason !== null && drain() });
}

function token(args: CliArgs): void {
  // A token without a name and role would be pasted as someone's and given a role nobody chose.
  if (!args.name || !/^[a-zA-Z0-9._-]{1,64}$/.test(args.name))
    throw new UsageError('token needs --name <user> (letters, digits, ".", "_" or "-"): who the token is for', 'token');
  if (!args.role || !Roles.includes(args.role as (typeof Roles)[number]))
    throw new UsageError(`token needs --role ${Roles.join('|')}`, 'token');
  const value = `es_${randomBytes(24).toString('base64url')}`;
  const role = args.role;
  process.stdout.write(
    `token (give it to ${args.name}; it is shown only once):\n  ${value}\n\nadd to users: in the config:\n  - name: ${args.name}\n    role: ${role}\n    tokenHash: "${hashToken(value)}"\n`,
  );
}

/** Runs one parsed command; loaded only once help, version and usage are dealt with (see main.ts). */
export async function runCommand(args: CliArgs): Promise<void> {
  switch (args.command) {
    case 'start':
      return start(args);
    case 'check-config': {
      const config = readConfig(args);
      process.stdout.write(
        `${config.file}: OK — ${config.brands.length} brand(s), ${config.sources.length} source(s), ${config.chat.length} chat destination(s), ${config.users.length} user(s)\n`,
      );
      return;
    }
    case 'import':
      return (await commands()).runImport(readConfig(args), args);
    case 'token':
      return token(args);
    case 'user':
      return (await import('./users-cmd.js')).userCommand(args);
    case 'triage':
      return void (await import('./triage-cmd.js')).runTriage(args);
    case 'sources': {
      const { showSources, testSourceCli } = await commands();
      return args.positionals[0] === 'test' ? testSourceCli(readConfig(args), args.positionals[1]) : showSources(readConfig(args));
    }
    case 'users':
      return (await import('./directory-cmd.js')).usersCommand(readConfig(args), args);
    case 'brands':
      return (await import('./directory-cmd.js')).brandsCommand(readConfig(args), args);
    case 'migrate-from-redis':
      return (await import('./migrate-cmd.js')).migrateFromRedis(readConfig(args));
    case 'dead-letters':
      return (await commands()).showDeadLetters(readConfig(args), args.limit);
    default:
      throw new UsageError(`unknown command "${args.command}"`);
  }
}
