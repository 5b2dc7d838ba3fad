/** Score normalizing shared by several plugins (upstream helper.DefaultNormalizeScore). */
import { MAX_NODE_SCORE } from '../framework/framework.js';

/**
 * Scales scores so the highest becomes 100 (integer math, as upstream). With `reverse`, a high raw
 * score means a worse node: the result is 100 minus the scaled score, and all-zero scores become 100.
 */
export function defaultNormalize(scores: number[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) {
    if (reverse) scores.fill(MAX_NODE_SCORE);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    const scaled = Math.trunc((MAX_NODE_SCORE * (scores[i] ?? 0)) / max);
    scores[i] = reverse ? MAX_NODE_SCORE - scaled : scaled;
  }
}
