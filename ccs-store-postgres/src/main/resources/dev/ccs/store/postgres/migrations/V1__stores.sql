-- Version 1: the records of every ccs-core store. Each record's full JSON is in "body" (the same
-- codec as the file store's); the columns beside it are what lists, filters, orders and counts read.
-- Times that order or page are epoch nanoseconds (bigint): a Java Instant's precision, so a cursor
-- made from a record finds it exactly (timestamptz keeps microseconds).

CREATE TABLE ccs_sessions (
  id              uuid PRIMARY KEY,
  version         bigint NOT NULL,
  status          text   NOT NULL,
  project_path    text   NOT NULL,
  updated_ns      bigint NOT NULL,
  -- lower(id || ' ' || metadata): what GET /api/sessions/search?q= matches
  search_text     text   NOT NULL,
  metadata_bytes  int    NOT NULL,
  body            text   NOT NULL
);
-- The session list (newest first, paged by cursor), and the same per status and per project.
CREATE INDEX ccs_sessions_updated ON ccs_sessions (updated_ns DESC, id);
CREATE INDEX ccs_sessions_status ON ccs_sessions (status, updated_ns DESC, id);
CREATE INDEX ccs_sessions_project ON ccs_sessions (project_path, updated_ns DESC, id);

CREATE TABLE ccs_messages (
  seq           bigint GENERATED ALWAYS AS IDENTITY,
  session_id    uuid   NOT NULL,
  id            text   NOT NULL,
  content_chars int    NOT NULL,
  body          text   NOT NULL,
  PRIMARY KEY (session_id, seq)
);
-- A page's cursors (before_id / after_id) are found by id within their session.
CREATE UNIQUE INDEX ccs_messages_id ON ccs_messages (session_id, id);

CREATE TABLE ccs_tasks (
  id              uuid PRIMARY KEY,
  version         bigint  NOT NULL,
  sequence        bigint  NOT NULL,
  status          text    NOT NULL,
  priority        int     NOT NULL,
  batch           boolean NOT NULL,
  created_ns      bigint  NOT NULL,
  completed_ns    bigint,
  not_before_ns   bigint,
  cost_usd        numeric NOT NULL,
  dead_letter     boolean NOT NULL,
  idempotency_key text,
  session_id      uuid,
  body            text    NOT NULL
);
-- Task lists (newest first, paged by cursor), per status too; dead letters are failed ones.
CREATE INDEX ccs_tasks_created ON ccs_tasks (created_ns DESC, sequence DESC, id);
CREATE INDEX ccs_tasks_status ON ccs_tasks (status, created_ns DESC, sequence DESC, id);
-- Idempotency keys remembered at start (the last 24 hours).
CREATE INDEX ccs_tasks_keyed ON ccs_tasks (created_ns) WHERE idempotency_key IS NOT NULL;
CREATE SEQUENCE ccs_task_sequence;

CREATE TABLE ccs_deliveries (
  id          uuid    PRIMARY KEY,
  task_id     uuid    NOT NULL,
  finished    boolean NOT NULL,
  created_ns  bigint  NOT NULL,
  body        text    NOT NULL
);
CREATE INDEX ccs_deliveries_task ON ccs_deliveries (task_id, created_ns);
CREATE INDEX ccs_deliveries_pending ON ccs_deliveries (created_ns) WHERE NOT finished;

-- The named API keys: their SHA-256 hashes, never the keys.
CREATE TABLE ccs_api_keys (
  hash  text PRIMARY KEY,
  body  text NOT NULL
);

-- Small documents kept whole: provider states, statistics snapshots.
CREATE TABLE ccs_documents (
  name        text   PRIMARY KEY,
  version     bigint NOT NULL,
  body        text   NOT NULL
);
