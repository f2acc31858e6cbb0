import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../log.js';

/** Sent on every response, API included: the UI loads nothing but its own files, and nothing frames it. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Only these files are served; there is no path from a URL to the file system. */
const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
  // Browsers ask for an icon on every page; without one each visit logged a 404.
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
  '/favicon.ico': { file: 'favicon.svg', type: 'image/svg+xml' },
};

/**
 * The UI is not copied by the build: from src/api/ it is the sibling folder, from the compiled
 * dist/src/api/ it is found back in the source tree.
 */
export function publicDir(): string | null {
  const candidates = [new URL('./public/', import.meta.url), new URL('../../../src/api/public/', import.meta.url)];
  for (const url of candidates) {
    const dir = fileURLToPath(url);
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return null;
}

/** The UI's ES modules (public/js/*.js), listed once at startup: still no path from a URL to the disk. */
async function moduleFiles(dir: string): Promise<Record<string, { file: string; type: string }>> {
  const names = existsSync(`${dir}js`) ? await readdir(`${dir}js`) : [];
  const out: Record<string, { file: string; type: string }> = {};
  for (const name of names)
    if (/^[a-z0-9-]+\.js$/.test(name)) out[`/js/${name}`] = { file: `js/${name}`, type: 'text/javascript; charset=utf-8' };
  return out;
}

export async function registerStatic(app: FastifyInstance, log: Logger): Promise<void> {
  const dir = publicDir();
  if (!dir) {
    log.warn('web inbox files not found (src/api/public); serving the API only');
    return;
  }
  const files = { ...FILES, ...(await moduleFiles(dir)) };
  // Read once: a few small files, and a deploy replaces the process anyway.
  const bodies = new Map<string, Buffer>();
  for (const { file } of Object.values(files)) if (!bodies.has(file)) bodies.set(file, await readFile(`${dir}${file}`));
  for (const [route, { file, type }] of Object.entries(files)) {
    const body = bodies.get(file) as Buffer;
    app.get(route, async (_request, reply) => reply.type(type).header('Cache-Control', 'no-cache').send(body));
  }
}
