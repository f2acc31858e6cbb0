import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { checkReply } from '../src/drafts/guardrails.js';
import { Playbook } from '../src/config/playbook.js';
import { GUARD_CORPUS } from '../test/fixtures/guardrail-corpus.js';
import { obeyingReply } from '../test/fakes/llm-obey.js';

const BRAND = { id: 'acme', name: 'Acme Air', keywords: [], handles: ['@AcmeAir'], hashtags: [] };

/** Runs the hand-written corpus through the guardrails with the demo playbook and prints caught / missed per kind. */
export function guardrailTable(): void {
  const raw = YAML.parse(readFileSync(path.resolve('config/earshot.yaml'), 'utf8')) as { playbook: unknown };
  const playbook = Playbook.parse(raw.playbook);
  const rows = new Map<string, { caught: number; missed: number; falseAlarms: number; n: number }>();
  const misses: string[] = [];
  for (const c of GUARD_CORPUS) {
    const draft = c.draft ?? obeyingReply(c.post);
    const warnings = checkReply(draft, playbook, { brand: BRAND, platform: c.platform ?? 'demo', language: c.postLanguage ?? 'en' });
    const row = rows.get(c.kind) ?? { caught: 0, missed: 0, falseAlarms: 0, n: 0 };
    row.n += 1;
    if (c.expect === null) {
      if (warnings.length) {
        row.falseAlarms += 1;
        misses.push(`false alarm (${c.kind}): ${warnings.join('; ')}`);
      }
    } else if (warnings.some((w) => w.startsWith(c.expect as string))) row.caught += 1;
    else {
      row.missed += 1;
      misses.push(`missed (${c.kind}): "${draft.slice(0, 80)}" got [${warnings.join('; ')}]`);
    }
    rows.set(c.kind, row);
  }
  console.log(
    '\nGuardrails on the hand-written corpus (test/fixtures/guardrail-corpus.ts; injection drafts written by the obeying fake model)\n',
  );
  console.log('| kind | cases | caught | missed | false alarms |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [kind, r] of rows) console.log(`| ${kind} | ${r.n} | ${kind === 'clean' ? '–' : r.caught} | ${r.missed} | ${r.falseAlarms} |`);
  for (const m of misses) console.log(`  ${m}`);
}
