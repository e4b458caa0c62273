import { activityProjection, instanceActivity, roleActivity } from '../../projections/activity.js';
import { findingsProjection, listFindings, listSyntheses } from '../../projections/findings.js';
import { inboxProjection } from '../../projections/inbox.js';
import type { Projection } from '../../projections/projection.js';
import { listQuestions, questionsProjection } from '../../projections/questions.js';
import { taskBoard, tasksProjection } from '../../projections/tasks.js';

/**
 * How each read model is shown to people, at a given `now`: the same view for the live
 * board and for a replay, so a past moment looks exactly as it did then.
 */
export interface View<S = any> {
  projection: Projection<S>;
  show(state: S, now: Date): unknown;
}

export const VIEWS: Record<string, View> = {
  tasks: { projection: tasksProjection, show: (s, now) => ({ tasks: taskBoard(s, now) }) },
  activity: { projection: activityProjection, show: (s, now) => ({ instances: instanceActivity(s, now), roles: roleActivity(s, now) }) },
  inbox: { projection: inboxProjection, show: (s: ReturnType<typeof inboxProjection.initialState>) => ({ messages: s.messages }) },
  questions: { projection: questionsProjection, show: (s) => ({ questions: listQuestions(s) }) },
  findings: { projection: findingsProjection, show: (s) => ({ findings: listFindings(s), syntheses: listSyntheses(s) }) },
};

export const registerView = (name: string, view: View): void => {
  VIEWS[name] = view;
};
