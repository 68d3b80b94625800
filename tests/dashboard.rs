//! The Grafana dashboard in `deploy/grafana/` stays true to the code: every
//! metric it charts is one the pipeline emits, and every SQL panel runs
//! against the current schema.

#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

mod support;

use std::path::Path;

use support::{TestDb, database_url};

const DASHBOARD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/deploy/grafana/nexzo-pipeline.json"
);

/// Where metric names are written, as string literals.
const SOURCES: [&str; 2] = ["src", "ingest/src"];

fn panels() -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(DASHBOARD).unwrap();
    let dashboard: serde_json::Value = serde_json::from_str(&text).unwrap();
    dashboard["panels"].as_array().unwrap().clone()
}

fn targets(key: &str) -> Vec<String> {
    panels()
        .iter()
        .flat_map(|p| p["targets"].as_array().unwrap().clone())
        .filter_map(|t| t[key].as_str().map(str::to_owned))
        .collect()
}

/// `nexzo_…` names in a PromQL expression, without histogram suffixes.
fn metric_names(expr: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = expr;
    while let Some(at) = rest.find("nexzo_") {
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        let name = &tail[..end];
        let base = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| name.strip_suffix(s))
            .unwrap_or(name);
        names.push(base.to_owned());
        rest = &tail[end..];
    }
    names
}

fn all_source() -> String {
    let mut text = String::new();
    for dir in SOURCES {
        collect(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut text);
    }
    text
}

fn collect(dir: &Path, into: &mut String) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
}

#[test]
fn every_metric_the_dashboard_charts_is_emitted_by_the_pipeline() {
    let source = all_source();
    let exprs = targets("expr");
    assert!(exprs.len() > 10, "the dashboard lost its metric panels");
    for expr in exprs {
        for name in metric_names(&expr) {
            assert!(
                source.contains(&format!("\"{name}\"")),
                "{name} (in `{expr}`) is not emitted anywhere"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_sql_panel_runs_against_the_current_schema() {
    let db = TestDb::create(&database_url()).await;
    let client = db.client().await;
    let queries = targets("rawSql");
    assert!(queries.len() >= 4, "the dashboard lost its SQL panels");
    for query in queries {
        let runnable = query.replace("$__timeFilter(bucket_start)", "true");
        if let Err(err) = client.query(runnable.as_str(), &[]).await {
            panic!("dashboard query fails: {err}\n{query}");
        }
    }
}
