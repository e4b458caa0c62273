import { describe, expect, it } from 'vitest';
import { asksPermission, stanceOf } from '../../src/signals/speech.js';

describe('reading what a message does', () => {
  it.each([
    'Should I take task t12?',
    'Hi coordinator, can I start on the lease work?',
    'Done with the parser. May I move on to the exporter?',
    'Is it ok if I refactor the store?',
    'Do you want me to write the docs?',
    'What should I work on next?',
    'Am I allowed to change the schema?',
    'Waiting for your approval before I merge.',
  ])('asks permission: %s', (body) => expect(asksPermission(body)).toBe(true));

  it.each([
    'I took task t12; findings to follow.',
    'How can I reproduce the SQLITE_BUSY error you saw?',
    'I can reproduce it with two writers.',
    'Claimed the lease work, diverging from the builder on approach.',
  ])('decides rather than asks: %s', (body) => expect(asksPermission(body)).toBe(false));

  it('tells agreement from challenge, challenge first', () => {
    expect(stanceOf('+1, sounds good')).toBe('agree');
    expect(stanceOf('Agreed.')).toBe('agree');
    expect(stanceOf('I agree, but the renewal interval is too short')).toBe('challenge');
    expect(stanceOf('I disagree: WAL does not fix writer contention')).toBe('challenge');
    expect(stanceOf('Why would the lease expire early?')).toBe('challenge');
    expect(stanceOf('Pushed the exporter to main.')).toBeUndefined();
  });
});
