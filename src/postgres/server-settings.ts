import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const MB = 1024 * 1024;
/** PostgreSQL's own default, and the floor: a small machine keeps it. */
const MIN_SHARED_BUFFERS = 128 * MB;
/** Past this the OS page cache serves the rest about as well, and a shared host keeps its memory. */
const MAX_SHARED_BUFFERS = 2048 * MB;

/**
 * shared_buffers for the embedded server: a quarter of the machine's memory (PostgreSQL's own
 * advice for a dedicated server), between its default and 2 GB. With the default 128 MB, a store
 * of a million mentions (1.2 GB of tables and indexes) does not fit: the queue's pages and a
 * person's posts were read back from the OS cache, or from disk when that had been evicted, and a
 * history of 20 posts spread over 20 heap pages took 4 to 20 ms instead of 0.3.
 */
export function sharedBuffersMb(totalMemory = os.totalmem()): number {
  const quarter = Math.floor(totalMemory / 4 / MB) * MB;
  return Math.min(MAX_SHARED_BUFFERS, Math.max(MIN_SHARED_BUFFERS, quarter)) / MB;
}

/**
 * The settings a durable embedded server starts with (tests' throwaway servers keep PostgreSQL's
 * defaults: dozens of them run at once). pg_prewarm's autoprewarm, when the contrib library is
 * installed, writes which pages were in shared_buffers at shutdown and reads them back after a
 * start: a restarted server answers the queue and histories from memory again, as it did before.
 */
export function durableSettings(bin: string, totalMemory = os.totalmem()): string[] {
  const settings = [`shared_buffers=${sharedBuffersMb(totalMemory)}MB`];
  // Debian's layout: /usr/lib/postgresql/<version>/{bin,lib}. Preloading a library that is
  // missing would stop the server from starting, so it is only named when present.
  if (existsSync(path.join(bin, '..', 'lib', 'pg_prewarm.so'))) settings.push('shared_preload_libraries=pg_prewarm');
  return settings;
}

/**
 * `name=value` settings as `-c` arguments, later ones winning, except that every
 * shared_preload_libraries given is kept (the bench adds pg_stat_statements to pg_prewarm).
 */
export function mergedSettings(settings: string[]): string[] {
  const libraries: string[] = [];
  const byName = new Map<string, string>();
  for (const s of settings) {
    const name = s.slice(0, s.indexOf('='));
    if (name !== 'shared_preload_libraries') {
      byName.set(name, s);
      continue;
    }
    for (const lib of s.slice(name.length + 1).split(',')) if (lib.trim() && !libraries.includes(lib.trim())) libraries.push(lib.trim());
  }
  return [...byName.values(), ...(libraries.length ? [`shared_preload_libraries=${libraries.join(',')}`] : [])];
}
