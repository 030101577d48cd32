-- Which metric sets (metric-name lists) each project has used: metric_sets is
-- shared by every project (deduplicated by hash), so this is what lets ingest
-- cap the lists one project may add (INGEST_MAX_METRIC_SETS_PER_PROJECT)
-- before a flood of new lists grows the shared table. Rows are recorded as
-- lists are first used by a project; lists used before this migration are
-- recorded on their next use (a backfill would scan every sample).
CREATE TABLE "project_metric_sets" (
    "project_id" UUID NOT NULL,
    "metric_set_id" INTEGER NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "project_metric_sets_pkey" PRIMARY KEY ("project_id", "metric_set_id")
);
ALTER TABLE "project_metric_sets" ADD CONSTRAINT "project_metric_sets_project_id_fkey"
    FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "project_metric_sets" ADD CONSTRAINT "project_metric_sets_metric_set_id_fkey"
    FOREIGN KEY ("metric_set_id") REFERENCES "metric_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
