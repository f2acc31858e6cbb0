/**
 * Migration 15: no JIT compilation for Earshot's database. PostgreSQL compiles a statement whose
 * estimated cost passes jit_above_cost, which the queue's text filter and broad searches do over
 * a million posts: compiling took 3 to 4 s of a query that runs in 0.5 s, on every call. Earshot's
 * statements are short, so JIT never pays back. Set on the database (not per session), so it
 * holds behind PgBouncer too; a role that may not alter the database only gets a notice, and
 * README's ops section says how to set it there.
 */
export const NO_JIT = `
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'earshot: could not turn JIT off for this database (%); run ALTER DATABASE ... SET jit = off as its owner', SQLERRM;
END $$;
`;
