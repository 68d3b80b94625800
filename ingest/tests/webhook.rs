//! The webhook endpoint, request by request: what each one is answered and
//! what reaches the pipeline. Requests go through the router in memory; only
//! the graceful-shutdown test opens a socket, on port 0.

#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

use std::time::Duration;

use axum::http::StatusCode;
use chrono::Utc;
use nexzo_ingest::webhook::{WebhookConfig, router, serve, serve_on, sign};
use nexzo_schemas::{Secret, Transport};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use support::{
    Commit, ORIGINFD_SECRET, ROTATED_SECRET, STRIPE_SECRET, counter, install_recorder, pipeline,
    post, raw_post, signed, stripe_and_originfd,
};

const EVENT: &str = "{ \"id\": \"evt_1\",\n  \"type\": \"charge.succeeded\" }";
const STRIPE: &str = "/webhooks/stripe";
const ORIGINFD: &str = "/webhooks/originfd";

fn now() -> i64 {
    Utc::now().timestamp()
}

/// Posts `EVENT` to the Stripe route, signed now with `secret`.
async fn post_event(app: &axum::Router, secret: &str) -> support::Reply {
    post(app, STRIPE, &signed(secret, EVENT), EVENT).await
}

#[tokio::test]
async fn a_signed_request_is_handed_on_once_with_its_raw_body_and_answered_200() {
    let (tx, received) = pipeline(Commit::Complete);
    let app = router(&stripe_and_originfd(), tx);

    let reply = post_event(&app, STRIPE_SECRET).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json, serde_json::json!({ "status": "accepted" }));
    drop(app);
    let received = received.await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].payload, EVENT.as_bytes());
    assert_eq!(&*received[0].position.topic, "stripe");
    assert_eq!(received[0].position.transport, Transport::Webhook);
    let position = &received[0].position;
    assert_eq!((position.partition, position.offset), (None, None));
}

#[tokio::test]
async fn the_answer_waits_until_the_pipeline_reports_the_commit() {
    let (tx, mut rx) = mpsc::channel(8);
    let app = router(&stripe_and_originfd(), tx);
    let headers = signed(STRIPE_SECRET, EVENT);
    let mut answer = tokio::spawn(async move { post(&app, STRIPE, &headers, EVENT).await });

    let envelope = rx.recv().await.unwrap();
    let early = tokio::time::timeout(Duration::from_millis(200), &mut answer).await;
    assert!(early.is_err(), "answered before the commit");

    support::complete(envelope);
    assert_eq!(answer.await.unwrap().status, StatusCode::OK);
}

#[tokio::test]
async fn requests_failing_the_signature_check_get_401_and_never_reach_the_pipeline() {
    let (tx, received) = pipeline(Commit::Complete);
    let app = router(&stripe_and_originfd(), tx);
    let forged = signed("whsec_someone_else_0123456789", EVENT);
    let garbled = vec![("stripe-signature", "v1=abc".to_owned())];
    let cases = [
        ("wrong secret", forged, "no_matching_signature"),
        ("stale", at(STRIPE_SECRET, now() - 301), "stale_timestamp"),
        ("future", at(STRIPE_SECRET, now() + 301), "stale_timestamp"),
        ("missing header", Vec::new(), "missing_header"),
        ("garbled header", garbled, "malformed_header"),
    ];

    for (case, headers, code) in cases {
        let reply = post(&app, STRIPE, &headers, EVENT).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{case}");
        assert_eq!(reply.json["error"]["code"], code, "{case}");
        assert!(reply.json["error"]["message"].is_string(), "{case}");
    }
    drop(app);
    assert!(received.await.unwrap().is_empty());
}

#[tokio::test]
async fn a_body_altered_after_signing_gets_401_and_never_reaches_the_pipeline() {
    let (tx, received) = pipeline(Commit::Complete);
    let app = router(&stripe_and_originfd(), tx);
    let altered = EVENT.replace("evt_1", "evt_2");

    let reply = post(&app, STRIPE, &signed(STRIPE_SECRET, EVENT), &altered).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json["error"]["code"], "no_matching_signature");
    drop(app);
    assert!(received.await.unwrap().is_empty());
}

/// Headers signing `EVENT` with `secret` at `timestamp`.
fn at(secret: &str, timestamp: i64) -> Vec<(&'static str, String)> {
    let header = sign(&Secret::new(secret), timestamp, EVENT.as_bytes());
    vec![("stripe-signature", header)]
}

