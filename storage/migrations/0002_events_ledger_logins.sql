-- Integration events (OriginFD, Stripe), ledger entries and login events,
-- and the site registry that allowlists OriginFD sites.

CREATE TABLE integration_sites (
    site_id      text PRIMARY KEY,
    tenant_id    text NOT NULL,
    property_id  text NOT NULL,
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Sites share the meters' change counter: one cheap query tells a running
-- pipeline that either allowlist changed.
CREATE TRIGGER integration_sites_changed
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON integration_sites
FOR EACH STATEMENT EXECUTE FUNCTION bump_meter_registry_version();

CREATE TRIGGER integration_sites_touch
BEFORE UPDATE ON integration_sites
FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- Events from integrators. The producer's event id is the natural key;
-- hypertables need the time column in every unique key, so an id re-sent
-- with another timestamp is a different row (and a matter for the billing
-- and integration anomaly detectors).
CREATE TABLE integration_events (
    source       text NOT NULL,
    event_id     text NOT NULL,
    event_type   text NOT NULL,
    tenant_id    text NOT NULL,
    property_id  text,
    site_id      text,
    ts           timestamptz NOT NULL,
    payload      jsonb NOT NULL,
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (source, event_id, ts)
);
SELECT create_hypertable('integration_events', by_range('ts', INTERVAL '7 days'));
CREATE INDEX integration_events_tenant_ts_idx ON integration_events (tenant_id, ts DESC);

-- The billing ledger as received: a per-tenant hash chain whose hashes were
-- verified on the way in.
CREATE TABLE ledger_entries (
    entry_id     text NOT NULL,
    tenant_id    text NOT NULL,
    property_id  text NOT NULL,
    account_id   text NOT NULL,
    kind         text NOT NULL
        CHECK (kind IN ('charge', 'payment', 'adjustment', 'refund', 'credit', 'write_off')),
    amount_minor bigint NOT NULL,
    currency     text NOT NULL,
    actor_id     text NOT NULL,
    approver_id  text,
    reason_code  text NOT NULL,
    ts           timestamptz NOT NULL,
    prev_hash    text NOT NULL,
    hash         text NOT NULL,
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (entry_id, ts)
);
SELECT create_hypertable('ledger_entries', by_range('ts', INTERVAL '7 days'));
CREATE INDEX ledger_entries_tenant_ts_idx ON ledger_entries (tenant_id, ts DESC);
CREATE INDEX ledger_entries_actor_ts_idx ON ledger_entries (actor_id, ts DESC);

-- Logins from the auth service. Addresses are stored for analysts (they are
-- needed to see credential stuffing) but never written to logs.
CREATE TABLE login_events (
    event_id       text NOT NULL,
    tenant_id      text NOT NULL,
    user_id        text NOT NULL,
    ts             timestamptz NOT NULL,
    outcome        text NOT NULL CHECK (outcome IN ('success', 'failure')),
    failure_reason text,
    source_ip      inet NOT NULL,
    device_id      text,
    user_agent     text,
    mfa            text,
    geo_country    text,
    geo_region     text,
    geo_city       text,
    geo_lat        double precision,
    geo_lon        double precision,
    received_at    timestamptz NOT NULL,
    PRIMARY KEY (event_id, ts)
);
SELECT create_hypertable('login_events', by_range('ts', INTERVAL '1 day'));
CREATE INDEX login_events_user_ts_idx ON login_events (tenant_id, user_id, ts DESC);
CREATE INDEX login_events_ip_ts_idx ON login_events (source_ip, ts DESC);
