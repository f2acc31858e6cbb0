import type { SourceKv } from '../../store/kv.js';

export interface IssuedToken {
  accessToken: string;
  /** Epoch ms; the token is renewed a minute before. */
  expiresAt: number;
  /** Kept for the next renewal where the platform rotates it (OAuth2 refresh, Bluesky refreshJwt). */
  refreshToken?: string;
}

export interface TokenSource {
  /** Gets a brand-new token from the credentials in the config (password grant, service account, createSession). */
  issue(): Promise<IssuedToken>;
  /** Renews with the stored refresh token; omit where the platform has none. May throw AuthError when it expired. */
  refresh?(refreshToken: string): Promise<IssuedToken>;
}

const EARLY_MS = 60_000;

/**
 * One shared way to hold an access token: cached in the source's KV (so all workers reuse one
 * session and we do not hit login limits), renewed before expiry, refreshed with the refresh
 * token when there is one, issued afresh otherwise, and dropped when the platform rejects it.
 */
export class TokenManager {
  private pending: Promise<IssuedToken> | null = null;

  constructor(
    private readonly kv: SourceKv,
    private readonly source: TokenSource,
    private readonly name = 'token',
  ) {}

  async get(): Promise<string> {
    const cached = await this.kv.get<IssuedToken>(this.name);
    if (cached && cached.expiresAt - EARLY_MS > Date.now()) return cached.accessToken;
    return (await this.renew(cached)).accessToken;
  }

  /** The platform said the token is bad (401/ExpiredToken): forget it so the next get() renews. */
  async invalidate(): Promise<void> {
    const cached = await this.kv.get<IssuedToken>(this.name);
    if (cached) await this.kv.set(this.name, { ...cached, expiresAt: 0 });
  }

  /** Runs `call` with a token; on `isExpired` it renews once and tries again. */
  async withToken<T>(call: (token: string) => Promise<T>, isExpired: (err: unknown) => boolean): Promise<T> {
    try {
      return await call(await this.get());
    } catch (err) {
      if (!isExpired(err)) throw err;
      await this.invalidate();
      return call(await this.get());
    }
  }

  private renew(cached: IssuedToken | null): Promise<IssuedToken> {
    this.pending ??= (async () => {
      try {
        let next: IssuedToken;
        if (cached?.refreshToken && this.source.refresh) {
          next = await this.source.refresh(cached.refreshToken).catch(() => this.source.issue());
        } else next = await this.source.issue();
        const keepFor = Math.max(next.expiresAt - Date.now(), 0) + 30 * 86_400_000;
        await this.kv.set(this.name, { ...next, refreshToken: next.refreshToken ?? cached?.refreshToken }, keepFor);
        return next;
      } finally {
        this.pending = null;
      }
    })();
    return this.pending;
  }
}
