import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaybookConfig } from '../src/config/schema.js';
import { approveItem, editDraft } from '../src/inbox/actions.js';
import { pollSource } from '../src/listen/poll.js';
import { checkDraft } from '../src/playbook/draft.js';
import { Playbook } from '../src/config/playbook.js';
import { normaliseForCheck, stripInvisible } from '../src/playbook/invisible.js';
import { getItem, getItems, listItemIds, type InboxItem } from '../src/store/inbox.js';
import { testApp, type TestApp } from './helpers/app.js';
import { waitFor } from './helpers/wait.js';
import { startAllWorkers } from './helpers/workers.js';

const PLAYBOOK: PlaybookConfig = Playbook.parse({
  signature: '',
  templates: { default: 'Hi' },
  neverSay: ['guarantee', 'calm down'],
  maxLength: 500,
});

const HIDDEN = {
  'zero-width space': 'We guar\u200Bantee it arrives today.',
  'soft hyphen': 'We guar\u00ADantee it arrives today.',
  'word joiner': 'We guar\u2060antee it arrives today.',
  'zero-width joiner': 'We guar\u200Dantee it arrives today.',
  'byte order mark': 'We guar\uFEFFantee it arrives today.',
  'tag characters': 'We guar\u{E0041}\u{E0042}antee it arrives today.',
  'variation selector': 'We guar\uFE0Fantee it arrives today.',
  'combining grapheme joiner': 'We guar\u034Fantee it arrives today.',
  'Hangul filler': 'We guar\u3164antee it arrives today.',
  'right-to-left override': 'We \u202Eguarantee\u202C it arrives today.',
  'full-width letters': 'We ｇｕａｒａｎｔｅｅ it arrives today.',
  capitals: 'We GUARANTEE it arrives today.',
  'no-break space inside a phrase': 'Please calm\u00A0down.',
  'invisible character inside a phrase': 'Please calm \u200Bdown.',
};

describe('never-say check sees through invisible and compatibility characters', () => {
  for (const [how, text] of Object.entries(HIDDEN)) {
    it(`finds a never-say phrase hidden by: ${how}`, () => {
      expect(checkDraft(text, PLAYBOOK).some((w) => w.startsWith('never say:'))).toBe(true);
    });
  }

  it('still reads whole words only, and a draft of invisible characters is empty', () => {
    expect(
      checkDraft('No guarantees were harmed; see our guaranteed-fare page', { ...PLAYBOOK, neverSay: ['guarantee'] }).filter((w) =>
        w.startsWith('never say'),
      ),
    ).toEqual([]);
    expect(checkDraft('\u200B\u00AD\u2060', PLAYBOOK)).toContain('draft is empty');
  });

  it('finds a refund promise split by a zero-width space', () => {
    expect(checkDraft('We will ref\u200Bund you in full.', PLAYBOOK)).toContain('promises a refund');
  });

  it('normalises with NFKC, drops invisibles and lower-cases', () => {
    expect(normaliseForCheck('ＧＵＡＲ\u00ADａｎｔｅｅ\u200B ﬁne')).toBe('guarantee fine');
  });
});

describe('stripping invisible characters from a reply', () => {
  it('removes them between letters and keeps what emoji need', () => {
    expect(stripInvisible('guar\u200Bantee, guar\u00ADantee, \u202Edone\u202C')).toBe('guarantee, guarantee, done');
    expect(stripInvisible('Thanks \u2764\uFE0F and \u{1F468}\u200D\u{1F469}\u200D\u{1F467} \u{1F44D}\u{1F3FD}')).toBe(
      'Thanks \u2764\uFE0F and \u{1F468}\u200D\u{1F469}\u200D\u{1F467} \u{1F44D}\u{1F3FD}',
    );
    expect(stripInvisible('line one\nline two\ttab\u0007')).toBe('line one\nline two\ttab');
  });
});

describe('the publish path posts replies without invisible characters, whoever wrote them', () => {
  let app: TestApp;
  let workers: { close(): Promise<void> };
  let dir: string;
  const approver = { name: 'approver', role: 'approver' as const };

  const post = (id: string, text: string) =>
    `${JSON.stringify({ id, text, createdAt: new Date().toISOString(), author: { id: `u${id}`, handle: `p${id}`, name: `Pat${id}`, followers: 10 } })}\n`;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'earshot-guard-'));
    writeFileSync(path.join(dir, 'in.jsonl'), post('1', 'Does @AcmeAir fly to Oslo?') + post('2', 'Does @AcmeAir fly to Bergen?'));
    app = await testApp({
      sources: [
        {
          id: 'f',
          kind: 'file',
          brand: 'acme',
          interval: '1h',
          options: { path: path.join(dir, 'in.jsonl'), outbox: path.join(dir, 'outbox.jsonl') },
        },
      ],
      playbook: {
        signature: '',
        templates: { default: 'Hi {name},\u200B thanks for asking \u2764\uFE0F We\u2060 will check.' },
        neverSay: ['guarantee'],
      },
    });
    workers = startAllWorkers(app.ctx);
    await pollSource(app.ctx, 'f');
  });

  afterAll(async () => {
    await workers?.close();
    await app?.close();
  });

  async function itemFor(text: string): Promise<InboxItem> {
    return waitFor('routed item', async () => {
      const items = await getItems(app.ctx.db, await listItemIds(app.ctx.db, 10));
      const found = items.find((i) => i.draft.includes(text));
      return found;
    });
  }

  function posted(inReplyTo: string): Promise<string> {
    return waitFor('reply in the outbox', () => {
      const lines = (() => {
        try {
          return readFileSync(path.join(dir, 'outbox.jsonl'), 'utf8').trim().split('\n');
        } catch {
          return [];
        }
      })();
      const record = lines
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { inReplyTo: string; text: string })
        .find((r) => r.inReplyTo === inReplyTo);
      return record?.text;
    });
  }

  it('a template with invisible characters is posted without them (emoji intact)', async () => {
    const item = await itemFor('Pat1');
    expect(item.draft).toContain('\u200B');
    await approveItem(app.ctx, approver, item.id, { draftVersion: item.draftVersion });
    expect(await posted('1')).toBe('Hi Pat1, thanks for asking \u2764\uFE0F We will check.');
  });

  it('a human edit hiding a never-say word is flagged, and what is posted carries no invisible character', async () => {
    const item = await itemFor('Pat2');
    const edited = await editDraft(app.ctx, approver, item.id, 'Hi Pat2, we guar\u200Bantee a seat.', item.draftVersion);
    expect(edited.draftWarnings).toContain('never say: "guarantee"');
    await expect(approveItem(app.ctx, approver, item.id, { draftVersion: edited.draftVersion })).rejects.toThrow(/warnings/);
    await approveItem(app.ctx, approver, item.id, { draftVersion: edited.draftVersion, acknowledgeWarnings: true });
    expect(await posted('2')).toBe('Hi Pat2, we guarantee a seat.');
    expect((await getItem(app.ctx.db, item.id))?.status).toBe('posted');
  });
});
