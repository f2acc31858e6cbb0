import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { nth } from '../test/helpers/present.js';
import { sleep } from './common.js';
import { RedisServer } from './procs.js';

export interface LocalCluster {
  /** `redis-cluster://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3`, what REDIS_URL is set to. */
  url: string;
  ports: number[];
  stop(): Promise<void>;
}

/** Three cluster-enabled redis-servers on loopback (AOF on), joined as three masters without replicas. */
export async function startCluster(dir: string, nodes = 3): Promise<LocalCluster> {
  const servers: RedisServer[] = [];
  for (let i = 0; i < nodes; i += 1) {
    const nodeDir = path.join(dir, `node${i}`);
    mkdirSync(nodeDir, { recursive: true });
    servers.push(
      await new RedisServer(nodeDir, [
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-node-timeout',
        '5000',
      ]).start(),
    );
  }
  const ports = servers.map((s) => s.port);
  const stop = async () => void (await Promise.all(servers.map((s) => s.stop())));
  const created = spawnSync(
    'redis-cli',
    ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
    { encoding: 'utf8', timeout: 30_000 },
  );
  if (created.status !== 0) {
    await stop();
    throw new Error(`redis-cli --cluster create failed:\n${created.stdout}\n${created.stderr}`);
  }
  await waitForClusterOk(ports);
  return { url: `redis-cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`, ports, stop };
}

async function waitForClusterOk(ports: number[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const states = ports.map((p) => spawnSync('redis-cli', ['-p', String(p), 'cluster', 'info'], { encoding: 'utf8' }).stdout ?? '');
    if (states.every((s) => s.includes('cluster_state:ok'))) return;
    if (Date.now() > deadline) throw new Error(`cluster not ok after 30 s:\n${states.join('\n')}`);
    await sleep(200);
  }
}

/** Keys per node, and how many sit in the slot of `tag`: all of them must, or a script would hit CROSSSLOT. */
export async function slotSpread(
  ports: number[],
  tag: string,
): Promise<{ total: number; inSlot: number; perNode: number[]; slot: number }> {
  const clients = ports.map((port) => new Redis({ port, host: '127.0.0.1', lazyConnect: false }));
  try {
    const slot = Number(await nth(clients, 0).call('CLUSTER', 'KEYSLOT', tag));
    const perNode = await Promise.all(clients.map((c) => c.dbsize()));
    const inSlot = (await Promise.all(clients.map((c) => c.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot))))).reduce<number>(
      (a, n) => a + Number(n),
      0,
    );
    return { total: perNode.reduce((a, n) => a + n, 0), inSlot, perNode, slot };
  } finally {
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
