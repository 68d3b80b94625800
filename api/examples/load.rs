//! Load client: p50/p99 latency of the 30-day hourly usage query of one
//! property under concurrent load, against the real TimescaleDB.
//!
//! It creates a database of its own on the server behind `--database-url`
//! (default: `NEXZO_TEST_DATABASE_URL`), migrates it, registers
//! `--properties` properties of `--meters-per-property` meters with hourly
//! and daily rollups for `--days` days, serves the API in this process on
//! a loopback port, and sends `--requests` requests from `--concurrency`
//! workers, each asking one property's last 30 days in hourly buckets.
//! The database is dropped at the end unless `--keep-database`.
//!
//! ```sh
//! eval "$(deploy/local/services.sh env)"
//! cargo run --release -p nexzo-api --example load -- --concurrency 16 --requests 4000
//! ```
//!
//! Client, API and database share the machine, so the figures are an upper
//! bound on what the API adds on its own.

// A command-line tool's report is its standard output.
#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use hdrhistogram::Histogram;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use nexzo_api::config::{JwtConfig, JwtKeyConfig};
use nexzo_api::{ApiConfig, AppState, TenantFilter};
use nexzo_schemas::Secret;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// The secret of the run's own HS256 key, never used elsewhere.
const LOAD_SECRET: &str = "load-test-only-secret-0123456789abcdef";

#[derive(Debug, Parser)]
struct Args {
    #[arg(
        long,
        env = "NEXZO_TEST_DATABASE_URL",
        default_value = "postgres://nexzo:nexzo-local@127.0.0.1:55432/nexzo"
    )]
    database_url: String,
    #[arg(long, default_value_t = 100)]
    properties: u32,
    #[arg(long, default_value_t = 10)]
    meters_per_property: u32,
    /// Days of rollups stored per meter.
    #[arg(long, default_value_t = 90)]
    days: u32,
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    #[arg(long, default_value_t = 4000)]
    requests: usize,
    #[arg(long)]
    keep_database: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let (url, name) = create_database(&args).await?;
    let outcome = run(&args, &url).await;
    if !args.keep_database {
        drop_database(&args.database_url, &name).await?;
    }
    outcome
}

async fn run(args: &Args, url: &str) -> anyhow::Result<()> {
    let seeded = Instant::now();
    seed(url, args).await?;
    println!(
        "seeded {} meters x {} days in {:.1?}",
        args.properties * args.meters_per_property,
        args.days,
        seeded.elapsed()
    );

    let config = config(args.concurrency);
    let pool = nexzo_api::connection_pool(url, &config)?;
    let state = AppState::new(config, pool, None, TenantFilter::SqlAndRowSecurity)?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(nexzo_api::serve_on(listener, state, shutdown.clone()));

    let result = load(args, &base).await;
    shutdown.cancel();
    server.await??;
    result
}

/// Sends the requests and prints the latency distribution.
async fn load(args: &Args, base: &str) -> anyhow::Result<()> {
    let to = chrono::Utc::now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .context("midnight")?
        .and_utc();
    let from = to - chrono::Duration::days(30);
    let url = format!(
        "{base}/v1/usage/properties/p-0000?width=1h&from={}&to={}",
        from.format("%Y-%m-%dT%H:%M:%SZ"),
        to.format("%Y-%m-%dT%H:%M:%SZ")
    );
    let token = landlord_token()?;
    let http = reqwest::Client::new();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));

    let started = Instant::now();
    let workers: Vec<_> = (0..args.concurrency)
        .map(|_| {
            tokio::spawn(worker(
                http.clone(),
                url.clone(),
                token.clone(),
                next.clone(),
                args.requests,
            ))
        })
        .collect();
    let mut histogram = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    for worker in workers {
        histogram.add(worker.await??)?;
    }
    let elapsed = started.elapsed();

    let ms = |q: f64| histogram.value_at_quantile(q) as f64 / 1000.0;
    println!(
        "{} requests, concurrency {}, {:.0} req/s: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        histogram.len(),
        args.concurrency,
        histogram.len() as f64 / elapsed.as_secs_f64(),
        ms(0.5),
        ms(0.9),
        ms(0.99),
        histogram.max() as f64 / 1000.0
    );
    Ok(())
}

