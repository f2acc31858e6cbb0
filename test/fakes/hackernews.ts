import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HN Search (Algolia) speaking its wire format: `GET /api/v1/search_by_date` newest
 * first, `tags` with parentheses = OR and comma = AND, `numericFilters` on created_at_i, page and
 * hitsPerPage, only the first 1,000 hits pageable (nbPages capped, pages past it empty), HTML text,
 * and errors as `{"message": …, "status": …}`.
 */

export interface FakeHit {
  objectID: string;
  created_at: string;
  created_at_i: number;
  author: string;
  title: string | null;
  url: string | null;
  story_text: string | null;
  comment_text: string | null;
  story_id: number | null;
  parent_id: number | null;
  story_title: string | null;
  points: number | null;
  num_comments: number | null;
  _tags: string[];
}

export interface HitInput {
  kind?: 'story' | 'comment';
  /** Seconds since the epoch; defaults to one second after the previous hit. */
  at?: number;
  author?: string;
  title?: string;
  url?: string | null;
  /** HTML, as HN stores it. */
  html?: string;
  points?: number;
  parentId?: number;
}

export interface LoggedRequest {
  path: string;
  query: URLSearchParams;
}

const PAGINATION_LIMIT = 1_000;

export class FakeHackerNews {
  readonly requests: LoggedRequest[] = [];
  /** Runs before a search is answered (e.g. to add hits while a poll is paging). */
  beforeSearch?: (request: LoggedRequest) => void;
  private readonly hits: Array<{ at: number; order: number; payload: unknown; text: string; tags: string[] }> = [];
  private readonly failures: Array<{ status: number; body: string; headers: Record<string, string>; left: number }> = [];
  private nextId = 42_000_000;
  private clock = 1_735_787_000;

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<FakeHackerNews> {
    let fake: FakeHackerNews | undefined;
    const server = createServer((req, res) => fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeHackerNews(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Indexes a story or comment; returns it as the API will. */
  add(input: HitInput = {}): FakeHit {
    const id = this.nextId++;
    const at = input.at ?? (this.clock += 1);
    this.clock = Math.max(this.clock, at);
    const author = input.author ?? `user${id % 97}`;
    const kind = input.kind ?? 'comment';
    const hit: FakeHit = {
      objectID: String(id),
      created_at: new Date(at * 1000).toISOString().replace('.000Z', 'Z'),
      created_at_i: at,
      author,
      title: kind === 'story' ? (input.title ?? `Acme story ${id}`) : null,
      url: kind === 'story' ? (input.url === undefined ? `https://acme.example/${id}` : input.url) : null,
      story_text: kind === 'story' ? (input.html ?? null) : null,
      comment_text: kind === 'comment' ? (input.html ?? `<p>Acme comment ${id}</p>`) : null,
      story_id: kind === 'comment' ? (input.parentId ?? 41_999_999) : id,
      parent_id: kind === 'comment' ? (input.parentId ?? 41_999_999) : null,
      story_title: kind === 'comment' ? 'Show HN: Acme' : null,
      points: kind === 'story' ? (input.points ?? 10) : null,
      num_comments: kind === 'story' ? 0 : null,
      _tags: [kind, `author_${author}`, `story_${kind === 'comment' ? (input.parentId ?? 41_999_999) : id}`],
    };
    this.index(hit, at, id);
    return hit;
  }

  /** Indexes a raw hit as given (wrong types, missing fields), placed at `at`. */
  addRaw(payload: Record<string, unknown>, at = (this.clock += 1)): void {
    this.index(payload, at, this.nextId++);
  }

  /** The next `times` searches answer this status, body and headers. */
  failNext(status: number, body: unknown = { message: 'Internal error', status }, options: { times?: number; headers?: Record<string, string> } = {}): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    this.failures.push({ status, body: text, headers: options.headers ?? {}, left: options.times ?? 1 });
  }

  private index(payload: unknown, at: number, order: number): void {
    const p = payload as Partial<FakeHit>;
    const text = [p.title, p.url, p.story_text, p.comment_text, p.author].filter((v) => typeof v === 'string').join(' ').toLowerCase();
    this.hits.push({ at, order, payload, text, tags: Array.isArray(p._tags) ? p._tags : ['comment'] });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const logged = { path: url.pathname, query: url.searchParams };
    this.requests.push(logged);
    if (url.pathname !== '/api/v1/search_by_date') return send(res, 404, { message: 'Not Found', status: 404 });
    this.beforeSearch?.(logged);
    const failure = this.failures.find((f) => f.left > 0);
    if (failure) {
      failure.left--;
      return send(res, failure.status, failure.body, failure.headers);
    }
    const q = url.searchParams;
    const filters = parseNumericFilters(q.get('numericFilters') ?? '');
    if (!filters) return send(res, 400, { message: 'invalid numericFilters', status: 400 });
    const words = (q.get('query') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const tagGroups = parseTags(q.get('tags') ?? '');
    const matching = this.hits
      .filter((h) => words.every((w) => h.text.includes(w)) && tagGroups.every((group) => group.some((t) => h.tags.includes(t))) && filters.every((f) => f(h.at)))
      .sort((a, b) => b.at - a.at || b.order - a.order);
    const hitsPerPage = Math.min(Math.max(Number(q.get('hitsPerPage') ?? 20) || 20, 1), 1000);
    const page = Math.max(Number(q.get('page') ?? 0) || 0, 0);
    const pageable = matching.slice(0, PAGINATION_LIMIT);
    const hits = pageable.slice(page * hitsPerPage, (page + 1) * hitsPerPage).map((h) => h.payload);
    const nbPages = Math.ceil(pageable.length / hitsPerPage);
    send(res, 200, { hits, nbHits: matching.length, page, nbPages, hitsPerPage, exhaustiveNbHits: true, query: q.get('query') ?? '', params: url.search.slice(1), processingTimeMS: 1 });
  }
}

/** `(story,comment),author_pg` → [[story, comment], [author_pg]]: groups ANDed, members ORed. */
function parseTags(raw: string): string[][] {
  const groups: string[][] = [];
  for (const part of raw.match(/\([^)]*\)|[^,()]+/g) ?? []) {
    const members = part.replace(/[()]/g, '').split(',').map((t) => t.trim()).filter(Boolean);
    if (members.length) groups.push(members);
  }
  return groups;
}

function parseNumericFilters(raw: string): Array<(at: number) => boolean> | null {
  const out: Array<(at: number) => boolean> = [];
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^created_at_i(>=|<=|>|<|=)(\d+)$/.exec(part);
    if (!m) return null;
    const n = Number(m[2]);
    const ops: Record<string, (at: number) => boolean> = { '>=': (a) => a >= n, '<=': (a) => a <= n, '>': (a) => a > n, '<': (a) => a < n, '=': (a) => a === n };
    out.push(ops[m[1]!]!);
  }
  return out;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}
