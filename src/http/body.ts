import type { Dispatcher } from 'undici';

/** Body lines without their line endings, as they arrive; `classify` turns a network failure into an error kind. */
export async function* readLines(body: Dispatcher.ResponseData['body'], classify: (err: unknown) => Error): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        yield line.endsWith('\r') ? line.slice(0, -1) : line;
      }
    }
  } catch (err) {
    throw classify(err);
  } finally {
    // A consumer that stops early (break, abort) must not leave the socket half-read.
    body.destroy();
  }
  buffer += decoder.decode();
  if (buffer) yield buffer;
}

export function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
