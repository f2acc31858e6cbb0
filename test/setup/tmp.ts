import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Every temp folder of a run goes under one folder that the run removes when it ends. Test files
 * make folders with mkdtemp for configs, data and embedded servers and do not remove them; 2,000
 * of them (about 40 GB) once filled the disk. Test workers inherit TMPDIR, so os.tmpdir() is this folder.
 */
export default function setup(): () => void {
  const before = process.env.TMPDIR;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-run-'));
  // As root, the embedded PostgreSQL runs as `postgres` and must reach folders made under this one.
  chmodSync(dir, 0o711);
  process.env.TMPDIR = dir;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(dir, { recursive: true, force: true });
  };
}
