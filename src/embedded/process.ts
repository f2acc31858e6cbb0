import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Logger } from '../log.js';
import { onProcessExit } from './exit-cleanup.js';
import { childPids } from './pids.js';

export type EmbeddedState = 'starting' | 'up' | 'restarting' | 'failed' | 'stopping' | 'stopped';

export interface RestartPolicy {
  /** Restarts allowed within `windowMs` before giving up (a server that crashes as soon as it is up). */
  attempts: number;
  windowMs: number;
  /** Wait before the first attempt; doubles per attempt up to `maxDelayMs`. */
  delayMs: number;
  maxDelayMs: number;
}

export interface EmbeddedSpec {
  /** How logs and errors name it: "redis-server", "postgres". */
  name: string;
  binary: string;
  args: string[];
  /** Resolves true once the server takes connections. */
  probe(): Promise<boolean>;
  /** What makes the server shut down cleanly (redis: SIGTERM; postgres: SIGINT, its "fast" shutdown). */
  stopSignal?: NodeJS.Signals;
  /** Run as this user (root starts PostgreSQL as `postgres`, which refuses to run as root). */
  user?: { uid: number; gid: number };
  cwd?: string;
  /** Runs before every launch, restarts too (postgres: clear lock files a reused pid would block). */
  prepare?: () => void | Promise<void>;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  restart?: RestartPolicy;
  log?: Logger;
}

export interface EmbeddedStatus {
  name: string;
  state: EmbeddedState;
  restarts: number;
  pid: number | null;
}

export class EmbeddedStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedStartError';
  }
}

const DEFAULT_RESTART: RestartPolicy = { attempts: 5, windowMs: 60_000, delayMs: 200, maxDelayMs: 5_000 };

/**
 * A server process this process owns: started in its own process group (so a Ctrl-C in the
 * terminal reaches Earshot only, and Earshot stops the server itself, last), restarted on the same
 * arguments when it dies, and stopped however Earshot ends: by stop(), by an exit handler, or,
 * when Earshot is killed outright, by a watchdog that notices Earshot's end of a pipe closing.
 * Emits 'state' on every change and 'failed' (with an EmbeddedStartError) when restarts give up.
 */
export class EmbeddedProcess extends EventEmitter {
  state: EmbeddedState = 'stopped';
  restarts = 0;
  private child: ChildProcess | null = null;
  private watchdog: ChildProcess | null = null;
  private output = '';
  private crashes: number[] = [];
  private wake: (() => void) | null = null;
  private unregisterExit: (() => void) | null = null;

