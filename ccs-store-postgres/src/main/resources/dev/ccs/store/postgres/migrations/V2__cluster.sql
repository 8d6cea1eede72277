-- Version 2: what several nodes sharing one database need. Lease times are the database's clock
-- (clock_timestamp()), so the nodes' clocks need not agree.

-- The nodes: each renews its heartbeat; one that stops is seen as gone once its leases expire.
CREATE TABLE ccs_nodes (
  id            text        PRIMARY KEY,
  -- where the others forward a request for what this node serves (a stream, a running task's events)
  url           text,
  started_at    timestamptz NOT NULL,
  heartbeat_at  timestamptz NOT NULL
);

-- A running task is leased by the node that claimed it, until its lease expires unrenewed.
ALTER TABLE ccs_tasks ADD COLUMN lease_owner text, ADD COLUMN lease_expires timestamptz;
-- The claim: the next waiting task in the queue's order (batch tasks first, then priority, then
-- submission), read with FOR UPDATE SKIP LOCKED.
CREATE INDEX ccs_tasks_claim ON ccs_tasks (batch DESC, priority DESC, sequence) WHERE status = 'PENDING';
-- Expired leases, found by whichever node looks.
CREATE INDEX ccs_tasks_leases ON ccs_tasks (lease_expires) WHERE status = 'PROCESSING';

-- Idempotency keys are arbitrated here (a retry may reach another node): found by key.
CREATE INDEX ccs_tasks_idempotency ON ccs_tasks (idempotency_key, created_ns) WHERE idempotency_key IS NOT NULL;

-- One turn at a time per session across nodes: the node running a turn holds the session's row.
CREATE TABLE ccs_session_leases (
  session_id  uuid        PRIMARY KEY,
  owner       text        NOT NULL,
  expires     timestamptz NOT NULL
);

-- A webhook delivery is tried by the node that made it, or by the one that took it over when that
-- node died (its heartbeat older than two leases): delivered by one node, not by each.
ALTER TABLE ccs_deliveries ADD COLUMN owner text;
