import { readdirSync } from 'node:fs';
import path from 'node:path';

export interface LineRule {
  what: string;
  pattern: RegExp;
}

/** Every .ts file under dir, for the tests that read the sources to check a house rule. */
export function tsSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return tsSources(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/** The lines of one file that break a rule, as "file:line: what: text" (relative to root). */
export function lineOffences(
  file: string,
  text: string,
  rules: readonly LineRule[],
  root: string,
  skip: (line: string) => boolean = () => false,
): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (skip(line)) return;
    for (const rule of rules) if (rule.pattern.test(line)) out.push(`${path.relative(root, file)}:${i + 1}: ${rule.what}: ${line.trim()}`);
  });
  return out;
}
