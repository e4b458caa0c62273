import type { ConvergenceOptions } from '../convergence.js';

/** What a health report is asked for: the window, and how to find the convergences in it. */
export interface HealthOptions extends ConvergenceOptions {
  now: Date;
  windowMs: number;
  /**
   * The convergence clusters with an independent pair whose later finding is one of these
   * positions, most corroborated first, each with its members among them (`convergedIn`
   * asks the fold; the tables answer the same).
   */
  converged: (positions: ReadonlySet<bigint>) => ConvergedCluster[];
  /** How long on one topic counts as fixated. Default 4 hours. */
  fixationMs?: number;
  /** Evidence entries per signal. Default 10. */
  evidenceLimit?: number;
}

/** A cluster as health counts it: its roles, and its members in the window. */
export interface ConvergedCluster {
  roles: string[];
  members: { position: bigint; independent: boolean }[];
}
