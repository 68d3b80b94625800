//! The HMAC-SHA256 tag a webhook signature carries.
//!
//! Kept in a module of its own so that nothing else can reach a tag's bytes:
//! the only comparison on offer is the constant-time one.

use hmac::{Hmac, KeyInit, Mac};
use nexzo_schemas::Secret;
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};

/// Length of an HMAC-SHA256 tag in bytes (64 hex digits on the wire).
const TAG_BYTES: usize = 32;

/// An HMAC-SHA256 tag.
///
/// Design: it has no `PartialEq` on purpose. An ordinary `==` stops at the
/// first differing byte, and the time that takes tells a forger how many
/// leading bytes of a guessed signature were right; [`ConstantTimeEq`] looks
/// at every byte whatever they hold.
#[derive(Clone, Copy)]
pub(super) struct Tag([u8; TAG_BYTES]);

impl Tag {
    /// The tag a sender holding `secret` computes over `"{timestamp}.{body}"`.
    /// `timestamp` is the header's own text, so the bytes checked are exactly
    /// the bytes the sender signed.
    pub(super) fn compute(secret: &Secret, timestamp: &str, body: &[u8]) -> Self {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
            .expect("HMAC takes keys of any length");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        let mut bytes = [0; TAG_BYTES];
        bytes.copy_from_slice(&mac.finalize().into_bytes());
        Self(bytes)
    }

    /// A tag from its hex form; `None` unless it is exactly 64 hex digits.
    pub(super) fn from_hex(text: &str) -> Option<Self> {
        let mut bytes = [0; TAG_BYTES];
        hex::decode_to_slice(text, &mut bytes).ok()?;
        Some(Self(bytes))
    }

    pub(super) fn to_hex(self) -> String {
        hex::encode(self.0)
    }
}

impl ConstantTimeEq for Tag {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.0.ct_eq(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> Secret {
        Secret::new("whsec_tag_tests_0123456789abcdef")
    }

    #[test]
    fn tags_can_be_compared_only_in_constant_time() {
        // Resolving `_` below is ambiguous, and so fails to compile, as soon
        // as `Tag` gains a `PartialEq` that would allow an early-exit `==`.
        trait AmbiguousIfPartialEq<Via> {
            fn assert_not_partial_eq() {}
        }
        struct ViaPartialEq;
        impl<T: ?Sized> AmbiguousIfPartialEq<()> for T {}
        impl<T: ?Sized + PartialEq> AmbiguousIfPartialEq<ViaPartialEq> for T {}
        <Tag as AmbiguousIfPartialEq<_>>::assert_not_partial_eq();

        fn compared_with_ct_eq<T: ConstantTimeEq>() {}
        compared_with_ct_eq::<Tag>();
    }

    #[test]
    fn a_tag_differing_only_in_its_last_byte_does_not_match() {
        let tag = Tag::compute(&secret(), "1800000000", b"{}");
        let mut hex = tag.to_hex();
        let last = if hex.ends_with('0') { "1" } else { "0" };
        hex.replace_range(63.., last);
        let near_miss = Tag::from_hex(&hex).unwrap();

        assert!(bool::from(tag.ct_eq(&tag)));
        assert!(!bool::from(tag.ct_eq(&near_miss)));
    }

    #[test]
    fn hex_of_the_wrong_length_or_alphabet_is_not_a_tag() {
        let good = Tag::compute(&secret(), "1800000000", b"{}").to_hex();
        for text in [
            "",
            &good[..62],
            &format!("{good}00"),
            &format!("g{}", &good[1..]),
        ] {
            assert!(Tag::from_hex(text).is_none(), "{text:?} parsed");
        }
        assert!(Tag::from_hex(&good.to_uppercase()).is_some());
    }

    #[test]
    fn the_tag_matches_one_computed_by_openssl() {
        // printf '1800000000.{"id":"evt_1"}' \
        //   | openssl dgst -sha256 -hmac whsec_tag_tests_0123456789abcdef
        let tag = Tag::compute(&secret(), "1800000000", br#"{"id":"evt_1"}"#);
        let expected = "de4319a17ab4535630d9e5f91b91be9a38198d0336ff0bbb0c398e9f5f75abbe";
        assert_eq!(tag.to_hex(), expected);
    }
}
