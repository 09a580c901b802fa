//! Strict JSON for JOSE: one top-level object, no duplicate member names at
//! any depth, nesting at most [`MAX_DEPTH`], valid UTF-8, no trailing data.
//!
//! The parser is serde_json's; Tessera drives it with its own visitors so that a
//! header or claims set is validated and its registered members extracted in
//! one pass, without building a `serde_json::Value` tree on the hot path.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::error::{Error, ErrorCode};

/// Maximum nesting depth of objects and arrays (the top-level object is depth 1).
pub const MAX_DEPTH: usize = 64;

const DUPLICATE: &str = "duplicate member name";
const TOO_DEEP: &str = "JSON nesting too deep";

/// Receives the members of the top-level object, one at a time.
pub(crate) trait ObjectSink<'de> {
    /// Handle member `key`: the implementation must consume the value, either
    /// with a typed seed or with [`skip_value`].
    fn member<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error>;
}

/// Consumes and strictly validates a value at `depth` (its parent's depth).
pub(crate) fn skip_value<'de, A: MapAccess<'de>>(
    map: &mut A,
    depth: usize,
) -> Result<(), A::Error> {
    map.next_value_seed(Strict { depth })
}

/// Parses `text` as one strict JSON object, feeding each member to `sink`.
/// Errors are `MALFORMED`, with `what` ("header", "claims", …) in the message.
pub(crate) fn parse_object<'de, S: ObjectSink<'de>>(
    text: &'de str,
    sink: &mut S,
    what: &'static str,
) -> Result<(), Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let result = de
        .deserialize_any(TopObject { sink })
        .and_then(|()| de.end());
    result.map_err(|e| json_error(e, what))
}

/// Checks that `bytes` are UTF-8 (`MALFORMED` otherwise).
pub(crate) fn utf8<'a>(bytes: &'a [u8], what: &'static str) -> Result<&'a str, Error> {
    std::str::from_utf8(bytes)
        .map_err(|_| Error::new(ErrorCode::Malformed, format!("{what}: not UTF-8")))
}

/// Validates that `text` is one strict JSON object (any members).
pub(crate) fn validate_object(text: &str, what: &'static str) -> Result<(), Error> {
    struct Any;
    impl<'de> ObjectSink<'de> for Any {
        fn member<A: MapAccess<'de>>(&mut self, _: &str, map: &mut A) -> Result<(), A::Error> {
            skip_value(map, 1)
        }
    }
    parse_object(text, &mut Any, what)
}

fn json_error(e: serde_json::Error, what: &'static str) -> Error {
    let text = e.to_string();
    let reason = if text.starts_with(DUPLICATE) {
        DUPLICATE
    } else if text.starts_with(TOO_DEEP) || text.starts_with("recursion limit") {
        TOO_DEEP
    } else if text.starts_with("expected a JSON object") {
        "not a JSON object"
    } else {
        "invalid JSON"
    };
    Error::new(ErrorCode::Malformed, format!("{what}: {reason}"))
}

struct TopObject<'s, S> {
    sink: &'s mut S,
}

impl<'de, S: ObjectSink<'de>> Visitor<'de> for TopObject<'_, S> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = Seen::default();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            seen.insert(key.clone())?;
            self.sink.member(&key, &mut map)?;
        }
        Ok(())
    }
}

/// Duplicate detection: an inline list (no allocation for up to 16
/// members), then a hash set for large objects.
#[derive(Default)]
struct Seen<'de> {
    small: [Cow<'de, str>; 16],
    len: usize,
    large: Option<HashSet<Cow<'de, str>>>,
}

impl<'de> Seen<'de> {
    fn insert<E: de::Error>(&mut self, key: Cow<'de, str>) -> Result<(), E> {
        if let Some(set) = &mut self.large {
            return if set.insert(key) {
                Ok(())
            } else {
                Err(E::custom(DUPLICATE))
            };
        }
        if self.small[..self.len].contains(&key) {
            return Err(E::custom(DUPLICATE));
        }
        if self.len < self.small.len() {
            self.small[self.len] = key;
            self.len += 1;
        } else {
            let mut set: HashSet<Cow<'de, str>> =
                self.small.iter_mut().map(std::mem::take).collect();
            set.insert(key);
            self.large = Some(set);
        }
        Ok(())
    }
}

