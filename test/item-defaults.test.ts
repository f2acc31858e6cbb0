import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../src/postgres/pool.js';
import { ensureDatabase } from '../src/store/admin.js';
import { CREATE, createParams, draftVersions, getItems, type NewItem } from '../src/store/inbox.js';
import { queuePage } from '../src/store/inbox-queue.js';
import { migrate } from '../src/store/migrate.js';
import { MIGRATIONS } from '../src/store/sql/migrations.js';
import { testDatabaseUrl } from './helpers/db.js';
import { present } from './helpers/present.js';
import { seedItems } from './helpers/queue-seed.js';

/**
 * Migration 27: a new item with the default draft template and no warnings stores neither, and
 * reads exactly like an item written before (which keeps 'default' and '[]'), everywhere an item
 * is read: the item, the queue, its draft versions.
 */
const NOW = Date.UTC(2026, 5, 1, 12);
let db: Db;

function newItem(id: string, draftTemplate: string, draftWarnings: string[]): NewItem {
  return {
    id,
    brandId: 'acme',
    sourceId: 'seed',
    platform: 'mastodon',
    priority: 'normal',
    urgency: 40,
    category: 'other',
    sentiment: 'negative',
    language: 'en',
    createdAt: NOW,
    slaDueAt: NOW + 3_600_000,
    draft: 'Hi, sorry about that.',
    draftTemplate,
    draftWarnings,
    dupKey: null,
  };
}

beforeAll(async () => {
  const server = (await testDatabaseUrl('item-defaults-probe')).replace(/\/[^/]+$/, '/postgres');
  await ensureDatabase(server, 'earshot_item_defaults');
  db = createPool(server.replace(/\/postgres$/, '/earshot_item_defaults'), { max: 2 });
  await db.query(
    'CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  for (const m of MIGRATIONS.filter((m) => m.version <= 26)) {
    await db.query(m.sql);
    await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
  }
  // An item written at schema 26, and the mentions of the ones created after the migration.
  await seedItems(db, [{ id: 'before' }, { id: 'plain' }, { id: 'odd' }]);
  await db.query("DELETE FROM inbox_items WHERE id IN ('plain', 'odd')");
  expect(await migrate(db)).toEqual(MIGRATIONS.filter((m) => m.version > 26).map((m) => m.version));
  await db.query(CREATE, createParams([newItem('plain', 'default', []), newItem('odd', 'composer', ['never say: "guarantee"'])], NOW));
});

afterAll(async () => {
  await db?.end();
});

describe('items without their usual draft template and warnings stored', () => {
  it('stores nothing for the default template and no warnings, and keeps any other', async () => {
    const { rows } = await db.query<{ id: string; template: string | null; warnings: string[] | null }>(
      'SELECT id, draft_template AS template, draft_warnings AS warnings FROM inbox_items ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 'before', template: 'default', warnings: [] },
      { id: 'odd', template: 'composer', warnings: ['never say: "guarantee"'] },
      { id: 'plain', template: null, warnings: null },
    ]);
  });

  it('reads them back as an item written before reads, through the item, the queue and the draft versions', async () => {
    const [before, plain, odd] = await getItems(db, ['before', 'plain', 'odd']);
    expect(present(plain, 'plain')).toMatchObject({ draftTemplate: 'default', draftWarnings: [] });
    expect(present(before, 'before')).toMatchObject({ draftTemplate: 'default', draftWarnings: [] });
    expect(present(odd, 'odd')).toMatchObject({ draftTemplate: 'composer', draftWarnings: ['never say: "guarantee"'] });
    const page = await queuePage(db, { statuses: ['new'], limit: 10, now: NOW });
    const listed = page.rows.find((r) => r.item.id === 'plain')?.item;
    expect(listed).toMatchObject({ draftTemplate: 'default', draftWarnings: [] });
    const versions = await draftVersions(db, 'plain');
    expect(versions.map((v) => v.warnings)).toEqual([[]]);
  });
});
