//! Reading the configuration and reporting every problem at once.
//!
//! serde stops at the first error, so loading runs in rounds: each round
//! deserialises the whole table, records the first type error with its
//! path, removes that key (its default then applies) and tries again.
//! Unknown keys are gathered in the same pass that succeeds, and semantic
//! checks run on the result. The caller gets either a configuration or the
//! full list.

use std::fmt;
use std::path::Path;

use serde_path_to_error::Segment;
use toml::{Table, Value};

use super::Config;

/// Environment variables that override file values: `NEXZO_<SECTION>__<KEY>`,
/// as in `NEXZO_DATABASE__URL` or `NEXZO_WRITER__LINGER_MS`. Values are read
/// as TOML (`10`, `true`, `["a"]`) and otherwise as plain strings.
pub const ENV_PREFIX: &str = "NEXZO_";

/// At most this many rounds of error collection: every round removes one key,
/// so a file would need this many type errors to reach it.
const MAX_ROUNDS: usize = 200;

/// Every problem found, in file order where possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub problems: Vec<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "the configuration has {} problem(s):",
            self.problems.len()
        )?;
        for problem in &self.problems {
            writeln!(f, "  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// Loads the file at `path` (or nothing) with `env` overrides applied.
///
/// # Errors
///
/// Every problem found: an unreadable or unparsable file, bad override
/// variables, mistyped values, unknown keys, out-of-range values.
pub fn load(
    path: Option<&Path>,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<Config, ConfigError> {
    let fail = |problem: String| ConfigError {
        problems: vec![problem],
    };
    let mut table = match path {
        None => Table::new(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| fail(format!("{}: cannot read: {e}", path.display())))?;
            text.parse::<Table>()
                .map_err(|e| fail(format!("{}: {e}", path.display())))?
        }
    };

    let mut problems = apply_env(&mut table, env);
    let config = deserialize_collecting(table, &mut problems);
    problems.extend(config.problems());
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(ConfigError { problems })
    }
}

fn apply_env(table: &mut Table, env: impl IntoIterator<Item = (String, String)>) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, raw) in env {
        let Some(path) = name.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        // Only NAME__KEY variables are overrides; NEXZO_CONFIG and the test
        // suite's NEXZO_TEST_* variables are not.
        if !path.contains("__") {
            continue;
        }
        let keys: Vec<String> = path.split("__").map(str::to_lowercase).collect();
        if keys.iter().any(String::is_empty) {
            problems.push(format!("{name}: empty key in override variable"));
            continue;
        }
        let value = format!("v = {raw}")
            .parse::<Table>()
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or(Value::String(raw));
        if let Err(e) = set_path(table, &keys, value) {
            problems.push(format!("{name}: {e}"));
        }
    }
    problems
}

fn set_path(table: &mut Table, keys: &[String], value: Value) -> Result<(), String> {
    let (last, parents) = keys.split_last().ok_or("no key")?;
    let mut current = table;
    for key in parents {
        let entry = current
            .entry(key.clone())
            .or_insert_with(|| Value::Table(Table::new()));
        current = entry
            .as_table_mut()
            .ok_or_else(|| format!("{key} is not a section"))?;
    }
    current.insert(last.clone(), value);
    Ok(())
}

fn deserialize_collecting(mut table: Table, problems: &mut Vec<String>) -> Config {
    for _ in 0..MAX_ROUNDS {
        let mut unknown = Vec::new();
        let value = Value::Table(table.clone());
        let mut track = |path: serde_ignored::Path<'_>| unknown.push(path.to_string());
        let ignored = serde_ignored::Deserializer::new(value, &mut track);
        match serde_path_to_error::deserialize::<_, Config>(ignored) {
            Ok(config) => {
                problems.extend(unknown.into_iter().map(|key| format!("{key}: unknown key")));
                return config;
            }
            Err(err) => {
                let path = err.path().to_string();
                problems.push(format!("{path}: {}", err.inner().message()));
                if !remove_path(&mut table, err.path().iter()) {
                    break;
                }
            }
        }
    }
    Config::default()
}

