//! What one pipeline run measured, and the checks that make its figures
//! trustworthy: every reading landed exactly once, nothing quarantined.

use std::time::Instant;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::latency::Latency;
use crate::support::TestDb;
use crate::workload::Clock;

/// One pipeline run's figures.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RunOutcome {
    pub(crate) name: String,
    pub(crate) readings: usize,
    pub(crate) messages: usize,
    /// The publish rate asked for, when the run was paced.
    pub(crate) offered_per_second: Option<f64>,
    /// First publish (or partition assignment, for a backlog) to the last
    /// reading visible in the table.
    pub(crate) seconds: f64,
    pub(crate) readings_per_second: f64,
    /// First send to the broker's last acknowledgement to the publisher
    /// (not the pipeline's): whether the publisher kept the offered pace.
    /// Not measured for a backlog, which is produced before the run.
    pub(crate) published_seconds: Option<f64>,
    pub(crate) latency: Option<Latency>,
    /// The pipeline process's VmHWM at the end of the run.
    pub(crate) peak_rss_bytes: u64,
    pub(crate) delivery: Delivery,
    pub(crate) batches: Batches,
    /// Only for the run with a frozen database.
    pub(crate) backpressure: Option<Backpressure>,
}

impl RunOutcome {
    /// The figures of a run that started at `started` and whose last
    /// reading became visible at `finished`.
    pub(crate) fn new(
        name: &str,
        readings: usize,
        messages: usize,
        span: (Instant, Instant),
    ) -> Self {
        let seconds = span.1.duration_since(span.0).as_secs_f64();
        #[allow(clippy::cast_precision_loss)]
        let readings_per_second = readings as f64 / seconds;
        RunOutcome {
            name: name.to_owned(),
            readings,
            messages,
            offered_per_second: None,
            seconds,
            readings_per_second,
            published_seconds: None,
            latency: None,
            peak_rss_bytes: 0,
            delivery: Delivery::default(),
            batches: Batches::default(),
            backpressure: None,
        }
    }
}

/// The database frozen mid-run.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Backpressure {
    pub(crate) frozen_seconds: f64,
    /// VmHWM just before the thaw: the memory the backlog cost while
    /// nothing could be written (the run's `peak_rss_bytes` also covers
    /// catching up).
    pub(crate) peak_rss_at_thaw_bytes: u64,
    /// From the thaw to the last reading visible.
    pub(crate) caught_up_seconds: f64,
}

/// What the table holds after a run.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Delivery {
    pub(crate) rows: i64,
    pub(crate) distinct_timestamps: i64,
    pub(crate) quarantined: i64,
    /// Every publish index `0..readings` stored once and nothing else: the
    /// row count, the distinct timestamps and the span of timestamps all
    /// equal the number of readings sent (timestamps are unique per
    /// reading by construction).
    pub(crate) exactly_once: bool,
}

impl Delivery {
    pub(crate) async fn check(db: &TestDb, clock: Clock, readings: usize) -> Delivery {
        let client = db.client().await;
        let row = client
            .query_one(
                "SELECT count(*), count(DISTINCT ts), min(ts), max(ts) FROM readings",
                &[],
            )
            .await
            .unwrap();
        let (rows, distinct): (i64, i64) = (row.get(0), row.get(1));
        let first: Option<DateTime<Utc>> = row.get(2);
        let last: Option<DateTime<Utc>> = row.get(3);
        let quarantined = db.count("SELECT count(*) FROM quarantine").await;

        let expected = i64::try_from(readings).unwrap();
        let exactly_once = rows == expected
            && distinct == expected
            && first == Some(clock.ts(0))
            && last == Some(clock.ts(readings - 1));
        Delivery {
            rows,
            distinct_timestamps: distinct,
            quarantined,
            exactly_once,
        }
    }
}

/// The writer's commits during a run, from the pipeline's debug log: how
/// the pipeline batched the load it was given.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Batches {
    pub(crate) commits: u64,
    pub(crate) mean_rows: f64,
    pub(crate) mean_commit_ms: f64,
    pub(crate) max_commit_ms: u64,
}

impl Batches {
    /// Reads the `batch committed` lines of a pipeline's JSON log.
    pub(crate) fn from_log(lines: &[String]) -> Batches {
        let (mut commits, mut rows, mut total_ms, mut max_commit_ms) = (0u64, 0u64, 0u64, 0u64);
        for line in lines.iter().filter(|l| l.contains("batch committed")) {
            let Ok(event) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            // u128 fields (milliseconds from `as_millis`) arrive as strings.
            let field = |name: &str| {
                let value = event.get(name)?;
                value.as_u64().or_else(|| value.as_str()?.parse().ok())
            };
            let elapsed = field("elapsed_ms").unwrap_or(0);
            commits += 1;
            rows += field("inserted").unwrap_or(0) + field("duplicates").unwrap_or(0);
            total_ms += elapsed;
            max_commit_ms = max_commit_ms.max(elapsed);
        }
        #[allow(clippy::cast_precision_loss)] // counts far below 2^52
        let mean = |sum: u64| sum as f64 / commits.max(1) as f64;
        Batches {
            commits,
            mean_rows: mean(rows),
            mean_commit_ms: mean(total_ms),
            max_commit_ms,
        }
    }
}

/// The peak resident memory (VmHWM) of process `pid`, in bytes.
pub(crate) fn peak_rss_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}
