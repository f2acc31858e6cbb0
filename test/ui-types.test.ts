import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateAll, OUTPUT } from '../scripts/gen-ui-types.js';

/**
 * The UI's declarations (src/api/public/js/api-types.d.ts, page-types.d.ts) are generated from
 * the server's answer types and index.html; a stale copy would let the UI check pass against
 * types the server no longer has.
 */
const ITEM_TYPES = path.resolve('src/store/item-types.ts');

describe('generated UI types', () => {
  it('match what the generator writes from the server types now', () => {
    for (const [file, text] of generateAll()) {
      expect(readFileSync(file, 'utf8'), `${path.relative(process.cwd(), file)} is stale: run npm run gen:ui-types`).toBe(text);
    }
  });

  it('change when a server answer type changes', () => {
    const original = readFileSync(ITEM_TYPES, 'utf8');
    expect(original).toMatch(/\n {2}status: ItemStatus;/);
    const renamed = original.replace(/\n {2}status: ItemStatus;/, '\n  state: ItemStatus;');
    const text = generateAll({ readFile: (file) => (path.resolve(file) === ITEM_TYPES ? renamed : undefined) }).get(OUTPUT) ?? '';
    const item = /interface InboxItem \{[\s\S]*?\n {2}\}/.exec(text)?.[0] ?? '';
    expect(item).toContain('state: ItemStatus;');
    expect(item).not.toContain('status: ItemStatus;');
    expect(text).not.toBe(readFileSync(OUTPUT, 'utf8'));
  });
});
