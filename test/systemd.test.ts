import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../src/cli/start.js';
import { configFromObject } from '../src/app/config.js';
import { baseConfig } from './helpers/app.js';
import { present } from './helpers/present.js';

const UNITS = path.resolve('config/systemd');
const SERVICES = readdirSync(UNITS).filter((f) => f.endsWith('.service'));

function hasSystemdAnalyze(): boolean {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Every `Key=value` of a unit file (the last one wins, as in systemd). */
function directives(file: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(path.join(UNITS, file), 'utf8').split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) out.set(present(m[1]), present(m[2]));
  }
  return out;
}

describe('systemd units', () => {
  const analyze = hasSystemdAnalyze();

  it.skipIf(!analyze)('pass systemd-analyze verify with no warning (skipped only where systemd-analyze is not installed)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-units-'));
    const files = readdirSync(UNITS).map((f) => {
      // A template is checked through one instance of it.
      const name = f.replace('@.service', '@1.service');
      copyFileSync(path.join(UNITS, f), path.join(dir, name));
      return path.join(dir, name);
    });
    const result = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile('systemd-analyze', ['verify', ...files], (err, _stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }),
      ),
    );
    // Unknown keys and unparsable values are only warnings (exit 0), so stderr must be empty too.
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('cover the one-process setup and every split role', () => {
    const roles = SERVICES.map((f) => /--role (\w+)/.exec(directives(f).get('ExecStart') ?? '')?.[1] ?? 'all');
    expect(roles.sort()).toEqual([...ROLES].sort());
  });

  it.each(SERVICES)('%s is hardened and waits out the drain before killing', (file) => {
    const d = directives(file);
    const drainSeconds = configFromObject(baseConfig('p'), {}, '/x.yaml').workers.drainTimeout / 1000;
    expect(d.get('User')).toBe('earshot');
    expect(d.get('NoNewPrivileges')).toBe('yes');
    expect(d.get('ProtectSystem')).toBe('strict');
    expect(d.get('ReadWritePaths')).toBe('/var/lib/earshot');
    expect(d.get('Restart')).toBe('on-failure');
    expect(d.get('RestartPreventExitStatus')).toBe('2');
    expect(d.get('KillMode')).toBe('mixed');
    expect(Number(d.get('TimeoutStopSec'))).toBe(drainSeconds + 15);
    expect(d.get('StandardOutput')).toBe('journal');
    expect(d.has('MemoryDenyWriteExecute')).toBe(false);
  });
});

describe('logs under systemd', () => {
  const load = (log: Record<string, unknown>, env: Record<string, string>) =>
    configFromObject(baseConfig('p', { log }), env, '/x.yaml').log.pretty;

  it('are JSON when systemd sets JOURNAL_STREAM, unless the file asks otherwise', () => {
    expect(load({ level: 'info' }, { JOURNAL_STREAM: '8:12345' })).toBe(false);
    expect(load({ level: 'info' }, {})).toBeUndefined();
    expect(load({ level: 'info', pretty: true }, { JOURNAL_STREAM: '8:12345' })).toBe(true);
  });
});