  constructor(private readonly spec: EmbeddedSpec) {
    super();
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  status(): EmbeddedStatus {
    return { name: this.spec.name, state: this.state, restarts: this.restarts, pid: this.pid };
  }

  async start(): Promise<void> {
    this.unregisterExit ??= onProcessExit(() => this.killNow());
    this.setState('starting');
    try {
      await this.launch();
    } catch (err) {
      this.setState('stopped');
      this.unregisterExit?.();
      this.unregisterExit = null;
      throw err;
    }
    if (this.state === 'starting') this.setState('up');
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.setState('stopping');
    this.wake?.();
    const child = this.child;
    if (child) await terminate(child, this.spec.stopSignal ?? 'SIGTERM', this.spec.stopTimeoutMs ?? 10_000);
    this.dropWatchdog();
    this.unregisterExit?.();
    this.unregisterExit = null;
    this.setState('stopped');
  }

  private setState(state: EmbeddedState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }

  private async launch(): Promise<void> {
    this.output = '';
    await this.spec.prepare?.();
    const child = spawn(this.spec.binary, this.spec.args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      cwd: this.spec.cwd,
      ...(this.spec.user ?? {}),
    });
    this.child = child;
    const keep = (d: Buffer) => (this.output = (this.output + d.toString()).slice(-4000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    const spawned = await new Promise<Error | null>((resolve) => {
      child.once('spawn', () => resolve(null));
      child.once('error', (err) => resolve(err));
    });
    if (spawned) throw new EmbeddedStartError(`${this.spec.name} could not be started (${spawned.message})`);
    this.watch(child);
    await this.waitReady(child);
  }

  private async waitReady(child: ChildProcess): Promise<void> {
    const timeout = this.spec.startTimeoutMs ?? 15_000;
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      if (exited(child))
        throw new EmbeddedStartError(
          `${this.spec.name} exited during start (code ${child.exitCode ?? child.signalCode}): ${this.lastOutput()}`,
        );
      if (this.state === 'stopping') return;
      // The exit check again after the probe: another process may hold the port of one that just died.
      if ((await this.spec.probe()) && !exited(child)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    throw new EmbeddedStartError(`${this.spec.name} did not take connections within ${timeout / 1000}s: ${this.lastOutput()}`);
  }

  /** The server's last words, on one line, for an error message. */
  lastOutput(): string {
    const lines = this.output
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    return lines.slice(-3).join(' | ').slice(-600) || '(no output)';
  }

  /**
   * `sh` waits on a pipe whose other end only Earshot holds. Any end of Earshot (SIGKILL, an
   * out-of-memory abort) closes it, and the watchdog then stops the server.
   */
  private watch(child: ChildProcess): void {
    this.dropWatchdog();
    if (!child.pid) return;
    try {
      const signal = (this.spec.stopSignal ?? 'SIGTERM').replace(/^SIG/, '');
      const script = `read _ignored; kill -${signal} "$1" 2>/dev/null; kill -CONT "$1" $(cat /proc/"$1"/task/*/children 2>/dev/null) 2>/dev/null`;
      const dog = spawn('sh', ['-c', script, 'earshot-watchdog', String(child.pid)], {
        stdio: ['pipe', 'ignore', 'ignore'],
        detached: true,
      });
      dog.on('error', () => undefined);
      dog.stdin?.on('error', () => undefined);
      dog.unref();
      (dog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
      this.watchdog = dog;
    } catch {
      // Best effort: the exit handler and the stale-lock check still cover the common cases.
    }
  }

  private dropWatchdog(): void {
    // SIGKILL, so it cannot act on a pid that may be reused once the server is gone.
    if (this.watchdog && !exited(this.watchdog)) this.watchdog.kill('SIGKILL');
    this.watchdog = null;
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.dropWatchdog();
    if (this.state !== 'up') return;
    this.spec.log?.error(
      { server: this.spec.name, code, signal, output: this.lastOutput() },
      `embedded ${this.spec.name} exited unexpectedly; restarting it on the same data`,
    );
    void this.restartLoop();
  }

  private async restartLoop(): Promise<void> {
    const policy = this.spec.restart ?? DEFAULT_RESTART;
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < policy.windowMs), now];
    this.setState('restarting');
    let last: Error = new EmbeddedStartError(`${this.spec.name} kept exiting soon after each restart: ${this.lastOutput()}`);
    for (let attempt = 0; this.crashes.length <= policy.attempts && attempt < policy.attempts; attempt++) {
      await this.pause(Math.min(policy.delayMs * 2 ** attempt, policy.maxDelayMs));
      if (this.state !== 'restarting') return;
      try {
        await this.launch();
        if (this.state !== 'restarting') return;
        this.restarts += 1;
        this.spec.log?.warn({ server: this.spec.name, restarts: this.restarts, pid: this.pid }, `embedded ${this.spec.name} restarted`);
        this.setState('up');
        return;
      } catch (err) {
        last = err as Error;
        this.spec.log?.warn(
          { server: this.spec.name, attempt: attempt + 1, err: last.message },
          `embedded ${this.spec.name} restart failed`,
        );
      }
    }
    this.setState('failed');
    this.emit('failed', new EmbeddedStartError(`the embedded ${this.spec.name} stopped and could not be restarted: ${last.message}`));
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** From the exit handler: synchronous, so signals only. SIGCONT lets a stopped (SIGSTOP) server act on it. */
  private killNow(): void {
    const pid = this.child?.pid;
    if (!pid || !this.child || exited(this.child)) return;
    try {
      process.kill(pid, this.spec.stopSignal ?? 'SIGTERM');
      continueTree(pid);
    } catch {
      // Already gone.
    }
    this.dropWatchdog();
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function terminate(child: ChildProcess, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  const pid = child.pid;
  if (exited(child) || !pid) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
    // A server frozen with SIGSTOP would hold the signal until someone continues it.
    continueTree(pid);
  });
}

/**
 * The server and its children: PostgreSQL's postmaster waits for its backends to exit, which
 * frozen backends never would, and each backend leads its own process group.
 */
function continueTree(pid: number): void {
  for (const target of [pid, ...childPids(pid)]) {
    try {
      process.kill(target, 'SIGCONT');
    } catch {
      // Already gone.
    }
  }
}
