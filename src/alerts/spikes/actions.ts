import type { AppContext } from '../../context.js';
import { deliverSpike, escalationTarget } from '../spike-send.js';
import { ActionError, editDraft, type Actor } from '../../inbox/actions.js';
import { can } from '../../inbox/permissions.js';
import { appendAudit } from '../../store/audit.js';
import { flagSpike, getSpike, spikeItemCandidates, type SpikeFlag, type SpikeRecord } from '../../store/spikes.js';
import { spikeTerms } from './terms.js';

export type SpikeVerb = 'acknowledge' | 'escalate' | 'expected';
const FLAG: Record<SpikeVerb, SpikeFlag> = { acknowledge: 'acknowledged', escalate: 'escalated', expected: 'expected' };

export interface SpikeOutcome {
  spike: SpikeRecord;
  /** False when someone had already done it: the answer says who. */
  first: boolean;
  message: string;
}

function allowed(actor: Actor, verb: SpikeVerb): void {
  // Marking a storm as expected silences it for everyone, so it takes an approver.
  if (verb === 'expected' ? !can(actor.role, 'approveRestricted') : !can(actor.role, 'assign')) {
    throw new ActionError(
      403,
      `${verb === 'expected' ? 'marking a spike as expected needs the approver role' : 'this needs the responder role'}; ${actor.name} is ${actor.role}`,
    );
  }
}

/**
 * Acknowledge, escalate or mark as expected: the inbox and the Slack buttons both call this, so
 * roles and the audit log are the same either way. Chat is then brought up to date (the
 * manager destination hears about an escalation; a bot message is edited).
 */
export async function actOnSpike(
  ctx: AppContext,
  actor: Actor,
  id: string,
  verb: SpikeVerb,
  now: number = Date.now(),
  background = false,
): Promise<SpikeOutcome> {
  allowed(actor, verb);
  if (verb === 'escalate' && !escalationTarget(ctx))
    throw new ActionError(422, 'no manager destination: set spikes.escalateTo or sla.escalateTo to a chat[] id');
  const result = await flagSpike(ctx.db, id, FLAG[verb], actor.name, now);
  if (!result) throw new ActionError(404, `no spike ${id}`);
  const { spike, first } = result;
  if (!first) {
    const by = { acknowledge: spike.acknowledgedBy, escalate: spike.escalatedBy, expected: spike.expectedBy }[verb];
    return { spike, first, message: `Already ${FLAG[verb]} by @${by ?? '?'}` };
  }
  await appendAudit(ctx.db, actor.name, `spike.${FLAG[verb]}`, undefined, { spike: id, brand: spike.brandId });
  // Slack wants its answer within 3 s, so a click does not wait for the other destinations.
  const delivery = deliverSpike(ctx, spike, now).catch((err: unknown) =>
    ctx.log.warn({ spike: id, err: (err as Error).message }, 'spike chat update failed'),
  );
  if (!background) await delivery;
  const done = {
    acknowledge: 'Acknowledged',
    escalate: 'Escalated to the managers',
    expected: 'Marked as expected; no more alerts about it',
  }[verb];
  return { spike: (await getSpike(ctx.db, id)) ?? spike, first, message: `${done} by @${actor.name}` };
}

/** The spike's open items: posted while it ran and, for a term or category spike, about that. */
export async function spikeItems(ctx: AppContext, spike: SpikeRecord): Promise<Array<{ id: string; draftVersion: number; text: string }>> {
  const brand = ctx.config.brands.find((b) => b.id === spike.brandId);
  const to = spike.closedAt ?? spike.explanation.window.to;
  const rows = await spikeItemCandidates(ctx.db, spike.brandId, Math.min(spike.startedAt, spike.explanation.window.from), to);
  const lead = spike.explanation.rose[0];
  return rows
    .filter((r) => {
      if (lead?.kind === 'category') return r.category === lead.key;
      if (lead?.kind === 'term' && brand)
        return spikeTerms(r.text, 'en', brand).includes(lead.key) || r.text.toLowerCase().includes(lead.key);
      return true;
    })
    .map((r) => ({ id: r.id, draftVersion: r.draftVersion, text: r.text }));
}

/**
 * One holding reply for the whole storm: each item gets it as a new draft version, then goes
 * through approval like any other draft (one reply per post, approved as usual).
 */
export async function draftHoldingReply(
  ctx: AppContext,
  actor: Actor,
  id: string,
  text: string,
): Promise<{ drafted: number; skipped: number }> {
  const spike = await getSpike(ctx.db, id);
  if (!spike) throw new ActionError(404, `no spike ${id}`);
  let drafted = 0;
  let skipped = 0;
  for (const item of await spikeItems(ctx, spike)) {
    try {
      await editDraft(ctx, actor, item.id, text, item.draftVersion);
      drafted += 1;
    } catch (err) {
      if (!(err instanceof ActionError)) throw err;
      skipped += 1;
    }
  }
  await appendAudit(ctx.db, actor.name, 'spike.holding_reply', undefined, { spike: id, drafted, skipped });
  return { drafted, skipped };
}
