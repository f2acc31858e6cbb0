import { describe, expect, it } from 'vitest';
import { checkReply, countReply, renderReply, ruleFor } from '../src/playbook/reply-limits.js';
import { ConfigError } from '../src/config/load.js';
import { configFromObject } from '../src/app/config.js';
import { baseConfig } from './helpers/app.js';

const x = { platform: 'x', sourceId: 'x-main' };
const masto = { platform: 'mastodon', sourceId: 'masto', replyRef: { statusId: '1', acct: 'ana@example.social' }, authorHandle: 'ana' };

describe('reply limits', () => {
  it('counts an X link as 23 whatever its length', () => {
    const url = `https://example.com/${'a'.repeat(200)}`;
    expect(countReply('x', `See ${url}`)).toBe(4 + 23);
  });

  it('weighs CJK and emoji as 2 on X, Latin as 1', () => {
    expect(countReply('x', 'abc')).toBe(3);
    expect(countReply('x', '日本')).toBe(4);
    expect(countReply('x', '👍🏽')).toBe(2);
    expect(countReply('x', '👨‍👩‍👧')).toBe(2);
  });

  it('blocks 281 on X and allows 280', () => {
    expect(checkReply(x, 'a'.repeat(280)).over).toBe(false);
    const over = checkReply(x, 'a'.repeat(281));
    expect(over.over).toBe(true);
    expect(over.reason).toContain('limit of 280');
  });

  it('counts Bluesky graphemes, an emoji family as one', () => {
    expect(countReply('bluesky', '👨‍👩‍👧'.repeat(300))).toBe(300);
    expect(checkReply({ platform: 'bluesky', sourceId: 'b' }, 'é'.repeat(301)).over).toBe(true);
    // Plain ASCII is counted without segmenting: a line break written CR LF is still one grapheme.
    expect(countReply('bluesky', 'Sorry!\r\nWe are on it.\n')).toBe(21);
    expect(countReply('bluesky', 'Sorry!\r\nWe are on it 👨‍👩‍👧')).toBe(21);
  });

  it('counts Latin text with dashes and quotes as the segmenter does, combining marks and joiners included', () => {
    const segmenter = new Intl.Segmenter();
    const texts = [
      'Sorry, Zoë! We’re on it.\r\n— Acme Air care',
      'Ça coûte… «trop» — désolé',
      'e\u0301 and a\u0308: combining marks join the letter before them',
      'zero\u200dwidth joiner, non\u200cjoiner, and a soft\u00adhyphen',
      'ǅ ɐ ʘ ˈ Latin Extended and IPA ‰ ‹ › ⁄',
      'right\u202eto left override\u2028line separator',
    ];
    for (const text of texts) expect(countReply('bluesky', text), text).toBe([...segmenter.segment(text)].length);
  });

  it('renders the Mastodon mention the connector adds, and counts it without the domain', () => {
    const check = checkReply(masto, 'Hi there');
    expect(check.text).toBe('@ana@example.social Hi there');
    expect(check.count).toBe('@ana Hi there'.length);
    expect(check.limit).toBe(500);
    // Already addressed: nothing added.
    expect(renderReply(masto, '@ana@example.social thanks')).toBe('@ana@example.social thanks');
  });

  it('takes the instance limit from config by source id before platform', () => {
    expect(ruleFor('mastodon', 'masto', { masto: 5000, mastodon: 1000 }).limit).toBe(5000);
    expect(ruleFor('mastodon', 'other', { masto: 5000, mastodon: 1000 }).limit).toBe(1000);
    expect(ruleFor('demo', 'demo-file').limit).toBeNull();
    expect(checkReply({ platform: 'demo', sourceId: 'd' }, 'a'.repeat(9000)).over).toBe(false);
  });

  it('counts the text as posted: invisible characters do not count', () => {
    expect(checkReply(x, `${'a'.repeat(280)}\u200B\u200B`).count).toBe(280);
  });
});

describe('inbox config', () => {
  function problems(inbox: unknown): string[] {
    try {
      configFromObject(baseConfig('p', { inbox }), {}, 'earshot.yaml');
      return [];
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
  }

  it('defaults undoSeconds to 5 and refuses what would not work', () => {
    const { inbox: _testDefault, ...withoutInbox } = baseConfig('p');
    expect(configFromObject(withoutInbox, {}, 'earshot.yaml').inbox.undoSeconds).toBe(5);
    expect(problems({ undoSeconds: -1 })[0]).toMatch(/^inbox\.undoSeconds: .*0 to send at once/);
    expect(problems({ undoSeconds: 600 })[0]).toMatch(/^inbox\.undoSeconds: at most 60 seconds/);
    expect(problems({ replyLimits: { 'masto-main': 0 } })[0]).toMatch(/^inbox\.replyLimits\.masto-main/);
    expect(problems({ undoSecs: 3 })[0]).toContain('did you mean "undoSeconds"');
  });
});
