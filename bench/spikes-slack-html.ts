/**
 * Block Kit drawn as Slack's desktop client draws a bot message: sections and context in mrkdwn
 * (bold, links, quotes, the few emoji the spike alerts use), buttons with their styles. For the
 * README screenshot only; every piece of text is HTML-escaped, so a post's markup stays text.
 */

// Drawn, not typed: the machine that takes the screenshots has no colour-emoji font.
const badge = (bg: string, glyph: string): string => `<span class="emoji" style="background:${bg}">${glyph}</span>`;
const EMOJI: Record<string, string> = {
  rotating_light: badge('#e01e5a', '!'),
  chart_with_upwards_trend: badge('#2d6cdf', '↗'),
  white_check_mark: badge('#2eb67d', '✓'),
};

const html = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Slack's three escapes undone: what the reader sees. */
const unslack = (t: string): string => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function inline(text: string): string {
  let out = '';
  let last = 0;
  // In mrkdwn a literal "<" is always a link: text from posts arrives escaped as &lt;.
  for (const m of text.matchAll(/<([^|>]+)(?:\|([^>]+))?>/g)) {
    out += styled(text.slice(last, m.index));
    out += `<a href="#">${html(unslack(m[2] ?? m[1] ?? ''))}</a>`;
    last = (m.index ?? 0) + m[0].length;
  }
  return out + styled(text.slice(last));
}

function styled(text: string): string {
  return html(unslack(text))
    .replace(/:([a-z_]+):/g, (all, name: string) => EMOJI[name] ?? all)
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:])/g, '$1<b>$2</b>')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:])/g, '$1<i>$2</i>');
}

function mrkdwn(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const quote: string[] = [];
    let line = lines[i];
    while (line?.startsWith('>')) {
      quote.push(inline(line.slice(1)));
      line = lines[++i];
    }
    if (quote.length) out.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
    if (line !== undefined) out.push(`<div>${inline(line) || '&nbsp;'}</div>`);
  }
  return out.join('');
}

interface Block {
  type: string;
  text?: { text: string };
  elements?: Array<{ type?: string; text?: string | { text: string }; style?: string }>;
}

function block(raw: unknown): string {
  const b = raw as Block;
  if (b.type === 'section') return `<section>${mrkdwn(b.text?.text ?? '')}</section>`;
  if (b.type === 'context')
    return `<section class="context">${(b.elements ?? []).map((e) => `<span>${mrkdwn(typeof e.text === 'string' ? e.text : '')}</span>`).join('')}</section>`;
  if (b.type === 'actions') {
    const buttons = (b.elements ?? []).map(
      (e) => `<button class="${e.style ?? ''}">${html(typeof e.text === 'object' ? e.text.text : '')}</button>`,
    );
    return `<section class="actions">${buttons.join('')}</section>`;
  }
  return '';
}

const CSS = `
body { margin: 0; background: #fff; font: 15px/1.46668 Lato, "Helvetica Neue", Arial, sans-serif; color: #1d1c1d; }
.channel { border-bottom: 1px solid #ddd; padding: 10px 20px; font-weight: 900; font-size: 18px; }
.message { display: flex; gap: 8px; padding: 12px 20px 16px; }
.avatar { width: 36px; height: 36px; border-radius: 6px; background: #2d6cdf; color: #fff; font-weight: 900; display: flex; align-items: center; justify-content: center; flex: none; }
.head b { font-weight: 900; } .app { background: #e8e8e8; color: #616061; font-size: 10px; font-weight: 700; padding: 1px 3px; border-radius: 2px; margin: 0 4px; }
.time { color: #616061; font-size: 12px; }
.emoji { display: inline-block; width: 18px; height: 18px; border-radius: 4px; color: #fff; font-weight: 900; font-size: 13px; line-height: 18px; text-align: center; vertical-align: -3px; }
section { margin: 4px 0 8px; } .context { color: #616061; font-size: 13px; } .context span { margin-right: 12px; }
blockquote { margin: 4px 0; padding-left: 12px; border-left: 4px solid #ddd; }
a { color: #1264a3; text-decoration: none; }
button { font: 700 15px Lato, "Helvetica Neue", Arial, sans-serif; border: 1px solid #bbb; background: #fff; color: #1d1c1d; border-radius: 4px; padding: 3px 12px; height: 36px; margin-right: 8px; }
button.primary { background: #007a5a; border-color: #007a5a; color: #fff; } button.danger { background: #e01e5a; border-color: #e01e5a; color: #fff; }`;

export function slackHtml(blocks: unknown[], bot: string, at: Date): string {
  const time = at.toISOString().slice(11, 16);
  return `<!doctype html><meta charset="utf-8"><style>${CSS}</style>
<div class="channel"># care</div>
<div class="message"><div class="avatar">E</div><div>
<div class="head"><b>${html(bot)}</b><span class="app">APP</span><span class="time">${time}</span></div>
${blocks.map(block).join('\n')}
</div></div>`;
}
