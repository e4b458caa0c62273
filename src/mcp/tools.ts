/**
 * The coordination tools an agent gets over MCP, with descriptions that say when each is
 * worth using. Every operation is a tool; its name is the operation's, in the snake_case MCP
 * clients expect (close-question: close_question).
 */
export const TOOL_DESCRIPTIONS: Record<string, string> = {
  join: 'Join the shared cairn log as this instance, with a role (explorer, builder, reflector, coordinator, or any lower-case name). Call it once at the start of a session, before any other write; calling it again with another role records a role change. Joining only makes your work visible to the other instances: every other tool is opt-in.',
  status: "See what the other instances are doing: who holds which task and for how long, stale leases, open tasks and questions, and the coordinator's suggestions. Cheap; use it before choosing your next piece of work.",
  advise: 'Before starting a piece of work, describe it (text) to get the decision framework\'s advice: coordinate (someone is on the same thing: claim, propose or talk to them) or work independently (a different approach adds value), with the related tasks and findings.',
  propose: 'Propose a task any instance may take. Use it for work others might otherwise duplicate. The answer warns about near-duplicate open tasks: read them before proposing another.',
  claim: 'Claim a task before working on it when another instance could pick up the same task: exactly one claimer wins, and if someone holds it you get an error naming them and their lease. A claim expires by itself (lease, default 15m); renew it while you work. Do not claim exploratory work where several approaches add value.',
  renew: 'Extend your lease on a task you hold while you are still on it, so it does not expire and look abandoned.',
  release: 'Give up a task you hold without finishing it, so another instance can take it; say why in reason.',
  complete: 'Mark a task you hold as done, with its outcome: what came of it and where the result is.',
  find: 'Record a finding: something you learned that others can use, as one clear statement in your own words, with a topic. Record findings as you learn, not only at the end. The answer says whether it converges with another instance\'s independent finding (validation) or echoes one you had already seen.',
  say: 'Post a message to one instance (its id), a whole role ("role:builder") or everyone ("all"). Use findings for discoveries and messages for pointers, questions and hand-offs; decide for yourself rather than asking permission.',
  inbox: 'Read messages sent to you, your role or all: unread only unless all is true; markRead: true advances your read cursor past them.',
  sync: 'Catch up on what the others did since your last sync (joins, tasks, findings, messages, syntheses), oldest first and a page at a time (`more` says there is more: sync again), and record that you have seen it. Findings you record after syncing past someone\'s finding no longer count as independent of it: sync when you want to integrate, stay unsynced when independent confirmation matters.',
  wait: 'Block until a condition holds: a task reaches a state (task and state), a message reaches you (message: true), or a question has N findings (question and findings). The timeout is at most 120s here; on timeout you get an error and may call again. Use it only when you are truly blocked on another instance.',
  convergence: 'Findings that several instances reached independently (a convergence: the insight is probably real) and findings reached after one was shown to the other\'s author, directly or through others (echoes, which prove nothing; each names the path). Candidates show whether agents confirmed them; contrasts say where the words agree but the claims may not. Reading this records what it showed you.',
  judge: 'Judge a candidate convergence that you did not write either side of: link is "EARLIER~LATER" as convergence lists it; same: true when the two findings make the same claim, different: true when they only share a topic; reason in a sentence. Reflectors: judge the unjudged candidates status and inbox remind you of; your judgment is what the matcher is measured against.',
  health: 'How healthy the collaboration is over a window: topic diversity, fixation on one topic, convergences, coordination overhead per discovery, permission-asking and agreement without discussion; each good, watch or warning, with the events behind it.',
  leave: 'Leave the log at the end of your session: the others see you are gone, and your claims can be taken once their leases run out. Release what you hold first if others are waiting for it.',
  abandon: 'Give up a task for good (it will not be done, by anyone), with the reason: unlike release, nobody should pick it up again.',
  tasks: 'List tasks: open and claimed by default, newest first, 30 at a time (cursor continues; status, owner and all narrow or widen it). Use it to pick work nobody holds; an open task is an invitation, never an assignment.',
  ask: 'Pose a question several instances may answer from their own angle (the distributed research pattern): each answers with find, citing the question, and a reflector synthesizes. Ask questions, not for permission.',
  questions: 'List questions, open ones first by default, each with the findings and syntheses that answer it: pick one you can answer from your role\'s perspective.',
  close_question: 'Close a question that has its answer, with the resolution in a sentence, so nobody keeps working on it.',
  findings: 'List findings and syntheses, newest first, 30 at a time (topic, tag, question, by, since narrow it). Reading them records what you were shown: a later finding of yours that says the same is then an echo, not an independent convergence, so read when you want to integrate, not before you want independent confirmation.',
  synthesize: 'Publish a synthesis: what several findings mean together, naming the findings it integrates (integrates). The reflector\'s main tool; integrating findings of different roles is the philosophy\'s sign of a healthy collaboration.',
  activity: 'What each instance and each role has been doing: last seen, claims held, counts of events by kind, topics worked on. Visibility, not control.',
  replay: 'Any read model as it was at a past log position or time (at): what the board, tasks, findings or health looked like then. For reviews and post-mortems.',
  log: 'The raw events of the log after a position (since), 30 at a time with a cursor: what happened, in order, with who and when. Rarely needed: the other tools summarise it.',
  search: 'Search what the instances wrote (findings, syntheses, questions, tasks, messages) by its words: "what do we already know about the connection pool?". Every word must appear (stemmed); best matches first, 20 at a time with a cursor; kind, by, role, topic, since and until narrow it; meaning: true re-ranks the best matches by embeddings when the server has a provider. Reading the results records what you were shown, as any read does.',
  hook: 'What is new for you since you last called this: messages to you, your role or all; your claims whose leases run out soon (leaseWarning); tasks released near your topics; convergences and echoes with your findings; for a reflector, new candidates to judge. A few items and the count of the rest, never the same item twice: call it between steps instead of polling inbox and status.',
};

