//! The results: a table on stdout and the same figures as JSON.

use std::path::PathBuf;

use serde::Serialize;

use crate::outcome::RunOutcome;

/// Bytes in a mebibyte, for printing memory.
const MIB: f64 = 1024.0 * 1024.0;

/// The machine the figures were taken on.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Machine {
    pub(crate) cores: usize,
    pub(crate) memory_total_bytes: u64,
    pub(crate) date: String,
    /// 1-, 5- and 15-minute load averages when the bench started and ended:
    /// other work on the machine shows here.
    pub(crate) load_at_start: String,
    pub(crate) load_at_end: String,
}

impl Machine {
    pub(crate) fn now() -> Machine {
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory_total_kb = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or(0);
        Machine {
            cores: std::thread::available_parallelism().map_or(0, usize::from),
            memory_total_bytes: memory_total_kb * 1024,
            date: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            load_at_start: load_average(),
            load_at_end: String::new(),
        }
    }
}

/// The first three fields of /proc/loadavg.
pub(crate) fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// One shape's rate against its two ceilings.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Ratio {
    pub(crate) shape: String,
    pub(crate) pipeline_per_second: f64,
    pub(crate) transport_ceiling_per_second: f64,
    pub(crate) copy_ceiling_per_second: f64,
    /// The pipeline's rate over the slower of the two ceilings.
    pub(crate) ratio_to_slower_ceiling: f64,
}

impl Ratio {
    pub(crate) fn new(shape: &str, pipeline: f64, transport: f64, copy: f64) -> Ratio {
        Ratio {
            shape: shape.to_owned(),
            pipeline_per_second: pipeline,
            transport_ceiling_per_second: transport,
            copy_ceiling_per_second: copy,
            ratio_to_slower_ceiling: pipeline / transport.min(copy),
        }
    }
}

/// Everything one bench run measured.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Report {
    pub(crate) machine: Machine,
    /// N, the readings of each throughput run (NEXZO_BENCH_READINGS).
    pub(crate) readings: usize,
    pub(crate) latency_method: &'static str,
    pub(crate) runs: Vec<RunOutcome>,
    pub(crate) ratios: Vec<Ratio>,
}

impl Report {
    /// Prints the tables to stdout.
    pub(crate) fn print(&self) {
        let m = &self.machine;
        #[allow(clippy::cast_precision_loss)]
        let memory_gib = m.memory_total_bytes as f64 / MIB / 1024.0;
        println!(
            "\n{} | {} cores, {memory_gib:.1} GiB | load {} -> {} | N = {}",
            m.date, m.cores, m.load_at_start, m.load_at_end, self.readings
        );
        println!("latency: {}\n", self.latency_method);
        print_runs(&self.runs);
        println!();
        print_ratios(&self.ratios);
        println!();
        for run in &self.runs {
            print_delivery(run);
        }
    }

    /// Writes the JSON report and returns its path.
    pub(crate) fn write_json(&self) -> PathBuf {
        let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
            PathBuf::from,
        );
        let path = target.join("bench").join("e2e.json");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text = serde_json::to_string_pretty(self).unwrap();
        std::fs::write(&path, text + "\n").unwrap();
        path
    }
}

fn print_runs(runs: &[RunOutcome]) {
    println!(
        "{:<42} {:>8} {:>8} {:>10} {:>9} {:>9} {:>9} {:>9}",
        "run", "readings", "seconds", "readings/s", "p50 ms", "p99 ms", "p999 ms", "RSS MiB"
    );
    for run in runs {
        let cell = |f: fn(&crate::latency::Latency) -> f64| {
            run.latency
                .as_ref()
                .map_or_else(|| "-".to_owned(), |l| format!("{:.1}", f(l)))
        };
        #[allow(clippy::cast_precision_loss)]
        let rss = run.peak_rss_bytes as f64 / MIB;
        println!(
            "{:<42} {:>8} {:>8.2} {:>10.0} {:>9} {:>9} {:>9} {:>9.1}",
            run.name,
            run.readings,
            run.seconds,
            run.readings_per_second,
            cell(|l| l.p50_ms),
            cell(|l| l.p99_ms),
            cell(|l| l.p999_ms),
            rss
        );
    }
}

fn print_ratios(ratios: &[Ratio]) {
    println!(
        "{:<24} {:>12} {:>18} {:>14} {:>16}",
        "shape", "pipeline/s", "transport ceiling/s", "COPY ceiling/s", "ratio to slower"
    );
    for r in ratios {
        println!(
            "{:<24} {:>12.0} {:>18.0} {:>14.0} {:>16.2}",
            r.shape,
            r.pipeline_per_second,
            r.transport_ceiling_per_second,
            r.copy_ceiling_per_second,
            r.ratio_to_slower_ceiling
        );
    }
}

fn print_delivery(run: &RunOutcome) {
    let d = &run.delivery;
    let verdict = if d.exactly_once {
        "every reading exactly once"
    } else {
        "NOT exactly once"
    };
    let mut line = format!(
        "{}: {} rows for {} readings, {verdict}, {} quarantined",
        run.name, d.rows, run.readings, d.quarantined
    );
    if let Some(b) = &run.backpressure {
        #[allow(clippy::cast_precision_loss)]
        let at_thaw = b.peak_rss_at_thaw_bytes as f64 / MIB;
        line.push_str(&format!(
            "; database frozen {:.0} s, peak RSS {at_thaw:.1} MiB at the thaw, \
             caught up {:.1} s after it",
            b.frozen_seconds, b.caught_up_seconds
        ));
    }
    let b = &run.batches;
    line.push_str(&format!(
        "; {} commits of {:.0} rows taking {:.0} ms on average (max {} ms)",
        b.commits, b.mean_rows, b.mean_commit_ms, b.max_commit_ms
    ));
    if let Some(published) = run.published_seconds {
        #[allow(clippy::cast_precision_loss)]
        let taken = run.readings as f64 / published;
        let offered = run.offered_per_second.map_or_else(
            || "as fast as acknowledged".to_owned(),
            |r| format!("offered {r:.0}/s"),
        );
        line.push_str(&format!("; {offered}, the broker took {taken:.0}/s"));
    }
    if let Some(l) = &run.latency {
        line.push_str(&format!(
            "; latency resolution: poll every {:.1} ms on average",
            l.poll_interval_mean_ms
        ));
    }
    println!("{line}");
}
