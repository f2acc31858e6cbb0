import { spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findPostgresBin, postgresUser } from '../src/postgres/binaries.js';
import { startEmbeddedPostgres } from '../src/postgres/embedded.js';
import { appendAudit, readAudit } from '../src/store/audit.js';
import { getItem, getItems, listItemIds } from '../src/store/inbox.js';
import { countMentions } from '../src/store/mentions.js';
import { log, sleep, tempDir, waitFor, type Report } from './common.js';
import { RedisServer } from './procs.js';
import { keepBusy, setUp, tearDown, type Running } from './replay.js';
import { approveOne, replyTarget } from './restart.js';
import { auditStore, checkReplay, pipelineIdle, publishesSettled } from './verify.js';

const DOWN_MS = 2_000;
const WORKERS = 3;

type Mode = 'fast' | 'immediate';

/**
 * `pg_ctl stop -m fast` (sessions ended, WAL flushed, clean) or `-m immediate` (every process
 * quits at once: crash recovery on the next start). As root, run as the `postgres` user it belongs to.
 */
function pgCtlStop(dataDir: string, mode: Mode): void {
  const bin = findPostgresBin();
  if (!bin) throw new Error('pg_ctl not found');
  const user = process.getuid?.() === 0 ? postgresUser() : null;
  const res = spawnSync(path.join(bin, 'pg_ctl'), ['stop', '-D', dataDir, '-m', mode, '-w', '-t', '30'], {
    encoding: 'utf8',
    cwd: dataDir,
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
  if (res.status !== 0) throw new Error(`pg_ctl stop -m ${mode} failed: ${res.stderr || res.error?.message}`);
}

const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

/** The workers' log outlives the scenario's folder when a worker died, for the post-mortem. */
function keepLog(dir: string): string {
  const to = path.join(os.tmpdir(), `earshot-chaos-pgrestart-workers-${Date.now()}.log`);
  copyFileSync(path.join(dir, 'workers.log'), to);
  return to;
}

/**
 * PostgreSQL (fsync and synchronous commit on, as ops run it) stopped fast, then immediate, and
 * started again, while three worker processes run, posts keep arriving, urgent items are approved
 * and, between the restarts, a worker gets kill -9. Workers must ride the outages out in-process
 * (pool errors handled, jobs retried): one that exits is a failure even though a supervisor
 * would restart it.
 */
export async function postgresRestart(report: Report): Promise<void> {
  const dir = tempDir('pgrestart');
  const redis = await new RedisServer(dir).start();
  log(`postgres restart: ${WORKERS} worker processes, PostgreSQL durable in ${dir}/pg`);
  const r = await setUp({ label: 'postgres restart', redisUrl: redis.url, prefix: 'chaos', dir, workers: WORKERS, durablePostgres: true });
  const started = Date.now();
  try {
    const stop = keepBusy(r, 60);
    await restartOnce(report, r, dir, 'fast');
    const killed = r.pool.killRandom();
    r.pool.spawn();
    log(`postgres restart: killed worker ${killed} (kill -9), started a replacement`);
    await restartOnce(report, r, dir, 'immediate');
    const dead = r.pool.live.filter((c) => !alive(c));
    const kept = dead.length ? keepLog(dir) : '';
    report.check(
      'postgres restart: every worker process rode out both restarts',
      dead.length === 0,
      `${r.pool.live.length - dead.length} of ${r.pool.live.length} live workers still running (the one killed on purpose was replaced)` +
        (dead.length ? `; exited: ${dead.map((c) => `${c.pid} (${c.exitCode ?? c.signalCode})`).join(', ')}; log kept in ${kept}` : ''),
    );
    await stop();
    const drained = await waitFor(
      async () =>
        (await countMentions(r.control.ctx.db)) >= r.fake.published &&
        (await pipelineIdle(r.control.ctx)) &&
        (await publishesSettled(r.control.ctx, r.approved)) &&
        (await auditStore(r.control.ctx)).notRouted === 0,
      120_000,
      1_000,
    );
    report.check(
      'postgres restart: pipeline drains afterwards',
      drained,
      `${r.fake.published} posts, ${r.approved.size} approved, ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    // An approval whose commit went through while the answer was lost to the outage counts too:
    // the approver saw an error, but the item is approved and must be published (once).
    const committed = (await getItems(r.control.ctx.db, await listItemIds(r.control.ctx.db, 100_000))).filter(
      (i) => i.approvedBy !== null && !r.approved.has(i.id),
    );
    for (const i of committed) r.approved.add(i.id);
    log(`postgres restart: ${committed.length} approval(s) committed although the approver saw an error`);
    const replies = [...r.proxy.replies.values()].map((x) => x.inReplyToId);
    await checkReplay(
      report,
      'postgres restart',
      r.control.ctx,
      r.fake.published,
      replies,
      r.approved,
      r.proxy.log.filter((e) => e.method === 'POST').length,
    );
  } finally {
    await tearDown(r);
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An item approved with its reply held in flight at the platform and an acknowledged audit
 * entry, then PostgreSQL stopped for two seconds and started on the same data folder.
 */
async function restartOnce(report: Report, r: Running, dir: string, mode: Mode): Promise<void> {
  const ctx = r.control.ctx;
  const label = `postgres restart (-m ${mode})`;
  const itemId = await approveOne(ctx, r);
  const marker = `chaos.ack.${mode}.${Date.now()}`;
  await appendAudit(ctx.db, 'chaos', marker);
  const storedBefore = await countMentions(ctx.db);
  r.proxy.postDelayMs = 1_500;
  await sleep(300);
  pgCtlStop(path.join(dir, 'pg'), mode);
  const downAt = Date.now();
  await sleep(DOWN_MS);
  // Same folder and settings; closing the control context later stops whichever server runs there.
  await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg') });
  const upAt = Date.now();
  r.proxy.postDelayMs = 250;
  const kept = await waitFor(async () => (await readAudit(ctx.db, { action: marker, limit: 1 })).length === 1, 10_000, 100);
  const storedAfter = await countMentions(ctx.db);
  report.check(
    `${label}: nothing acknowledged lost`,
    kept && storedAfter >= storedBefore && itemId !== null,
    `audit marker ${kept ? 'kept' : 'LOST'}; ${storedBefore} mentions before the stop, ${storedAfter} after the restart; approved item ${itemId ?? 'none found'}`,
  );
  const resumed = await waitFor(async () => (await countMentions(ctx.db)) > storedAfter, 45_000, 100);
  report.check(
    `${label}: workers reconnect and store again`,
    resumed,
    `down ${upAt - downAt} ms; first new mention stored ${resumed ? Date.now() - upAt : 'never'} ms after the restart`,
  );
  const posted = itemId ? await waitFor(async () => (await getItem(ctx.db, itemId))?.status === 'posted', 45_000, 200) : false;
  const target = itemId ? await replyTarget(ctx, itemId) : null;
  const replies = [...r.proxy.replies.values()].filter((x) => x.inReplyToId === target).length;
  const status = itemId ? (await getItem(ctx.db, itemId))?.status : 'n/a';
  report.check(
    `${label}: item approved before the stop is posted once after`,
    posted && replies === 1,
    `status ${status}; replies to it on the platform: ${replies}`,
  );
}
