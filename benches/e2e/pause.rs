//! Freezing a whole PostgreSQL cluster: every process of it stopped with
//! SIGSTOP, so connections stay open and queries simply hang, which is how
//! an overloaded or stalled database looks to its clients (unlike a
//! shutdown, which refuses them at once).

use std::path::{Path, PathBuf};
use std::process::Command;

/// A frozen cluster; dropping it (also while a panic unwinds) thaws it.
#[derive(Debug)]
pub(crate) struct Frozen {
    pids: Vec<u32>,
}

impl Frozen {
    /// Stops the postmaster of the cluster in `pgdata` first, so that it
    /// forks nothing new, then every process below it.
    pub(crate) fn freeze(pgdata: &Path) -> Frozen {
        let postmaster = postmaster_pid(pgdata);
        signal("STOP", &[postmaster]);
        let mut pids = vec![postmaster];
        let descendants = descendants(postmaster);
        signal("STOP", &descendants);
        pids.extend(descendants);
        eprintln!(
            "e2e: froze {} postgres processes; if this bench dies now, run: kill -CONT {}",
            pids.len(),
            join(&pids)
        );
        Frozen { pids }
    }

    /// Resumes every process that was stopped.
    pub(crate) fn thaw(self) {
        drop(self);
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        signal("CONT", &self.pids);
    }
}

/// The chaos cluster's data directory, from the environment the project's
/// services script sets.
pub(crate) fn chaos_pgdata() -> PathBuf {
    std::env::var_os("NEXZO_TEST_CHAOS_PGDATA")
        .map(PathBuf::from)
        .expect("NEXZO_TEST_CHAOS_PGDATA: run eval \"$(bash deploy/local/services.sh env)\"")
}

/// The postmaster's pid: the first line of `postmaster.pid`.
fn postmaster_pid(pgdata: &Path) -> u32 {
    let file = pgdata.join("postmaster.pid");
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
    text.lines()
        .next()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("{} does not start with a pid", file.display()))
}

/// Every process below `pid`, children first found, by `pgrep -P`.
fn descendants(pid: u32) -> Vec<u32> {
    let mut found = Vec::new();
    let mut frontier = vec![pid];
    while let Some(parent) = frontier.pop() {
        let output = Command::new("pgrep")
            .args(["-P", &parent.to_string()])
            .output()
            .expect("run pgrep");
        let children: Vec<u32> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect();
        frontier.extend(&children);
        found.extend(children);
    }
    found
}

/// Sends `SIG<name>` to `pids` with kill(1). A process that exited in the
/// meantime (a backend closing) makes kill report failure; that is fine.
fn signal(name: &str, pids: &[u32]) {
    if pids.is_empty() {
        return;
    }
    let _ = Command::new("kill")
        .arg(format!("-{name}"))
        .args(pids.iter().map(u32::to_string))
        .status();
}

fn join(pids: &[u32]) -> String {
    pids.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}
