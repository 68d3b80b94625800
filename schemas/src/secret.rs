//! Configuration values that must never appear in a printout.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret string: readable by the code that needs it through
/// [`Secret::expose`], masked in `Debug`, `Display` and serialisation (so
/// the effective configuration can be printed safely).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

/// What a secret prints as.
pub const MASK: &str = "********";

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(MASK)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}
