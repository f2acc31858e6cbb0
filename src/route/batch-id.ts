import { createHash } from 'node:crypto';

/** A job id derived from the batch itself, so re-handing the same mentions on does not queue them twice. */
export function batchJobId(stage: string, ids: string[]): string {
  return `${stage}-${createHash('sha256').update(ids.join(',')).digest('base64url').slice(0, 24)}`;
}

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
