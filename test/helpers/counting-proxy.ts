import net from 'node:net';

export interface CountingProxy {
  url: string;
  /** Client writes so far: a round trip is at least one, so this bounds round trips. */
  writes(): number;
  /** Bytes Redis sent back: what the client had to receive and parse. */
  readBytes(): number;
  reset(): void;
  /** Stops forwarding to Redis (commands stay pending) until release(). */
  hold(): void;
  /** The commands held so far, as raw RESP text. */
  heldText(): string;
  release(): void;
  close(): Promise<void>;
}

/** A TCP proxy in front of Redis that counts traffic and can hold commands in flight. */
export async function countingProxy(target: URL): Promise<CountingProxy> {
  let writes = 0;
  let readBytes = 0;
  let held: Array<() => void> | null = null;
  let heldText = '';
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => {
      writes += 1;
      if (held) {
        heldText += chunk.toString('latin1');
        held.push(() => upstream.write(chunk));
      } else upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      readBytes += chunk.length;
      client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    writes: () => writes,
    readBytes: () => readBytes,
    reset: () => {
      writes = 0;
      readBytes = 0;
    },
    hold: () => void (held ??= []),
    heldText: () => heldText,
    release: () => {
      const pending = held ?? [];
      held = null;
      heldText = '';
      for (const send of pending) send();
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
