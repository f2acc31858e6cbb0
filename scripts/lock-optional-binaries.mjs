// The registry mirror this project installs from does not serve msgpackr-extract's macOS, Windows
// and 32-bit ARM binaries, so `npm install` leaves them out of package-lock.json and `npm ci`
// then refuses the lock. They are optional (never installed on Linux x64), so recording them
// in the lock by name is enough. Runs after every `npm install`; a no-op when already there.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
let lock;
try {
  lock = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  process.exit(0);
}
const parent = lock.packages?.['node_modules/msgpackr-extract'];
if (!parent) process.exit(0);
let changed = false;
for (const [name, version] of Object.entries(parent.optionalDependencies ?? {})) {
  const key = `node_modules/${name}`;
  if (lock.packages[key]) continue;
  const [, os, cpu] = /-(darwin|linux|win32)-(\w+)$/.exec(name) ?? [];
  if (!os) continue;
  lock.packages[key] = { version, cpu: [cpu], license: 'MIT', optional: true, os: [os] };
  changed = true;
}
if (changed) {
  const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
  writeFileSync(file, `${JSON.stringify({ ...lock, packages: sorted }, null, 2)}\n`);
}
