import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../src/log.js';
import { strayRejectionHandler } from '../src/cli/stray-rejections.js';

type Line = { level: 'warn' | 'error'; fields: Record<string, unknown>; msg: string };

function capture(): { log: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: Line['level']) => (fields: Record<string, unknown>, msg: string) => lines.push({ level, fields, msg });
  return { log: { warn: at('warn'), error: at('error') } as unknown as Logger, lines };
}

const closed = () => new Error('Connection is closed.');

describe('unhandled rejections', () => {
  it("carries on after ioredis's closed-connection rejections, logging them at most every 10 s", () => {
    const { log, lines } = capture();
    const fatal: Error[] = [];
    let t = 1_000;
    const handle = strayRejectionHandler(
      log,
      (e) => fatal.push(e),
      () => t,
    );
    handle(closed());
    handle(closed());
    handle(closed());
    t += 10_000;
    handle(closed());
    expect(fatal).toEqual([]);
    expect(lines.map((l) => [l.level, l.fields['dropped']])).toEqual([
      ['warn', 1],
      ['warn', 3],
    ]);
  });

  it('stops the process through the fatal path for any other rejection', () => {
    const { log, lines } = capture();
    const fatal: Error[] = [];
    const handle = strayRejectionHandler(log, (e) => fatal.push(e));
    handle(new TypeError('x is undefined'));
    handle('a string');
    expect(fatal.map((e) => e.message)).toEqual(['x is undefined', 'a string']);
    expect(lines.every((l) => l.level === 'error' && /a bug/.test(l.msg))).toBe(true);
  });

  // The drain after an embedded redis-server restart exited 1 on such a rejection (process-lifecycle test, 1 run in 6 at load 6).
  it('keeps a process alive that Node would have crashed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-stray-'));
    const script = (install: boolean) => {
      const file = path.join(dir, `stray-${String(install)}.ts`);
      const module = path.resolve('src/cli/stray-rejections.ts');
      writeFileSync(
        file,
        [
          `import { onStrayRejections } from ${JSON.stringify(module)};`,
          install ? `onStrayRejections({ warn: () => undefined, error: () => undefined } as never, () => process.exit(3));` : '',
          `void Promise.reject(new Error('Connection is closed.'));`,
          `setTimeout(() => process.exit(0), 200);`,
        ].join('\n'),
      );
      return new Promise<number>((resolve) =>
        execFile(process.execPath, ['--import', 'tsx', file], (err) => resolve(err ? Number((err as { code?: number }).code ?? 1) : 0)),
      );
    };
    expect(await script(false)).toBe(1);
    expect(await script(true)).toBe(0);
  }, 30_000);
});
