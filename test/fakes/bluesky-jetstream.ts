import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { RecordingServer } from './recorder.js';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * The fake Bluesky's Jetstream side: `/subscribe` is a WebSocket sending Jetstream JSON events, live-tailing without a
 * cursor and replaying from `cursor` (unix µs) with one. The server side of the WebSocket is hand-rolled (handshake and
 * unmasked text frames): enough for a fake, and no extra dependency.
 */
export abstract class JetstreamServer extends RecordingServer {
  readonly jetstreamConnections: Array<{ cursor: string | null; wantedCollections: string[] }> = [];
  private readonly events: Array<{ time_us: number; text: string }> = [];

  /** Adds a Jetstream event (time_us grows) and sends it to every connected subscriber. */
  emit(event: Record<string, unknown>): number {
    const time_us = (this.events.at(-1)?.time_us ?? Date.now() * 1000) + 1_000_000;
    const text = JSON.stringify({ ...event, time_us });
    this.events.push({ time_us, text });
    for (const s of this.sockets) s.write(frame(text));
    return time_us;
  }

  /** Kills every Jetstream socket without a close frame, as a network drop does. */
  dropJetstream(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  protected override upgrade(url: URL, req: IncomingMessage, socket: Socket): void {
    const key = req.headers['sec-websocket-key'];
    if (url.pathname !== '/subscribe' || typeof key !== 'string') return void socket.destroy();
    const accept = createHash('sha1')
      .update(key + WS_GUID)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const cursor = url.searchParams.get('cursor');
    this.jetstreamConnections.push({ cursor, wantedCollections: url.searchParams.getAll('wantedCollections') });
    this.keepSocket(socket);
    // A client close frame (opcode 8) is answered with one, then the socket ends.
    socket.on('data', (data: Buffer) => {
      if (((data[0] ?? 0) & 0x0f) === 8) socket.end(Buffer.from([0x88, 0x00]));
    });
    // Without a cursor Jetstream live-tails; with one it replays everything from that time on.
    if (cursor !== null) for (const e of this.events) if (e.time_us >= Number(cursor)) socket.write(frame(e.text));
  }
}

/** One unmasked, unfragmented text frame, as a server sends it. */
function frame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([0x81, len])
      : len < 65_536
        ? Buffer.from([0x81, 126, len >> 8, len & 0xff])
        : Buffer.concat([Buffer.from([0x81, 127]), bigLength(len)]);
  return Buffer.concat([head, payload]);
}

function bigLength(len: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(len));
  return b;
}