/// Deserializes a member name, borrowing it when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// Validates any value: duplicates and depth.
#[derive(Clone, Copy)]
pub(crate) struct Strict {
    /// Depth of the container holding this value.
    pub depth: usize,
}

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let depth = self.depth + 1;
        if depth > MAX_DEPTH {
            return Err(de::Error::custom(TOO_DEEP));
        }
        while seq.next_element_seed(Strict { depth })?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let depth = self.depth + 1;
        if depth > MAX_DEPTH {
            return Err(de::Error::custom(TOO_DEEP));
        }
        let mut seen = Seen::default();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            seen.insert(key)?;
            map.next_value_seed(Strict { depth })?;
        }
        Ok(())
    }
}

/// The JSON type of a registered member's value, with the value when it is
/// one of the types JOSE uses for registered members.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
    /// A JSON number.
    Number(f64),
    /// A JSON string.
    String(String),
    /// A JSON boolean.
    Bool(bool),
    /// An array whose elements are all strings.
    Strings(Vec<String>),
    /// Anything else (null, object, mixed array); already validated.
    Other,
}

/// Seed reading a registered member's value into a [`Scalar`].
#[derive(Clone, Copy)]
pub(crate) struct ScalarSeed {
    /// Depth of the object holding this value.
    pub depth: usize,
}

impl<'de> DeserializeSeed<'de> for ScalarSeed {
    type Value = Scalar;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ScalarSeed {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::String(v))
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        let depth = self.depth + 1;
        if depth > MAX_DEPTH {
            return Err(de::Error::custom(TOO_DEEP));
        }
        let mut strings = Some(Vec::new());
        while let Some(item) = seq.next_element_seed(ScalarSeed { depth })? {
            match (item, &mut strings) {
                (Scalar::String(s), Some(v)) => v.push(s),
                _ => strings = None,
            }
        }
        Ok(strings.map_or(Scalar::Other, Scalar::Strings))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Scalar, A::Error> {
        Strict { depth: self.depth }.visit_map(map)?;
        Ok(Scalar::Other)
    }
}

/// Reads the value of a registered member.
pub(crate) fn scalar_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Scalar, A::Error> {
    map.next_value_seed(ScalarSeed { depth: 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<(), Error> {
        validate_object(text, "test")
    }

    #[test]
    fn accepts_objects() {
        check(r#"{}"#).unwrap();
        check(r#" {"a":1,"b":[1,"x",{"c":null}],"d":{"a":1}} "#).unwrap();
        check(r#"{"a":{"a":{"a":1}},"b":{"a":2}}"#).unwrap();
    }

    #[test]
    fn rejects() {
        for bad in [
            r#"[]"#,
            r#""x""#,
            r#"{"a":1,"a":2}"#,
            r#"{"a":1,"\u0061":2}"#,
            r#"{"x":{"b":1,"b":1}}"#,
            r#"{"a":1} x"#,
            r#"{"a":1,}"#,
            r#"{"a":"\ud800"}"#,
            r#"{"a":1e999}"#,
            r#"{'a':1}"#,
            "",
        ] {
            assert_eq!(
                check(bad).unwrap_err().code(),
                ErrorCode::Malformed,
                "{bad}"
            );
        }
        assert!(check(r#"{"a":1,"a":2}"#)
            .unwrap_err()
            .message()
            .contains(DUPLICATE));
    }

    #[test]
    fn duplicates_in_large_objects() {
        let mut s = String::from("{");
        for i in 0..100 {
            s.push_str(&format!("\"k{i}\":{i},"));
        }
        s.push_str("\"k7\":0}");
        assert!(check(&s).unwrap_err().message().contains(DUPLICATE));
    }

    #[test]
    fn depth_limit() {
        let ok = format!(
            "{{\"a\":{}1{}}}",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        check(&ok).unwrap();
        let deep = format!(
            "{{\"a\":{}1{}}}",
            "[".repeat(MAX_DEPTH),
            "]".repeat(MAX_DEPTH)
        );
        assert!(check(&deep).unwrap_err().message().contains(TOO_DEEP));
        let huge = format!("{{\"a\":{}", "[".repeat(100_000));
        assert_eq!(check(&huge).unwrap_err().code(), ErrorCode::Malformed);
    }
}
