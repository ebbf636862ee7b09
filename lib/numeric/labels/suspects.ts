// The ranked suspects of one source of probabilities: confident-learning issues ordered by the chosen score.
import { computeConfidentJoint, findLabelIssues, perClassThresholds, type LabelledProbs } from "./confident-joint";
import { labelQuality, rankByScore, type Ranking } from "./ranking";

export interface Suspect {
  index: number;
  given: number;
  /** The confident-joint column the digit was counted in. */
  suggested: number;
  /** The ranking's score: lower is more suspect. */
  score: number;
}

export interface SuspectRanking {
  thresholds: Float64Array;
  /** [k, k] confident joint, row = given, column = suggested. */
  joint: Float64Array;
  /** Every label issue, most suspect first. */
  suspects: Suspect[];
}

/** Finds the label issues of `input` and orders them by `ranking` (most suspect first). */
export function rankSuspects(input: LabelledProbs, ranking: Ranking): SuspectRanking {
  const thresholds = perClassThresholds(input);
  const joint = computeConfidentJoint(input, thresholds);
  const issues = findLabelIssues(joint, input.labels);
  const scores = labelQuality(input, ranking);
  const suspects = Array.from(rankByScore(issues, scores), (index) => ({
    index,
    given: input.labels[index]!,
    suggested: joint.guess[index]!,
    score: scores[index]!,
  }));
  return { thresholds, joint: joint.counts, suspects };
}