export const toolName = (operation: string): string => operation.replaceAll('-', '_');

/** What a field means, for fields whose schema alone does not say (shared by every tool that has it). */
export const FIELD_HINTS: Record<string, string> = {
  role: 'explorer, builder, reflector, coordinator, or any lower-case name',
  task: 'a task id, e.g. t-1a2b3c4d',
  lease: 'how long the claim lasts, e.g. "30m" or "2h" (default 15m, at most 7d)',
  title: 'what the task is, in one line',
  tags: 'single-word tags, e.g. ["uploads", "retry"]',
  summary: 'the finding, as one clear statement',
  topic: 'what it is about, e.g. "uploads"',
  cites: 'ids of findings this builds on (makes it an echo of them, not an independent convergence)',
  question: 'a question id',
  to: 'an instance id, "role:NAME" or "all"',
  body: 'the message',
  replyTo: 'the id of the message this answers',
  timeout: 'e.g. "30s" or "2m", or milliseconds; at most 120s here (default 60s)',
  state: 'the task state to wait for',
  message: 'true: wait for a new message to you, your role or all',
  findings: 'with question: how many findings to wait for',
  outcome: 'what came of it',
  reason: 'why',
  markRead: 'advance your read cursor past the messages shown',
  all: 'include messages already read',
  window: 'how far back to look, e.g. "24h" (default 24h, at most 7d)',
  threshold: 'similarity from 0 to 1 above which two findings count as saying the same thing',
  id: 'choose the id instead of a generated one',
  link: 'a candidate convergence, "EARLIER~LATER", as convergence lists it',
  same: 'true: the two findings make the same claim',
  different: 'true: they do not (same topic, another claim)',
  limit: 'at most this many items (default 30)',
  cursor: 'continue after the last item shown: the `next` of the previous page',
  status: 'narrow to this status',
  owner: 'only tasks this instance holds',
  integrates: 'ids of the findings this synthesis integrates',
  resolution: 'what was concluded',
  text: 'the question, or the work you are about to do, in a sentence',
  since: 'a log position (or, for findings, an ISO time): only what came after it',
  at: 'a log position, or an ISO time',
  projection: 'tasks, activity, inbox, questions, findings, convergence or health',
  by: 'only this author',
  tag: 'only this tag',
};

/** Shown to the agent's client when it connects: how to use cairn in a few lines. */
export const INSTRUCTIONS = [
  'cairn is a shared, append-only coordination log for several AI agent instances working on one body of work.',
  'Coordination is opt-in: coordinate WHAT is worked on (claim a task others might duplicate), diverge on HOW (your own approach is the value).',
  'A typical session: join once; status or advise before picking work; claim it if others could duplicate it; record findings as you learn; complete the task.',
  'Independent convergence (two instances finding the same thing without having seen each other\'s work) is validation, not waste.',
  'Every tool that shows you others\' work records that you saw it, so later findings are judged independent or not from the log itself.',
].join(' ');
