import type { Db } from '../src/postgres/pool.js';

/**
 * `--pg-statements`: the bench's PostgreSQL loads pg_stat_statements, so a replay can say which
 * statements its server time went to (perf is not installed here, and the backends' CPU alone
 * does not say where it went). Planning is tracked too: every statement is planned on each call.
 */
export const PG_STATEMENT_SETTINGS = [
  'shared_preload_libraries=pg_stat_statements',
  'pg_stat_statements.track=all',
  'pg_stat_statements.track_planning=on',
];

export async function resetStatements(db: Db): Promise<void> {
  await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await db.query('SELECT pg_stat_statements_reset()');
}

export interface StatementCost {
  calls: number;
  /** Execution and planning, milliseconds per stored mention. */
  execPerMention: number;
  planPerMention: number;
  rowsPerCall: number;
  wal: number;
  query: string;
}

/** The statements that took the most server time since the reset, per mention of the replay. */
export async function topStatements(db: Db, mentions: number, limit = 25): Promise<StatementCost[]> {
  const { rows } = await db.query<{ calls: string; exec: number; plan: number; rows: string; wal: string; query: string }>(
    `SELECT calls, total_exec_time AS exec, total_plan_time AS plan, rows, wal_bytes AS wal, query FROM pg_stat_statements
     WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time + total_plan_time DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    calls: Number(r.calls),
    execPerMention: r.exec / mentions,
    planPerMention: r.plan / mentions,
    rowsPerCall: Number(r.rows) / Math.max(1, Number(r.calls)),
    wal: Number(r.wal) / mentions,
    query: r.query.replace(/\s+/g, ' ').slice(0, 160),
  }));
}

export function statementsTable(costs: StatementCost[]): string {
  const ms = (n: number) => (n * 1000).toFixed(1);
  const lines = costs.map(
    (c) =>
      `| ${c.calls} | ${ms(c.execPerMention)} | ${ms(c.planPerMention)} | ${c.rowsPerCall.toFixed(1)} | ${Math.round(c.wal)} | \`${c.query.replace(/\|/g, '\\|')}\` |`,
  );
  const total = costs.reduce((s, c) => s + c.execPerMention + c.planPerMention, 0);
  return [
    `statements by server time, µs per mention (top ${costs.length}: ${ms(total)} µs in all)`,
    '| calls | exec µs | plan µs | rows/call | WAL B | statement |',
    '| --- | --- | --- | --- | --- | --- |',
    ...lines,
  ].join('\n');
}
