import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { pollSource } from '../../src/listen/poll.js';
import { loadMentions } from '../../src/store/mentions.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { present } from '../helpers/present.js';

const HOUR = 3_600_000;
const line = (id: string, createdAt: string) =>
  `${JSON.stringify({ id, text: `@AcmeAir post ${id}`, createdAt, author: { id: `a${id}`, handle: `h${id}` } })}\n`;

let app: TestApp;
let file: string;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-shift-'));
  file = path.join(dir, 'sample.jsonl');
  writeFileSync(file, line('old', '2020-03-01T08:00:00Z') + line('new', '2020-03-03T10:00:00Z'));
  app = await testApp({
    sources: [
      { id: 'demo', kind: 'file', brand: 'acme', interval: '1h', options: { path: file, platform: 'demo', shiftTimesToNow: true } },
      { id: 'export', kind: 'file', brand: 'acme', interval: '1h', options: { path: file, platform: 'export' } },
    ],
  });
});

afterAll(async () => {
  await app?.close();
});

async function times(source: string): Promise<number[]> {
  const { rows } = await app.ctx.db.query<{ id: string }>('SELECT id FROM mentions WHERE source_id = $1 ORDER BY native_id', [source]);
  const stored = await loadMentions(
    app.ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => Date.parse(present(stored.get(r.id)).mention.createdAt));
}

describe('file source: shiftTimesToNow (the demo only)', () => {
  it('dates the newest post two minutes ago and keeps the gaps between posts', async () => {
    const before = Date.now();
    expect(await pollSource(app.ctx, 'demo')).toMatchObject({ status: 'ok', stored: 2 });
    const [newest, oldest] = await times('demo');
    expect(newest).toBeGreaterThanOrEqual(before - 2 * 60_000 - 1000);
    expect(newest).toBeLessThanOrEqual(Date.now() - 2 * 60_000 + 1000);
    expect(present(newest) - present(oldest)).toBe(50 * HOUR);
  });

  it('leaves a real import untouched', async () => {
    expect(await pollSource(app.ctx, 'export')).toMatchObject({ status: 'ok', stored: 2 });
    expect(await times('export')).toEqual([Date.parse('2020-03-03T10:00:00Z'), Date.parse('2020-03-01T08:00:00Z')]);
  });

  it('is switched on in the demo config', () => {
    const config = loadConfig('config/earshot.yaml', {});
    expect(config.sources.find((s) => s.id === 'demo-file')?.parsedOptions).toMatchObject({ shiftTimesToNow: true });
  });
});
