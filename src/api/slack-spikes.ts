import type { FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import { spikeText } from '../alerts/spike-message.js';
import { spikeBlocks, type SpikeAction } from '../alerts/spike-slack.js';
import { ActionError, type Actor } from '../inbox/actions.js';
import { actOnSpike, type SpikeVerb } from '../alerts/spikes/actions.js';
import { appendAudit } from '../store/audit.js';

const VERBS: Record<SpikeAction, SpikeVerb> = { spike_ack: 'acknowledge', spike_escalate: 'escalate', spike_expected: 'expected' };

/**
 * A spike button, after the route has checked the signature and mapped the Slack user: the same
 * call the inbox makes, then the clicked message is replaced through response_url (a webhook
 * message can only be changed that way), or a refusal shown to the clicker alone.
 */
export async function spikeClick(
  ctx: AppContext,
  reply: FastifyReply,
  actor: Actor,
  action: { action_id: string; value?: string | undefined },
  responseUrl: string | undefined,
  now: () => number,
): Promise<FastifyReply> {
  const verb = VERBS[action.action_id as SpikeAction];
  const id = action.value ?? '';
  // "Open in Earshot" is a link; Slack reports its click too.
  if (!verb || !/^s_[A-Za-z0-9_-]{1,40}$/.test(id)) return reply.code(200).send('');
  let body: Record<string, unknown>;
  try {
    const outcome = await actOnSpike(ctx, actor, id, verb, now(), true);
    const destination = ctx.config.chat.find((c) => c.kind === 'slack' && c.signingSecret);
    body = outcome.first
      ? { ...spikeBlocks(outcome.spike, spikeText(ctx.config, outcome.spike), Boolean(destination)), replace_original: true }
      : { response_type: 'ephemeral', replace_original: false, text: outcome.message };
  } catch (err) {
    if (!(err instanceof ActionError)) throw err;
    await appendAudit(ctx.db, actor.name, 'slack.action_refused', undefined, {
      action: action.action_id,
      spike: id,
      status: err.status,
      message: err.message,
    });
    body = { response_type: 'ephemeral', replace_original: false, text: `Not done: ${err.message}` };
  }
  if (responseUrl) {
    void ctx.http
      .send({ method: 'POST', url: responseUrl, json: body, timeoutMs: 10_000 })
      .then((res) => (res.status >= 300 ? ctx.log.warn({ status: res.status }, 'Slack response_url refused the spike update') : undefined))
      .catch((err: unknown) => ctx.log.warn({ err: (err as Error).message }, 'could not update the Slack spike message'));
  }
  return reply.code(200).send('');
}
