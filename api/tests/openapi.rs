//! The OpenAPI document is checked in as `api/openapi.json`; it must equal
//! what the code generates, and every path it lists must be routed.
//! Regenerate it with `NEXZO_UPDATE_OPENAPI=1 cargo test -p nexzo-api --test openapi`.

mod support;

use nexzo_api::openapi::ApiDoc;
use reqwest::{Method, StatusCode};
use support::TestApi;
use utoipa::OpenApi;

const CHECKED_IN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");

#[test]
fn the_checked_in_document_matches_the_code() {
    let generated = ApiDoc::openapi().to_pretty_json().expect("serialise") + "\n";
    if std::env::var_os("NEXZO_UPDATE_OPENAPI").is_some() {
        std::fs::write(CHECKED_IN, &generated).expect("write openapi.json");
    }
    let checked_in = std::fs::read_to_string(CHECKED_IN).expect("api/openapi.json exists");
    assert!(
        checked_in == generated,
        "api/openapi.json is stale; regenerate it with NEXZO_UPDATE_OPENAPI=1"
    );
}

#[tokio::test]
async fn every_documented_operation_is_routed_and_served_document_is_the_same() {
    let api = TestApi::default().await;
    let doc = ApiDoc::openapi();
    let mut operations = 0;
    for (path, item) in &doc.paths.paths {
        let concrete = path.replace(['{', '}'], "").replace("id", "1");
        let methods = [
            (Method::GET, item.get.is_some()),
            (Method::POST, item.post.is_some()),
        ];
        for (method, _) in methods.into_iter().filter(|(_, documented)| *documented) {
            let request = api
                .http
                .request(method.clone(), format!("{}{concrete}", api.base));
            let reply = api.send(request, None).await;
            // Unrouted paths answer 404 not_found and wrong methods 405;
            // routed ones authenticate first (401) or answer outright.
            let routed = reply.status != StatusCode::METHOD_NOT_ALLOWED
                && !(reply.status == StatusCode::NOT_FOUND && path != "/metrics");
            assert!(routed, "{method} {path}: {} {}", reply.status, reply.text);
            operations += 1;
        }
    }
    assert_eq!(operations, 15);

    let served = api.get("/openapi.json", None).await;
    assert_eq!(served.json, serde_json::to_value(&doc).expect("json"));
}
