-- Compacted raw samples: once a day of samples can no longer change (past the
-- accepted sample age, and rolled up), its partition is rewritten as one
-- block per (instance, hour, metric set) in the codec of
-- packages/db/src/codec/block.ts, and the raw partition is dropped.
-- Partitioned by day like samples, so the same retention drops it.
CREATE TABLE "samples_compact" (
    "instance_id" BIGINT NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "metric_set_id" INTEGER NOT NULL,
    "first_ts" TIMESTAMPTZ(3) NOT NULL,
    "last_ts" TIMESTAMPTZ(3) NOT NULL,
    "sample_count" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    CONSTRAINT "samples_compact_pkey" PRIMARY KEY ("instance_id", "hour", "metric_set_id")
) PARTITION BY RANGE ("hour");
-- The blocks are already compressed: no pglz attempt, stored out of line when large.
ALTER TABLE "samples_compact" ALTER COLUMN "data" SET STORAGE EXTERNAL;
