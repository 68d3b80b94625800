-- Meter readings, the meter registry (the ingest allowlist) and the
-- quarantine of refused records.

CREATE EXTENSION IF NOT EXISTS timescaledb;

-- The allowlist. A meter belongs to one tenant and property; a gateway may
-- report for the meters assigned to it.
CREATE TABLE meters (
    meter_id     text PRIMARY KEY,
    tenant_id    text NOT NULL,
    property_id  text NOT NULL,
    gateway_id   text,
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meters_gateway_idx ON meters (gateway_id) WHERE gateway_id IS NOT NULL;

-- One counter that every change to `meters` bumps, so running pipelines can
-- notice a change with one cheap query instead of re-reading the table.
CREATE TABLE meter_registry_version (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version   bigint NOT NULL
);
INSERT INTO meter_registry_version VALUES (true, 0);

CREATE FUNCTION bump_meter_registry_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE meter_registry_version SET version = version + 1;
    RETURN NULL;
END $$;

CREATE TRIGGER meters_changed
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON meters
FOR EACH STATEMENT EXECUTE FUNCTION bump_meter_registry_version();

CREATE FUNCTION touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;

CREATE TRIGGER meters_touch
BEFORE UPDATE ON meters
FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- Raw readings. The natural key (meter, timestamp) makes every write
-- idempotent: a redelivered reading changes nothing.
CREATE TABLE readings (
    tenant_id    text NOT NULL,
    property_id  text NOT NULL,
    meter_id     text NOT NULL,
    ts           timestamptz NOT NULL,
    energy_wh    bigint NOT NULL CHECK (energy_wh >= 0),
    power_w      double precision,
    voltage_v    double precision,
    current_a    double precision,
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (meter_id, ts)
);
SELECT create_hypertable('readings', by_range('ts', INTERVAL '1 day'));
CREATE INDEX readings_tenant_ts_idx ON readings (tenant_id, ts DESC);

-- Refused records with their reason and exact bytes. `item_index` is set when
-- `raw` is one reading out of a gateway batch rather than a whole message.
CREATE TABLE quarantine (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at     timestamptz NOT NULL,
    quarantined_at  timestamptz NOT NULL DEFAULT now(),
    transport       text NOT NULL,
    topic           text NOT NULL,
    kafka_partition integer,
    kafka_offset    bigint,
    item_index      integer,
    reason_code     text NOT NULL,
    reason          text NOT NULL,
    meter_id        text,
    raw             bytea NOT NULL,
    replayed_at     timestamptz
);
CREATE INDEX quarantine_reason_idx ON quarantine (reason_code, received_at DESC);
CREATE INDEX quarantine_pending_idx ON quarantine (received_at) WHERE replayed_at IS NULL;
