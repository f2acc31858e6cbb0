import { json, RecordingServer, type CannedResponse, type RecordedRequest } from './recorder.js';
import { present } from '../helpers/present.js';

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

const PAGINATION_LIMIT = 1_000;
const send = (status: number, body: unknown, headers: Record<string, string> = {}): CannedResponse =>
  json(status, body, { 'content-type': 'application/json; charset=utf-8', ...headers });

export class FakeHackerNews extends RecordingServer {
  /** Runs before a search is answered (e.g. to add hits while a poll is paging). */
  beforeSearch?: (request: RecordedRequest) => void;
  protected override readonly placesScripts = true;
  private readonly hits: Array<{ at: number; order: number; payload: unknown; text: string; tags: string[] }> = [];
  private nextId = 42_000_000;
  private clock = 1_735_787_000;

  static start(): Promise<FakeHackerNews> {
    return new FakeHackerNews().start();
  }

  get url(): string {
    return this.base;
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
  failNext(
    status: number,
    body: unknown = { message: 'Internal error', status },
    options: { times?: number; headers?: Record<string, string> } = {},
  ): void {
    this.next(send(status, body, options.headers), { times: options.times ?? 1 });
  }

  private index(payload: unknown, at: number, order: number): void {
    const p = payload as Partial<FakeHit>;
    const text = [p.title, p.url, p.story_text, p.comment_text, p.author]
      .filter((v) => typeof v === 'string')
      .join(' ')
      .toLowerCase();
    this.hits.push({ at, order, payload, text, tags: Array.isArray(p._tags) ? p._tags : ['comment'] });
  }

  protected respond(request: RecordedRequest): CannedResponse {
    if (request.path !== '/api/v1/search_by_date') return send(404, { message: 'Not Found', status: 404 });
    this.beforeSearch?.(request);
    const scripted = this.scripted(request);
    if (scripted) return scripted;
    const q = request.query;
    const filters = parseNumericFilters(q.get('numericFilters') ?? '');
    if (!filters) return send(400, { message: 'invalid numericFilters', status: 400 });
    const words = (q.get('query') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const tagGroups = parseTags(q.get('tags') ?? '');
    const matching = this.hits
      .filter(
        (h) =>
          words.every((w) => h.text.includes(w)) &&
          tagGroups.every((group) => group.some((t) => h.tags.includes(t))) &&
          filters.every((f) => f(h.at)),
      )
      .sort((a, b) => b.at - a.at || b.order - a.order);
    const hitsPerPage = Math.min(Math.max(Number(q.get('hitsPerPage') ?? 20) || 20, 1), 1000);
    const page = Math.max(Number(q.get('page') ?? 0) || 0, 0);
    const pageable = matching.slice(0, PAGINATION_LIMIT);
    const hits = pageable.slice(page * hitsPerPage, (page + 1) * hitsPerPage).map((h) => h.payload);
    const nbPages = Math.ceil(pageable.length / hitsPerPage);
    return send(200, {
      hits,
      nbHits: matching.length,
      page,
      nbPages,
      hitsPerPage,
      exhaustiveNbHits: true,
      query: q.get('query') ?? '',
      params: q.toString(),
      processingTimeMS: 1,
    });
  }
}

/** `(story,comment),author_pg` → [[story, comment], [author_pg]]: groups ANDed, members ORed. */
function parseTags(raw: string): string[][] {
  const groups: string[][] = [];
  for (const part of raw.match(/\([^)]*\)|[^,()]+/g) ?? []) {
    const members = part
      .replace(/[()]/g, '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    if (members.length) groups.push(members);
  }
  return groups;
}

function parseNumericFilters(raw: string): Array<(at: number) => boolean> | null {
  const out: Array<(at: number) => boolean> = [];
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^created_at_i(>=|<=|>|<|=)(\d+)$/.exec(part);
    if (!m) return null;
    const n = Number(m[2]);
    const ops: Record<string, (at: number) => boolean> = {
      '>=': (a) => a >= n,
      '<=': (a) => a <= n,
      '>': (a) => a > n,
      '<': (a) => a < n,
      '=': (a) => a === n,
    };
    out.push(present(ops[present(m[1])]));
  }
  return out;
}
