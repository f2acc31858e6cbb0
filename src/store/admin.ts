import pg from 'pg';

/** Database names we create are our own (`earshot`, test names), never user text; still, quote them. */
function ident(name: string): string {
  if (!/^[a-z0-9_]{1,63}$/.test(name)) throw new Error(`unexpected database name "${name}"`);
  return `"${name}"`;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** True once the server lets us sign in (a server that is starting up refuses with 57P03). */
export async function canSignIn(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the database on a fresh embedded server (initdb only makes `postgres`). */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return;
    try {
      await client.query(`CREATE DATABASE ${ident(name)}`);
    } catch (err) {
      // Two processes starting together: the other one created it first.
      if ((err as { code?: string }).code !== '42P04') throw err;
    }
  });
}

/** A copy of an already-migrated database: how each test file gets its own in milliseconds. */
export async function cloneDatabase(adminUrl: string, template: string, name: string): Promise<void> {
  await withClient(adminUrl, async (client) => {
    try {
      await client.query(`CREATE DATABASE ${ident(name)} TEMPLATE ${ident(template)}`);
    } catch (err) {
      // Made already (the same name asked for twice): use it, as a shared Redis prefix would be.
      if (!['42P04', '23505'].includes((err as { code?: string }).code ?? '')) throw err;
    }
  });
}
