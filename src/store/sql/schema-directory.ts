/**
 * Users and brands, managed from the admin page and `earshot users|brands` without a restart.
 * The YAML file seeds them (see store/directory-seed.ts). `managed_by` says who last set a row:
 * 'config' rows follow the file at each start, 'admin' rows were changed by a person and keep
 * their values whatever the file says. `directory_state.version` moves with every change, in the
 * same transaction, so a process can tell that its copy is stale.
 */
export const DIRECTORY = `
CREATE TABLE users (
  name          text PRIMARY KEY,
  role          text NOT NULL CHECK (role IN ('viewer', 'responder', 'approver', 'admin')),
  token_hash    text UNIQUE,
  password_hash text,
  slack_user_id text UNIQUE,
  disabled_at   bigint,
  managed_by    text NOT NULL CHECK (managed_by IN ('config', 'admin')),
  created_at    bigint NOT NULL,
  updated_at    bigint NOT NULL
);

CREATE TABLE brands (
  id         text PRIMARY KEY,
  name       text NOT NULL,
  keywords   text[] NOT NULL DEFAULT '{}',
  handles    text[] NOT NULL DEFAULT '{}',
  hashtags   text[] NOT NULL DEFAULT '{}',
  managed_by text NOT NULL CHECK (managed_by IN ('config', 'admin')),
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);

CREATE TABLE directory_state (
  id      boolean PRIMARY KEY DEFAULT true CHECK (id),
  version bigint  NOT NULL
);
INSERT INTO directory_state (id, version) VALUES (true, 0);
`;
