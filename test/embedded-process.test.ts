import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockDataFolder } from '../src/embedded/lock.js';
import { processAlive, processGroup } from '../src/embedded/pids.js';
import { EmbeddedProcess, type EmbeddedState } from '../src/embedded/process.js';
import { freePort } from '../src/redis/embedded.js';
import { waitFor } from './helpers/wait.js';
import { present } from './helpers/present.js';

// Any server will do: the helper is what PostgreSQL will use too. This one refuses to start while
// a marker file exists, the way a server refuses damaged data.
const SERVER = `
const fs = require('node:fs');
const [port, marker] = process.argv.slice(1);
if (fs.existsSync(marker)) { console.error('refusing to start: ' + fs.readFileSync(marker, 'utf8')); process.exit(3); }
require('node:net').createServer((s) => s.end()).listen(Number(port), '127.0.0.1');
`;

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.end(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function server() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-embedded-'));
  const port = await freePort();
  const marker = path.join(dir, 'broken');
  const proc = new EmbeddedProcess({
    name: 'toy-server',
    binary: process.execPath,
    args: ['-e', SERVER, String(port), marker],
    probe: () => canConnect(port),
    restart: { attempts: 3, windowMs: 60_000, delayMs: 10, maxDelayMs: 40 },
  });
  const states: EmbeddedState[] = [];
  proc.on('state', (s: EmbeddedState) => states.push(s));
  return { dir, port, marker, proc, states };
}

describe('EmbeddedProcess (the generic embedded-server lifecycle)', () => {
  it('runs the server in its own process group and restarts it on the same arguments when it dies', async () => {
    const { port, proc, states } = await server();
    await proc.start();
    const first = present(proc.pid);
    expect(processGroup(first)).toBe(first);
    process.kill(first, 'SIGKILL');
    await waitFor('the restart', () => proc.state === 'up' && proc.restarts === 1);
    expect(proc.pid).not.toBe(first);
    expect(await canConnect(port)).toBe(true);
    expect(states).toEqual(['starting', 'up', 'restarting', 'up']);
    const second = present(proc.pid);
    await proc.stop();
    expect(processAlive(second)).toBe(false);
    expect(proc.status()).toMatchObject({ name: 'toy-server', state: 'stopped', restarts: 1 });
  });

  it('gives up after the allowed attempts and says why', async () => {
    const { marker, proc } = await server();
    await proc.start();
    const failed = new Promise<Error>((resolve) => proc.once('failed', resolve));
    writeFileSync(marker, 'data damaged');
    process.kill(present(proc.pid), 'SIGKILL');
    const err = await failed;
    expect(proc.state).toBe('failed');
    expect(err.message).toMatch(
      /^the embedded toy-server stopped and could not be restarted: toy-server exited during start \(code 3\): refusing to start: data damaged/,
    );
    await proc.stop();
  });

  it('a data-folder lock refuses a second holder while the first lives, and is free again once released', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-lock-'));
    const where = { setting: 'redis.dataDir in test.yaml' };
    const lock = lockDataFolder(dir, 'earshot start', where);
    expect(() => lockDataFolder(dir, 'earshot start', where)).toThrow(/is in use by another earshot process \(pid \d+, `earshot start`/);
    lock.release();
    lockDataFolder(dir, 'earshot start', where).release();
    // A lock left by a process that is gone is taken over.
    writeFileSync(
      path.join(dir, 'earshot.lock'),
      JSON.stringify({ pid: 2 ** 22 + 12345, started: '1', command: 'earshot start', at: 'yesterday' }),
    );
    lockDataFolder(dir, 'earshot start', where).release();
  });
});