#[tokio::test]
async fn during_a_rotation_either_secret_is_accepted() {
    let (tx, received) = pipeline(Commit::Complete);
    let app = router(&stripe_and_originfd(), tx);

    for secret in [STRIPE_SECRET, ROTATED_SECRET] {
        let reply = post_event(&app, secret).await;
        assert_eq!(reply.status, StatusCode::OK, "signed with {secret}");
    }
    drop(app);
    assert_eq!(received.await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_header_whose_second_signature_matches_is_accepted() {
    let (tx, _received) = pipeline(Commit::Complete);
    let app = router(&stripe_and_originfd(), tx);
    let t = now();
    let v1 = |secret: &str| {
        let header = sign(&Secret::new(secret), t, EVENT.as_bytes());
        header.split_once(",v1=").unwrap().1.to_owned()
    };
    let (retired, current) = (v1("whsec_retired_0123456789"), v1(STRIPE_SECRET));
    let header = format!("t={t},v1={retired},v1={current}");

    let reply = post(&app, STRIPE, &[("stripe-signature", header)], EVENT).await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn originfd_is_checked_against_its_own_header_and_secret() {
    let (tx, received) = pipeline(Commit::Complete);
    let app = router(&stripe_and_originfd(), tx);
    let signature = |secret: &str| sign(&Secret::new(secret), now(), EVENT.as_bytes());
    let with = |header: &'static str, value: String| [(header, value)];

    let own = with("x-originfd-signature", signature(ORIGINFD_SECRET));
    let reply = post(&app, ORIGINFD, &own, EVENT).await;
    assert_eq!(reply.status, StatusCode::OK);
    let stripes = with("stripe-signature", signature(ORIGINFD_SECRET));
    let reply = post(&app, ORIGINFD, &stripes, EVENT).await;
    assert_eq!(reply.json["error"]["code"], "missing_header");
    let stripe_secret = with("x-originfd-signature", signature(STRIPE_SECRET));
    let reply = post(&app, ORIGINFD, &stripe_secret, EVENT).await;
    assert_eq!(reply.json["error"]["code"], "no_matching_signature");

    drop(app);
    let received = received.await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(&*received[0].position.topic, "originfd");
}

#[tokio::test]
async fn unknown_sources_paths_and_methods_get_the_json_error_shape() {
    let (tx, received) = pipeline(Commit::Complete);
    let mut config = stripe_and_originfd();
    config.sources.remove("originfd");
    let app = router(&config, tx);
    let headers = signed(STRIPE_SECRET, EVENT);

    for path in ["/webhooks/paypal", ORIGINFD, "/webhooks/stripe/extra", "/"] {
        let reply = post(&app, path, &headers, EVENT).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(reply.json["error"]["code"], "unknown_source", "{path}");
    }
    let reply = support::get(&app, STRIPE).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.json["error"]["code"], "method_not_allowed");

    drop(app);
    assert!(received.await.unwrap().is_empty());
}

#[tokio::test]
async fn bodies_over_the_limit_get_413_whether_declared_or_streamed() {
    let (tx, received) = pipeline(Commit::Complete);
    let mut config = stripe_and_originfd();
    config.max_body_bytes = 1024;
    let app = router(&config, tx);
    let fits = "x".repeat(1024);
    let too_big = "x".repeat(1025);

    let reply = post(&app, STRIPE, &signed(STRIPE_SECRET, &fits), &fits).await;
    assert_eq!(reply.status, StatusCode::OK);
    // A declared length is refused before any byte is read, so this small
    // body claiming to be large never gets to its (valid) signature.
    let mut declared = signed(STRIPE_SECRET, "{}");
    declared.push(("content-length", "1025".into()));
    let streamed = signed(STRIPE_SECRET, &too_big);
    for (headers, body) in [(declared, "{}"), (streamed, too_big.as_str())] {
        let reply = post(&app, STRIPE, &headers, body).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(reply.json["error"]["code"], "body_too_large");
    }

    drop(app);
    assert_eq!(received.await.unwrap().len(), 1);
}

#[tokio::test]
async fn over_the_rate_limit_a_source_gets_429_with_retry_after_until_the_window_passes() {
    let (tx, _received) = pipeline(Commit::Complete);
    let mut config = stripe_and_originfd();
    let stripe = config.sources.get_mut("stripe").unwrap();
    (stripe.rate_limit_per_sec, stripe.rate_limit_burst) = (1, 2);
    let app = router(&config, tx);
    let send = || post_event(&app, STRIPE_SECRET);

    assert_eq!(send().await.status, StatusCode::OK);
    assert_eq!(send().await.status, StatusCode::OK);
    let limited = send().await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.retry_after.as_deref(), Some("1"));
    assert_eq!(limited.json["error"]["code"], "rate_limited");
    // Each source has a limit of its own.
    let other = post(&app, ORIGINFD, &originfd_signed(), EVENT).await;
    assert_eq!(other.status, StatusCode::OK);

    // Governor keeps real time, so the window is waited out for real.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(send().await.status, StatusCode::OK);
}

fn originfd_signed() -> Vec<(&'static str, String)> {
    let header = sign(&Secret::new(ORIGINFD_SECRET), now(), EVENT.as_bytes());
    vec![("x-originfd-signature", header)]
}

#[tokio::test]
async fn checks_run_path_then_size_then_rate_then_signature() {
    let (tx, _received) = pipeline(Commit::Complete);
    let mut config = stripe_and_originfd();
    config.max_body_bytes = 16;
    let stripe = config.sources.get_mut("stripe").unwrap();
    (stripe.rate_limit_per_sec, stripe.rate_limit_burst) = (1, 1);
    let app = router(&config, tx);
    let big = "x".repeat(17);

    let code = |reply: support::Reply| reply.json["error"]["code"].clone();
    let paypal = "/webhooks/paypal";
    assert_eq!(code(post(&app, paypal, &[], &big).await), "unknown_source");
    assert_eq!(code(post(&app, STRIPE, &[], &big).await), "body_too_large");
    assert_eq!(code(post(&app, STRIPE, &[], "{}").await), "missing_header");
    // That unsigned request spent the only token: the limit comes first.
    assert_eq!(code(post(&app, STRIPE, &[], "{}").await), "rate_limited");
}

#[tokio::test]
async fn a_dropped_acknowledgement_is_answered_503_with_retry_after() {
    let (tx, received) = pipeline(Commit::Drop);
    let app = router(&stripe_and_originfd(), tx);

    let reply = post_event(&app, STRIPE_SECRET).await;

    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.json["error"]["code"], "not_committed");
    assert_eq!(reply.retry_after.as_deref(), Some("5"));
    drop(app);
    assert_eq!(received.await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_closed_pipeline_is_answered_503() {
    let (tx, rx) = mpsc::channel(8);
    drop(rx);
    let app = router(&stripe_and_originfd(), tx);

    let reply = post_event(&app, STRIPE_SECRET).await;

    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.json["error"]["code"], "pipeline_closed");
    assert!(reply.retry_after.is_some());
}

#[tokio::test]
async fn a_commit_slower_than_the_response_timeout_is_answered_503() {
    let (tx, received) = pipeline(Commit::Hold);
    let mut config = stripe_and_originfd();
    // The shortest timeout allowed, waited out in real time: tokio's paused
    // clock needs its `test-util` feature, which this crate does not enable.
    config.response_timeout_ms = 1000;
    let app = router(&config, tx);
    let started = std::time::Instant::now();

    let reply = post_event(&app, STRIPE_SECRET).await;

    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.json["error"]["code"], "commit_timeout");
    assert!(started.elapsed() >= Duration::from_millis(1000));
    drop(app);
    assert_eq!(received.await.unwrap().len(), 1);
}

