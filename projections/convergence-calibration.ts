import { DEFAULT_THRESHOLD, isSimilar, linkBetween, type ConvergenceOptions, type ConvergenceState, type Link } from './convergence.js';
import { judgmentOf, type JudgmentStatus } from './convergence-report.js';

/** Judged candidates needed before a threshold is suggested from them. */
export const CALIBRATION_MIN_JUDGED = 10;

/**
 * How well the matcher agrees with agents' judgments: of the judged candidates it calls
 * similar at this threshold, the share confirmed (its precision), and the judged-same pairs
 * it would miss. With enough judgments, the lexical threshold that agrees with them best (F1
 * of "same"), for CAIRN_CONVERGENCE_THRESHOLD: the log's own judges calibrate the matcher.
 */
export function matcherCalibration(state: ConvergenceState, options: ConvergenceOptions = {}) {
  const judged: JudgedLink[] = [];
  for (const key of Object.keys(state.judgments)) {
    const [earlier, later] = key.split('~') as [string, string];
    const link = linkBetween(state, earlier, later);
    if (link) judged.push({ link, status: judgmentOf(state, link).status });
  }
  return calibrationOf(judged, options);
}

/** A candidate some agent judged, and where the judgments leave it. */
export interface JudgedLink {
  link: Pick<Link, 'lexical' | 'semantic'>;
  status: JudgmentStatus;
}

/** The same, from the judged candidates wherever they are kept. */
export function calibrationOf(judgedLinks: Iterable<JudgedLink>, options: ConvergenceOptions = {}) {
  let confirmed = 0;
  let rejected = 0;
  let missed = 0;
  const judgedScores: { score: number; same: boolean }[] = [];
  for (const { link, status } of judgedLinks) {
    if (status !== 'confirmed' && status !== 'rejected') continue;
    if (link.semantic === undefined) judgedScores.push({ score: link.lexical, same: status === 'confirmed' });
    if (isSimilar(link, options)) status === 'confirmed' ? confirmed++ : rejected++;
    else if (status === 'confirmed') missed++;
  }
  const judged = confirmed + rejected;
  return {
    judged,
    confirmed,
    rejected,
    missedBelowThreshold: missed,
    precision: judged === 0 ? null : confirmed / judged,
    suggestedThreshold: judgedScores.length >= CALIBRATION_MIN_JUDGED ? bestThreshold(judgedScores) : null,
  };
}

/**
 * The threshold among the judged scores with the best F1 against the judgments (the highest on
 * a tie): one sweep down the scores, counting as it goes, instead of a count per score.
 */
export function bestThreshold(judged: readonly { score: number; same: boolean }[]): number {
  const byScore = [...judged].sort((a, b) => b.score - a.score);
  const allSame = judged.filter((j) => j.same).length;
  let best = { t: DEFAULT_THRESHOLD, f1: -1 };
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < byScore.length; ) {
    const t = byScore[i]!.score;
    // Every pair at this score clears it.
    for (; i < byScore.length && byScore[i]!.score === t; i++) byScore[i]!.same ? tp++ : fp++;
    const fn = allSame - tp;
    const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
    if (f1 > best.f1) best = { t, f1 };
  }
  // Rounded down, so that every pair at the best threshold still clears it.
  return Math.floor(best.t * 1000) / 1000;
}
