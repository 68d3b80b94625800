//! Which meter or gateway a topic speaks for.
//!
//! Topics are `[prefix/]meters/{meter_id}/readings` for one meter and
//! `[prefix/]gateways/{gateway_id}/readings` for a gateway that reports for
//! the meters assigned to it. The prefix lets several sites or test runs
//! share one broker.

/// The publisher a topic belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicSubject<'a> {
    Meter(&'a str),
    Gateway(&'a str),
}

/// Parses a topic under `prefix` (empty for none); `None` for any other shape.
pub fn parse_topic<'a>(topic: &'a str, prefix: &str) -> Option<TopicSubject<'a>> {
    let rest = if prefix.is_empty() {
        topic
    } else {
        topic.strip_prefix(prefix)?.strip_prefix('/')?
    };

    let mut parts = rest.split('/');
    let (kind, id, leaf) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || leaf != "readings" || id.is_empty() {
        return None;
    }
    match kind {
        "meters" => Some(TopicSubject::Meter(id)),
        "gateways" => Some(TopicSubject::Gateway(id)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_name_a_meter_or_a_gateway_under_an_optional_prefix() {
        let cases = [
            ("meters/m1/readings", "", Some(TopicSubject::Meter("m1"))),
            (
                "gateways/g7/readings",
                "",
                Some(TopicSubject::Gateway("g7")),
            ),
            (
                "site-a/meters/m1/readings",
                "site-a",
                Some(TopicSubject::Meter("m1")),
            ),
            (
                "a/b/meters/m1/readings",
                "a/b",
                Some(TopicSubject::Meter("m1")),
            ),
            ("site-b/meters/m1/readings", "site-a", None),
            ("site-ab/meters/m1/readings", "site-a", None),
            ("meters/m1/readings", "site-a", None),
            ("meters//readings", "", None),
            ("meters/m1/status", "", None),
            ("meters/m1/readings/extra", "", None),
            ("inverters/i1/readings", "", None),
        ];
        for (topic, prefix, expected) in cases {
            assert_eq!(
                parse_topic(topic, prefix),
                expected,
                "{topic} under {prefix:?}"
            );
        }
    }
}
