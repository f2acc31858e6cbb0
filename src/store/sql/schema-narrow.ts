/**
 * Fewer bytes per stored mention, measured in the bench (BENCHMARKS.md):
 * - The mention id is a hash of (platform, native_id) (mention.ts), so the primary key already
 *   refuses a post stored twice; the second unique index on the pair held 156 B per mention.
 * - A mention's triage row is now written once, with its stage, when routing finishes
 *   (routed.ts), instead of inserted and then updated: the 40% of each page kept free for the
 *   update, and the dead first version, were ~550 B per mention.
 */
export const NARROWER = `
ALTER TABLE mentions DROP CONSTRAINT IF EXISTS mentions_platform_native_id_key;
ALTER TABLE mention_triage SET (fillfactor = 100);
`;
