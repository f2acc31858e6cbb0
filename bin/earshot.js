#!/usr/bin/env node
// The compiled CLI lives in dist/; `npm ci` builds it through the prepare script.
import('../dist/src/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('earshot is not built yet: run `npm run build` (npm ci does this for you).');
    process.exit(1);
  }
  throw err;
});
