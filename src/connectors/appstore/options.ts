import { z } from 'zod';
import { strict } from '../../config/strict.js';
import { PlatformUrl } from '../../config/fields.js';

export const Options = strict({
  appId: z.coerce.string().trim().regex(/^\d+$/, 'expected the numeric Apple ID of the app (App Store Connect → App Information)'),
  issuerId: z.string().trim().min(1, 'issuerId is empty (Users and Access → Integrations → App Store Connect API)'),
  keyId: z.string().trim().min(1, 'keyId is empty'),
  privateKey: z
    .string()
    .optional()
    .transform((k) => k?.trim() || undefined),
  privateKeyFile: z.string().trim().min(1).optional(),
  ratings: z.array(z.number().int().min(1).max(5)).default([]),
  territory: z
    .string()
    .trim()
    .regex(/^[A-Z]{3}$/, 'expected an ISO 3166-1 alpha-3 code like "USA"')
    .optional(),
  limit: z.number().int().min(1).max(200).default(200),
  maxPagesPerPoll: z.number().int().min(1).max(50).default(10),
  backfillPages: z.number().int().min(1).max(50).default(1),
  /** Requests per rolling hour for this key; Apple's own limit is read from X-Rate-Limit and respected too. */
  requestsPerHour: z.number().int().min(1).default(3_000),
  baseUrl: PlatformUrl.default('https://api.appstoreconnect.apple.com'),
  timeoutMs: z.number().int().positive().default(15_000),
}).superRefine((o, ctx) => {
  if (!o.privateKey === !o.privateKeyFile)
    ctx.addIssue({
      code: 'custom',
      path: ['privateKey'],
      message: 'set exactly one of privateKey (the .p8 text) or privateKeyFile (its path)',
    });
});
export type Options = z.infer<typeof Options>;
