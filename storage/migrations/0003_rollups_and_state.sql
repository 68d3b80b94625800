-- Energy rollups computed by the stream stage, the state stream processors
-- checkpoint, and each meter's time zone for local-day buckets.

-- The property's time zone (an IANA name), for daily buckets. NULL means
-- the pipeline's configured default. Every meter of a property should
-- carry the same zone, or the property's daily rollup mixes midnights.
ALTER TABLE meters ADD COLUMN time_zone text;

-- One row per meter and bucket, upserted whole whenever a reading changes
-- it. `width` is '15m', '1h' or '1d'; a day is the property's local day
-- (23 or 25 hours when the clocks change). Quarter-hours and hours are
-- apportioned from register differences; hours and days are sums of their
-- quarter-hours, so the widths always agree to the Wh.
CREATE TABLE energy_rollups (
    tenant_id     text NOT NULL,
    property_id   text NOT NULL,
    meter_id      text NOT NULL,
    width         text NOT NULL CHECK (width IN ('15m', '1h', '1d')),
    bucket_start  timestamptz NOT NULL,
    bucket_end    timestamptz NOT NULL CHECK (bucket_end > bucket_start),
    energy_wh     bigint NOT NULL,
    -- A gap's consumption was spread over the bucket by time.
    estimated     boolean NOT NULL,
    -- How many register intervals of each kind reached the bucket.
    gaps          integer NOT NULL DEFAULT 0,
    rollovers     integer NOT NULL DEFAULT 0,
    resets        integer NOT NULL DEFAULT 0,
    implausible   integer NOT NULL DEFAULT 0,
    too_long      integer NOT NULL DEFAULT 0,
    conflicts     integer NOT NULL DEFAULT 0,
    -- No reading the stream can still accept would change the value.
    is_final      boolean NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (meter_id, width, bucket_start)
);
SELECT create_hypertable('energy_rollups', by_range('bucket_start', INTERVAL '7 days'));
CREATE INDEX energy_rollups_property_idx
    ON energy_rollups (tenant_id, property_id, width, bucket_start DESC);

-- A property's or a tenant's rollup is the sum of its meters' buckets.
-- Daily buckets line up because a property's meters share its time zone.
CREATE VIEW property_energy_rollups AS
SELECT tenant_id, property_id, width, bucket_start,
       max(bucket_end)  AS bucket_end,
       sum(energy_wh)::bigint AS energy_wh,
       count(*)         AS meters,
       bool_or(estimated) AS estimated,
       bool_and(resets + implausible + too_long = 0) AS complete,
       bool_and(is_final) AS is_final
FROM energy_rollups
GROUP BY tenant_id, property_id, width, bucket_start;

CREATE VIEW tenant_energy_rollups AS
SELECT tenant_id, width, bucket_start,
       max(bucket_end)  AS bucket_end,
       sum(energy_wh)::bigint AS energy_wh,
       count(*)         AS meters,
       bool_or(estimated) AS estimated,
       bool_and(resets + implausible + too_long = 0) AS complete,
       bool_and(is_final) AS is_final
FROM energy_rollups
GROUP BY tenant_id, width, bucket_start;

-- Checkpointed state of stream processors (per-meter windows, detector
-- baselines), written in the same transaction as the batch that changed
-- it, so what is stored always matches what was acknowledged.
CREATE TABLE processor_state (
    processor   text NOT NULL,
    key         text NOT NULL,
    tenant_id   text,
    property_id text,
    state       jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (processor, key)
);
