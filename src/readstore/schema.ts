/**
 * The read models every everyday read answers from: tables with indexes, kept beside the log
 * (a SQLite file in the log's cache directory) and caught up on read. They are a cache of
 * folds over the log: delete the file and the next read rebuilds it. Bump the version when a
 * table or what `apply` writes into it changes; an older file is rebuilt.
 *
 * Positions are stored as SQLite integers (64-bit): every store's positions fit.
 */
export const READ_STORE_VERSION = 9;

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
  position INTEGER PRIMARY KEY, kind TEXT NOT NULL, id TEXT NOT NULL, by TEXT NOT NULL, instance TEXT NOT NULL, role TEXT NOT NULL,
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
-- One event can raise an entry more than once (it cites two of an author's findings): each raise is kept.
-- why: kind (synced, everything, shown, cites), and for a read or a cite, via which
-- operation, the stream, its content event (carrier) and that event's author.
CREATE TABLE IF NOT EXISTS raises (
  instance TEXT NOT NULL, author TEXT NOT NULL, at INTEGER NOT NULL, up_to INTEGER NOT NULL,
  kind TEXT NOT NULL, via TEXT, stream TEXT, carrier INTEGER, carrier_author TEXT,
  PRIMARY KEY (instance, author, at, up_to)
) WITHOUT ROWID;
-- The first raise that reached a position, for the path of an echo.
CREATE INDEX IF NOT EXISTS raises_by_reach ON raises (instance, author, up_to);
CREATE TABLE IF NOT EXISTS carriers (stream TEXT NOT NULL, position INTEGER NOT NULL, author TEXT NOT NULL, PRIMARY KEY (stream, position)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS anonymous_streams (stream TEXT PRIMARY KEY, at INTEGER NOT NULL, via TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS anonymous_everything (at INTEGER PRIMARY KEY, up_to INTEGER NOT NULL, via TEXT NOT NULL);

-- Who talked to whom, and which instances work on which topics and tags: what suggestions
-- need, kept as counts so they never compare pairs of findings or claims.
CREATE TABLE IF NOT EXISTS talked (a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS topic_work (topic_key TEXT NOT NULL, instance TEXT NOT NULL, findings INTEGER NOT NULL,
  last_position INTEGER NOT NULL, topic TEXT NOT NULL, PRIMARY KEY (topic_key, instance)) WITHOUT ROWID;

-- Convergence (projections/convergence.ts as rows). The similarity index of findings: each
-- one's stems and quantised embedding, document frequencies, and bounded buckets (ids joined
-- by newlines, oldest first).
CREATE TABLE IF NOT EXISTS sim_docs (id TEXT PRIMARY KEY, terms TEXT NOT NULL, model TEXT, q TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sim_df (term TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sim_buckets (key TEXT PRIMARY KEY, ids TEXT NOT NULL) WITHOUT ROWID;
-- Candidate links between findings (positions) by different instances, in the order they were
-- scored: similar at the default thresholds or not, an echo or not, and how agents judged them.
-- A link counts (confirmed, or similar and not rejected) in the cluster of its two findings.
CREATE TABLE IF NOT EXISTS links (
  later INTEGER NOT NULL, rank INTEGER NOT NULL, earlier INTEGER NOT NULL, lexical REAL NOT NULL, semantic REAL,
  echo INTEGER NOT NULL, similar INTEGER NOT NULL, status TEXT NOT NULL,
  PRIMARY KEY (later, rank)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS links_by_earlier ON links (earlier);
CREATE INDEX IF NOT EXISTS links_rejected ON links (later, rank) WHERE status = 'rejected' AND similar = 1;
CREATE INDEX IF NOT EXISTS links_unjudged ON links (later, rank) WHERE status = 'unjudged' AND similar = 1 AND echo = 0;
CREATE TABLE IF NOT EXISTS judgments (
  earlier TEXT NOT NULL, later TEXT NOT NULL, judge TEXT NOT NULL, verdict TEXT NOT NULL, reason TEXT NOT NULL,
  position INTEGER NOT NULL, at TEXT NOT NULL, PRIMARY KEY (earlier, later, judge)
) WITHOUT ROWID;
-- Clusters of the links that count at the default thresholds, kept as links arrive (the
-- smaller cluster joins the larger) and recomputed when a judgment takes a link out. A
-- cluster's id is the position of one of its members. People: each role and instance among
-- its members, how many members, and how many of those are independent.
CREATE TABLE IF NOT EXISTS cluster_members (finding INTEGER PRIMARY KEY, cluster INTEGER NOT NULL, independent INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS cluster_members_by_cluster ON cluster_members (cluster, finding);
CREATE TABLE IF NOT EXISTS clusters (
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, members INTEGER NOT NULL, links INTEGER NOT NULL,
  independent_links INTEGER NOT NULL, latest INTEGER NOT NULL, roles INTEGER NOT NULL, instances INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS clusters_ranked ON clusters (kind, roles, instances, latest);
CREATE INDEX IF NOT EXISTS clusters_by_latest ON clusters (kind, latest);
CREATE TABLE IF NOT EXISTS cluster_people (
  cluster INTEGER NOT NULL, what TEXT NOT NULL, name TEXT NOT NULL, members INTEGER NOT NULL, independent INTEGER NOT NULL,
  PRIMARY KEY (cluster, what, name)
) WITHOUT ROWID;

-- Health (projections/health.ts): each record a signal reads, by time, within the retention;
-- and each instance's latest role as its events carry it.
CREATE TABLE IF NOT EXISTS health_records (position INTEGER PRIMARY KEY, at_ms REAL, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS health_records_by_time ON health_records (at_ms);
CREATE TABLE IF NOT EXISTS health_roles (instance TEXT PRIMARY KEY, role TEXT NOT NULL) WITHOUT ROWID;

-- Full-text search (cairn search): findings, syntheses, questions, tasks and messages, one row
-- each keyed by log position, indexed by cairn's own words (search-docs.ts: stemmed, lower-case,
-- space-separated), so every store's index holds the same words; cairn ranks the matches.
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(
  words, text UNINDEXED, kind UNINDEXED, ref UNINDEXED, author UNINDEXED, role UNINDEXED, topic UNINDEXED, at_ms UNINDEXED, length UNINDEXED,
  tokenize = 'unicode61 remove_diacritics 0'
);

-- Activity (projections/activity.ts): each instance's and each role's record, as JSON.
CREATE TABLE IF NOT EXISTS activity_instances (id TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS activity_roles (role TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID;
`;
