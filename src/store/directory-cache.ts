import { timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { hashToken, type Config } from '../config/load.js';
import type { Logger } from '../log.js';
import type { Db } from '../postgres/pool.js';
import { directoryVersion, loadDirectory, type DirectoryBrand, type DirectorySnapshot, type DirectoryUser } from './directory.js';
import { seedDirectory, type SeedReport } from './directory-seed.js';
import { publishDirectoryVersion, subscribeDirectory, type DirectorySubscription } from './directory-events.js';

/** A missed announcement (Redis restarted, a subscriber reconnecting) is caught this long after at most. */
const CHECK_EVERY_MS = 10_000;

export interface DirectoryDeps {
  db: Db;
  redis: Redis;
  channel: string;
  log: Logger;
}

function fromConfig(config: Pick<Config, 'users' | 'brands'>): DirectorySnapshot {
  return {
    version: -1,
    users: config.users.map((u) => ({ ...u, disabled: false, managedBy: 'config', createdAt: 0, updatedAt: 0 })),
    brands: config.brands.map((b) => ({ ...b, managedBy: 'config', createdAt: 0, updatedAt: 0 })),
  };
}

/**
 * This process's copy of users and brands. Reads are synchronous (sign-in, every API request and
 * every triage batch use them); the copy follows PostgreSQL: a change announces its version on a
 * Redis channel, every process reloads on hearing it, and a version check every few seconds
 * catches an announcement that was missed. Until open() the copy is the config file's (tests
 * that never touch users or brands need no database rows).
 */
export class Directory {
  private snap: DirectorySnapshot;
  private deps: DirectoryDeps | null = null;
  private subscriber: DirectorySubscription | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reloading: Promise<void> | null = null;
  private again = false;
  private readonly listeners: Array<(snap: DirectorySnapshot) => void> = [];

  constructor(private readonly config: Pick<Config, 'users' | 'brands' | 'file'>) {
    this.snap = fromConfig(config);
  }

  get version(): number {
    return this.snap.version;
  }

  get brands(): DirectoryBrand[] {
    return this.snap.brands;
  }

  /** Every user, disabled ones too (the admin page lists them). */
  get users(): DirectoryUser[] {
    return this.snap.users;
  }

  brand(id: string): DirectoryBrand | undefined {
    return this.snap.brands.find((b) => b.id === id);
  }

  /** An enabled user by name; disabled users do not exist for sign-in, sessions or assignment. */
  user(name: string): DirectoryUser | undefined {
    return this.snap.users.find((u) => u.name === name && !u.disabled);
  }

  userBySlackId(id: string): DirectoryUser | undefined {
    return this.snap.users.find((u) => u.slackUserId === id && !u.disabled);
  }

  /** Compares against every user without stopping early, so timing does not reveal which hash matched. */
  userByToken(token: string): DirectoryUser | null {
    const presented = Buffer.from(hashToken(token));
    let found: DirectoryUser | null = null;
    for (const user of this.snap.users) {
      if (!user.tokenHash) continue;
      const expected = Buffer.from(user.tokenHash);
      if (expected.length === presented.length && timingSafeEqual(expected, presented) && !found && !user.disabled) found = user;
    }
    return found;
  }

  onChange(listener: (snap: DirectorySnapshot) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Seeds from the config file, loads, and (with `follow`) keeps following changes made by other
   * processes. Returns what the seeding did, for the start-up log.
   */
  async open(deps: DirectoryDeps, options: { follow: boolean }): Promise<SeedReport> {
    this.deps = deps;
    const report = await seedDirectory(deps.db, { users: this.config.users, brands: this.config.brands, path: this.config.file });
    await this.reload();
    const seeded = [report.added.users, report.added.brands, report.updated.users, report.updated.brands, report.disabled].some(
      (l) => l.length > 0,
    );
    if (seeded) await publishDirectoryVersion(deps.redis, deps.channel, report.version).catch(() => undefined);
    if (options.follow) await this.follow(deps);
    return report;
  }

  private async follow(deps: DirectoryDeps): Promise<void> {
    // After a reconnect ioredis subscribes again by itself; what was announced meanwhile is read on ready.
    this.subscriber = await subscribeDirectory(deps.redis, deps.channel, {
      onVersion: (version) => {
        if (version > this.snap.version) void this.reload();
      },
      onReady: () => void this.reload(),
      onError: (err) => deps.log.debug({ err: err.message }, 'directory subscriber error'),
    });
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  private async check(): Promise<void> {
    if (!this.deps) return;
    try {
      if ((await directoryVersion(this.deps.db)) > this.snap.version) await this.reload();
    } catch (err) {
      this.deps.log.debug({ err: (err as Error).message }, 'directory version check failed; trying again later');
    }
  }

  /** Reloads now; calls that arrive during a reload make one more, so the newest version always wins. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.again = true;
      return this.reloading;
    }
    this.reloading = this.loadLoop().finally(() => {
      this.reloading = null;
    });
    return this.reloading;
  }

  private async loadLoop(): Promise<void> {
    const deps = this.deps;
    if (!deps) return;
    do {
      this.again = false;
      try {
        const snap = await loadDirectory(deps.db);
        if (snap.version < this.snap.version) continue;
        this.snap = snap;
        for (const listener of this.listeners) listener(snap);
      } catch (err) {
        deps.log.warn({ err: (err as Error).message }, 'could not reload users and brands; keeping the previous copy');
      }
    } while (this.again);
  }

  /** After a change committed: this process reloads before answering, the others hear the version. */
  async announce(version: number): Promise<void> {
    await this.reload();
    const deps = this.deps;
    if (!deps) return;
    await publishDirectoryVersion(deps.redis, deps.channel, version).catch((err: Error) => {
      deps.log.warn({ err: err.message }, 'could not announce a users-and-brands change; other processes pick it up within 10 s');
    });
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const sub = this.subscriber;
    this.subscriber = null;
    if (sub) await sub.close();
  }
}

/** The start-up line that says where users and brands come from, and what the file did. */
export function describeSeed(
  report: SeedReport,
  file: string,
  snap: { users: number; brands: number },
): { message: string; warn: string | null } {
  const parts = [`${snap.users} user(s) and ${snap.brands} brand(s) in the database`];
  const add = report.added.users.length + report.added.brands.length;
  if (add) parts.push(`${file} added ${[...report.added.users, ...report.added.brands].join(', ')}`);
  if (report.updated.users.length + report.updated.brands.length)
    parts.push(`updated from the file: ${[...report.updated.users, ...report.updated.brands].join(', ')}`);
  if (report.disabled.length) parts.push(`disabled (gone from the file): ${report.disabled.join(', ')}`);
  const kept = [...report.kept.users, ...report.kept.brands];
  const warn = kept.length
    ? `${file} differs from the database for ${kept.join(', ')}: an admin changed them, so the database's values are used (change them with the admin page or \`earshot users\` / \`earshot brands\`)`
    : null;
  return { message: `users and brands: ${parts.join('; ')}. The file seeds what is missing; changes made by an admin win`, warn };
}
