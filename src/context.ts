import type { Redis } from 'ioredis';
import type { Config } from './config/load.js';
import type { Directory } from './store/directory-cache.js';
import type { EmbeddedStatus } from './embedded/process.js';
import type { HttpClient } from './http/client.js';
import type { Queues } from './jobs/queues.js';
import type { Logger } from './log.js';
import type { Db } from './postgres/pool.js';
import type { StoreKeys } from './store/keys.js';
import type { SourceClients } from './connectors/clients.js';

/**
 * What every stage and engine is handed; built once per process in app/runtime.ts. It sits on the
 * engines floor (scripts/layers.ts) and names only what that floor and the ones below provide,
 * so a stage can take it without reaching up into the assembly that builds it.
 */
export interface AppContext {
  config: Config;
  /** Users and brands as stored in PostgreSQL, kept current without a restart; read these, not config.users / config.brands. */
  directory: Directory;
  redis: Redis;
  /** PostgreSQL, the system of record; only src/store/ sends it SQL. */
  db: Db;
  keys: StoreKeys;
  queues: Queues;
  log: Logger;
  http: HttpClient;
  sources: SourceClients;
  /**
   * The clock that time limits are judged by (sessions so far). Date.now in production; a test
   * moves it instead of sleeping.
   */
  now: () => number;
  /** Embedded servers this process runs (none with an external Redis), for /healthz. */
  servers?: Array<{ status(): EmbeddedStatus }>;
}
