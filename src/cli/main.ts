import { OperatorError } from '../operator-error.js';
import { earshotVersion, parseCli, UsageError, USAGE } from './args.js';
import { commandHelp } from './help.js';

/**
 * The entry point stays small: help, --version and usage errors answer without loading the rest
 * of Earshot (the pipeline, the connectors, the database driver), which takes seconds on a slow
 * machine. The command itself is in run.ts.
 */
async function main(argv: string[]): Promise<void> {
  const args = parseCli(argv);
  if (args.version) {
    process.stdout.write(`earshot ${earshotVersion()}\n`);
    return;
  }
  if (args.help) {
    process.stdout.write(args.command === 'help' ? `${USAGE}\n` : commandHelp(args.command));
    return;
  }
  const { runCommand } = await import('./run.js');
  await runCommand(args);
}

/** Problems the operator fixes print as they are and exit 2 (usage, config) or 1; anything else is a bug and keeps its stack. */
async function report(err: unknown): Promise<never> {
  if (err instanceof UsageError) {
    process.stderr.write(`earshot: ${err.message}\n${err.hint}\n`);
    process.exit(2);
  }
  if (err instanceof OperatorError) {
    process.stderr.write(`earshot: ${err.message}\n`);
    process.exit(1);
  }
  const [{ ConfigError }, { RedisNotInstalledError }] = await Promise.all([import('../config/load.js'), import('../redis/embedded.js')]);
  if (err instanceof ConfigError || err instanceof RedisNotInstalledError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`earshot: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
}

main(process.argv.slice(2)).catch(report);
