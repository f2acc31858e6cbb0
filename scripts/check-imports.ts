/**
 * `npm run check:imports`: fails on an import cycle among src/ and workers/ files, and on an
 * import from a lower floor to a higher one (scripts/layers.ts), naming each. A cycle makes
 * module load order decide whether a value is still undefined when used, and it means two files
 * cannot be understood apart. Type-only and dynamic imports count too: they tie the files'
 * meanings together even though they vanish at run time or load later.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { layerViolations } from './layers.js';

const ROOT = path.resolve(import.meta.dirname, '..');
// `import … from`, `export … from`, a bare `import './x.js'` and `import('./x.js')`.
const IMPORT =
  /(?:^|\n)\s*(?:(?:import|export)\s[^'"]*?from\s+|import\s+)['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'public' ? [] : sources(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

export function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((m) => path.resolve(path.dirname(file), (m[1] ?? m[2] ?? '').replace(/\.js$/, '.ts')));
    graph.set(
      file,
      targets.filter((t) => t !== file),
    );
  }
  return graph;
}

function numberOf(numbers: Map<string, number>, file: string): number {
  const n = numbers.get(file);
  if (n === undefined) throw new Error(`${file} has not been visited yet`);
  return n;
}

/** Strongly connected components with more than one file (Tarjan), each sorted for a stable report. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    order.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(numberOf(low, v), numberOf(low, w)));
      } else if (onStack.has(w)) low.set(v, Math.min(numberOf(low, v), numberOf(order, w)));
    }
    if (low.get(v) !== order.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) {
      onStack.delete(w);
      component.push(w);
    }
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!order.has(v)) visit(v);
  return found;
}

/** The same graph with paths relative to `root`, as the layer rules name them. */
export function relativeGraph(graph: ReadonlyMap<string, readonly string[]>, root: string): Map<string, string[]> {
  const rel = (f: string) => path.relative(root, f).split(path.sep).join('/');
  return new Map([...graph].map(([file, targets]) => [rel(file), targets.map(rel)]));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const graph = importGraph([...sources(path.join(ROOT, 'src')), ...sources(path.join(ROOT, 'workers'))]);
  const found = cycles(graph);
  for (const c of found) console.error(`import cycle: ${c.map((f) => path.relative(ROOT, f)).join(' ⇄ ')}`);
  const upward = layerViolations(relativeGraph(graph, ROOT));
  for (const v of upward) console.error(v);
  console.log(`${graph.size} files, ${found.length} import cycle(s), ${upward.length} upward import(s)`);
  process.exitCode = found.length || upward.length ? 1 : 0;
}
