//! Structured logs on stderr.

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// The log filter when `NEXZO_LOG` is not set: lifecycle and problems from
/// this project, warnings from libraries.
const DEFAULT_FILTER: &str = "warn,nexzo_telemetry=info,nexzo_ingest=info,nexzo_storage=info";

/// Installs the global subscriber. `NEXZO_LOG` takes the usual `RUST_LOG`
/// directive syntax.
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_env("NEXZO_LOG").unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .init(),
        LogFormat::Text => builder.init(),
    }
}
