import type { Projection } from './projection.js';
import { dict, firstTime, sortBy, type Dict } from './shared.js';

export interface QuestionRecord {
  questionId: string;
  text: string;
  tags: string[];
  askedBy: string;
  askedAt: string;
  position: bigint;
  status: 'open' | 'closed';
  closedBy: string | null;
  closedAt: string | null;
  resolution: string | null;
  /** Findings recorded against it (FindingRecorded.questionId), in log order. */
  findings: string[];
  /** Syntheses published for it (SynthesisPublished.questionId), in log order. */
  syntheses: string[];
}

export interface QuestionsState {
  questions: Dict<QuestionRecord>;
  /**
   * The ids of every finding and every synthesis recorded: one recorded again under its id
   * (only an imported log can hold that) is the first one, against the first one's question.
   */
  recorded: { findings: Dict<true>; syntheses: Dict<true> };
}

export const questionsProjection: Projection<QuestionsState> = {
  name: 'questions',
  version: 2,
  initialState: () => ({ questions: dict(), recorded: { findings: dict(), syntheses: dict() } }),
  evolve(state, event) {
    switch (event.type) {
      case 'QuestionPosed': {
        const { questionId, text, tags, askedBy } = event.data;
        state.questions[questionId] ??= {
          questionId,
          text,
          tags,
          askedBy,
          askedAt: event.metadata.at,
          position: event.position,
          status: 'open',
          closedBy: null,
          closedAt: null,
          resolution: null,
          findings: [],
          syntheses: [],
        };
        break;
      }
      case 'QuestionClosed': {
        const question = state.questions[event.data.questionId];
        if (!question) break;
        question.status = 'closed';
        question.closedBy = event.data.by;
        question.closedAt = event.metadata.at;
        question.resolution = event.data.resolution ?? null;
        break;
      }
      // Work against a question nobody posed has nothing to attach to; the findings projection still has it.
      case 'FindingRecorded':
        if (firstTime(state.recorded.findings, event.data.findingId) && event.data.questionId !== undefined) state.questions[event.data.questionId]?.findings.push(event.data.findingId);
        break;
      case 'SynthesisPublished':
        if (firstTime(state.recorded.syntheses, event.data.synthesisId) && event.data.questionId !== undefined) state.questions[event.data.questionId]?.syntheses.push(event.data.synthesisId);
        break;
    }
    return state;
  },
};

/** Questions in the order they were posed, optionally only open or closed ones. */
export function listQuestions(state: QuestionsState, filter: { status?: 'open' | 'closed' } = {}): QuestionRecord[] {
  const all = Object.values(state.questions).filter((q) => filter.status === undefined || q.status === filter.status);
  return sortBy(all, (q) => q.position);
}
