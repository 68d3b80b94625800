-- What the query API needs: a role of its own that row-level security
-- applies to, tenant policies on every table it reads, units on meters,
-- a tenant on quarantine rows, and hashed API keys.
--
-- The API connects as any login role that is a member of `nexzo_api` and
-- switches to it inside each transaction, after setting
-- `nexzo.tenant_id`; the policies below then show it that tenant's rows
-- only. The pipeline keeps writing as the tables' owner, which row-level
-- security does not restrict (it is enabled, not forced).

-- Roles are global to the server, so another database may have made it
-- already, and a migrator without CREATEROLE cannot: then an administrator
-- creates it (`CREATE ROLE nexzo_api NOLOGIN; GRANT nexzo_api TO <api
-- login>`) and runs `SELECT grant_api_role()` in this database.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'nexzo_api') THEN
        CREATE ROLE nexzo_api NOLOGIN;
    END IF;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN NULL;
    WHEN insufficient_privilege THEN
        RAISE WARNING 'role nexzo_api is missing and % may not create it: the query API cannot start until an administrator creates it and runs SELECT grant_api_role()',
            current_user;
END $$;

-- Units: a meter may belong to one unit (a flat, a shop) of its property,
-- which is what a resident's token lists. Meters of shared spaces have
-- none and are seen by landlords and service providers only.
ALTER TABLE meters ADD COLUMN unit_id text;
CREATE INDEX meters_unit_idx ON meters (tenant_id, unit_id) WHERE unit_id IS NOT NULL;
CREATE INDEX meters_property_idx ON meters (tenant_id, property_id, meter_id);

-- A quarantined reading belongs to the tenant of the meter it names, when
-- that meter is registered. Rows without one (unknown meters, bytes that
-- never parsed, refused events) stay NULL: no API caller sees them, only
-- operators through the command line.
ALTER TABLE quarantine ADD COLUMN tenant_id text;
UPDATE quarantine q SET tenant_id = m.tenant_id FROM meters m WHERE q.meter_id = m.meter_id;
CREATE INDEX quarantine_tenant_idx ON quarantine (tenant_id, id DESC);

CREATE FUNCTION quarantine_tenant() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.tenant_id IS NULL AND NEW.meter_id IS NOT NULL THEN
        NEW.tenant_id := (SELECT tenant_id FROM meters WHERE meter_id = NEW.meter_id);
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER quarantine_tenant
BEFORE INSERT ON quarantine
FOR EACH ROW EXECUTE FUNCTION quarantine_tenant();

-- Keys for integrators and services. Only a SHA-256 of the secret is
-- kept: the secret is 256 random bits, so a slow password hash would add
-- cost per request and no protection.
CREATE TABLE api_keys (
    key_id        text PRIMARY KEY,
    tenant_id     text NOT NULL,
    name          text NOT NULL,
    secret_sha256 bytea NOT NULL CHECK (octet_length(secret_sha256) = 32),
    scopes        text[] NOT NULL CHECK (scopes <@ ARRAY['usage:read', 'meters:read',
                      'alerts:read', 'alerts:write', 'quarantine:read']::text[]),
    -- Addresses the key may be used from, as CIDR text; empty means any.
    allow_cidrs   text[] NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz
);

-- The API looks a key up before it knows the caller's tenant, so the
-- lookup cannot run under the tenant policies; it gets this one function
-- instead of the table, and with it one row by an id it must already know.
CREATE FUNCTION api_key_lookup(wanted text)
RETURNS TABLE (tenant_id text, secret_sha256 bytea, scopes text[], allow_cidrs text[],
               revoked boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT tenant_id, secret_sha256, scopes, allow_cidrs, revoked_at IS NOT NULL
    FROM api_keys WHERE key_id = wanted
$$;
REVOKE ALL ON FUNCTION api_key_lookup(text) FROM PUBLIC;

-- Views run with their owner's rights unless told otherwise, which would
-- step around the policies below.
ALTER VIEW property_energy_rollups SET (security_invoker = true);
ALTER VIEW tenant_energy_rollups SET (security_invoker = true);

-- One policy per table: a row is visible (and writable, where the role may
-- write) only under its own tenant. An unset tenant matches nothing.
ALTER TABLE readings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON readings
    USING (tenant_id = current_setting('nexzo.tenant_id', true));

ALTER TABLE energy_rollups ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON energy_rollups
    USING (tenant_id = current_setting('nexzo.tenant_id', true));

ALTER TABLE meters ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON meters
    USING (tenant_id = current_setting('nexzo.tenant_id', true));

ALTER TABLE alerts ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON alerts
    USING (tenant_id = current_setting('nexzo.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('nexzo.tenant_id', true));

ALTER TABLE alert_status_changes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON alert_status_changes
    USING (tenant_id = current_setting('nexzo.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('nexzo.tenant_id', true));

ALTER TABLE quarantine ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON quarantine
    USING (tenant_id = current_setting('nexzo.tenant_id', true));

-- What the API role may touch: reading, and moving an alert through its
-- lifecycle. Kept in a function so an administrator who creates the role
-- after this migration can apply the grants then.
CREATE FUNCTION grant_api_role() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    GRANT SELECT ON readings, energy_rollups, meters, alerts, alert_status_changes,
        quarantine, property_energy_rollups, tenant_energy_rollups TO nexzo_api;
    GRANT UPDATE (status, status_by, status_at) ON alerts TO nexzo_api;
    GRANT INSERT ON alert_status_changes TO nexzo_api;
    GRANT EXECUTE ON FUNCTION api_key_lookup(text) TO nexzo_api;
END $$;

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'nexzo_api') THEN
        PERFORM grant_api_role();
    END IF;
END $$;
