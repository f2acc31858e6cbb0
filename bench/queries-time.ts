import { readdirSync, readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';

/**
 * Where one probe's wall time went, from the kernel's scheduler statistics (/proc/<pid>/schedstat:
 * nanoseconds on a CPU, nanoseconds runnable but waiting for one): this process's main thread, and
 * every process of the bench's PostgreSQL (backends, autovacuum, checkpointer). On a shared
 * 2-core machine the p99 of a query is often neither Earshot's JavaScript nor PostgreSQL's work
 * but the wait for a core; a figure that cannot tell them apart cannot say what a change did.
 */
export interface ProbeSplit {
  /** This process on a CPU (the store function's JavaScript, pg's parsing; GC on the main thread included). */
  client: number;
  /** PostgreSQL's processes on a CPU during the probe. */
  server: number;
  /** Both sides runnable but not running: the machine was busy. */
  waiting: number;
  /** Garbage collection pauses in this process. */
  gc: number;
}

type Sched = { run: number; wait: number };

function schedOf(pid: number | 'self'): Sched {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { run: run ?? 0, wait: wait ?? 0 };
  } catch {
    // A backend that exited between the listing and the read (or no /proc: not Linux).
    return { run: 0, wait: 0 };
  }
}

function parentOf(pid: number): number {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(raw.slice(raw.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

export class ProbeClock {
  private pids: number[] = [];
  private gcMs = 0;
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) this.gcMs += e.duration;
  });

  /** `postmaster`: the bench's PostgreSQL; 0 when unknown (then only this process is split). */
  constructor(private readonly postmaster: number) {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** The server's processes, listed once per kind of query (a /proc walk per probe would cost more than a probe). */
  refresh(): void {
    if (!this.postmaster) return;
    try {
      this.pids = [
        this.postmaster,
        ...readdirSync('/proc')
          .filter((e) => /^\d+$/.test(e))
          .map(Number)
          .filter((pid) => parentOf(pid) === this.postmaster),
      ];
    } catch {
      this.pids = [];
    }
  }

  private read(): { self: Sched; server: Sched; gc: number } {
    const server = this.pids.map(schedOf).reduce((a, b) => ({ run: a.run + b.run, wait: a.wait + b.wait }), { run: 0, wait: 0 });
    return { self: schedOf('self'), server, gc: this.gcMs };
  }

  async time(run: () => Promise<unknown>): Promise<{ ms: number; split: ProbeSplit }> {
    const before = this.read();
    const t = performance.now();
    await run();
    const ms = performance.now() - t;
    const after = this.read();
    const d = (a: number, b: number) => (a - b) / 1e6;
    return {
      ms,
      split: {
        client: d(after.self.run, before.self.run),
        server: d(after.server.run, before.server.run),
        waiting: d(after.self.wait, before.self.wait) + d(after.server.wait, before.server.wait),
        gc: after.gc - before.gc,
      },
    };
  }

  stop(): void {
    this.observer.disconnect();
  }
}

/** The split of the slowest probes (those at or above the p99): what the tail is made of. */
export function tailSplit(probes: Array<{ ms: number; split: ProbeSplit }>): ProbeSplit & { n: number; ms: number } {
  const sorted = [...probes].sort((a, b) => a.ms - b.ms);
  const tail = sorted.slice(Math.max(0, Math.ceil(0.99 * sorted.length) - 1));
  const mean = (f: (p: { ms: number; split: ProbeSplit }) => number) => tail.reduce((s, p) => s + f(p), 0) / Math.max(1, tail.length);
  return {
    n: tail.length,
    ms: mean((p) => p.ms),
    client: mean((p) => p.split.client),
    server: mean((p) => p.split.server),
    waiting: mean((p) => p.split.waiting),
    gc: mean((p) => p.split.gc),
  };
}
