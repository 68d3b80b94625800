//! Publish-to-commit latency: when each message left, and when the table
//! first showed the readings it carried.
//!
//! One publisher and an in-order pipeline (one source connection or one
//! partition, one writer committing batch after batch) commit readings in
//! publish order. So when `SELECT max(ts) FROM readings` returns the
//! timestamp of reading `k`, every reading up to `k` is committed; each of
//! them is stamped with that poll's instant. The poll's instant is taken
//! when its answer arrives, so every latency is an upper bound, late by at
//! most one poll interval plus one query round trip: that is the method's
//! resolution, reported with the figures.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use hdrhistogram::Histogram;
use serde::Serialize;

use crate::support::PATIENCE;
use crate::workload::Clock;

/// How often the table is asked for its newest reading. Each poll is an
/// index-only lookup of the newest chunk; 2 ms keeps the resolution well
/// below a writer batch's linger (20 ms) at the cost of ~500 queries/s.
const POLL_INTERVAL: Duration = Duration::from_millis(2);

/// Largest latency the histogram holds, in microseconds (one hour): far
/// beyond any run, so no value is clamped.
const HISTOGRAM_MAX_US: u64 = 3_600_000_000;

/// Significant figures the histogram keeps: 0.1 % relative error.
const HISTOGRAM_SIGFIGS: u8 = 3;

/// The instant each message of a run went out, by message index.
#[derive(Debug)]
pub(crate) struct SendLog {
    origin: Instant,
    /// Nanoseconds after `origin`, plus one; zero while unsent.
    sent: Vec<AtomicU64>,
}

impl SendLog {
    pub(crate) fn new(messages: usize) -> Arc<SendLog> {
        let sent = (0..messages).map(|_| AtomicU64::new(0)).collect();
        Arc::new(SendLog {
            origin: Instant::now(),
            sent,
        })
    }

    /// Notes that message `index` left now.
    pub(crate) fn mark(&self, index: usize) {
        let nanos = u64::try_from(self.origin.elapsed().as_nanos()).unwrap();
        self.sent[index].store(nanos + 1, Ordering::Release);
    }

    /// When message `index` left, if it has.
    pub(crate) fn get(&self, index: usize) -> Option<Instant> {
        match self.sent.get(index)?.load(Ordering::Acquire) {
            0 => None,
            nanos => Some(self.origin + Duration::from_nanos(nanos - 1)),
        }
    }
}

/// Spaces sends evenly at a fixed rate from the moment it is made.
#[derive(Debug)]
pub(crate) struct Pacer {
    start: tokio::time::Instant,
    per_second: f64,
}

impl Pacer {
    pub(crate) fn new(per_second: f64) -> Pacer {
        Pacer {
            start: tokio::time::Instant::now(),
            per_second,
        }
    }

    /// Waits until send number `index` is due. The timer's 1 ms granularity
    /// makes sends leave in small bursts of about `per_second / 1000`.
    pub(crate) async fn wait_for(&self, index: usize) {
        #[allow(clippy::cast_precision_loss)] // send counts are far below 2^52
        let due = self.start + Duration::from_secs_f64(index as f64 / self.per_second);
        tokio::time::sleep_until(due).await;
    }
}

/// What watching the table saw.
#[derive(Debug)]
pub(crate) struct Watched {
    /// When the last reading became visible.
    pub(crate) finished: Instant,
    pub(crate) latency: Latency,
}

/// Latency percentiles of one run, in milliseconds.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Latency {
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) p999_ms: f64,
    pub(crate) max_ms: f64,
    pub(crate) samples: u64,
    /// The mean time between polls: the method's resolution, together with
    /// one query round trip.
    pub(crate) poll_interval_mean_ms: f64,
}

/// Polls `db_url` until reading `readings - 1` is visible, recording each
/// reading's latency against the send of the message that carried it.
pub(crate) async fn watch(
    db_url: String,
    clock: Clock,
    readings: usize,
    per_message: usize,
    sends: Arc<SendLog>,
) -> Watched {
    let client = nexzo_storage::connect(&db_url).await.unwrap();
    let mut histogram =
        Histogram::<u64>::new_with_bounds(1, HISTOGRAM_MAX_US, HISTOGRAM_SIGFIGS).unwrap();
    let mut ticks = tokio::time::interval(POLL_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let (started, mut polls, mut next, mut progressed) = (Instant::now(), 0u64, 0, Instant::now());

    while next < readings {
        ticks.tick().await;
        let row = client
            .query_one("SELECT max(ts) FROM readings", &[])
            .await
            .unwrap();
        let (seen, newest) = (Instant::now(), row.get::<_, Option<DateTime<Utc>>>(0));
        polls += 1;

        let Some(newest) = newest.map(|ts| clock.index(ts)) else {
            continue;
        };
        while next <= newest && next < readings {
            let sent = sends
                .get(next / per_message)
                .expect("a committed reading was sent");
            let micros = u64::try_from(seen.duration_since(sent).as_micros()).unwrap();
            histogram.record(micros.max(1)).unwrap();
            (next, progressed) = (next + 1, seen);
        }
        assert!(
            progressed.elapsed() < PATIENCE,
            "no reading committed for {PATIENCE:?}; {next} of {readings} seen"
        );
    }
    let finished = Instant::now();
    let latency = summarise(&histogram, finished - started, polls);
    Watched { finished, latency }
}

fn summarise(histogram: &Histogram<u64>, watched: Duration, polls: u64) -> Latency {
    #[allow(clippy::cast_precision_loss)] // microsecond counts below an hour
    let ms = |q: f64| histogram.value_at_quantile(q) as f64 / 1000.0;
    #[allow(clippy::cast_precision_loss)]
    let poll_interval_mean_ms = watched.as_secs_f64() * 1000.0 / polls.max(1) as f64;
    Latency {
        p50_ms: ms(0.5),
        p99_ms: ms(0.99),
        p999_ms: ms(0.999),
        max_ms: ms(1.0),
        samples: histogram.len(),
        poll_interval_mean_ms,
    }
}
