-- Alerting: rules with scope and defaults, alerts with Alertmanager's
-- lifecycle, their transitions (the live feed's cursor and the email outbox's
-- source), silences, grouped notifications and the mailbox.
--
-- `alerts` and `notifications` were created by the initial migration but
-- never written by any release, so they are replaced rather than altered.
DROP TABLE "notifications";
DROP TABLE "alerts";

ALTER TABLE "alert_rules"
    ADD COLUMN "name" TEXT NOT NULL DEFAULT '',
    ADD COLUMN "instance_id" BIGINT,
    ADD COLUMN "severity" TEXT NOT NULL DEFAULT 'warning',
    ADD COLUMN "for_seconds" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "keep_firing_for_seconds" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "builtin" BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    ADD CONSTRAINT "alert_rules_kind_check" CHECK ("kind" IN ('leak', 'time-to-limit', 'fragmentation', 'resource-leak', 'gc', 'threshold')),
    ADD CONSTRAINT "alert_rules_severity_check" CHECK ("severity" IN ('info', 'warning', 'critical')),
    ADD CONSTRAINT "alert_rules_builtin_scope_check" CHECK (NOT "builtin" OR ("app_id" IS NULL AND "instance_id" IS NULL)),
    ADD CONSTRAINT "alert_rules_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "instances"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- One default rule per kind and project; the alerter creates the missing ones.
CREATE UNIQUE INDEX "alert_rules_builtin_key" ON "alert_rules"("project_id", "kind") WHERE "builtin";
CREATE INDEX "alert_rules_project_id_idx" ON "alert_rules"("project_id");

CREATE TABLE "alerts" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "rule_id" UUID NOT NULL,
    "instance_id" BIGINT NOT NULL,
    "app_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "metric" TEXT,
    "value" DOUBLE PRECISION,
    "evidence" JSONB NOT NULL DEFAULT '{}',
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "fired_at" TIMESTAMPTZ(3),
    "resolved_at" TIMESTAMPTZ(3),
    "last_evaluated_at" TIMESTAMPTZ(3) NOT NULL,
    -- while firing: since when the condition has been clear (keep_firing_for)
    "clear_since" TIMESTAMPTZ(3),
    "ack_at" TIMESTAMPTZ(3),
    "ack_expires_at" TIMESTAMPTZ(3),
    "ack_comment" TEXT,
    "last_notified_at" TIMESTAMPTZ(3),
    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alerts_state_check" CHECK ("state" IN ('pending', 'firing', 'resolved'))
);
-- The fingerprint: at most one open alert per (rule, instance).
CREATE UNIQUE INDEX "alerts_open_fingerprint_key" ON "alerts"("rule_id", "instance_id") WHERE "state" <> 'resolved';
CREATE INDEX "alerts_project_id_started_at_idx" ON "alerts"("project_id", "started_at" DESC, "id" DESC);
CREATE INDEX "alerts_open_idx" ON "alerts"("project_id") WHERE "state" <> 'resolved';
CREATE INDEX "alerts_instance_id_idx" ON "alerts"("instance_id");
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "instances"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_app_id_fkey" FOREIGN KEY ("app_id") REFERENCES "apps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Written only by the evaluator holding the advisory lock, one transaction at
-- a time, so ids increase in commit order: the live feed's cursor.
CREATE TABLE "alert_transitions" (
    "id" BIGSERIAL NOT NULL,
    "alert_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "from_state" TEXT,
    "to_state" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL,
    -- the outbox's side: pending until grouped into notifications (or silenced)
    "dispatch" TEXT NOT NULL DEFAULT 'pending',
    CONSTRAINT "alert_transitions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alert_transitions_dispatch_check" CHECK ("dispatch" IN ('pending', 'dispatched', 'silenced', 'none'))
);
CREATE INDEX "alert_transitions_alert_id_idx" ON "alert_transitions"("alert_id", "id");
CREATE INDEX "alert_transitions_project_id_idx" ON "alert_transitions"("project_id", "id");
CREATE INDEX "alert_transitions_pending_idx" ON "alert_transitions"("id") WHERE "dispatch" = 'pending';
ALTER TABLE "alert_transitions" ADD CONSTRAINT "alert_transitions_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "alert_transitions" ADD CONSTRAINT "alert_transitions_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "silences" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "app_id" UUID,
    "instance_id" BIGINT,
    "kind" TEXT,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "silences_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "silences_matcher_check" CHECK ("app_id" IS NOT NULL OR "instance_id" IS NOT NULL OR "kind" IS NOT NULL),
    CONSTRAINT "silences_period_check" CHECK ("ends_at" > "starts_at")
);
CREATE INDEX "silences_project_id_ends_at_idx" ON "silences"("project_id", "ends_at");
ALTER TABLE "silences" ADD CONSTRAINT "silences_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "notification_channels"
    ADD COLUMN "name" TEXT NOT NULL DEFAULT '',
    ADD CONSTRAINT "notification_channels_kind_check" CHECK ("kind" IN ('email'));

