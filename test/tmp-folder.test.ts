import { existsSync, mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';

// Test files make temp folders and leave them; the run's own folder is what gets them removed.
it("puts a test's temp folders under the run's folder, which PostgreSQL's user can enter", () => {
  const runDir = os.tmpdir();
  expect(path.basename(runDir)).toMatch(/^earshot-run-/);
  expect(statSync(runDir).mode & 0o011).toBe(0o011);
  const made = mkdtempSync(path.join(os.tmpdir(), 'earshot-probe-'));
  expect(path.dirname(made)).toBe(runDir);
  expect(existsSync(made)).toBe(true);
});
