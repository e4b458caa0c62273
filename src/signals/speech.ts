/**
 * What a message does, read off its words: asks permission, agrees, or challenges. Cheap
 * patterns, tuned to miss rather than over-report: health signals built on them are for a
 * person to look at, never to act on automatically.
 */

const PERMISSION: readonly RegExp[] = [
  // A sentence (or clause after a greeting) opening with a modal + "I": "Should I…", "Hi, can I…".
  /(?:^|[.!?;:,]\s*)(?:should|shall|may|can|could) i\b/i,
  /\bwhat (?:should|shall) i (?:do|work on|take|pick|focus on)\b/i,
  /\b(?:is it|would it be|will it be) (?:ok|okay|alright|all right|fine|acceptable) (?:if|for me to)\b/i,
  /\b(?:ok|okay) if i\b/i,
  /\b(?:do|would) you (?:want|like) me to\b/i,
  /\b(?:am i|are we) allowed to\b/i,
  /\b(?:need|want|waiting for|awaiting) (?:your )?(?:permission|approval|go-ahead|sign-off)\b/i,
  /\bwith your (?:permission|approval)\b/i,
];

// Checked before agreement: "I disagree" and "I agree, but…" are discussion.
const CHALLENGE =
  /\b(?:disagree|disagreement|but|however|although|though|not sure|unsure|doubt|skeptical|sceptical|concern|concerned|push back|counter|counterexample|instead|alternatively|on the other hand|wrong|incorrect|mistaken|risk|why|objection|contradicts?)\b/i;
const AGREEMENT =
  /(?:\+1|👍|\b(?:agree|agreed|agrees|lgtm|sounds good|makes sense|good idea|great idea|good point|exactly|absolutely|same here|me too|fine by me|works for me|yes|yep|confirmed|concur|seconded)\b)/i;

export function asksPermission(body: string): boolean {
  return PERMISSION.some((p) => p.test(body));
}

export type Stance = 'agree' | 'challenge';

/** 'challenge' for disagreement or counter-argument, 'agree' for bare assent, else undefined. */
export function stanceOf(body: string): Stance | undefined {
  if (CHALLENGE.test(body)) return 'challenge';
  if (AGREEMENT.test(body)) return 'agree';
  return undefined;
}