#[tokio::test]
async fn refusals_are_counted_by_source_and_reason() {
    install_recorder();
    let (tx, _received) = pipeline(Commit::Complete);
    let app = router(&stripe_and_originfd(), tx);
    // No other test sends originfd a malformed header, so the count is ours.
    let rejected = "nexzo_webhook_rejected_total{reason=malformed_header,source=originfd}";
    let answered = "nexzo_webhook_requests_total{source=originfd,status=401}";
    let before = (counter(rejected), counter(answered));

    let headers = [("x-originfd-signature", "t=soon".to_owned())];
    post(&app, ORIGINFD, &headers, EVENT).await;
    post(&app, ORIGINFD, &headers, EVENT).await;

    assert_eq!(counter(rejected), before.0 + 2);
    assert!(counter(answered) >= before.1 + 2);
}

#[tokio::test]
async fn shutdown_answers_the_request_in_flight_then_releases_the_pipeline() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (tx, mut rx) = mpsc::channel(8);
    let shutdown = CancellationToken::new();
    let config = stripe_and_originfd();
    let stop = shutdown.clone();
    let server = tokio::spawn(async move { serve_on(listener, &config, tx, stop).await });
    let headers = signed(STRIPE_SECRET, EVENT);
    let client = tokio::spawn(async move { raw_post(address, &headers, EVENT).await });

    let envelope = rx.recv().await.unwrap();
    shutdown.cancel();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!server.is_finished(), "stopped with a request in flight");

    support::complete(envelope);
    let response = client.await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let stopped = tokio::time::timeout(Duration::from_secs(10), server).await;
    stopped.unwrap().unwrap().unwrap();
    // Returning released the server's sender: the pipeline sees the end.
    assert!(rx.recv().await.is_none());
}

