import { z } from 'zod';

/** What App Store Connect answers: reviews, their pages, a posted response, and its error bodies. */
export const WireReview = z.object({
  type: z.literal('customerReviews'),
  id: z.string().min(1),
  attributes: z.object({
    rating: z.number().int().min(1).max(5),
    title: z.string().nullable().optional(),
    body: z.string().nullable().optional(),
    reviewerNickname: z.string().nullable().optional(),
    createdDate: z.iso.datetime({ offset: true }),
    territory: z.string().optional(),
  }),
});
export type WireReview = z.infer<typeof WireReview>;
export const WireList = z.object({ data: z.array(z.unknown()), links: z.object({ next: z.string().optional() }).optional() });
export const WireResponse = z.object({ data: z.object({ type: z.literal('customerReviewResponses'), id: z.string().min(1) }) });
export const WireErrors = z.object({
  errors: z.array(z.object({ code: z.string().optional(), title: z.string().optional(), detail: z.string().optional() })).min(1),
});
