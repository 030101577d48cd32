-- Scale-out: what several ingest replicas share through PostgreSQL.

-- socket.io's PostgreSQL adapter: broadcasts over NOTIFY, and payloads past
-- NOTIFY's 8000 bytes (a live sample batch often is) go through this table.
-- Each replica deletes rows older than 30 s.
CREATE TABLE "socket_io_attachments" (
    "id" BIGSERIAL UNIQUE,
    "created_at" TIMESTAMPTZ DEFAULT now(),
    "payload" BYTEA
);

-- The ingest rate limit is per project across all replicas: each replica
-- publishes the samples it admitted per project as a running total, and
-- charges its own buckets with what the others admitted since it last read.
-- Rows of a replica that stopped are deleted after an hour.
CREATE TABLE "ingest_usage" (
    "replica" TEXT NOT NULL,
    "project_id" UUID NOT NULL,
    "admitted" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "updated_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT "ingest_usage_pkey" PRIMARY KEY ("replica", "project_id")
);
CREATE INDEX "ingest_usage_updated_at_idx" ON "ingest_usage" ("updated_at");
