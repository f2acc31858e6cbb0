import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { openRuntime, type Runtime } from '../app/runtime.js';
import type { Config } from '../config/load.js';
import { enqueueBulk } from '../jobs/queues.js';
import { redactText } from '../http/redact.js';
import { createLogger, logSafe } from '../log.js';
import type { Mention } from '../mention.js';
import { batchJobId } from '../route/batch-id.js';
import { storeScored, TRIAGE_BATCH } from '../listen/poll.js';
import { deadLetter, listDeadLetters } from '../store/dead-letter.js';
import { readSourceState } from '../store/sources.js';
import { deriveSourceHealth } from '../listen/source-status.js';
import { testConnection } from '../listen/source-test.js';
import { UsageError, type CliArgs } from './args.js';
import { importRows } from './import-rows.js';
import { Progress } from './progress.js';

export async function withRuntime<T>(config: Config, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const log = createLogger({ level: 'warn', pretty: Boolean(process.stderr.isTTY) });
  const rt = await openRuntime(config, log);
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

async function countLines(file: string): Promise<number> {
  const text = await readFile(file, 'utf8');
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n += 1;
  return text.endsWith('\n') || text.length === 0 ? n : n + 1;
}

/** The source an import is attributed to: --source, or the first configured. */
function importSource(config: Config, args: CliArgs): Config['sources'][number] {
  const source = args.source ? config.sources.find((s) => s.id === args.source) : config.sources[0];
  if (source) return source;
  throw new UsageError(
    args.source
      ? `no source "${args.source}" in ${config.file}; sources are: ${config.sources.map((s) => s.id).join(', ') || '(none)'}`
      : `import needs a source to attribute mentions to; add one to ${config.file} or pass --source`,
    'import',
  );
}

/** Backfill: stores and dedupes like a poll, queues triage, dead-letters bad lines with their line number (once per line). */
export async function runImport(config: Config, args: CliArgs): Promise<void> {
  const file = args.positionals[0];
  if (!file) throw new UsageError('import needs a file: earshot import <file.jsonl|file.csv>', 'import');
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`, 'import');
  const source = importSource(config, args);
  const absolute = path.resolve(file);
  const total = await countLines(absolute);
  const progress = new Progress(total, 'lines');
  const target = {
    platform: String((source.parsedOptions as { platform?: string }).platform ?? source.kind),
    sourceId: source.id,
    brandId: source.brand,
  };
  const origin = `import:${path.basename(absolute)}`;
  await withRuntime(config, async ({ ctx }) => {
    const n = { read: 0, added: 0, rejected: 0, kept: 0, line: 0 };
    let batch: Mention[] = [];
    const flush = async () => {
      const { created, handOn } = await storeScored(ctx, batch);
      await enqueueBulk(
        ctx.queues,
        'triage',
        handOn.length ? [{ data: { mentionIds: handOn }, opts: { jobId: batchJobId('triage', handOn) } }] : [],
      );
      n.added += created.length;
      batch = [];
    };
    for await (const row of importRows(absolute, target)) {
      n.read += 1;
      n.line = row.line;
      if ('mention' in row.result) batch.push(row.result.mention);
      else {
        n.rejected += 1;
        const { reason, raw } = row.result.rejected;
        n.kept += await deadLetter(ctx.redis, ctx.keys, [{ origin, reason, payload: raw, key: `${row.line}\u0000${row.raw}` }]);
      }
      if (batch.length >= TRIAGE_BATCH) await flush();
      progress.update(row.line, `· ${n.added} new · ${n.rejected} rejected`);
    }
    if (batch.length) await flush();
    progress.update(total, `· ${n.added} new · ${n.rejected} rejected`);
    const again = n.rejected - n.kept ? `, ${n.rejected - n.kept} of them already in the dead letters from an earlier import` : '';
    progress.finish(
      `imported ${n.added} new mention(s) into source "${source.id}" (${n.read - n.added - n.rejected} already known, ${n.rejected} rejected${again}: see \`earshot dead-letters\`). A running \`earshot start\` triages them.`,
    );
  });
}

export async function showSources(config: Config): Promise<void> {
  await withRuntime(config, async ({ ctx }) => {
    for (const source of config.sources) {
      const s = await readSourceState(ctx.db, source.id);
      const health = deriveSourceHealth(config, source, s);
      // The operator at the terminal gets the detail too, with credentials redacted and control characters removed.
      const detail =
        s.lastErrorDetail && s.lastErrorDetail !== s.lastError && (!s.healthy || s.errorStreak)
          ? `\n  detail: ${logSafe(s.lastErrorDetail, 500)}`
          : '';
      const line = sourceLine(source, health, s);
      process.stdout.write(`${redactText(logSafe(line, 800))}${redactText(detail)}\n`);
    }
  });
}

/**
 * One source's line for `earshot sources`. The last success is added where the summary does not
 * already say it (a healthy source's summary does: it read twice on one line).
 */
export function sourceLine(
  source: { id: string; kind: string; interval: number },
  health: { state: string; summary: string },
  s: { errorStreak: number; lastSuccessAt: number | null },
): string {
  const last = s.lastSuccessAt ? new Date(s.lastSuccessAt).toISOString() : 'never';
  const tail = /last success/i.test(health.summary) ? '' : `; last success ${last}`;
  return `${source.id} (${source.kind}, every ${source.interval / 1000}s): ${health.state.toUpperCase()}: ${health.summary} Errors in a row: ${s.errorStreak}${tail}`;
}

/** `earshot sources test <id>`: one fetch, nothing stored, one line; exit status 1 when it failed. */
export async function testSourceCli(config: Config, sourceId: string | undefined): Promise<void> {
  if (!sourceId)
    throw new UsageError(
      `sources test needs a source id; sources in ${config.file}: ${config.sources.map((s) => s.id).join(', ') || '(none)'}`,
      'sources',
    );
  if (!config.sources.some((s) => s.id === sourceId))
    throw new UsageError(
      `no source "${sourceId}" in ${config.file}; known: ${config.sources.map((s) => s.id).join(', ') || '(none)'}`,
      'sources',
    );
  await withRuntime(config, async ({ ctx }) => {
    const result = await testConnection(ctx, sourceId);
    // The operator at the terminal may read the platform's own words, redacted and on one line.
    const detail = !result.ok && result.detail ? ` (${logSafe(result.detail, 300)})` : '';
    process.stdout.write(`${redactText(`${sourceId}: ${result.message}${detail}`)}\n`);
    if (!result.ok) process.exitCode = 1;
  });
}

export async function showDeadLetters(config: Config, limit: number): Promise<void> {
  await withRuntime(config, async ({ ctx }) => {
    const entries = await listDeadLetters(ctx.redis, ctx.keys, limit);
    if (!entries.length) process.stdout.write('no dead letters\n');
    for (const e of entries) process.stdout.write(`${e.at} ${e.origin}: ${logSafe(e.reason, 300)}\n  ${logSafe(e.payload, 200)}\n`);
  });
}
