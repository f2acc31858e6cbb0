import { rmSync } from 'node:fs';
import type { AppContext } from '../src/context.js';
import { approveItem } from '../src/inbox/actions.js';
import { getItem, getItems, listItemIds } from '../src/store/inbox.js';
import { loadMentions } from '../src/store/mentions.js';
import { APPROVER, log, sleep, tempDir, waitFor, type Report } from './common.js';
import { RedisServer } from './procs.js';
import { keepBusy, setUp, tearDown, type Running } from './replay.js';
import { checkReplay, pipelineIdle, publishesSettled } from './verify.js';
import { countMentions } from '../src/store/mentions.js';

const DOWN_MS = 2_000;

/**
 * redis-server (AOF on, appendfsync everysec) stopped and started again on the same port and data
 * folder while two worker processes run and posts keep arriving; once with SIGTERM, once with SIGKILL.
 */
export async function redisRestart(report: Report): Promise<void> {
  const dir = tempDir('restart');
  const server = await new RedisServer(dir).start();
  log(`redis restart: redis-server ${server.url}, AOF everysec, 2 worker processes`);
  const r = await setUp({ label: 'redis restart', redisUrl: server.url, prefix: 'chaos', dir, workers: 2 });
  try {
    const stop = keepBusy(r, 60);
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) await restartOnce(report, r, server, signal);
    await stop();
    const drained = await waitFor(
      async () => (await pipelineIdle(r.control.ctx)) && (await publishesSettled(r.control.ctx, r.approved)),
      60_000,
      500,
    );
    report.check('redis restart: pipeline drains afterwards', drained, `${r.fake.published} published, ${r.approved.size} approved`);
    const replies = [...r.proxy.replies.values()].map((x) => x.inReplyToId);
    await checkReplay(
      report,
      'redis restart',
      r.control.ctx,
      r.fake.published,
      replies,
      r.approved,
      r.proxy.log.filter((e) => e.method === 'POST').length,
    );
  } finally {
    await tearDown(r);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Approves an urgent item with its reply held in flight at the platform, writes an acknowledged
 * marker, then stops redis-server. SIGKILL loses nothing acknowledged either: with everysec the
 * AOF is write(2)-n to the kernel before the reply goes out, and only fsync waits up to a second;
 * a killed process leaves the page cache intact (a power cut, not tested here, can lose that second).
 */
async function restartOnce(report: Report, r: Running, server: RedisServer, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  const ctx = r.control.ctx;
  const label = `redis restart (${signal})`;
  const itemId = await approveOne(ctx, r);
  const marker = `chaos:{ack}:${signal}:${Date.now()}`;
  await ctx.redis.set(marker, '1');
  const storedBefore = await countMentions(ctx.db);
  r.proxy.postDelayMs = 1_500;
  await sleep(300);
  await server.stop(signal);
  const downAt = Date.now();
  await sleep(DOWN_MS);
  await server.start();
  const upAt = Date.now();
  r.proxy.postDelayMs = 0;
  const storedAfter = await countMentions(ctx.db);
  const kept = (await ctx.redis.exists(marker)) === 1;
  report.check(
    `${label}: nothing acknowledged lost`,
    kept && storedAfter >= storedBefore && itemId !== null,
    `marker ${kept ? 'kept' : 'LOST'}; timeline ${storedBefore} before stop, ${storedAfter} after restart; approved item ${itemId ?? 'none found'}`,
  );
  const resumed = await waitFor(async () => (await countMentions(ctx.db)) > storedAfter, 30_000, 100);
  report.check(
    `${label}: workers reconnect and ingest again`,
    resumed,
    `down ${upAt - downAt} ms; first new mention stored ${resumed ? Date.now() - upAt : 'never'} ms after restart`,
  );
  const posted = itemId ? await waitFor(async () => (await getItem(ctx.db, itemId))?.status === 'posted', 30_000, 200) : false;
  const target = itemId ? await replyTarget(ctx, itemId) : null;
  const replies = [...r.proxy.replies.values()].filter((x) => x.inReplyToId === target).length;
  const status = itemId ? (await getItem(ctx.db, itemId))?.status : 'n/a';
  report.check(
    `${label}: item approved before the restart is posted after`,
    posted,
    `status ${status}; ${Date.now() - upAt} ms after restart; replies to it on the platform: ${replies}`,
  );
}

/** Approves the newest urgent item, waiting for one if needed; returns its id. */
export async function approveOne(ctx: AppContext, r: Running): Promise<string | null> {
  let id: string | null = null;
  await waitFor(
    async () => {
      const items = await getItems(ctx.db, await listItemIds(ctx.db, 500));
      const item = items.find((i) => i.priority === 'urgent' && i.status === 'new' && !r.approved.has(i.id));
      if (!item) return false;
      r.approved.add(item.id);
      await approveItem(ctx, APPROVER, item.id, { draftVersion: item.draftVersion, acknowledgeWarnings: true });
      id = item.id;
      return true;
    },
    20_000,
    100,
  );
  return id;
}

/** The platform status id a reply to this item answers. */
export async function replyTarget(ctx: AppContext, itemId: string): Promise<string | null> {
  const stored = (await loadMentions(ctx.db, [itemId])).get(itemId);
  return stored ? (stored.mention.replyRef['statusId'] ?? stored.mention.nativeId) : null;
}
