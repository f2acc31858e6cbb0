import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cycles, importGraph, relativeGraph } from '../scripts/check-imports.js';
import { FLOORS, layerViolations, placeOf } from '../scripts/layers.js';

let root: string | undefined;

/** A throwaway tree of files (path → text) under a fresh root; returns the layer findings over it. */
function plant(files: Record<string, string>): { upward: string[]; cycles: string[][] } {
  root = mkdtempSync(path.join(tmpdir(), 'earshot-layers-'));
  const full = Object.keys(files).map((rel) => {
    const file = path.join(root as string, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, files[rel] as string);
    return file;
  });
  const graph = importGraph(full);
  return {
    upward: layerViolations(relativeGraph(graph, root)),
    cycles: cycles(graph).map((c) => c.map((f) => path.relative(root as string, f))),
  };
}

afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

describe('the layer check', () => {
  it('names the file, the import and the rule when a lower floor imports a higher one, type-only imports included', () => {
    const { upward } = plant({
      'src/store/planted.ts': "import type { TriageResult } from '../triage/result.js';\nexport type Stored = TriageResult;\n",
      'src/triage/result.ts': 'export interface TriageResult { urgency: number }\n',
    });
    expect(upward).toEqual(['src/store/planted.ts imports src/triage/result.ts: store (records) may not import triage (engines)']);
  });

  it('counts dynamic imports, re-exports and bare imports as imports', () => {
    const { upward } = plant({
      'src/http/lazy.ts': "export async function later() {\n  return (await import('../app/runtime.js')).x;\n}\n",
      'src/text/again.ts': "export { x } from '../listen/poll.js';\n",
      'src/config/side.ts': "import '../cli/main.js';\n",
      'src/app/runtime.ts': 'export const x = 1;\n',
      'src/listen/poll.ts': 'export const x = 1;\n',
      'src/cli/main.ts': 'export {};\n',
    });
    expect(upward).toEqual([
      'src/config/side.ts imports src/cli/main.ts: config (ground) may not import cli (entry points)',
      'src/http/lazy.ts imports src/app/runtime.ts: http (ground) may not import app (assembly)',
      'src/text/again.ts imports src/listen/poll.ts: text (ground) may not import listen (stages)',
    ]);
  });

  it('lets a file import its own floor and the floors below it', () => {
    const { upward } = plant({
      'src/listen/poll.ts':
        "import { alertSourceProblem } from '../alerts/source-alerts.js';\nimport type { Db } from '../postgres/pool.js';\nimport { log } from '../log.js';\nexport { alertSourceProblem, log };\nexport type D = Db;\n",
      'src/alerts/source-alerts.ts': 'export const alertSourceProblem = 1;\n',
      'src/postgres/pool.ts': 'export type Db = object;\n',
      'src/log.ts': 'export const log = 1;\n',
      'workers/poll.ts': "import { alertSourceProblem } from '../src/listen/poll.js';\nexport { alertSourceProblem };\n",
    });
    expect(upward).toEqual([]);
  });

  it('keeps training code out of the scoring path: triage and the stages may not import src/triage/train/', () => {
    const { upward } = plant({
      'src/triage/index.ts': "import { fit } from './train/fit.js';\nexport const f = fit;\n",
      'src/route/route.ts': "import type { Fitted } from '../triage/train/fit.js';\nexport type R = Fitted;\n",
      'src/triage/train/fit.ts': "import { score } from '../score.js';\nexport const fit = score;\nexport type Fitted = number;\n",
      'src/triage/score.ts': 'export const score = 1;\n',
      'src/cli/retrain.ts': "import { fit } from '../triage/train/fit.js';\nexport const r = fit;\n",
    });
    expect(upward).toEqual([
      'src/route/route.ts imports src/triage/train/fit.ts: route (stages) may not import triage/train (training)',
      'src/triage/index.ts imports src/triage/train/fit.ts: triage (engines) may not import triage/train (training)',
    ]);
  });

  it('reports a file that no floor holds, so a new folder cannot slip past the rules', () => {
    const { upward } = plant({ 'src/widgets/thing.ts': 'export const thing = 1;\n' });
    expect(upward).toEqual([
      'src/widgets/thing.ts belongs to no floor: add its folder to FLOORS in scripts/layers.ts and to CONTRIBUTING.md',
    ]);
  });

  it('places a file by the longest wing that holds it, never by a name that merely starts the same', () => {
    expect(placeOf('src/triage-types.ts')).toEqual({ wing: 'src/triage-types.ts', floor: 0 });
    expect(placeOf('src/triage/index.ts')).toEqual({ wing: 'src/triage', floor: 2 });
    expect(placeOf('src/connectors/bluesky/wire.ts')).toEqual({ wing: 'src/connectors', floor: 2 });
    expect(placeOf('src/storefront/x.ts')).toBeNull();
    expect(placeOf('src/triage/train/fit.ts')).toEqual({ wing: 'src/triage/train', floor: 4 });
    expect(FLOORS.map((f) => f.name)).toEqual(['ground', 'records', 'engines', 'stages', 'training', 'assembly', 'entry points']);
  });
});

describe('the cycle check', () => {
  it('names the files of a cycle, including one closed by a type-only import', () => {
    const found = plant({
      'src/route/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'src/route/b.ts': "import type { A } from './c.js';\nexport const b: A = 1;\n",
      'src/route/c.ts': "import { a } from './a.js';\nexport type A = typeof a;\n",
    }).cycles;
    expect(found).toEqual([['src/route/a.ts', 'src/route/b.ts', 'src/route/c.ts']]);
  });
});
