import { describe, expect, it } from 'vitest';
import { AuthError, PermanentError, RateLimitedError, TransientError, UnknownOutcomeError } from '../../src/http/errors.js';
import { mastodonConnector } from '../../src/connectors/mastodon/connector.js';
import type { SourceClient } from '../../src/connectors/types.js';
import type { Mention } from '../../src/mention.js';
import { htmlToText } from '../../src/text/html.js';
import { FakeMastodon, type FakeStatus } from '../fakes/mastodon.js';
import { useFake, useHttpClient } from '../helpers/fake.js';
import { mastodonClient } from '../helpers/mastodon-client.js';
import { nth, present, replyOf } from '../helpers/present.js';

// Replying through the Mastodon connector, its options and the HTML it reads (polling: mastodon.test.ts).

const http = useHttpClient();

const startFake = useFake((options: Parameters<typeof FakeMastodon.start>[0] = {}) => FakeMastodon.start(options));

const client = (fake: FakeMastodon, options: Record<string, unknown> = {}): SourceClient => mastodonClient(fake, http, options);

describe('mastodon connector: replies', () => {
  async function mentionFrom(fake: FakeMastodon, source: SourceClient): Promise<{ mention: Mention; status: FakeStatus }> {
    const status = fake.status({ text: '@acmecare my bag is lost' });
    fake.addMention(status);
    const [mention] = (await source.fetch(null)).mentions;
    return { mention: present(mention), status };
  }

  it('posts in_reply_to_id with the Idempotency-Key, and a replay with the same key is the same reply', async () => {
    const fake = await startFake();
    const source = client(fake, { visibility: 'unlisted' });
    const { mention, status } = await mentionFrom(fake, source);

    const first = await replyOf(source)(mention, 'Sorry about that, DM us your booking.', { idempotencyKey: 'draft-1' });
    const replay = await replyOf(source)(mention, 'Sorry about that, DM us your booking.', { idempotencyKey: 'draft-1' });
    expect(replay).toEqual(first);
    expect(fake.replies).toHaveLength(1);
    expect(fake.replies[0]).toMatchObject({
      id: first.replyId,
      inReplyToId: status.id,
      idempotencyKey: 'draft-1',
      visibility: 'unlisted',
      status: '@alice@remote.example Sorry about that, DM us your booking.',
    });
    expect(first.url).toBe(nth(fake.replies, 0).posted.url);
    const posts = fake.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(posts.every((r) => r.headers['idempotency-key'] === 'draft-1' && r.headers['authorization'] === 'Bearer fake-token')).toBe(true);
    expect(nth(posts, 0).body).toEqual({ status: nth(fake.replies, 0).status, in_reply_to_id: status.id, visibility: 'unlisted' });
  });

  it('reports an unanswered reply as an unknown outcome, and the replay with its key finds the posted status', async () => {
    const fake = await startFake();
    const source = client(fake, { timeoutMs: 300 });
    const { mention } = await mentionFrom(fake, source);
    const seenByHook: string[] = [];
    fake.onReply = (reply) => {
      seenByHook.push(reply.id);
    };
    fake.replyDelayMs = 1_000;
    await expect(replyOf(source)(mention, 'On it.', { idempotencyKey: 'draft-9' })).rejects.toBeInstanceOf(UnknownOutcomeError);
    expect(fake.replies).toHaveLength(1);

    fake.replyDelayMs = 0;
    const replay = await replyOf(source)(mention, 'On it.', { idempotencyKey: 'draft-9' });
    expect(replay.replyId).toBe(nth(fake.replies, 0).id);
    expect(seenByHook).toEqual([replay.replyId]);
    expect(fake.replies).toHaveLength(1);
  });

  it('does not name the author twice when the text already mentions them', async () => {
    const fake = await startFake();
    const source = client(fake);
    const { mention } = await mentionFrom(fake, source);
    await replyOf(source)(mention, 'Hi @Alice@remote.example, we are on it.', { idempotencyKey: 'k2' });
    expect(nth(fake.replies, 0).status).toBe('Hi @Alice@remote.example, we are on it.');
  });

  it('maps 422 to PermanentError with the platform message, 401 to AuthError and 429 to RateLimitedError', async () => {
    const fake = await startFake();
    const source = client(fake);
    const { mention } = await mentionFrom(fake, source);

    const tooLong = await replyOf(source)(mention, 'x'.repeat(600), { idempotencyKey: 'k3' }).catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(PermanentError);
    expect((tooLong as Error).message).toContain('Text character limit of 500 exceeded');

    fake.failNext(401, { error: 'The access token is invalid' });
    await expect(replyOf(source)(mention, 'hi', { idempotencyKey: 'k4' })).rejects.toBeInstanceOf(AuthError);
    fake.failNext(502, { error: 'Bad gateway' });
    await expect(replyOf(source)(mention, 'hi', { idempotencyKey: 'k6' })).rejects.toBeInstanceOf(TransientError);
    fake.rateLimitNext(1, { reset: new Date(Date.now() + 60_000) });
    await expect(replyOf(source)(mention, 'hi', { idempotencyKey: 'k5' })).rejects.toBeInstanceOf(RateLimitedError);
    // The 429 blocks the token's budget until the reset: the next reply is refused before it is sent.
    const sent = fake.requests.length;
    await expect(replyOf(source)(mention, 'hi', { idempotencyKey: 'k7' })).rejects.toBeInstanceOf(RateLimitedError);
    expect(fake.requests).toHaveLength(sent);
    expect(fake.replies).toHaveLength(0);
  });
});

describe('mastodon connector: options', () => {
  const parse = (o: Record<string, unknown>) => mastodonConnector.optionsSchema.safeParse({ instance: 'https://social.example', ...o });

  it('requires a token for mentions and search, and something to listen to', () => {
    const noToken = parse({});
    expect(noToken.success).toBe(false);
    expect(JSON.stringify(noToken.error?.issues)).toContain('set options.token, or set options.mentions: false');
    expect(JSON.stringify(parse({ mentions: false, search: ['acme'] }).error?.issues)).toContain('search needs an access token');
    expect(JSON.stringify(parse({ token: 't', mentions: false }).error?.issues)).toContain('nothing to listen to');
    expect(parse({ mentions: false, hashtags: ['acme'] }).success).toBe(true);
    expect(parse({ token: 't', instance: 'ftp://nope' }).success).toBe(false);
  });
});

describe('htmlToText', () => {
  it('keeps link text, drops invisible markup and decodes each entity once', () => {
    const html =
      '<p><a href="https://acme.example/x"><span class="invisible">https://</span><span class="ellipsis">acme.example/x</span></a> &amp;lt; &#8212; &#x26;</p>';
    expect(htmlToText(html)).toBe('https://acme.example/x &lt; — &');
    expect(htmlToText('<p>a</p>\n<p>b<br/>c</p><ul><li>d</li><li>e</li></ul>')).toBe('a\n\nb\nc\nd\ne');
    expect(htmlToText('<pre>  keep\n    indent</pre>')).toBe('keep\n    indent');
  });
});