-- The transactional outbox: one row per email to send. Created with its items
-- in the transaction that marks their transitions dispatched, so a transition
-- reaches each channel in exactly one notification.
CREATE TABLE "notifications" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "group_key" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "payload" JSONB NOT NULL,
    -- stable across retries: a mail system drops the duplicate a crash after
    -- the SMTP server's acceptance and before our commit can cause
    "message_id" TEXT NOT NULL,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "notifications_status_check" CHECK ("status" IN ('pending', 'sent', 'failed'))
);
CREATE UNIQUE INDEX "notifications_message_id_key" ON "notifications"("message_id");
CREATE INDEX "notifications_due_idx" ON "notifications"("next_attempt_at") WHERE "status" = 'pending';
CREATE INDEX "notifications_project_id_idx" ON "notifications"("project_id", "created_at");
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "notification_channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "notification_items" (
    "notification_id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "alert_id" UUID NOT NULL,
    -- null for a reminder (repeat interval) of a still-firing alert
    "transition_id" BIGINT,
    "change" TEXT NOT NULL,
    CONSTRAINT "notification_items_pkey" PRIMARY KEY ("notification_id", "alert_id", "change"),
    CONSTRAINT "notification_items_change_check" CHECK ("change" IN ('firing', 'resolved', 'reminder'))
);
-- Exactly one email per transition and channel.
CREATE UNIQUE INDEX "notification_items_transition_channel_key" ON "notification_items"("transition_id", "channel_id");
CREATE INDEX "notification_items_alert_id_idx" ON "notification_items"("alert_id");
ALTER TABLE "notification_items" ADD CONSTRAINT "notification_items_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "notifications"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "notification_items" ADD CONSTRAINT "notification_items_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "notification_items" ADD CONSTRAINT "notification_items_transition_id_fkey" FOREIGN KEY ("transition_id") REFERENCES "alert_transitions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- With no SMTP server configured, the alerter "sends" here instead.
CREATE TABLE "mailbox_messages" (
    "id" BIGSERIAL NOT NULL,
    "project_id" UUID NOT NULL,
    "notification_id" UUID NOT NULL,
    "message_id" TEXT NOT NULL,
    "to_address" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "attachments" JSONB NOT NULL DEFAULT '[]',
    "alert_ids" UUID[] NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "mailbox_messages_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "mailbox_messages_notification_id_key" ON "mailbox_messages"("notification_id");
CREATE INDEX "mailbox_messages_project_id_idx" ON "mailbox_messages"("project_id", "id" DESC);
ALTER TABLE "mailbox_messages" ADD CONSTRAINT "mailbox_messages_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "mailbox_messages" ADD CONSTRAINT "mailbox_messages_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "notifications"("id") ON DELETE CASCADE ON UPDATE CASCADE;
