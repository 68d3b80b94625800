//! `[database]`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Where and how the pipeline stores its rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DatabaseConfig {
    /// A PostgreSQL URL (`postgres://user:password@host:port/db`) or
    /// key-value string. The password is masked whenever configuration is
    /// printed. Default: the local test database the project's scripts start.
    pub url: DatabaseUrl,
    /// Apply pending migrations when `run` starts. Default: true.
    pub migrate_on_start: bool,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: DatabaseUrl("postgres://nexzo:nexzo-local@127.0.0.1:55432/nexzo".into()),
            migrate_on_start: true,
        }
    }
}

impl DatabaseConfig {
    pub fn problems(&self) -> Vec<String> {
        match self.url.0.parse::<tokio_postgres::Config>() {
            Ok(_) => Vec::new(),
            Err(e) => vec![format!("database.url: {e}")],
        }
    }
}

/// A connection URL that prints with its password masked.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    #[cfg(test)]
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any password replaced by the mask.
    pub fn masked(&self) -> String {
        let url = &self.0;
        if let Some(scheme_end) = url.find("://") {
            let rest = &url[scheme_end + 3..];
            let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
            if let Some(at) = rest[..authority_end].rfind('@')
                && let Some(colon) = rest[..at].find(':')
            {
                let start = scheme_end + 3 + colon + 1;
                let end = scheme_end + 3 + at;
                return format!(
                    "{}{}{}",
                    &url[..start],
                    nexzo_schemas::secret::MASK,
                    &url[end..]
                );
            }
            return url.clone();
        }
        mask_key_value_password(url)
    }
}

/// Masks `password=...` in a key-value connection string.
fn mask_key_value_password(conninfo: &str) -> String {
    conninfo
        .split(' ')
        .map(|pair| match pair.split_once('=') {
            Some(("password", _)) => format!("password={}", nexzo_schemas::secret::MASK),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.masked())
    }
}

impl Serialize for DatabaseUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.masked())
    }
}

impl<'de> Deserialize<'de> for DatabaseUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(DatabaseUrl)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_print() {
        let cases = [
            (
                "postgres://u:s3cret@h:5432/db",
                "postgres://u:********@h:5432/db",
            ),
            ("postgres://u@h/db", "postgres://u@h/db"),
            ("postgres://h/db?user=u", "postgres://h/db?user=u"),
            (
                "host=h user=u password=s3cret dbname=d",
                "host=h user=u password=******** dbname=d",
            ),
        ];
        for (url, printed) in cases {
            let url = DatabaseUrl::new(url);
            assert_eq!(url.masked(), printed);
            assert!(!format!("{url:?}").contains("s3cret"));
        }
    }
}
