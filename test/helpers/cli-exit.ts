import { expect } from 'vitest';
import type { CliProcess } from './cli-process.js';

/** How the CLI exited, or a failure that shows its last output when it did not exit in time. */
export async function exitOf(proc: CliProcess, waitMs = 30_000) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`earshot did not exit; stderr: ${proc.err().slice(-400)}; stdout: ${proc.out().slice(-1500)}`)),
      waitMs,
    );
  });
  try {
    return await Promise.race([proc.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The operator sees one line: no stack trace, no Node noise. */
export function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim());
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  return lines[0] ?? '';
}
