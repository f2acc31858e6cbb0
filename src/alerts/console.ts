import { logSafe, type Logger } from '../log.js';
import { digestText, formatReach, headline, shorten, type Alert } from './message.js';

/** The default sink: a readable line in the process log, so a demo or a dev box still sees escalations. */
export function sendConsole(log: Logger, alert: Alert): void {
  if (alert.kind === 'digest') {
    const d = digestText(alert);
    log.warn(
      { alert: 'digest', count: alert.count, open: alert.inboxUrl },
      `${logSafe(d.title).toUpperCase()}: ${d.lines.map((l) => logSafe(l.text)).join(' | ')}`,
    );
    return;
  }
  if (alert.kind === 'source') {
    log.error({ alert: 'source', source: alert.sourceId }, `SOURCE NEEDS ATTENTION: ${logSafe(alert.problem, 500)}`);
    return;
  }
  log.warn(
    {
      alert: alert.sla ? `sla-${alert.sla.stage}` : 'escalation',
      item: alert.itemId,
      urgency: alert.urgency,
      reasons: alert.reasons,
      open: alert.inboxUrl,
    },
    `${headline(alert).toUpperCase()} @${logSafe(alert.author.handle, 80)} (${formatReach(alert.author.followers)}) on ${alert.platform}: "${logSafe(shorten(alert.text, 160))}"`,
  );
}