/// Takes request numbers until all are taken; returns its latencies in µs.
async fn worker(
    http: reqwest::Client,
    url: String,
    token: String,
    next: Arc<std::sync::atomic::AtomicUsize>,
    total: usize,
) -> anyhow::Result<Histogram<u64>> {
    let mut histogram = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < total {
        let sent = Instant::now();
        let response = http.get(&url).bearer_auth(&token).send().await?;
        let status = response.status();
        let body: serde_json::Value = response.json().await?;
        let micros = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
        let buckets = body["buckets"].as_array().map_or(0, Vec::len);
        if !status.is_success() || buckets != 720 {
            bail!("unexpected answer: {status}, {buckets} buckets: {body}");
        }
        histogram.record(micros.max(1))?;
    }
    Ok(histogram)
}

fn config(concurrency: usize) -> ApiConfig {
    ApiConfig {
        jwt: JwtConfig {
            issuer: "load".into(),
            keys: vec![JwtKeyConfig {
                id: "load".into(),
                algorithm: "HS256".into(),
                secret: Some(Secret::new(LOAD_SECRET)),
                public_key_pem: None,
            }],
            ..JwtConfig::default()
        },
        // One credential and one address make all the load: the limits
        // would otherwise measure themselves.
        rate_limit_per_key_per_sec: 1_000_000,
        rate_limit_per_key_burst: 1_000_000,
        rate_limit_per_address_per_sec: 1_000_000,
        rate_limit_per_address_burst: 1_000_000,
        pool_size: concurrency,
        ..ApiConfig::default()
    }
}

fn landlord_token() -> anyhow::Result<String> {
    let now = chrono::Utc::now().timestamp();
    let claims = serde_json::json!({
        "sub": "load-landlord", "tenant_id": "t-load", "role": "landlord",
        "properties": ["p-0000"], "iss": "load", "aud": "nexzo-portal-api",
        "nbf": now - 60, "exp": now + 3600,
    });
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("load".into());
    Ok(jsonwebtoken::encode(
        &header,
        &claims,
        &EncodingKey::from_secret(LOAD_SECRET.as_bytes()),
    )?)
}

async fn create_database(args: &Args) -> anyhow::Result<(String, String)> {
    let name = format!("nexzo_load_api_{}", std::process::id());
    let admin = nexzo_storage::connect(&args.database_url).await?;
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await?;
    let (prefix, _) = args
        .database_url
        .rsplit_once('/')
        .context("url ends in /dbname")?;
    let url = format!("{prefix}/{name}");
    let mut client = nexzo_storage::connect(&url).await?;
    nexzo_storage::migrate::run(&mut client).await?;
    Ok((url, name))
}

/// Drops the run's database once the pool's connections have closed
/// (TimescaleDB's own scheduler in it does not count: it stops with it).
async fn drop_database(base: &str, name: &str) -> anyhow::Result<()> {
    let admin = nexzo_storage::connect(base).await?;
    let sql = format!("DROP DATABASE IF EXISTS {name}");
    for _ in 0..50 {
        if admin.batch_execute(&sql).await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    admin
        .batch_execute(&sql)
        .await
        .context("dropping the load database")
}

/// Meters spread over properties of one tenant, hourly and daily rollups
/// for every meter up to today's midnight (UTC), then fresh statistics.
async fn seed(url: &str, args: &Args) -> anyhow::Result<()> {
    let client = nexzo_storage::connect(url).await?;
    let meters = i64::from(args.properties * args.meters_per_property);
    let per_property = i64::from(args.meters_per_property);
    let days = i32::try_from(args.days)?;
    client
        .execute(
            "INSERT INTO meters (meter_id, tenant_id, property_id, time_zone)
             SELECT format('m-%s', n), 't-load', format('p-%s', lpad((n / $2::bigint)::text, 4, '0')), 'UTC'
             FROM generate_series(0, $1::bigint - 1) n",
            &[&meters, &per_property],
        )
        .await?;
    for (width, step) in [("1h", "1 hour"), ("1d", "1 day")] {
        client
            .execute(
                "INSERT INTO energy_rollups (tenant_id, property_id, meter_id, width, bucket_start,
                                             bucket_end, energy_wh, estimated, is_final)
                 SELECT tenant_id, property_id, meter_id, $1, s, s + $2::text::interval,
                        (random() * 500)::bigint, false, true
                 FROM meters, generate_series(date_trunc('day', now()) - make_interval(days => $3),
                                              date_trunc('day', now()) - $2::text::interval,
                                              $2::text::interval) s",
                &[&width, &step, &days],
            )
            .await?;
    }
    client.batch_execute("ANALYZE").await?;
    Ok(())
}
