/**
 * Migration 27: an item's usual draft template and its empty draft warnings are not stored.
 *
 * Nearly every item has the default template ('default', 8 B as text) and no warnings ('[]',
 * 5 B as jsonb); the item insert now writes NULL for those and every read gives them back
 * (store/item-row.ts). Only the constraints change, so no row is rewritten: rows written before
 * keep their values, which read the same. Without its default an omitted draft_warnings is
 * NULL too, read as no warnings.
 */
export const ITEM_DEFAULTS = `
ALTER TABLE inbox_items ALTER COLUMN draft_template DROP NOT NULL,
  ALTER COLUMN draft_warnings DROP NOT NULL,
  ALTER COLUMN draft_warnings DROP DEFAULT;
`;
