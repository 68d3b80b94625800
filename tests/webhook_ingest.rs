//! Signed webhooks through the running pipeline into TimescaleDB: accepted
//! only with a valid signature, answered only after commit, deduplicated on
//! replay, and refused events quarantined like any other bad input.

#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

mod support;

use nexzo_ingest::webhook::sign;
use nexzo_schemas::Secret;
use support::http::{free_port, post};
use support::pipeline::{Pipeline, Settings};
use support::{TestDb, database_url};

const OLD_SECRET: &str = "whsec_old_0123456789abcdef";
const NEW_SECRET: &str = "whsec_new_0123456789abcdef";

/// A Stripe event whose object is of the kind its type names.
fn stripe_event(id: &str, kind: &str) -> Vec<u8> {
    let created = chrono::Utc::now().timestamp() - 5;
    let object = kind.split('.').next().unwrap();
    format!(
        r#"{{"id":"{id}","object":"event","type":"{kind}","created":{created},"livemode":false,
            "data":{{"object":{{"id":"obj_{id}","object":"{object}","amount":1250,"currency":"eur",
            "metadata":{{"tenant_id":"tenant-s"}}}}}}}}"#
    )
    .into_bytes()
}

fn signed(secret: &str, body: &[u8]) -> String {
    sign(&Secret::new(secret), chrono::Utc::now().timestamp(), body)
}

#[tokio::test(flavor = "multi_thread")]
async fn signed_webhooks_are_stored_once_and_forgeries_never_reach_the_database() {
    let db = TestDb::create(&database_url()).await;
    let port = free_port();
    let mut settings = Settings::new(&db.url);
    settings.mqtt_enabled = false;
    settings.ready = Some("webhook endpoint listening");
    settings.extra = format!(
        "[webhook]\nlisten = \"127.0.0.1:{port}\"\n\n[webhook.sources.stripe]\nsecrets = [\"{OLD_SECRET}\", \"{NEW_SECRET}\"]\n"
    );
    let _pipeline = Pipeline::start(&settings).await;
    let path = "/webhooks/stripe";

    let body = stripe_event("evt_1", "charge.succeeded");
    let header = signed(OLD_SECRET, &body);
    let (status, reply) = post(port, path, &[("Stripe-Signature", &header)], &body).await;
    assert_eq!(status, 200, "{reply}");
    // The answer comes after the commit, so the row is already there.
    assert_eq!(db.count("SELECT count(*) FROM integration_events").await, 1);

    let (status, _) = post(port, path, &[("Stripe-Signature", &header)], &body).await;
    assert_eq!(status, 200, "a replayed delivery is acknowledged");
    assert_eq!(
        db.count("SELECT count(*) FROM integration_events").await,
        1,
        "and not stored twice"
    );

    let forged = signed("whsec_someone_elses_secret", &body);
    let (status, _) = post(port, path, &[("Stripe-Signature", &forged)], &body).await;
    assert_eq!(status, 401, "wrong secret");
    let mut altered = body.clone();
    altered.extend_from_slice(b" ");
    let (status, _) = post(port, path, &[("Stripe-Signature", &header)], &altered).await;
    assert_eq!(status, 401, "altered body");
    let stale = sign(
        &Secret::new(OLD_SECRET),
        chrono::Utc::now().timestamp() - 3600,
        &body,
    );
    let (status, _) = post(port, path, &[("Stripe-Signature", &stale)], &body).await;
    assert_eq!(status, 401, "stale timestamp");

    let rotated = stripe_event("evt_2", "invoice.paid");
    let (status, _) = post(
        port,
        path,
        &[("Stripe-Signature", &signed(NEW_SECRET, &rotated))],
        &rotated,
    )
    .await;
    assert_eq!(status, 200, "the rotated-in secret works");

    let unlisted = stripe_event("evt_3", "customer.deleted");
    let (status, _) = post(
        port,
        path,
        &[("Stripe-Signature", &signed(NEW_SECRET, &unlisted))],
        &unlisted,
    )
    .await;
    assert_eq!(status, 200, "a signed but refused event is acknowledged");

    assert_eq!(db.count("SELECT count(*) FROM integration_events").await, 2);
    assert_eq!(
        db.count("SELECT count(*) FROM integration_events WHERE source = 'stripe' AND tenant_id = 'tenant-s'").await,
        2
    );
    let refused = db.count("SELECT count(*) FROM quarantine WHERE reason_code = 'unknown_event_type' AND transport = 'webhook'");
    assert_eq!(refused.await, 1);
    assert_eq!(
        db.count("SELECT count(*) FROM quarantine").await,
        1,
        "forgeries are not stored anywhere"
    );
}
