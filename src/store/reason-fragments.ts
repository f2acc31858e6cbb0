/**
 * Pieces of text that triage's reasons repeat in almost every stored result ("complaint (",
 * "% likely)", "complaint signs: ", a risk term's reason). The stored form writes each as one
 * private-use character (triage-codec.ts), so a reason line costs a few bytes instead of tens.
 *
 * APPEND ONLY. A stored result names a fragment by its position here, so removing, reordering or
 * editing an entry would change the text of results already on disk. A reason that triage no
 * longer writes keeps its entry; new wording is stored as it is until someone appends it.
 */
export const REASON_FRAGMENTS: readonly string[] = [
  // urgency.ts: the complaint line and what explains it (explain.ts)
  'possible complaint (',
  'complaint (',
  '% likely)',
  'complaint signs: ',
  'negative wording',
  'time lost waiting',
  'blames the brand',
  'something was expected and did not happen',
  'something did not happen',
  'names a problem',
  'shouting',
  'words "',
  'word "',
  '", "',
  // tone, reach and history
  'strongly negative',
  'negative tone',
  'reads as sarcastic',
  'written in capitals / !!!',
  'author has ',
  ' followers',
  'getting attention: ',
  ' reposts',
  ' repost',
  ' replies',
  ' reply',
  ' likes',
  ' like',
  ' contact this week',
  ' earlier complaints from this author',
  ' earlier complaint from this author',
  '-star review',
  'language not recognised: not scored',
  '): not scored',
  'language ',
  // risk-terms.ts
  'safety concern',
  'mentions a lawyer',
  'press / journalist asking',
  'mentions police',
  'discrimination / harassment',
  'mentions a regulator',
  'threatens a chargeback',
  'people stranded',
  'billing error',
  'threatens to leave',
  'asks for a refund',
  // The refund terms' reason since 2026-12-04 ("My refund showed up" asks for nothing).
  'mentions a refund',
];
