import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of the processes the bench started, read from /proc, so the figure does not depend on
 * what else the (shared) machine runs: wall-clock rates do, CPU per mention hardly does.
 */
export interface CpuSnapshot {
  worker: number;
  postgres: number;
  redis: number;
  /** This process: the fake platforms and the counting loop (not Earshot's cost). */
  bench: number;
}

export interface CpuPids {
  workers: number[];
  /** The postmaster: its own time, its children that exited (cutime) and the live backends. */
  postmaster: number;
  redis: number;
}

const TICK = 100; // getconf CLK_TCK on Linux

interface Stat {
  ppid: number;
  self: number;
  children: number;
}

/** Fields after the command name, which may hold spaces and parentheses. */
function readStat(pid: number): Stat | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    const n = (i: number) => Number(f[i] ?? 0);
    // f[1] is ppid (field 4); utime, stime, cutime, cstime are fields 14-17 (f[11..14]).
    return { ppid: n(1), self: (n(11) + n(12)) / TICK, children: (n(13) + n(14)) / TICK };
  } catch {
    return null;
  }
}

function childrenOf(parent: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (readStat(Number(entry))?.ppid === parent) out.push(Number(entry));
  }
  return out;
}

const own = (pid: number) => readStat(pid)?.self ?? 0;

export function cpuSnapshot(pids: CpuPids): CpuSnapshot {
  const master = readStat(pids.postmaster);
  const backends = childrenOf(pids.postmaster).reduce((sum, pid) => sum + own(pid), 0);
  const usage = process.cpuUsage();
  return {
    worker: pids.workers.reduce((sum, pid) => sum + own(pid), 0),
    postgres: master ? master.self + master.children + backends : Number.NaN,
    redis: own(pids.redis),
    bench: (usage.user + usage.system) / 1e6,
  };
}

/** Milliseconds of CPU per mention between two snapshots. */
export function cpuPerMention(before: CpuSnapshot, after: CpuSnapshot, mentions: number): CpuSnapshot & { total: number } {
  const per = (k: keyof CpuSnapshot) => ((after[k] - before[k]) * 1000) / mentions;
  const out = { worker: per('worker'), postgres: per('postgres'), redis: per('redis'), bench: per('bench') };
  return { ...out, total: out.worker + out.postgres + out.redis };
}

/** The postmaster's pid: first line of postmaster.pid in its data folder. */
export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
}
