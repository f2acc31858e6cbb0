/**
 * Which terms rose, by the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi
 * & Quinn 2008, "Fightin' Words"), in its binomial form since a term is counted once per post:
 * the share of posts using the term in the spike window against the baseline window, each
 * smoothed towards the term's background share with a prior worth `strength` posts, and
 * divided by its standard error. Raw counts would rank "flight" first in any airline storm; a
 * word that is always common moves little, a word that was rare and is now everywhere moves a lot.
 */
export interface TermStat {
  term: string;
  /** Posts with the term in the window, and the window's posts. */
  inWindow: number;
  windowPosts: number;
  inBaseline: number;
  baselinePosts: number;
  z: number;
  /** Window share ÷ baseline share (smoothed): "12× the usual". */
  lift: number;
}

const PRIOR_STRENGTH = 200;
/** A term never seen in the baseline still gets a small background share. */
const FLOOR = 0.5;

export function logOddsZ(inWindow: number, windowPosts: number, inBaseline: number, baselinePosts: number): { z: number; lift: number } {
  const background = (inWindow + inBaseline + FLOOR) / (windowPosts + baselinePosts + 2 * FLOOR);
  const a = PRIOR_STRENGTH * background;
  const b = PRIOR_STRENGTH * (1 - background);
  const yW = Math.min(inWindow, windowPosts);
  const yB = Math.min(inBaseline, baselinePosts);
  const lw = Math.log((yW + a) / (windowPosts - yW + b));
  const lb = Math.log((yB + a) / (baselinePosts - yB + b));
  const variance = 1 / (yW + a) + 1 / (windowPosts - yW + b) + 1 / (yB + a) + 1 / (baselinePosts - yB + b);
  // Shown to people, so a plain ratio of the two shares (half a post added to each side), not the prior-weighted one.
  const lift = (yW + 0.5) / (windowPosts + 1) / ((yB + 0.5) / (baselinePosts + 1));
  return { z: (lw - lb) / Math.sqrt(variance), lift };
}

export function rankTerms(
  window: ReadonlyMap<string, number>,
  windowPosts: number,
  baseline: ReadonlyMap<string, number>,
  baselinePosts: number,
): TermStat[] {
  const out: TermStat[] = [];
  for (const [term, inWindow] of window) {
    const inBaseline = baseline.get(term) ?? 0;
    const { z, lift } = logOddsZ(inWindow, windowPosts, inBaseline, baselinePosts);
    out.push({ term, inWindow, windowPosts, inBaseline, baselinePosts, z, lift });
  }
  return out.sort((x, y) => y.z - x.z || y.inWindow - x.inWindow);
}

/**
 * The top terms to show. A word that nearly always comes in one phrase is shown as the phrase
 * ("wifi outage", not "outage"), and nothing is listed twice: a word is dropped beside a phrase
 * that covers it, a phrase when both its words are already shown.
 */
export function topDistinct(ranked: readonly TermStat[], count: number, minZ: number): TermStat[] {
  const shown: TermStat[] = [];
  const has = (term: string): boolean => shown.some((s) => s.term === term);
  for (const t of ranked) {
    if (shown.length >= count || t.z < minZ) break;
    const words = t.term.split(' ');
    if (words.length === 1) {
      const phrase = ranked.find(
        (p) => p.z >= minZ && p.term.split(' ').includes(t.term) && p.term !== t.term && p.inWindow >= 0.8 * t.inWindow,
      );
      const pick = phrase ?? t;
      const coveredBy = shown.some((s) => s.term.split(' ').includes(t.term) && s.inWindow >= 0.8 * t.inWindow);
      if (!coveredBy && !has(pick.term)) shown.push(pick);
    } else if (!has(t.term) && !words.every((w) => has(w))) shown.push(t);
  }
  return shown;
}
