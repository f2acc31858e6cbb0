/**
 * Migration 13: SLA reminders on the item (store/sla-reminders.ts) instead of a Redis sorted
 * set that held one entry per open item. Null for items with no check to come (answered and
 * past their breach check, or breached on arrival); the partial index holds only the others.
 * Reminders still in Redis move over during the first sweeps after the upgrade.
 */
export const SLA_REMINDERS = `
ALTER TABLE inbox_items ADD COLUMN sla_remind_at bigint;
CREATE INDEX inbox_sla_remind ON inbox_items (sla_remind_at) WHERE sla_remind_at IS NOT NULL;
`;
