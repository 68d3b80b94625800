//! Alerts against labels: which incidents were caught, which alerts were
//! about nothing.
//!
//! An alert episode catches an incident when their spans overlap, the
//! incident's span extended by one interval (an episode opened by the row
//! just after a short incident is still about it). This is the backtest's
//! `alert` column read as episodes: a judge that labels windows and counts
//! a window as found when any flagged row falls in it sees the same.

use std::collections::BTreeMap;

use chrono::TimeDelta;

use super::{Incident, Window};
use crate::alert::AlertKind;
use crate::backtest::usage::EpisodeSpan;

/// The kinds a value anomaly can be reported as; missing data and a
/// reversed register are told to the detector, not found in values.
pub(crate) const VALUE_KINDS: [AlertKind; 5] = [
    AlertKind::UsageSpike,
    AlertKind::UsageDrop,
    AlertKind::UsageLevelShift,
    AlertKind::UsageFlatline,
    AlertKind::UsageOffHours,
];

/// True positives, false positives and false negatives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) tp: u32,
    pub(crate) fp: u32,
    pub(crate) fn_: u32,
}

/// Counts over all series.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tally {
    /// Per alert kind, strict: an incident counts only when an episode of
    /// its own kind overlaps it; an episode is false only when it overlaps
    /// no incident of any kind.
    pub(crate) per_kind: BTreeMap<AlertKind, Counts>,
    /// Value anomalies of any kind against value episodes of any kind.
    pub(crate) any: Counts,
    /// Value episodes on a benign look-alike day and on no incident.
    pub(crate) benign_alerts: u32,
}

impl Tally {
    /// Adds one series' incidents, benign days and episodes.
    pub(crate) fn add(
        &mut self,
        incidents: &[Incident],
        benign: &[Window],
        episodes: &[EpisodeSpan],
        step: TimeDelta,
    ) {
        let overlaps = |episode: &EpisodeSpan, window: &Window| {
            episode.from <= window.to + step && episode.to >= window.from
        };
        for incident in incidents {
            let counts = self.per_kind.entry(incident.kind).or_default();
            let caught = episodes
                .iter()
                .any(|e| e.kind == incident.kind && overlaps(e, &incident.window));
            if caught {
                counts.tp += 1
            } else {
                counts.fn_ += 1
            }
        }
        for episode in episodes {
            if !incidents.iter().any(|i| overlaps(episode, &i.window)) {
                self.per_kind.entry(episode.kind).or_default().fp += 1;
            }
        }

        let is_value = |kind: AlertKind| VALUE_KINDS.contains(&kind);
        let value_incidents: Vec<&Incident> =
            incidents.iter().filter(|i| is_value(i.kind)).collect();
        let value_episodes: Vec<&EpisodeSpan> =
            episodes.iter().filter(|e| is_value(e.kind)).collect();
        for incident in &value_incidents {
            if value_episodes.iter().any(|e| overlaps(e, &incident.window)) {
                self.any.tp += 1;
            } else {
                self.any.fn_ += 1;
            }
        }
        for episode in &value_episodes {
            if !value_incidents.iter().any(|i| overlaps(episode, &i.window)) {
                self.any.fp += 1;
                if benign.iter().any(|w| overlaps(episode, w)) {
                    self.benign_alerts += 1;
                }
            }
        }
    }
}
