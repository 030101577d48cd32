-- No loss is silent: what an agent dropped from its full buffer (ingest
-- unreachable or refusing) is kept per instance. A batch's `dropped` counts
-- the samples lost since the previous batch was built (both agents carry a
-- dropped batch's own count forward), so the sum over stored batches is the
-- instance's total. Ingest adds it in the transaction that stores the batch's
-- (instance, seq) key, so a retried batch adds nothing.
ALTER TABLE "instances"
    ADD COLUMN "dropped_samples" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "dropped_last_at" TIMESTAMPTZ(3),
    ADD CONSTRAINT "instances_dropped_samples_check" CHECK ("dropped_samples" >= 0);

-- The data-loss alert kind: the agent's memsight.agent.dropped_samples counter rose in the window.
ALTER TABLE "alert_rules" DROP CONSTRAINT "alert_rules_kind_check";
ALTER TABLE "alert_rules"
    ADD CONSTRAINT "alert_rules_kind_check" CHECK ("kind" IN ('leak', 'time-to-limit', 'fragmentation', 'resource-leak', 'gc', 'threshold', 'data-loss'));