/// Removes the value at `path`; false when there was nothing to remove (the
/// error cannot be cleared by falling back to a default).
fn remove_path<'a>(table: &mut Table, path: impl Iterator<Item = &'a Segment>) -> bool {
    let keys: Vec<&str> = path
        .filter_map(|segment| match segment {
            Segment::Map { key } => Some(key.as_str()),
            _ => None,
        })
        .collect();
    let Some((last, parents)) = keys.split_last() else {
        return false;
    };
    let mut current = table;
    for key in parents {
        match current.get_mut(*key).and_then(Value::as_table_mut) {
            Some(next) => current = next,
            None => return false,
        }
    }
    current.remove(*last).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let dir = std::env::temp_dir().join(format!("nexzo-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{:x}.toml", text.len() * 31 + env.len()));
        std::fs::write(&path, text).unwrap();
        let env = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned()));
        load(Some(&path), env)
    }

    #[test]
    fn an_empty_file_gives_the_documented_defaults() {
        assert_eq!(load_text("", &[]).unwrap(), Config::default());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let text = r#"
            [mqtt]
            url = "tcp://nowhere"
            keep_alive_secs = "soon"
            colour = "blue"
            [writer]
            batch_max_rows = 0
            linger_ms = -1
            [ingest]
            max_payload_bytes = "big"
            [nonsense]
            x = 1
        "#;
        let problems = load_text(text, &[]).unwrap_err().problems;
        let expected = [
            "mqtt.keep_alive_secs",
            "mqtt.colour: unknown key",
            "writer.linger_ms",
            "ingest.max_payload_bytes",
            "nonsense: unknown key",
            "mqtt.url",
            "writer.batch_max_rows",
        ];
        for fragment in expected {
            assert!(
                problems.iter().any(|p| p.starts_with(fragment)),
                "{fragment} missing from {problems:#?}"
            );
        }
        assert_eq!(problems.len(), expected.len(), "{problems:#?}");
    }

    #[test]
    fn environment_variables_override_the_file() {
        let config = load_text(
            "[writer]\nlinger_ms = 10\n",
            &[
                ("NEXZO_WRITER__LINGER_MS", "25"),
                ("NEXZO_MQTT__CLIENT_ID", "edge-7"),
                ("NEXZO_TEST_X", "1"),
            ],
        )
        .unwrap();
        assert_eq!(config.writer.linger_ms, 25);
        assert_eq!(config.mqtt.client_id, "edge-7");
    }

    #[test]
    fn an_unknown_override_variable_is_an_error() {
        let problems = load_text("", &[("NEXZO_WRITER__LINGER", "25")])
            .unwrap_err()
            .problems;
        assert_eq!(problems, ["writer.linger: unknown key"]);
    }

    #[test]
    fn the_api_section_is_checked_with_the_rest() {
        let text = r#"
            [api]
            listen = "everywhere"
            rate_limit_per_key_per_sec = 0
            [[api.jwt.keys]]
            algorithm = "HS256"
            secret = "short"
            [writer]
            batch_max_rows = 0
        "#;
        let problems = load_text(text, &[]).unwrap_err().problems;
        for fragment in [
            "api.listen",
            "api.rate_limit_per_key_per_sec",
            "api.jwt.issuer",
            "api.jwt.keys",
            "writer.batch_max_rows",
        ] {
            assert!(
                problems.iter().any(|p| p.starts_with(fragment)),
                "{fragment} missing from {problems:#?}"
            );
        }
    }

    #[test]
    fn an_unknown_api_key_is_reported_with_its_path() {
        let problems = load_text("[api]\nlisten_addr = \"127.0.0.1:1\"\n", &[])
            .unwrap_err()
            .problems;
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(problems[0].contains("listen_addr"), "{problems:#?}");
    }
}
