import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { json, RecordingServer, type CannedResponse, type RecordedRequest } from './fakes/recorder.js';

/** A tiny platform: /ok answers its JSON, /boom throws, /stream holds an event stream open, /guarded wants a token before scripts apply. */
class Toy extends RecordingServer {
  held = 0;
  protected override failure(err: unknown): CannedResponse {
    return json(500, { toy: String(err) });
  }
  protected respond(request: RecordedRequest): CannedResponse {
    if (request.path === '/boom') throw new Error('kaput');
    if (request.path === '/stream')
      return { status: 200, headers: { 'content-type': 'text/event-stream' }, hold: (res) => void ((this.held += 1), res.write(':)\n')) };
    return json(200, { path: request.path });
  }
}

class Guarded extends Toy {
  protected override readonly placesScripts = true;
  protected override respond(request: RecordedRequest): CannedResponse {
    if (request.headers['authorization'] !== 'Bearer t') return json(401, { error: 'token' });
    return this.scripted(request) ?? super.respond(request);
  }
}

const open: RecordingServer[] = [];
afterEach(async () => void (await Promise.all(open.splice(0).map((s) => s.close()))));
const start = async <T extends RecordingServer>(server: T): Promise<T> => {
  open.push(server);
  return server.start();
};

describe('the fakes’ recording server', () => {
  it('records each request as it came (method, path, query, headers, raw and parsed body, form) and answers it', async () => {
    const toy = await start(new Toy());
    const res = await fetch(`${toy.base}/ok?x=1&x=2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-a': 'b' },
      body: '{"héllo":"wörld"}',
    });
    expect(await res.json()).toEqual({ path: '/ok' });
    await fetch(`${toy.base}/ok`, { method: 'POST', body: 'a=1&b=two' });
    const [first, second] = toy.requests;
    expect(first).toMatchObject({ method: 'POST', path: '/ok', raw: '{"héllo":"wörld"}', body: { héllo: 'wörld' } });
    expect(first?.query.getAll('x')).toEqual(['1', '2']);
    expect(first?.headers['x-a']).toBe('b');
    expect(second?.body).toBeUndefined();
    expect(second?.form.get('b')).toBe('two');
  });

  it('answers scripted replies to the requests they are meant for, as many times as asked, then normally again', async () => {
    const toy = await start(new Toy());
    toy.next(json(503, { down: true }), { times: 2, when: (r) => r.path === '/only' });
    const status = async (path: string) => (await fetch(`${toy.base}${path}`)).status;
    expect([await status('/ok'), await status('/only'), await status('/ok'), await status('/only'), await status('/only')]).toEqual([
      200, 503, 200, 503, 200,
    ]);
  });

  it('lets a fake place scripted replies after its own checks', async () => {
    const guarded = await start(new Guarded());
    guarded.next(json(429, {}));
    expect((await fetch(`${guarded.base}/ok`)).status).toBe(401);
    expect((await fetch(`${guarded.base}/ok`, { headers: { authorization: 'Bearer t' } })).status).toBe(429);
    expect((await fetch(`${guarded.base}/ok`, { headers: { authorization: 'Bearer t' } })).status).toBe(200);
  });

  it('answers a handler that throws with the fake’s own error body', async () => {
    const toy = await start(new Toy());
    const res = await fetch(`${toy.base}/boom`);
    expect([res.status, await res.json()]).toEqual([500, { toy: 'Error: kaput' }]);
  });

  it('holds a stream open and cuts it on close; refuses an upgrade the fake does not speak', async () => {
    const toy = await start(new Toy());
    const stream = await fetch(`${toy.base}/stream`);
    const reader = stream.body?.getReader();
    expect(new TextDecoder().decode((await reader?.read())?.value)).toBe(':)\n');
    const socket = net.connect(Number(new URL(toy.base).port), '127.0.0.1');
    const ended = new Promise((resolve) => socket.on('close', resolve));
    socket.write('GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    await ended;
    open.splice(0);
    await toy.close();
    await expect(reader?.read()).rejects.toThrow();
    expect(toy.held).toBe(1);
  });
});
