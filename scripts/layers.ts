/**
 * The floors of src/ and what may import what (CONTRIBUTING.md states the same rules in words).
 * A file may import its own floor and the floors below it, never one above: the ground floor
 * knows nothing of records, records nothing of the engines that read them, engines nothing of
 * the pipeline's stages, and only the entry points know how a process is assembled. Type-only
 * imports count: a type names the concept it comes from as much as a value does.
 */
import path from 'node:path';

export interface Floor {
  name: string;
  /** Folders and single files under the repository root; a file belongs to the longest that holds it. */
  wings: readonly string[];
}

export const FLOORS: readonly Floor[] = [
  {
    name: 'ground',
    wings: [
      'src/http',
      'src/text',
      'src/config',
      'src/embedded',
      'src/log.ts',
      'src/mention.ts',
      'src/operator-error.ts',
      'src/triage-types.ts',
    ],
  },
  { name: 'records', wings: ['src/postgres', 'src/redis', 'src/store', 'src/jobs'] },
  { name: 'engines', wings: ['src/connectors', 'src/triage', 'src/playbook', 'src/drafts', 'src/context.ts'] },
  { name: 'stages', wings: ['src/listen', 'src/route', 'src/alerts', 'src/publish', 'src/inbox', 'src/analytics', 'src/admin'] },
  // Fitting and evaluating models: the scoring path must load without it, so only the assembly
  // and the entry points may reach it (today only scripts/ and test/ do).
  { name: 'training', wings: ['src/triage/train'] },
  { name: 'assembly', wings: ['src/app'] },
  { name: 'entry points', wings: ['src/api', 'src/cli', 'workers'] },
];

export interface Place {
  wing: string;
  floor: number;
}

/** The wing and floor of a file (a path relative to the repository root), or null when no wing holds it. */
export function placeOf(file: string, floors: readonly Floor[] = FLOORS): Place | null {
  const rel = file.split(path.sep).join('/');
  let best: Place | null = null;
  for (const [floor, { wings }] of floors.entries()) {
    for (const wing of wings) {
      const holds = rel === wing || rel.startsWith(`${wing}/`);
      if (holds && (best === null || wing.length > best.wing.length)) best = { wing, floor };
    }
  }
  return best;
}

const label = (wing: string) => wing.replace(/^src\//, '').replace(/\.ts$/, '');

/**
 * Every import from a lower floor to a higher one, and every file no wing holds (a new folder
 * has to be given a floor before it can be checked). `graph` maps each file to the files it
 * imports, all relative to the repository root.
 */
export function layerViolations(graph: ReadonlyMap<string, readonly string[]>, floors: readonly Floor[] = FLOORS): string[] {
  const found: string[] = [];
  for (const [file, targets] of graph) {
    const from = placeOf(file, floors);
    if (!from) {
      found.push(`${file} belongs to no floor: add its folder to FLOORS in scripts/layers.ts and to CONTRIBUTING.md`);
      continue;
    }
    for (const target of targets) {
      const to = placeOf(target, floors);
      if (!to || to.floor <= from.floor) continue;
      const rule = `${label(from.wing)} (${floors[from.floor]?.name}) may not import ${label(to.wing)} (${floors[to.floor]?.name})`;
      found.push(`${file} imports ${target}: ${rule}`);
    }
  }
  return found.sort();
}
