import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import { parseCsv } from '../src/text/csv.js';
import { appendAudit } from '../src/store/audit.js';
import { testApp, TOKENS, type TestApp } from './helpers/app.js';
import { seedMention } from './helpers/seed.js';

let app: TestApp;
let server: FastifyInstance;

beforeAll(async () => {
  app = await testApp();
  server = await buildServer(app.ctx);
});

afterAll(async () => {
  await server?.close();
  await app?.close();
});

const get = (url: string, role: keyof typeof TOKENS = 'approver') =>
  server.inject({ method: 'GET', url, headers: { authorization: `Bearer ${TOKENS[role]}` } });

describe('audit log and CSV exports from PostgreSQL', () => {
  it('pages the audit log by actor and action with an exact total', async () => {
    for (let i = 0; i < 25; i += 1)
      await appendAudit(app.ctx.db, i % 2 ? 'ana' : 'bob', i % 5 ? 'item.assigned' : 'item.rejected', `m_item${i}`, { i });
    const first = (await get('/api/audit/page?actor=ana&limit=5')).json();
    expect(first.total).toBe(12);
    expect(first.entries).toHaveLength(5);
    expect(first.entries.every((e: { actor: string }) => e.actor === 'ana')).toBe(true);
    const ids = new Set<string>(first.entries.map((e: { id: string }) => e.id));
    let next = first.next;
    while (next) {
      const page = (await get(`/api/audit/page?actor=ana&limit=5&cursor=${next}`)).json();
      for (const e of page.entries) ids.add(e.id);
      next = page.next;
    }
    expect(ids.size).toBe(12);
    expect((await get('/api/audit/page?action=item.rejected')).json().total).toBe(5);
  });

  it('exports mentions and the audit log as CSV, defusing spreadsheet formulas in post text', async () => {
    const m = await seedMention(app.ctx, {
      nativeId: 'csv-1',
      text: '=HYPERLINK("http://evil.example","click"), and "quotes"',
      createdAt: Date.parse('2026-11-20T10:00:00Z'),
    });
    const res = await get('/api/export/mentions.csv', 'viewer');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parseCsv(res.body);
    expect(rows[0]?.slice(0, 3)).toEqual(['id', 'created_at', 'platform']);
    const row = rows.find((r) => r[0] === m.id);
    expect(row?.[7]).toBe(`'=HYPERLINK("http://evil.example","click"), and "quotes"`);
    expect(row?.[11]).toBe('new');
    const audit = parseCsv((await get('/api/export/audit.csv?action=item.rejected')).body);
    expect(audit).toHaveLength(6);
    expect((await get('/api/export/audit.csv', 'viewer')).statusCode).toBe(403);
  });
});
