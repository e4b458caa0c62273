/** questions.js: the research questions several roles work on. */
export default String.raw`
import { h } from './dom.js';
import { plural, totalOf } from './format.js';

export function renderQuestions(view) {
  const questions = ((view && view.questions) || []).slice().sort((a, b) => (a.status === b.status ? Number(b.position) - Number(a.position) : a.status === 'open' ? -1 : 1));
  if (questions.length === 0) return h('p', { class: 'empty' }, 'No questions posed yet.');
  const hidden = totalOf(view.page && view.page.total, questions) - questions.length;
  return h('ul', { class: 'questions' }, questions.map((q) =>
    h('li', { class: 'question question-' + q.status, 'data-question-id': q.questionId },
      h('div', { class: 'text' }, q.text),
      h('div', { class: 'meta' }, h('span', { class: 'id' }, q.questionId), ' asked by ', h('span', { class: 'who' }, q.askedBy), ' · ',
        plural((q.findings || []).length, 'finding'), ' · ', q.status),
      q.resolution ? h('div', { class: 'resolution' }, q.resolution) : null)),
    hidden > 0 ? h('li', { class: 'more' }, 'and ' + hidden + ' older') : null);
}
`;
