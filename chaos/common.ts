import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCsvObjects } from '../src/text/csv.js';

/** One line per check, PASS/FAIL with the figures that decided it; the suite exits non-zero on any FAIL. */
export class Report {
  readonly checks: Array<{ name: string; pass: boolean; detail: string }> = [];

  check(name: string, pass: boolean, detail: string): boolean {
    this.checks.push({ name, pass, detail });
    process.stdout.write(`${pass ? 'PASS' : 'FAIL'}  ${name} — ${detail}\n`);
    return pass;
  }

  get failed(): number {
    return this.checks.filter((c) => !c.pass).length;
  }

  summary(suite: string, started: number): string {
    const secs = ((Date.now() - started) / 1000).toFixed(0);
    return `${suite}: ${this.checks.length - this.failed}/${this.checks.length} checks passed in ${secs} s`;
  }
}

export function log(line: string): void {
  process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function tempDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `earshot-chaos-${label}-`));
}

/** Polls `check` until it holds; false (not a throw) at the deadline, so the caller reports a FAIL with figures. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, everyMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

/** Bounds a scenario: a hang becomes a FAIL line instead of a suite that never stops. */
export async function bounded(report: Report, name: string, ms: number, run: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  try {
    const outcome = await Promise.race([run().then(() => 'done' as const), limit]);
    if (outcome === 'timeout') report.check(`${name}: finished in time`, false, `still running after ${ms / 1000} s; abandoned`);
  } catch (err) {
    report.check(`${name}: ran to the end`, false, (err as Error).stack ?? String(err));
  } finally {
    clearTimeout(timer);
  }
}

const FALLBACK_TEXTS = [
  '@AcmeAir flight on time, crew was lovely, thanks!',
  '@AcmeAir my bag is lost and nobody answers the phone',
  'Flying @AcmeAir to Denver tomorrow',
  '@AcmeAir why was my flight cancelled without notice? Need a refund',
];

/** Airline tweets when the shared data set is there (realistic triage cost), a few fixed texts otherwise. */
export function replayTexts(): string[] {
  const file = path.resolve('../shared/data/airline-tweets-dev.csv');
  if (!existsSync(file)) return FALLBACK_TEXTS;
  const texts = readCsvObjects(readFileSync(file, 'utf8'))
    .map((row) => row['text'] ?? '')
    .filter(Boolean);
  return texts.length ? texts : FALLBACK_TEXTS;
}

export const URGENT = '@AcmeAir you lost my bag three days ago, nobody answers and I am still waiting. My lawyer is involved now!!!';
export const APPROVER = { name: 'approver', role: 'approver' as const };

/** Config for one Mastodon source polled every second, one Slack destination, fast stall detection. */
export function chaosConfig(
  prefix: string,
  instance: string,
  slackUrl: string,
  mastodon: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    brands: [{ id: 'acme', name: 'Acme Air', keywords: ['acme air'], handles: ['@AcmeAir'], hashtags: ['acmeair'] }],
    sources: [
      {
        id: 'masto',
        kind: 'mastodon',
        brand: 'acme',
        interval: '1s',
        stream: false,
        options: {
          instance,
          token: 'fake-token',
          mentions: true,
          pageLimit: 80,
          maxPagesPerPoll: 20,
          backfillPages: 1,
          timeoutMs: 3000,
          ...mastodon,
        },
      },
    ],
    chat: [{ id: 'slack', kind: 'slack', webhookUrl: slackUrl }],
    triage: { urgentThreshold: 70 },
    playbook: {
      signature: '— Acme Air care',
      templates: { default: 'Hi {name}, thanks for telling {brand}. We are on it.' },
      neverSay: [],
    },
    users: [{ name: 'approver', role: 'approver', token: 'chaos-approver-token-0123' }],
    redis: { prefix },
    // GeneratedMastodon dates its posts from 2023; a 90-day retention would trim them off the timeline at once.
    retention: 10 * 365 * 86_400_000,
    // A killed worker's jobs come back after lockDuration; 30 s would make every round wait that long.
    workers: { concurrency: 4, lockDuration: '5s', stalledInterval: '5s' },
    log: { level: 'error' },
  };
}
