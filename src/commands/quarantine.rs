//! `quarantine list | summary | replay`.

use std::collections::BTreeMap;

use anyhow::Context;
use bytes::Bytes;
use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use nexzo_ingest::validate::Input;
use nexzo_ingest::{IngestRules, Outcome, Registry};
use nexzo_schemas::{SourcePosition, Transport};
use nexzo_storage::quarantine::{self, Filter, StoredEntry};
use tokio_postgres::Client;

use crate::cli::Selection;
use crate::config::Config;
use crate::pipeline::{Batch, Database, load_registry, write_durably};

/// Records replayed per transaction: big enough to amortise the commit,
/// small enough that progress shows and an interruption loses little work.
const REPLAY_PAGE: i64 = 500;

/// How many bytes of a raw payload `list` prints.
const RAW_PREVIEW_BYTES: usize = 120;

async fn connect(config: &Config) -> anyhow::Result<Client> {
    nexzo_storage::connect(config.database.url.expose())
        .await
        .context("connecting to the database")
}

fn filter(select: &Selection, include_replayed: bool) -> Filter {
    Filter {
        reason_code: select.reason.clone(),
        meter_id: select.meter.clone(),
        ids: (!select.ids.is_empty()).then(|| select.ids.clone()),
        include_replayed,
        after_id: 0,
        limit: select.limit,
    }
}

/// `quarantine list`.
///
/// # Errors
///
/// The database is unreachable.
pub async fn list(config: &Config, select: &Selection, all: bool) -> anyhow::Result<()> {
    let client = connect(config).await?;
    let entries = quarantine::list(&client, &filter(select, all)).await?;
    for e in &entries {
        let replayed = e
            .replayed_at
            .map(|t| format!(" replayed {}", t.to_rfc3339()))
            .unwrap_or_default();
        println!(
            "#{} {} {} topic={} item={} meter={}{}\n    {}\n    raw: {}",
            e.id,
            e.received_at.to_rfc3339(),
            e.reason_code,
            e.topic,
            e.item_index.map_or("-".into(), |i| i.to_string()),
            e.meter_id.as_deref().unwrap_or("-"),
            replayed,
            e.reason,
            preview(&e.raw),
        );
    }
    println!("{} record(s)", entries.len());
    Ok(())
}

fn preview(raw: &[u8]) -> String {
    let shown = String::from_utf8_lossy(&raw[..raw.len().min(RAW_PREVIEW_BYTES)]).into_owned();
    if raw.len() > RAW_PREVIEW_BYTES {
        format!("{shown}… ({} bytes)", raw.len())
    } else {
        shown
    }
}

/// `quarantine summary`.
///
/// # Errors
///
/// The database is unreachable.
pub async fn summary(config: &Config) -> anyhow::Result<()> {
    let client = connect(config).await?;
    let counts = quarantine::summary(&client).await?;
    println!(
        "{:<28} {:>10} {:>10}  {:<25} {:<25}",
        "reason", "total", "pending", "first", "last"
    );
    for c in &counts {
        println!(
            "{:<28} {:>10} {:>10}  {:<25} {:<25}",
            c.reason_code,
            c.total,
            c.pending,
            c.first_received.to_rfc3339(),
            c.last_received.to_rfc3339()
        );
    }
    Ok(())
}

/// What a replay achieved.
#[derive(Debug, Default)]
struct ReplayTally {
    replayed: u64,
    still_refused: BTreeMap<String, u64>,
}

/// `quarantine replay`: re-validates the selected records with today's
/// registry and rules; those that pass are stored through the same writer as
/// live traffic and marked replayed in the same transaction.
///
/// # Errors
///
/// The database is unreachable when starting.
pub async fn replay(config: &Config, select: &Selection, dry_run: bool) -> anyhow::Result<()> {
    let mut client = connect(config).await?;
    let (_, registry) = load_registry(&mut client)
        .await
        .context("loading the meter registry")?;
    let rules = config.ingest_rules();
    let mut page_filter = filter(select, false);
    let total = quarantine::count(&client, &page_filter)
        .await?
        .min(select.limit);

    let bar = ProgressBar::new(u64::try_from(total).unwrap_or(0));
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} records  {elapsed_precise}  eta {eta}")
            .context("progress bar template")?,
    );
    let mut db = Database::new(config.database.url.expose());
    let mut tally = ReplayTally::default();
    let mut remaining = select.limit;

    while remaining > 0 {
        page_filter.limit = remaining.min(REPLAY_PAGE);
        let page = quarantine::list(&client, &page_filter).await?;
        let Some(last) = page.last() else { break };
        page_filter.after_id = last.id;
        remaining -= i64::try_from(page.len()).unwrap_or(remaining);

        let batch = recheck(&page, &rules, &registry, &mut tally);
        if !dry_run && !batch.is_empty() {
            write_durably(&mut db, &batch, &config.writer).await;
        }
        bar.inc(page.len() as u64);
    }
    bar.finish_and_clear();
    report(&tally, dry_run);
    Ok(())
}

/// Decides on each stored record again; records that pass in full go into
/// the returned batch.
fn recheck(
    page: &[StoredEntry],
    rules: &IngestRules,
    registry: &Registry,
    tally: &mut ReplayTally,
) -> Batch {
    let mut batch = Batch::default();
    let mut outcomes = Vec::new();
    for entry in page {
        outcomes.clear();
        let payload = Bytes::from(entry.raw.clone());
        let position = SourcePosition {
            transport: Transport::parse(&entry.transport).unwrap_or(Transport::Replay),
            topic: entry.topic.as_str().into(),
            partition: entry.kafka_partition,
            offset: entry.kafka_offset,
        };
        let input = Input {
            payload: &payload,
            position: &position,
            item_index: entry.item_index.and_then(|i| u32::try_from(i).ok()),
            received_at: entry.received_at,
        };
        rules.check(input, registry, Utc::now(), &mut outcomes);

        if let Some(Outcome::Quarantined(refusal)) = outcomes
            .iter()
            .find(|o| matches!(o, Outcome::Quarantined(_)))
        {
            *tally
                .still_refused
                .entry(refusal.code.as_str().to_owned())
                .or_default() += 1;
            continue;
        }
        tally.replayed += 1;
        batch.replayed.push(entry.id);
        batch.add_message(outcomes.drain(..), nexzo_ingest::AckToken::None);
    }
    batch
}

fn report(tally: &ReplayTally, dry_run: bool) {
    let verb = if dry_run {
        "would be replayed"
    } else {
        "replayed"
    };
    println!("{} record(s) {verb}", tally.replayed);
    for (code, n) in &tally.still_refused {
        println!("{n} record(s) still refused: {code}");
    }
}
