-- History: rollups beside the raw samples, and every time-keyed table
-- partitioned so that retention drops whole partitions (packages/db/src/retention.ts).

-- Each batch's sample time range: the roller finds the minutes a batch
-- touched (late or replayed ones included) from the batches received since its
-- last pass. BRIN: received_at grows with the table, and costs ingest nothing per row.
ALTER TABLE "ingest_batches" ADD COLUMN "min_ts" TIMESTAMPTZ(3), ADD COLUMN "max_ts" TIMESTAMPTZ(3);
CREATE INDEX "ingest_batches_received_at_brin" ON "ingest_batches" USING brin ("received_at");

-- One row per (instance, minute) and per (instance, hour). The arrays follow
-- the row's metric set, like samples.values: for each metric its count of
-- values, min (the bucket's lower envelope, which is what a memory level's
-- floor and the leak detector read), max, mean and last value.
CREATE TABLE "rollups_1m" (
    "instance_id" BIGINT NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "metric_set_id" INTEGER NOT NULL,
    "n" INTEGER[] NOT NULL,
    "min" DOUBLE PRECISION[] NOT NULL,
    "max" DOUBLE PRECISION[] NOT NULL,
    "avg" DOUBLE PRECISION[] NOT NULL,
    "last" DOUBLE PRECISION[] NOT NULL,
    CONSTRAINT "rollups_1m_pkey" PRIMARY KEY ("instance_id", "bucket")
) PARTITION BY RANGE ("bucket");

-- The same columns (LIKE copies them and their NOT NULLs), a bucket an hour wide.
CREATE TABLE "rollups_1h" (LIKE "rollups_1m", CONSTRAINT "rollups_1h_pkey" PRIMARY KEY ("instance_id", "bucket")) PARTITION BY RANGE ("bucket");

-- How far the roller has read ingest_batches.received_at, per resolution.
CREATE TABLE "rollup_progress" (
    "resolution" TEXT NOT NULL,
    "received_until" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "rollup_progress_pkey" PRIMARY KEY ("resolution")
);

-- Snapshots become partitioned by day like samples; the primary key takes ts,
-- as a partitioned table's keys must. Existing rows are moved over.
ALTER TABLE "snapshots" RENAME TO "snapshots_unpartitioned";
ALTER TABLE "snapshots_unpartitioned" RENAME CONSTRAINT "snapshots_pkey" TO "snapshots_unpartitioned_pkey";
ALTER INDEX "snapshots_instance_id_kind_ts_key" RENAME TO "snapshots_unpartitioned_key";
ALTER TABLE "snapshots_unpartitioned" RENAME CONSTRAINT "snapshots_instance_id_fkey" TO "snapshots_unpartitioned_fkey";
CREATE TABLE "snapshots" (
    "id" BIGINT NOT NULL DEFAULT nextval('snapshots_id_seq'),
    "instance_id" BIGINT NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "entries" JSONB NOT NULL,
    CONSTRAINT "snapshots_pkey" PRIMARY KEY ("id", "ts")
) PARTITION BY RANGE ("ts");
ALTER SEQUENCE "snapshots_id_seq" OWNED BY "snapshots"."id";
CREATE UNIQUE INDEX "snapshots_instance_id_kind_ts_key" ON "snapshots"("instance_id", "kind", "ts");
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "instances"("id") ON DELETE CASCADE ON UPDATE CASCADE;
DO $$
DECLARE d date;
BEGIN
  FOR d IN SELECT DISTINCT (ts AT TIME ZONE 'UTC')::date FROM "snapshots_unpartitioned" LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF "snapshots" FOR VALUES FROM (%L) TO (%L)',
      'snapshots_p' || to_char(d, 'YYYYMMDD'), d::timestamp AT TIME ZONE 'UTC', (d + 1)::timestamp AT TIME ZONE 'UTC');
  END LOOP;
END $$;
INSERT INTO "snapshots" SELECT * FROM "snapshots_unpartitioned";
DROP TABLE "snapshots_unpartitioned";
