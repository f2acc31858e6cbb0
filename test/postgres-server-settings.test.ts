import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { durableSettings, mergedSettings, sharedBuffersMb } from '../src/postgres/server-settings.js';

const GB = 1024 ** 3;
const root = mkdtempSync(path.join(os.tmpdir(), 'earshot-pgsettings-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A Debian-like /usr/lib/postgresql/<version> with or without the contrib library. */
function install(name: string, prewarm: boolean): string {
  const bin = path.join(root, name, 'bin');
  mkdirSync(bin, { recursive: true });
  mkdirSync(path.join(root, name, 'lib'), { recursive: true });
  if (prewarm) writeFileSync(path.join(root, name, 'lib', 'pg_prewarm.so'), '');
  return bin;
}

describe('the embedded server settings', () => {
  it('sizes shared_buffers to a quarter of memory, no less than PostgreSQL default and no more than 2 GB', () => {
    expect(sharedBuffersMb(4 * GB)).toBe(1024);
    expect(sharedBuffersMb(0.25 * GB)).toBe(128);
    expect(sharedBuffersMb(64 * GB)).toBe(2048);
  });

  it('preloads pg_prewarm only where the library is installed (a missing one would stop the server)', () => {
    expect(durableSettings(install('with', true), 4 * GB)).toEqual(['shared_buffers=1024MB', 'shared_preload_libraries=pg_prewarm']);
    expect(durableSettings(install('without', false), 4 * GB)).toEqual(['shared_buffers=1024MB']);
  });

  it('keeps every preloaded library when settings are added, later values winning otherwise', () => {
    const merged = mergedSettings([
      'shared_buffers=1024MB',
      'shared_preload_libraries=pg_prewarm',
      'shared_buffers=256MB',
      'shared_preload_libraries=pg_stat_statements,pg_prewarm',
    ]);
    expect(merged).toEqual(['shared_buffers=256MB', 'shared_preload_libraries=pg_prewarm,pg_stat_statements']);
  });
});