#[tokio::test]
async fn serve_refuses_a_bad_configuration_and_does_nothing_when_off() {
    let (tx, _rx) = mpsc::channel(8);
    let mut bad = stripe_and_originfd();
    bad.listen = Some("127.0.0.1:0".into());
    bad.sources.get_mut("stripe").unwrap().secrets.clear();

    let err = serve(bad, tx.clone(), CancellationToken::new()).await;
    let err = err.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    let message = err.to_string();
    assert!(
        message.contains("webhook.sources.stripe.secrets"),
        "{message}"
    );
    let off = WebhookConfig::default();
    serve(off, tx, CancellationToken::new()).await.unwrap();
}

#[test]
#[should_panic(expected = "invalid webhook configuration")]
fn the_router_refuses_a_configuration_with_problems() {
    let (tx, _rx) = mpsc::channel(1);
    let mut config = stripe_and_originfd();
    let stripe = config.sources["stripe"].clone();
    config.sources.insert("paypal".into(), stripe);
    let _ = router(&config, tx);
}

/// The stand-in pipeline, the senders' side of a request, and a metrics
/// recorder to read counters back.
mod support {
    use std::collections::HashMap;
    use std::fmt::Write as _;
    use std::net::SocketAddr;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, LazyLock, Mutex, Once};

    use axum::Router;
    use axum::body::{Body, to_bytes};
    use axum::http::{Method, Request, StatusCode, header};
    use bytes::Bytes;
    use chrono::Utc;
    use metrics::{
        Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit,
    };
    use nexzo_ingest::webhook::{WebhookConfig, WebhookSourceConfig, sign};
    use nexzo_ingest::{AckToken, Envelope};
    use nexzo_schemas::{Secret, SourcePosition};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;
    use tokio::sync::mpsc;
    use tokio::task::JoinHandle;
    use tower::ServiceExt;

    pub(crate) const STRIPE_SECRET: &str = "whsec_stripe_current_0123456789";
    pub(crate) const ROTATED_SECRET: &str = "whsec_stripe_next_0123456789";
    pub(crate) const ORIGINFD_SECRET: &str = "ofd_secret_0123456789abcdef";

    /// Stripe with two secrets (mid-rotation) and OriginFD with one, every
    /// other setting at its default.
    pub(crate) fn stripe_and_originfd() -> WebhookConfig {
        let source = |secrets: &[&str]| WebhookSourceConfig {
            secrets: secrets.iter().map(|s| Secret::new(*s)).collect(),
            ..WebhookSourceConfig::default()
        };
        let sources = [
            (
                "stripe".to_owned(),
                source(&[STRIPE_SECRET, ROTATED_SECRET]),
            ),
            ("originfd".to_owned(), source(&[ORIGINFD_SECRET])),
        ];
        WebhookConfig {
            sources: sources.into(),
            ..WebhookConfig::default()
        }
    }

    /// A `Stripe-Signature` header for `body`, signed now with `secret`.
    pub(crate) fn signed(secret: &str, body: &str) -> Vec<(&'static str, String)> {
        let now = Utc::now().timestamp();
        vec![(
            "stripe-signature",
            sign(&Secret::new(secret), now, body.as_bytes()),
        )]
    }

    /// What the stand-in pipeline does with each acknowledgement token.
    #[derive(Debug, Clone, Copy)]
    pub(crate) enum Commit {
        /// Reports the commit at once.
        Complete,
        /// Drops the token, as a pipeline shutting down would.
        Drop,
        /// Keeps the token until the channel closes.
        Hold,
    }

    /// An envelope as the pipeline saw it, without its token.
    #[derive(Debug)]
    pub(crate) struct Received {
        pub(crate) payload: Bytes,
        pub(crate) position: SourcePosition,
    }

    /// A pipeline that takes envelopes until every sender is gone, and then
    /// yields what it received.
    pub(crate) fn pipeline(commit: Commit) -> (mpsc::Sender<Envelope>, JoinHandle<Vec<Received>>) {
        let (tx, mut rx) = mpsc::channel::<Envelope>(16);
        let task = tokio::spawn(async move {
            let (mut received, mut held) = (Vec::new(), Vec::new());
            while let Some(envelope) = rx.recv().await {
                let Envelope {
                    payload,
                    position,
                    ack,
                    ..
                } = envelope;
                match commit {
                    Commit::Complete => complete_token(ack),
                    Commit::Drop => drop(ack),
                    Commit::Hold => held.push(ack),
                }
                received.push(Received { payload, position });
            }
            received
        });
        (tx, task)
    }

    pub(crate) fn complete(envelope: Envelope) {
        complete_token(envelope.ack);
    }

    fn complete_token(ack: AckToken) {
        let AckToken::Webhook(ack) = ack else {
            panic!("a webhook envelope carries {ack:?}");
        };
        ack.complete();
    }

    /// A response, read whole.
    #[derive(Debug)]
    pub(crate) struct Reply {
        pub(crate) status: StatusCode,
        pub(crate) retry_after: Option<String>,
        pub(crate) json: serde_json::Value,
    }

    pub(crate) async fn post(
        app: &Router,
        path: &str,
        headers: &[(&str, String)],
        body: &str,
    ) -> Reply {
        let mut request = Request::builder().method(Method::POST).uri(path);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        send(app, request.body(Body::from(body.to_owned())).unwrap()).await
    }

    pub(crate) async fn get(app: &Router, path: &str) -> Reply {
        send(app, Request::get(path).body(Body::empty()).unwrap()).await
    }

    async fn send(app: &Router, request: Request<Body>) -> Reply {
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let retry_after = response.headers().get(header::RETRY_AFTER);
        let retry_after = retry_after.map(|v| v.to_str().unwrap().to_owned());
        let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let json = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
        Reply {
            status,
            retry_after,
            json,
        }
    }

    /// Posts to the Stripe route over a real connection, written by hand so
    /// the test needs no HTTP client; returns the whole response.
    pub(crate) async fn raw_post(
        address: SocketAddr,
        headers: &[(&str, String)],
        body: &str,
    ) -> String {
        let mut request = String::from("POST /webhooks/stripe HTTP/1.1\r\n");
        write!(
            request,
            "host: {address}\r\ncontent-length: {}\r\n",
            body.len()
        )
        .unwrap();
        for (name, value) in headers {
            write!(request, "{name}: {value}\r\n").unwrap();
        }
        write!(request, "connection: close\r\n\r\n{body}").unwrap();

        let mut stream = TcpStream::connect(address).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.unwrap();
        response
    }

    /// Counter values by `name{label=value,...}`, labels sorted by name.
    static COUNTERS: LazyLock<Mutex<HashMap<String, Arc<AtomicU64>>>> =
        LazyLock::new(Mutex::default);

    struct CountingRecorder;

    impl Recorder for CountingRecorder {
        fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
        fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
        fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}

        fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
            let mut labels: Vec<String> = key
                .labels()
                .map(|l| format!("{}={}", l.key(), l.value()))
                .collect();
            labels.sort();
            let name = format!("{}{{{}}}", key.name(), labels.join(","));
            let mut counters = COUNTERS.lock().unwrap();
            Counter::from_arc(counters.entry(name).or_default().clone())
        }

        fn register_gauge(&self, _: &Key, _: &Metadata<'_>) -> Gauge {
            Gauge::noop()
        }

        fn register_histogram(&self, _: &Key, _: &Metadata<'_>) -> Histogram {
            Histogram::noop()
        }
    }

    /// Installs the counting recorder for this test process (once, however
    /// many tests ask).
    pub(crate) fn install_recorder() {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| metrics::set_global_recorder(CountingRecorder).unwrap());
    }

    pub(crate) fn counter(name: &str) -> u64 {
        let counters = COUNTERS.lock().unwrap();
        counters.get(name).map_or(0, |c| c.load(Ordering::Relaxed))
    }
}
