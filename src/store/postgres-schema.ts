/**
 * The SQL of a cairn log in PostgreSQL: one table and one append function per schema.
 *
 * Every append goes through `append_events`, which takes a transaction-scoped advisory lock
 * for the log before it hands out positions. PostgreSQL makes a transaction visible before it
 * releases its locks, so positions become visible in order: a reader that has seen position N
 * has seen every position below it, and none commits late behind a reader's back. The price
 * is one writer at a time, for as long as a small insert and its commit take (docs/postgres.md
 * has the figures); readers never wait.
 */

export const SCHEMA_VERSION = 1;

/** Advisory lock namespace: "cair" as a 32-bit integer, so cairn's keys keep clear of an application's own. */
const LOCK_NAMESPACE = 0x63616972;

/** How long an append waits for the log's lock when the session sets no lock_timeout of its own. */
export const LOCK_TIMEOUT = '10s';

const quote = (identifier: string): string => `"${identifier}"`;

/** The NOTIFY channel appends to this log announce themselves on. */
export const channelOf = (schema: string): string => `cairn_${schema}`;

export const tableOf = (schema: string): string => `${quote(schema)}.events`;

/** Creates the log (idempotent); run inside a transaction holding the creation lock. */
export function createLogSql(schema: string): string {
  const s = quote(schema);
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.log_info (key text PRIMARY KEY, value text NOT NULL);
-- json, not jsonb: the text is kept exactly as written (key order, number spelling).
CREATE TABLE IF NOT EXISTS ${s}.events (
  position    bigint PRIMARY KEY,
  stream_name text   NOT NULL,
  revision    bigint NOT NULL CHECK (revision >= 0),
  event_id    text   NOT NULL UNIQUE,
  type        text   NOT NULL,
  data        json   NOT NULL CHECK (json_typeof(data) = 'object'),
  metadata    json   NOT NULL CHECK (json_typeof(metadata) = 'object'),
  UNIQUE (stream_name, revision)
);
${appendFunctionSql(schema)}
${appendBatchFunctionSql(schema)}`;
}

/** Marks the log as created by this schema version; one row inserted only when the log is new. */
export const markCreatedSql = (schema: string): string =>
  `INSERT INTO "${schema}".log_info (key, value) VALUES ('schema_version', '${SCHEMA_VERSION}') ON CONFLICT (key) DO NOTHING`;

/** The per-log write lock every append takes (append_events, and appendMany before it reads the head). */
const lockExpression = (schema: string): string => `pg_advisory_xact_lock(${LOCK_NAMESPACE}, '${quote(schema)}.events'::regclass::oid::int)`;
export const lockLogSql = (schema: string): string => `SELECT ${lockExpression(schema)}`;

/** A key every process creating a log takes, so concurrent `init`s do not race on the catalog. */
export const CREATE_LOCK_SQL = `SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}, 0)`;

/**
 * append_events(stream, expected, ids, types, data, metadata) checks and appends one batch
 * atomically, answering with an outcome rather than an error so a refusal costs one round trip:
 * ok / duplicate (every id already in this stream: where they are), elsewhere (an id in another
 * stream: [id, stream]), overlap (some ids stored: which), wrong_revision (the current one).
 * The expected revision is text ('any', 'no_stream', 'stream_exists' or a number) and compared
 * as text, so no bigint can overflow it. Every lookup in it is by a unique index; seq scans are
 * off because a session's cached plans outlive the statistics of a table that was empty when
 * they were made (a migration into a new log grew quadratically without this).
 */
function appendFunctionSql(schema: string): string {
  const s = quote(schema);
  return `
CREATE OR REPLACE FUNCTION ${s}.append_events(
  p_stream text, p_expected text, p_ids text[], p_types text[], p_data json[], p_metadata json[],
  OUT outcome text, OUT at_revision bigint, OUT at_position bigint, OUT detail text)
LANGUAGE plpgsql SET enable_seqscan = off AS $fn$
DECLARE
  v_row record;
  v_found text[] := '{}';
  v_current bigint;
  v_current_position bigint;
  v_head bigint;
  v_count int := coalesce(cardinality(p_ids), 0);
