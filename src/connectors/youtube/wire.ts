import { z } from 'zod';

/** YouTube Data API v3 shapes we read (commentThreads.list, comments.insert); anything else is ignored. */

export const WireCommentSnippet = z.object({
  authorDisplayName: z.string().default(''),
  authorChannelUrl: z.string().optional(),
  // Absent for some deleted or Google+-era authors; such a comment has no one to attribute it to.
  authorChannelId: z.object({ value: z.string().min(1) }),
  textDisplay: z.string(),
  textOriginal: z.string().optional(),
  likeCount: z.number().int().nonnegative().default(0),
  publishedAt: z.iso.datetime({ offset: true }),
  parentId: z.string().optional(),
});

export const WireThread = z.object({
  id: z.string().min(1),
  snippet: z.object({
    channelId: z.string().optional(),
    videoId: z.string().optional(),
    canReply: z.boolean().optional(),
    totalReplyCount: z.number().int().nonnegative().default(0),
    topLevelComment: z.object({ id: z.string().min(1), snippet: WireCommentSnippet }),
  }),
});
export type WireThread = z.infer<typeof WireThread>;

/** The envelope only: items are checked one by one so a bad one is rejected alone. */
export const WireThreadList = z.object({
  nextPageToken: z.string().optional(),
  items: z.array(z.unknown()).default([]),
});

export const WirePostedComment = z.object({ id: z.string().min(1) });
