//! Two tenants that mirror each other, so every test can ask tenant A's
//! callers for tenant B's rows and check that nothing of B comes back.
//!
//! | tenant | property | meters (unit) |
//! |---|---|---|
//! | tenant-a | pa-1 | ma-1 (ua-1), ma-2 (ua-2) |
//! | tenant-a | pa-2 | ma-3 (none) |
//! | tenant-b | pb-1 | mb-1 (ub-1), mb-2 (ub-2) |
//! | tenant-b | pb-2 | mb-3 (none) |
//!
//! Every meter has two readings, hourly rollups for the 48 hours from
//! [`ROLLUP_START`] and quarter-hours for its first day; tenant A's meters
//! use 100 Wh per bucket and tenant B's 7000, so a leaked bucket shows in
//! any sum. Each tenant has three alerts raised in the last day and a
//! quarantined reading; one more quarantined reading names no known meter.

use tokio_postgres::Client;

/// Start of every meter's rollups.
pub const ROLLUP_START: &str = "2026-03-08T00:00:00Z";

/// The `from`/`to` of a query covering all hourly buckets.
pub const HOURLY_RANGE: &str = "width=1h&from=2026-03-08T00:00:00Z&to=2026-03-10T00:00:00Z";

/// Hourly energy of each of tenant A's and tenant B's meters, in Wh.
pub const A_WH: i64 = 100;
pub const B_WH: i64 = 7000;

/// Strings that name something of tenant B; none may reach tenant A.
pub const B_MARKERS: [&str; 7] = ["tenant-b", "pb-", "mb-", "ub-", "alert-b", "7000", "14000"];

const METERS: [(&str, &str, &str, Option<&str>); 6] = [
    ("ma-1", "tenant-a", "pa-1", Some("ua-1")),
    ("ma-2", "tenant-a", "pa-1", Some("ua-2")),
    ("ma-3", "tenant-a", "pa-2", None),
    ("mb-1", "tenant-b", "pb-1", Some("ub-1")),
    ("mb-2", "tenant-b", "pb-1", Some("ub-2")),
    ("mb-3", "tenant-b", "pb-2", None),
];

/// Stores the fixtures.
pub async fn seed(client: &Client) {
    for (meter, tenant, property, unit) in METERS {
        client
            .execute(
                "INSERT INTO meters (meter_id, tenant_id, property_id, unit_id, time_zone)
                 VALUES ($1, $2, $3, $4, 'Europe/Berlin')",
                &[&meter, &tenant, &property, &unit],
            )
            .await
            .expect("meter");
    }
    client.batch_execute(SEED_SQL).await.expect("seed fixtures");
    seed_alerts(client).await;
}

const SEED_SQL: &str = "
    INSERT INTO readings (tenant_id, property_id, meter_id, ts, energy_wh, power_w, received_at)
    SELECT tenant_id, property_id, meter_id, '2026-03-10T10:00:00Z'::timestamptz + n * interval '1 hour',
           1000 + n, 42.5, now()
    FROM meters, generate_series(0, 1) n;

    INSERT INTO energy_rollups (tenant_id, property_id, meter_id, width, bucket_start, bucket_end,
                                energy_wh, estimated, is_final)
    SELECT tenant_id, property_id, meter_id, '1h', s, s + interval '1 hour',
           CASE WHEN tenant_id = 'tenant-a' THEN 100 ELSE 7000 END, false, true
    FROM meters, generate_series('2026-03-08T00:00:00Z'::timestamptz,
                                 '2026-03-09T23:00:00Z', interval '1 hour') s;

    INSERT INTO energy_rollups (tenant_id, property_id, meter_id, width, bucket_start, bucket_end,
                                energy_wh, estimated, is_final)
    SELECT tenant_id, property_id, meter_id, '15m', s, s + interval '15 minutes',
           CASE WHEN tenant_id = 'tenant-a' THEN 25 ELSE 1750 END, false, true
    FROM meters, generate_series('2026-03-08T00:00:00Z'::timestamptz,
                                 '2026-03-08T23:45:00Z', interval '15 minutes') s;

    INSERT INTO quarantine (received_at, transport, topic, reason_code, reason, meter_id, raw)
    VALUES (now(), 'mqtt', 'meters/ma-1/readings', 'implausible_register', 'register went back',
            'ma-1', '{\"meter_id\": \"ma-1\"}'),
           (now(), 'mqtt', 'meters/mb-1/readings', 'implausible_register', 'register went back',
            'mb-1', '{\"meter_id\": \"mb-1\"}'),
           (now(), 'mqtt', 'meters/zz-9/readings', 'unknown_meter', 'not registered',
            'zz-9', '{\"meter_id\": \"zz-9\"}');";

async fn seed_alerts(client: &Client) {
    let alerts = [
        (
            "a",
            1,
            "usage",
            "usage_spike",
            "high",
            r#"{"meter_id": "ma-1"}"#,
        ),
        (
            "a",
            2,
            "logins",
            "credential_stuffing",
            "critical",
            r#"{"ip": "203.0.113.9"}"#,
        ),
        (
            "a",
            3,
            "billing",
            "large_refund",
            "medium",
            r#"{"actor_id": "u-9"}"#,
        ),
        (
            "b",
            1,
            "usage",
            "usage_spike",
            "high",
            r#"{"meter_id": "mb-1"}"#,
        ),
        (
            "b",
            2,
            "logins",
            "credential_stuffing",
            "critical",
            r#"{"ip": "203.0.113.9"}"#,
        ),
        (
            "b",
            3,
            "billing",
            "large_refund",
            "medium",
            r#"{"actor_id": "u-9"}"#,
        ),
    ];
    for (tenant, n, family, kind, severity, subject) in alerts {
        let id = format!("alert-{tenant}-{n}");
        let tenant = format!("tenant-{tenant}");
        let subject: serde_json::Value = serde_json::from_str(subject).expect("subject");
        let evidence = serde_json::json!({ "observed": n * 10, "tenant": &tenant });
        let hours_ago: i32 = n;
        client
            .execute(
                "INSERT INTO alerts (alert_id, tenant_id, family, kind, severity, subject,
                                     raised_at, first_seen, last_seen, score, phase, summary,
                                     evidence)
                 VALUES ($1, $2, $3, $4, $5, $6, now() - make_interval(hours => $7),
                         now() - make_interval(hours => $7), now(), 0.9, 'opened', $8, $9)",
                &[
                    &id,
                    &tenant,
                    &family,
                    &kind,
                    &severity,
                    &subject,
                    &hours_ago,
                    &format!("{kind} at {tenant}"),
                    &evidence,
                ],
            )
            .await
            .expect("alert");
    }
}
