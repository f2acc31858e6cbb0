import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { generateAll, OUTPUT_DIR, uiTypesFile, writtenUiTypes } from '../scripts/gen-ui-types.js';

/**
 * The UI's declarations (src/api/public/js/api-types/, page-types.d.ts) are generated from
 * the server's answer types and index.html, and `npm run typecheck:ui` checks the UI's JS
 * against them. These tests show that both halves bite: a stale file is caught, and a UI that
 * reads a field the server does not send (or an id the page does not have) fails the check.
 */
const ITEM_TYPES = path.resolve('src/store/item-types.ts');
/** Where the UI types declared in src/store/item-types.ts are written. */
const ITEM_UI_TYPES = uiTypesFile('store/item-types');
const PLANTED = path.resolve('src/api/public/js/planted-check.js');
/** A compiler run over src/ takes seconds alone and much longer while the rest of the suite shares two cores. */
const SLOW = 180_000;

/** lib.dom.d.ts and the UI's files, parsed once for both checks below. */
const parsed = new Map<string, ts.SourceFile>();

/** The UI check of tsconfig.ui.json, in memory: `files` replaces or adds file contents. */
function uiCheck(files: Map<string, string>): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.resolve('tsconfig.ui.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  if (!config) throw new Error('tsconfig.ui.json could not be read');
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (file) => files.get(path.resolve(file)) ?? readFile(file);
  host.fileExists = (file) => files.has(path.resolve(file)) || fileExists(file);
  host.getSourceFile = (file, language) => {
    const text = files.get(path.resolve(file));
    if (text !== undefined) return ts.createSourceFile(file, text, language, true);
    const source = parsed.get(file) ?? getSourceFile(file, language);
    if (source) parsed.set(file, source);
    return source;
  };
  const roots = [...new Set([...config.fileNames.map((f) => path.resolve(f)), ...files.keys()])];
  const program = ts.createProgram({ rootNames: roots, options: config.options, host });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file ? path.relative(process.cwd(), d.file.fileName) : '?'}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

describe('generated UI types', () => {
  it(
    'match what the generator writes from the server types now',
    () => {
      const generated = generateAll();
      for (const [file, text] of generated) {
        expect(readFileSync(file, 'utf8'), `${path.relative(process.cwd(), file)} is stale: run npm run gen:ui-types`).toBe(text);
      }
      // A file left behind by a module that no longer declares UI types would still be read by the UI check.
      const apiTypes = [...generated.keys()].filter((f) => f.startsWith(OUTPUT_DIR + path.sep)).sort();
      expect(apiTypes.length).toBeGreaterThan(1);
      expect(writtenUiTypes()).toEqual(apiTypes);
    },
    SLOW,
  );

  it(
    'follow a renamed server field, and the UI check then fails where the UI reads it',
    () => {
      const original = readFileSync(ITEM_TYPES, 'utf8');
      expect(original).toMatch(/\n {2}status: ItemStatus;/);
      const renamed = original.replace(/\n {2}status: ItemStatus;/, '\n  state: ItemStatus;');
      const text = generateAll({ readFile: (file) => (path.resolve(file) === ITEM_TYPES ? renamed : undefined) }).get(ITEM_UI_TYPES) ?? '';
      const item = /interface InboxItem \{[\s\S]*?\n {2}\}/.exec(text)?.[0] ?? '';
      expect(item).toContain('state: ItemStatus;');
      expect(item).not.toContain('status: ItemStatus;');
      expect(text).not.toBe(readFileSync(ITEM_UI_TYPES, 'utf8'));

      const errors = uiCheck(new Map([[ITEM_UI_TYPES, text]]));
      // The queue row and the item page both show an item's status.
      expect(errors.some((e) => e.startsWith('src/api/public/js/queue-row.js') && e.includes("'status'"))).toBe(true);
      expect(errors.some((e) => e.startsWith('src/api/public/js/item.js') && e.includes("'status'"))).toBe(true);
    },
    SLOW,
  );

  it(
    'fail the UI check on a field the server does not send and on an id index.html does not have',
    () => {
      const planted = [
        '// @ts-check',
        "import { $ } from './dom.js';",
        '/** @param {Api.QueueRowAnswer} row */',
        'export const assignee = (row) => row.item.assigne;',
        '/** @param {Api.QueueRowAnswer} row */',
        'export const fine = (row) => row.item.assignee;',
        "export const box = () => $('queue-emtpy');",
        "export const real = () => $('queue-empty');",
      ].join('\n');
      const errors = uiCheck(new Map([[PLANTED, planted]]));
      expect(errors).toHaveLength(2);
      expect(errors[0]).toMatch(/^src\/api\/public\/js\/planted-check\.js: Property 'assigne' does not exist/);
      expect(errors[1]).toMatch(/^src\/api\/public\/js\/planted-check\.js: Argument of type '"queue-emtpy"' is not assignable/);
    },
    SLOW,
  );
});
