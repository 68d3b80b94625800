-- Alerts raised by the anomaly detectors, their lifecycle, and the outbox
-- that publishes them to Kafka.

-- One incident is one row: detectors upsert it by its stable id while the
-- incident goes on. What the detector says (severity, score, evidence,
-- phase) and what analysts decide (status) are kept apart, so a detector
-- update never reopens an alert an analyst resolved.
CREATE TABLE alerts (
    alert_id          text PRIMARY KEY,
    tenant_id         text NOT NULL,
    family            text NOT NULL CHECK (family IN ('usage', 'billing', 'logins', 'api')),
    kind              text NOT NULL,
    severity          text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    -- Who or what it is about: {"meter_id": …}, {"user_id": …}, {"ip": …}, …
    subject           jsonb NOT NULL,
    raised_at         timestamptz NOT NULL,
    first_seen        timestamptz NOT NULL,
    last_seen         timestamptz NOT NULL,
    score             double precision NOT NULL CHECK (score >= 0 AND score <= 1),
    -- The detector's view: opened, updated or closed.
    phase             text NOT NULL CHECK (phase IN ('opened', 'updated', 'closed')),
    summary           text NOT NULL,
    evidence          jsonb NOT NULL,
    -- The analysts' view.
    status            text NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'acknowledged', 'resolved', 'false_positive')),
    status_by         text,
    status_at         timestamptz,
    -- Bumped by every detector change; the outbox publishes each version.
    version           bigint NOT NULL DEFAULT 1,
    published_version bigint NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alerts_queue_idx ON alerts (tenant_id, status, raised_at DESC);
CREATE INDEX alerts_kind_idx ON alerts (tenant_id, kind, raised_at DESC);
CREATE INDEX alerts_unpublished_idx ON alerts (updated_at) WHERE published_version < version;

-- Every status change, with who made it and when.
CREATE TABLE alert_status_changes (
    alert_id    text NOT NULL REFERENCES alerts (alert_id),
    tenant_id   text NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    changed_by  text NOT NULL,
    from_status text NOT NULL,
    to_status   text NOT NULL,
    note        text
);
CREATE INDEX alert_status_changes_idx ON alert_status_changes (alert_id, changed_at);
