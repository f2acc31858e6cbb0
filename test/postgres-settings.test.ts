import { describe, expect, it } from 'vitest';
import { createPool } from '../src/postgres/pool.js';
import { ensureDatabase } from '../src/store/admin.js';
import { migrate } from '../src/store/migrate.js';
import { testDatabaseUrl } from './helpers/db.js';

describe('database settings the migrations make', () => {
  it('JIT compilation is off for every new connection to a migrated database (it cost seconds per broad query)', async () => {
    const server = (await testDatabaseUrl('jit-probe')).replace(/\/[^/]+$/, '/postgres');
    await ensureDatabase(server, 'earshot_jit_probe');
    const url = server.replace(/\/postgres$/, '/earshot_jit_probe');
    const before = createPool(url, { max: 1 });
    expect((await before.query<{ jit: string }>('SHOW jit')).rows[0]?.jit).toBe('on');
    await migrate(before);
    await before.end();
    // A database setting applies from the next session on, pooled or behind PgBouncer alike.
    const after = createPool(url, { max: 1 });
    expect((await after.query<{ jit: string }>('SHOW jit')).rows[0]?.jit).toBe('off');
    await after.end();
  });
});
