//! The analysts' alert workflow: filters, cursor pages, and status changes
//! that write the alert and its history in one transaction.

mod support;

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::json;
use support::{TestApi, token};

#[tokio::test]
async fn cursor_pages_return_every_alert_once_newest_first() {
    let api = TestApi::default().await;
    let analyst = token("tenant-a", "analyst", &[], &[]);
    let mut seen = Vec::new();
    let mut path = "/v1/alerts?limit=1".to_owned();
    loop {
        let page = api.get(&path, Some(&analyst)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        for item in page.json["items"].as_array().expect("items") {
            seen.push(item["alert_id"].as_str().expect("id").to_owned());
        }
        match page.json["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/alerts?limit=1&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, ["alert-a-1", "alert-a-2", "alert-a-3"]);
}

#[tokio::test]
async fn filters_narrow_the_list() {
    let api = TestApi::default().await;
    let analyst = token("tenant-a", "analyst", &[], &[]);
    let cases = [
        ("kind=usage_spike", vec!["alert-a-1"]),
        ("severity=critical", vec!["alert-a-2"]),
        ("status=open", vec!["alert-a-1", "alert-a-2", "alert-a-3"]),
        ("status=resolved", vec![]),
        ("subject=ip:203.0.113.9", vec!["alert-a-2"]),
        ("subject=meter_id:ma-1", vec!["alert-a-1"]),
        ("from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z", vec![]),
    ];
    for (query, expected) in cases {
        let reply = api
            .get(&format!("/v1/alerts?{query}"), Some(&analyst))
            .await;
        let ids: Vec<&str> = reply.json["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|a| a["alert_id"].as_str().expect("id"))
            .collect();
        assert_eq!(ids, expected, "{query}");
    }
}

#[tokio::test]
async fn a_status_change_writes_the_alert_and_its_history_together() {
    let api = TestApi::default().await;
    let analyst = token("tenant-a", "analyst", &[], &[]);
    let path = "/v1/alerts/alert-a-1/status";

    let first = api
        .post(path, Some(&analyst), &json!({"status": "acknowledged"}))
        .await;
    assert_eq!(first.json["changed"], json!(true), "{}", first.text);
    let again = api
        .post(path, Some(&analyst), &json!({"status": "acknowledged"}))
        .await;
    assert_eq!(again.json["changed"], json!(false));
    let resolved = api
        .post(
            path,
            Some(&analyst),
            &json!({"status": "false_positive", "note": "test meter"}),
        )
        .await;
    assert_eq!(resolved.status, StatusCode::OK);

    let detail = api.get("/v1/alerts/alert-a-1", Some(&analyst)).await;
    assert_eq!(detail.json["alert"]["status"], "false_positive");
    assert_eq!(detail.json["alert"]["status_by"], "user:analyst-user");
    assert_eq!(detail.json["evidence"]["observed"], 10);
    let history = detail.json["history"].as_array().expect("history");
    let steps: Vec<(&str, &str)> = history
        .iter()
        .map(|h| {
            (
                h["from_status"].as_str().unwrap_or(""),
                h["to_status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [("open", "acknowledged"), ("acknowledged", "false_positive")]
    );
    assert_eq!(history[1]["note"], "test meter");
}

#[tokio::test]
async fn roles_without_alert_rights_are_refused_and_bad_bodies_are_400() {
    let api = TestApi::default().await;
    let path = "/v1/alerts/alert-a-1/status";
    let landlord = token("tenant-a", "landlord", &["pa-1"], &[]);
    let refused = api
        .post(path, Some(&landlord), &json!({"status": "resolved"}))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let analyst = token("tenant-a", "analyst", &[], &[]);
    let bodies = [
        json!({"status": "open"}),
        json!({"status": "resolved", "extra": 1}),
        json!({}),
    ];
    for body in bodies {
        let reply = api.post(path, Some(&analyst), &body).await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::BAD_REQUEST, "invalid_body"),
            "{body}"
        );
    }
    let statuses: HashSet<String> = api
        .db
        .client()
        .await
        .query("SELECT status FROM alerts", &[])
        .await
        .expect("statuses")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(statuses, HashSet::from(["open".to_owned()]));
}

#[tokio::test]
async fn concurrent_changes_of_one_alert_each_record_the_status_they_replaced() {
    let api = TestApi::default().await;
    let analyst = token("tenant-a", "analyst", &[], &[]);
    let path = "/v1/alerts/alert-a-3/status";
    let targets = [
        "acknowledged",
        "resolved",
        "false_positive",
        "acknowledged",
        "resolved",
    ];
    let bodies = targets.map(|to| json!({ "status": to }));
    let sends = [0, 1, 2, 3, 4].map(|i| api.post(path, Some(&analyst), &bodies[i]));
    for reply in futures_join(sends).await {
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    }

    // The history must chain: each change starts where the previous ended.
    let rows = api
        .db
        .client()
        .await
        .query(
            "SELECT from_status, to_status FROM alert_status_changes
             WHERE alert_id = 'alert-a-3' ORDER BY changed_at",
            &[],
        )
        .await
        .expect("history");
    let mut current = "open".to_owned();
    for row in &rows {
        assert_eq!(row.get::<_, String>(0), current);
        current = row.get(1);
    }
    let final_status: String = api
        .db
        .client()
        .await
        .query_one(
            "SELECT status FROM alerts WHERE alert_id = 'alert-a-3'",
            &[],
        )
        .await
        .expect("alert")
        .get(0);
    assert_eq!(final_status, current);
}

async fn futures_join<F: std::future::Future>(futures: [F; 5]) -> Vec<F::Output> {
    let [a, b, c, d, e] = futures;
    let (a, b, c, d, e) = tokio::join!(a, b, c, d, e);
    vec![a, b, c, d, e]
}
