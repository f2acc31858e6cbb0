import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { summary } from '../bench/stats.js';
import { freePort } from '../src/redis/embedded.js';
import { log, URGENT, type Report } from './common.js';
import { openPlatform } from './faults.js';

const POSTS = 8;
const SLOW_MS = 20_000;

/** A chat webhook that takes every request and answers only after `delayMs`. */
class SlowChat {
  received = 0;
  private readonly server = http.createServer((req, res) => {
    this.received += 1;
    req.resume();
    const timer = setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'), this.delayMs);
    res.on('close', () => clearTimeout(timer));
  });
  url = '';

  constructor(private readonly delayMs: number) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/services/T000/B000/slow`;
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Publishes urgent posts one after another; each must be stored and routed, whatever the chat does. */
async function measure(label: string, chatUrl?: string): Promise<{ ms: number[]; lost: number; alerted: number }> {
  const p = await openPlatform(label, chatUrl);
  const ms: number[] = [];
  let lost = 0;
  try {
    for (let i = 0; i < POSTS; i += 1) {
      const flowed = await p.flows(URGENT, { followers: 250_000, routed: true, timeoutMs: 10_000 });
      if (flowed.ok) ms.push(flowed.ms);
      else lost += 1;
    }
    return { ms, lost, alerted: p.slack.posts.length };
  } finally {
    await p.close();
  }
}

export async function slowChat(report: Report): Promise<void> {
  log(`slow chat: ${POSTS} urgent posts each with a working chat, one answering after ${SLOW_MS / 1000} s, one refusing connections`);
  const base = await measure('chat-ok');
  const slow = new SlowChat(SLOW_MS);
  await slow.start();
  const stalled = await measure('chat-slow', slow.url);
  const stalledCalls = slow.received;
  await slow.close();
  const refused = await measure('chat-down', `http://127.0.0.1:${await freePort()}/services/T000/B000/down`);
  const b = summary(base.ms);
  // Polling every second sets the pace; a chat problem may not add more than a second on top of that.
  const allowance = (x: number) => x <= Math.max(b.p95 + 1_000, 2_500);
  for (const [what, run, extra] of [
    ['answering after 20 s', stalled, `${stalledCalls} webhook calls held open`],
    ['refusing connections', refused, ''],
  ] as const) {
    const s = summary(run.ms);
    report.check(
      `slow chat: chat ${what} never blocks ingestion or triage`,
      run.lost === 0 && allowance(s.p95),
      `post → stored+routed p50 ${s.p50} ms, p95 ${s.p95} ms (working chat: p50 ${b.p50} ms, p95 ${b.p95} ms, ${base.alerted} alerts delivered); ${run.lost} of ${POSTS} not routed in 10 s${extra ? `; ${extra}` : ''}`,
    );
  }
}