BEGIN
  -- A transaction left open while holding the lock must not hang every writer for ever.
  IF current_setting('lock_timeout') = '0' THEN PERFORM set_config('lock_timeout', '${LOCK_TIMEOUT}', true); END IF;
  PERFORM ${lockExpression(schema)};
  -- An append is acknowledged only once it is on disk, even where the server trades that away.
  IF current_setting('synchronous_commit') = 'off' THEN PERFORM set_config('synchronous_commit', 'local', true); END IF;

  FOR v_row IN
    SELECT u.id, e.stream_name, e.revision, e.position
      FROM unnest(p_ids) WITH ORDINALITY AS u(id, n) JOIN ${s}.events e ON e.event_id = u.id
     ORDER BY u.n
  LOOP
    IF v_row.stream_name <> p_stream THEN
      outcome := 'elsewhere'; detail := json_build_array(v_row.id, v_row.stream_name)::text; RETURN;
    END IF;
    v_found := v_found || v_row.id;
    at_revision := v_row.revision; at_position := v_row.position;
  END LOOP;
  IF cardinality(v_found) > 0 THEN
    IF cardinality(v_found) = v_count THEN outcome := 'duplicate'; RETURN; END IF;
    outcome := 'overlap'; at_revision := NULL; at_position := NULL; detail := array_to_json(v_found)::text; RETURN;
  END IF;

  SELECT e.revision, e.position INTO v_current, v_current_position
    FROM ${s}.events e WHERE e.stream_name = p_stream ORDER BY e.revision DESC LIMIT 1;
  IF NOT (p_expected = 'any'
          OR (p_expected = 'no_stream' AND v_current IS NULL)
          OR (p_expected = 'stream_exists' AND v_current IS NOT NULL)
          OR coalesce(v_current::text = p_expected, false)) THEN
    outcome := 'wrong_revision'; at_revision := v_current; RETURN;
  END IF;
  IF v_count = 0 THEN
    outcome := 'ok'; at_revision := coalesce(v_current, -1); at_position := coalesce(v_current_position, 0); RETURN;
  END IF;

  SELECT coalesce(max(e.position), 0) INTO v_head FROM ${s}.events e;
  INSERT INTO ${s}.events (position, stream_name, revision, event_id, type, data, metadata)
  SELECT v_head + u.n, p_stream, coalesce(v_current, -1) + u.n, u.id, p_types[u.n], p_data[u.n], p_metadata[u.n]
    FROM unnest(p_ids) WITH ORDINALITY AS u(id, n);
  -- Delivered at commit; one per transaction, since identical notifications are merged.
  PERFORM pg_notify('${channelOf(schema)}', '');
  outcome := 'ok'; at_revision := coalesce(v_current, -1) + v_count; at_position := v_head + v_count;
END
$fn$;`;
}

/**
 * append_batch(streams, expected, counts, ids, types, data, metadata): several appends in one
 * round trip, each through append_events, the events of all of them flattened and `counts`
 * saying how many belong to each. Answers with one outcome per append, and stops after the
 * first that is neither ok nor duplicate.
 */
function appendBatchFunctionSql(schema: string): string {
  const s = quote(schema);
  return `
CREATE OR REPLACE FUNCTION ${s}.append_batch(
  p_streams text[], p_expected text[], p_counts int[], p_ids text[], p_types text[], p_data json[], p_metadata json[],
  OUT outcomes text[], OUT revisions bigint[], OUT positions bigint[], OUT details text[])
LANGUAGE plpgsql AS $fn$
DECLARE
  v_from int := 1;
  v_to int;
  v_row record;
BEGIN
  outcomes := '{}'; revisions := '{}'; positions := '{}'; details := '{}';
  FOR i IN 1 .. coalesce(cardinality(p_streams), 0) LOOP
    v_to := v_from + p_counts[i] - 1;
    SELECT * INTO v_row FROM ${s}.append_events(p_streams[i], p_expected[i],
      coalesce(p_ids[v_from:v_to], '{}'), coalesce(p_types[v_from:v_to], '{}'), coalesce(p_data[v_from:v_to], '{}'), coalesce(p_metadata[v_from:v_to], '{}'));
    outcomes := outcomes || v_row.outcome;
    revisions := revisions || v_row.at_revision;
    positions := positions || v_row.at_position;
    details := details || v_row.detail;
    EXIT WHEN v_row.outcome NOT IN ('ok', 'duplicate');
    v_from := v_to + 1;
  END LOOP;
END
$fn$;`;
}
