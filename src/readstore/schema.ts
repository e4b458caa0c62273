/**
 * The read models every everyday read answers from: tables with indexes, kept beside the log
 * (a SQLite file in the log's cache directory) and caught up on read. They are a cache of
 * folds over the log: delete the file and the next read rebuilds it. Bump the version when a
 * table or what `apply` writes into it changes; an older file is rebuilt.
 *
 * Positions are stored as SQLite integers (64-bit): every store's positions fit.
 */
export const READ_STORE_VERSION = 3;

export const READ_STORE_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

-- How many rows each common filter matches (counters.ts), so a page says "N more" without counting.
CREATE TABLE IF NOT EXISTS counts (key TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS instances (
  id TEXT PRIMARY KEY, role TEXT NOT NULL, joined INTEGER NOT NULL, left_at TEXT,
  last_seen TEXT NOT NULL, last_position INTEGER NOT NULL, synced_up_to INTEGER NOT NULL DEFAULT 0,
  inbox_cursor INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS tasks (
  id TEXT PRIMARY KEY, title TEXT NOT NULL, description TEXT, tags TEXT NOT NULL,
  proposed_by TEXT NOT NULL, proposed_at TEXT NOT NULL, proposed_position INTEGER NOT NULL,
  status TEXT NOT NULL, owner TEXT, lease_until TEXT, lease_until_ms INTEGER, claimed_at TEXT,
  last_owner TEXT, completed_by TEXT, outcome TEXT, abandoned_by TEXT, abandon_reason TEXT,
  claims INTEGER NOT NULL DEFAULT 0, position INTEGER NOT NULL, updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tasks_by_status ON tasks (status, proposed_position);
CREATE INDEX IF NOT EXISTS tasks_by_owner ON tasks (owner, status);
CREATE INDEX IF NOT EXISTS tasks_by_lease ON tasks (status, lease_until_ms);
CREATE INDEX IF NOT EXISTS tasks_by_proposal ON tasks (proposed_position);

-- The stems of each open or claimed task's text, and in how many of them each stem occurs:
-- proposals and advice find related tasks by shared stems and weigh them, without a scan.
CREATE TABLE IF NOT EXISTS task_terms (term TEXT NOT NULL, task_position INTEGER NOT NULL, PRIMARY KEY (term, task_position)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS task_df (term TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS task_tags (tag TEXT NOT NULL, task_id TEXT NOT NULL, PRIMARY KEY (tag, task_id)) WITHOUT ROWID;

-- Findings and syntheses, one row each, keyed by log position.
CREATE TABLE IF NOT EXISTS findings (
  position INTEGER PRIMARY KEY, kind TEXT NOT NULL, id TEXT NOT NULL, by TEXT NOT NULL, role TEXT NOT NULL,
  summary TEXT NOT NULL, topic TEXT, topic_key TEXT, tags TEXT NOT NULL, cites TEXT NOT NULL,
  question_id TEXT, at TEXT NOT NULL, at_ms INTEGER NOT NULL, seen_up_to INTEGER NOT NULL,
  UNIQUE (kind, id)
);
CREATE INDEX IF NOT EXISTS findings_by_kind ON findings (kind, position);
CREATE INDEX IF NOT EXISTS findings_by_topic ON findings (kind, topic_key, position);
CREATE INDEX IF NOT EXISTS findings_by_question ON findings (question_id, kind, position);
CREATE INDEX IF NOT EXISTS findings_by_author ON findings (kind, by, position);
CREATE INDEX IF NOT EXISTS findings_by_time ON findings (kind, at_ms);

CREATE TABLE IF NOT EXISTS finding_tags (tag_key TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (tag_key, position)) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS messages (
  position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, sender TEXT NOT NULL, recipient TEXT NOT NULL,
  body TEXT NOT NULL, reply_to TEXT, at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_recipient ON messages (recipient, position);

CREATE TABLE IF NOT EXISTS questions (
  id TEXT PRIMARY KEY, text TEXT NOT NULL, tags TEXT NOT NULL, asked_by TEXT NOT NULL, asked_at TEXT NOT NULL,
  position INTEGER NOT NULL, status TEXT NOT NULL, closed_by TEXT, closed_at TEXT, resolution TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS questions_by_status ON questions (status, position);
CREATE INDEX IF NOT EXISTS questions_by_position ON questions (position);

-- Happens-before (projections/causality.ts, the same fold in tables): an instance's clock
-- entries now and each raise kept with why; the content events of each stream; anonymous reads.
CREATE TABLE IF NOT EXISTS clock (instance TEXT NOT NULL, author TEXT NOT NULL, up_to INTEGER NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (instance, author)) WITHOUT ROWID;
-- why: kind (synced, everything, shown, cites), and for a read or a cite, via which
-- operation, the stream, its content event (carrier) and that event's author.
CREATE TABLE IF NOT EXISTS raises (
  instance TEXT NOT NULL, author TEXT NOT NULL, at INTEGER NOT NULL, up_to INTEGER NOT NULL,
  kind TEXT NOT NULL, via TEXT, stream TEXT, carrier INTEGER, carrier_author TEXT,
  PRIMARY KEY (instance, author, at)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS carriers (stream TEXT NOT NULL, position INTEGER NOT NULL, author TEXT NOT NULL, PRIMARY KEY (stream, position)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS anonymous_streams (stream TEXT PRIMARY KEY, at INTEGER NOT NULL, via TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS anonymous_everything (at INTEGER PRIMARY KEY, up_to INTEGER NOT NULL, via TEXT NOT NULL);

-- Who talked to whom, and which instances work on which topics and tags: what suggestions
-- need, kept as counts so they never compare pairs of findings or claims.
CREATE TABLE IF NOT EXISTS talked (a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS topic_work (topic_key TEXT NOT NULL, instance TEXT NOT NULL, findings INTEGER NOT NULL,
  last_position INTEGER NOT NULL, topic TEXT NOT NULL, PRIMARY KEY (topic_key, instance)) WITHOUT ROWID;
`;
