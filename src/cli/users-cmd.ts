import { Roles, type Role } from '../config/schema.js';
import { hashPassword } from '../admin/password.js';
import { UsageError } from './args.js';

/** A mistake on the command line; main() prints the message and a hint, and exits 2. */
export class UserCommandError extends UsageError {
  constructor(message: string) {
    super(message, 'user');
  }
}

const MIN_PASSWORD = 12;

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

/** Reads one line from the terminal without echoing it (raw mode; Ctrl-C aborts). */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err: Error | null) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(null);
        if (ch === '\u0003') return done(new UserCommandError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return (await readAll(process.stdin)).replace(/\r?\n$/, '');
  if (!process.stdin.isTTY) throw new UserCommandError('no terminal to ask for the password on; pipe it in with --password-stdin');
  const first = await promptHidden('password: ');
  const again = await promptHidden('same password again: ');
  if (first !== again) throw new UserCommandError('the two passwords differ; nothing was made');
  return first;
}

/** `earshot user add --name <n> --role <r> [--password-stdin]`: prints the config lines, stores nothing. */
export async function userCommand(args: {
  positionals: string[];
  name: string | undefined;
  role: string | undefined;
  passwordStdin: boolean;
}): Promise<void> {
  if (args.positionals[0] !== 'add')
    throw new UserCommandError('usage: earshot user add --name <user> --role <viewer|responder|approver|admin> [--password-stdin]');
  if (!args.name || !/^[a-zA-Z0-9._-]{1,64}$/.test(args.name))
    throw new UserCommandError('--name: give the user a name of letters, digits, ".", "_" or "-"');
  if (!args.role || !(Roles as readonly string[]).includes(args.role))
    throw new UserCommandError(`--role must be one of ${Roles.join(', ')}`);
  const password = await readPassword(args.passwordStdin);
  if (password.length < MIN_PASSWORD) throw new UserCommandError(`the password must be at least ${MIN_PASSWORD} characters`);
  const hash = await hashPassword(password);
  const role = args.role as Role;
  process.stdout.write(
    `add to users: in the config (or store the user in the database instead: earshot users add ${args.name} --role ${role}):\n  - name: ${args.name}\n    role: ${role}\n    passwordHash: "${hash}"\n`,
  );
}
