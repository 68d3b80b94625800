//! The signature check on webhook requests, in the scheme Stripe defined and
//! OriginFD follows: a header `t=<unix seconds>,v1=<hex>[,v1=<hex>…]` where
//! each `v1` is the HMAC-SHA256 of `"<t>.<raw body>"` under a shared secret.
//!
//! Plain code over bytes and a clock reading; no I/O.

use chrono::{DateTime, Utc};
use nexzo_schemas::Secret;
use subtle::{Choice, ConstantTimeEq};

use super::tag::Tag;

/// Most `v1` signatures one header may carry. A sender lists one per secret
/// it is rotating through, two or three at most in practice; the cap keeps a
/// hostile header from buying thousands of comparisons per request.
pub const MAX_SIGNATURES_PER_HEADER: usize = 8;

/// Why a request failed its signature check.
///
/// Every variant is the sender's fault, or a secret rotated on one side
/// only: the same bytes fail again, so nothing here is worth retrying
/// unchanged. A sender that signs every delivery afresh (Stripe does, with a
/// new timestamp) recovers from [`SignatureError::StaleTimestamp`] on its
/// next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the request has no signature header")]
    MissingHeader,
    #[error("the signature header is not of the form t=<unix seconds>,v1=<64 hex digits>")]
    MalformedHeader,
    #[error("the signature's timestamp is outside the accepted window")]
    StaleTimestamp,
    #[error("no v1 signature matches a configured secret")]
    NoMatchingSignature,
}

impl SignatureError {
    /// A stable name for metrics labels and error responses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MissingHeader => "missing_header",
            Self::MalformedHeader => "malformed_header",
            Self::StaleTimestamp => "stale_timestamp",
            Self::NoMatchingSignature => "no_matching_signature",
        }
    }
}

/// One source's signature check: the secrets it accepts and how far a
/// signature's timestamp may be from our clock.
#[derive(Debug, Clone)]
pub struct SignatureCheck {
    /// Several during a key rotation: the old one until the sender has
    /// switched, and the new one.
    secrets: Vec<Secret>,
    tolerance_secs: u64,
}

/// A parsed signature header.
struct SignedHeader<'a> {
    /// The timestamp as written, because that text is what was signed.
    timestamp_text: &'a str,
    timestamp: i64,
    signatures: Vec<Tag>,
}

impl SignatureCheck {
    pub fn new(secrets: Vec<Secret>, tolerance_secs: u64) -> Self {
        Self {
            secrets,
            tolerance_secs,
        }
    }

    /// Checks that `header` (the raw value of the source's signature header,
    /// if present) signs `body` under one of the secrets, at a time within
    /// the tolerance of `now`.
    ///
    /// The signature is checked before the timestamp, so that
    /// `StaleTimestamp` means "genuinely signed, but old": a replay or a
    /// clock problem, never a forgery.
    ///
    /// # Errors
    ///
    /// The first check the request fails, as a [`SignatureError`].
    pub fn verify(
        &self,
        header: Option<&[u8]>,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), SignatureError> {
        let header = parse_header(header.ok_or(SignatureError::MissingHeader)?)?;

        if !self.any_signature_matches(&header, body) {
            return Err(SignatureError::NoMatchingSignature);
        }

        if now.timestamp().abs_diff(header.timestamp) > self.tolerance_secs {
            return Err(SignatureError::StaleTimestamp);
        }
        Ok(())
    }

    fn any_signature_matches(&self, header: &SignedHeader<'_>, body: &[u8]) -> bool {
        // Every pair is compared, with no early exit: it costs a few 32-byte
        // comparisons and leaves timing nothing to say about which secret or
        // which position matched.
        let mut matched = Choice::from(0);
        for secret in &self.secrets {
            let expected = Tag::compute(secret, header.timestamp_text, body);
            for given in &header.signatures {
                matched |= expected.ct_eq(given);
            }
        }
        matched.into()
    }
}

/// The header value a sender holding `secret` attaches to `body` at
/// `timestamp` (unix seconds): `t=<timestamp>,v1=<hex>`. Used by tests and
/// the simulator; a negative timestamp yields a header [`SignatureCheck`]
/// refuses as malformed.
pub fn sign(secret: &Secret, timestamp: i64, body: &[u8]) -> String {
    let timestamp = timestamp.to_string();
    let tag = Tag::compute(secret, &timestamp, body);
    format!("t={timestamp},v1={}", tag.to_hex())
}

/// Parses a header strictly: one timestamp of decimal digits, `v1` values of
/// exactly 64 hex digits, no empty items. An ambiguous header is refused
/// rather than read one way or another.
fn parse_header(raw: &[u8]) -> Result<SignedHeader<'_>, SignatureError> {
    let malformed = SignatureError::MalformedHeader;
    let text = std::str::from_utf8(raw).map_err(|_| malformed)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();

    for item in text.split(',') {
        let (key, value) = item.trim().split_once('=').ok_or(malformed)?;
        match key {
            // Two timestamps leave open which one was signed.
            "t" if timestamp.is_some() => return Err(malformed),
            "t" => timestamp = Some((value, parse_timestamp(value).ok_or(malformed)?)),
            "v1" => signatures.push(Tag::from_hex(value).ok_or(malformed)?),
            // Other schemes are ignored, never checked instead: honouring
            // one we do not verify would let a forger downgrade to it.
            _ => {}
        }
        if signatures.len() > MAX_SIGNATURES_PER_HEADER {
            return Err(malformed);
        }
    }

    let (timestamp_text, timestamp) = timestamp.ok_or(malformed)?;
    Ok(SignedHeader {
        timestamp_text,
        timestamp,
        signatures,
    })
}

fn parse_timestamp(text: &str) -> Option<i64> {
    // `i64::from_str` would also take a sign; senders write bare digits.
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests;
