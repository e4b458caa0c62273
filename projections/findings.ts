import type { Projection } from './projection.js';
import { dict, sortBy, topicKey, type Dict } from './shared.js';

export interface FindingRecord {
  findingId: string;
  by: string;
  /** The role its author wrote it under (metadata.role). */
  role: string;
  summary: string;
  topic: string | null;
  tags: string[];
  cites: string[];
  questionId: string | null;
  at: string;
  position: bigint;
  /** How far its author had synced when writing it: the basis of independence. */
  seenUpTo: bigint;
}

export interface SynthesisRecord {
  synthesisId: string;
  by: string;
  summary: string;
  integrates: string[];
  questionId: string | null;
  tags: string[];
  at: string;
  position: bigint;
}

export interface FindingsState {
  findings: Dict<FindingRecord>;
  syntheses: Dict<SynthesisRecord>;
}

export interface FindingFilter {
  /** Compared case- and space-insensitively, like activity topics. */
  topic?: string;
  tag?: string;
  questionId?: string;
  by?: string;
  /** A position (findings after it) or a time (findings at or after it), as `cairn log --since`. */
  since?: bigint | Date;
}

// Embeddings are left out: they would bloat every checkpoint, and convergence keeps its own.
export const findingsProjection: Projection<FindingsState> = {
  name: 'findings',
  version: 1,
  initialState: () => ({ findings: dict(), syntheses: dict() }),
  evolve(state, event) {
    const { at } = event.metadata;
    if (event.type === 'FindingRecorded') {
      const { findingId, by, summary, topic, tags, cites, questionId } = event.data;
      state.findings[findingId] ??= {
        findingId,
        by,
        role: event.metadata.role,
        summary,
        topic: topic ?? null,
        tags,
        cites,
        questionId: questionId ?? null,
        at,
        position: event.position,
        seenUpTo: BigInt(event.metadata.seenUpTo),
      };
    } else if (event.type === 'SynthesisPublished') {
      const { synthesisId, by, summary, integrates, questionId, tags } = event.data;
      state.syntheses[synthesisId] ??= { synthesisId, by, summary, integrates, questionId: questionId ?? null, tags, at, position: event.position };
    }
    return state;
  },
};

/** Findings matching every given criterion, in log order. */
export function listFindings(state: FindingsState, filter: FindingFilter = {}): FindingRecord[] {
  const topic = filter.topic === undefined ? undefined : topicKey(filter.topic);
  const tag = filter.tag === undefined ? undefined : topicKey(filter.tag);
  const { since } = filter;
  const matches = (f: FindingRecord) =>
    (topic === undefined || (f.topic !== null && topicKey(f.topic) === topic)) &&
    (tag === undefined || f.tags.some((t) => topicKey(t) === tag)) &&
    (filter.questionId === undefined || f.questionId === filter.questionId) &&
    (filter.by === undefined || f.by === filter.by) &&
    (since === undefined || (typeof since === 'bigint' ? f.position > since : Date.parse(f.at) >= since.getTime()));
  return sortBy(Object.values(state.findings).filter(matches), (f) => f.position);
}

/** Syntheses in log order. */
export const listSyntheses = (state: FindingsState): SynthesisRecord[] => sortBy(Object.values(state.syntheses), (s) => s.position);
