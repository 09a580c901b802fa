//! Strict JSON for JOSE: one top-level object, no duplicate member names at
//! any depth, nesting at most [`MAX_DEPTH`], no trailing data (RFC 8259
//! grammar exactly: no comments, no trailing commas, no lone surrogates in
//! `\u` escapes, no control characters in strings, numbers that fit an f64).
//!
//! This is a small single-pass scanner rather than a general parser: a header
//! or claims set is validated and its registered members are extracted in one
//! pass, borrowing strings from the input, without building a tree. The test
//! suite checks it against serde_json on thousands of mutated documents.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::error::{Error, ErrorCode};

/// Maximum nesting depth of objects and arrays (the top-level object is depth 1).
pub const MAX_DEPTH: usize = 64;

const DUPLICATE: &str = "duplicate member name";
const TOO_DEEP: &str = "JSON nesting too deep";
const NOT_OBJECT: &str = "not a JSON object";
const INVALID: &str = "invalid JSON";
const OUT_OF_RANGE: &str = "number out of range";

/// Why a document was rejected (turned into a `MALFORMED` error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Syntax(&'static str);

type Scan<T> = Result<T, Syntax>;

/// Receives the members of the top-level object, one at a time.
pub(crate) trait ObjectSink<'a> {
    /// Handle member `key`: the implementation must consume the value with
    /// [`Scanner::scalar`] or [`Scanner::skip`].
    fn member(&mut self, key: &str, sc: &mut Scanner<'a>) -> Scan<()>;
}

/// The value of a registered member, borrowed from the input when possible.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar<'a> {
    /// A JSON number.
    Number(f64),
    /// A JSON string.
    String(Cow<'a, str>),
    /// A JSON boolean.
    Bool(bool),
    /// An array whose elements are all strings.
    Strings(Vec<Cow<'a, str>>),
    /// Anything else (null, object, mixed array); already validated.
    Other,
}

/// Cursor over a JSON text.
pub(crate) struct Scanner<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
}

/// Parses `text` as one strict JSON object, feeding each member to `sink`.
/// Errors are `MALFORMED`, with `what` ("header", "claims", …) in the message.
pub(crate) fn parse_object<'a, S: ObjectSink<'a>>(
    text: &'a str,
    sink: &mut S,
    what: &'static str,
) -> Result<(), Error> {
    let mut sc = Scanner {
        text,
        b: text.as_bytes(),
        i: 0,
    };
    sc.document(sink)
        .map_err(|Syntax(reason)| Error::new(ErrorCode::Malformed, format!("{what}: {reason}")))
}

/// Checks that `bytes` are UTF-8 (`MALFORMED` otherwise).
pub(crate) fn utf8<'a>(bytes: &'a [u8], what: &'static str) -> Result<&'a str, Error> {
    std::str::from_utf8(bytes)
        .map_err(|_| Error::new(ErrorCode::Malformed, format!("{what}: not UTF-8")))
}

/// Validates that `text` is one strict JSON object (any members).
pub(crate) fn validate_object(text: &str, what: &'static str) -> Result<(), Error> {
    struct Any;
    impl<'a> ObjectSink<'a> for Any {
        fn member(&mut self, _: &str, sc: &mut Scanner<'a>) -> Scan<()> {
            sc.skip()
        }
    }
    parse_object(text, &mut Any, what)
}

/// Duplicate detection without allocation for up to 16 members: each name is
/// kept with a cheap hash, and names are compared only when hashes collide;
/// larger objects switch to a hash set.
#[derive(Default)]
struct Seen<'a> {
    hashes: [u64; 16],
    names: [&'a str; 16],
    len: usize,
    /// Names that contained escapes (decoded, so owned), or every name once
    /// the object has more than 16 members.
    owned: Vec<String>,
    large: Option<HashSet<Cow<'a, str>>>,
}

/// A cheap fingerprint (length and three bytes); names are compared in full
/// only when fingerprints match.
fn name_hash(name: &str) -> u64 {
    let b = name.as_bytes();
    match b {
        [] => 0,
        [first, .., last] => {
            b.len() as u64 | (*first as u64) << 32 | (*last as u64) << 40 | (b[1] as u64) << 48
        }
        [only] => 1 | (*only as u64) << 32,
    }
}

impl<'a> Seen<'a> {
    fn insert(&mut self, key: Cow<'a, str>) -> Scan<()> {
        if let Some(set) = &mut self.large {
            return if set.insert(key) {
                Ok(())
            } else {
                Err(Syntax(DUPLICATE))
            };
        }
        let h = name_hash(&key);
        for i in 0..self.len {
            if self.hashes[i] == h && self.names[i] == key {
                return Err(Syntax(DUPLICATE));
            }
        }
        if self.owned.iter().any(|o| *o == key) {
            return Err(Syntax(DUPLICATE));
        }
        match key {
            Cow::Borrowed(name) if self.len < self.names.len() => {
                self.hashes[self.len] = h;
                self.names[self.len] = name;
                self.len += 1;
            }
            Cow::Owned(name) if self.owned.len() < 16 => self.owned.push(name),
            key => {
                let mut set: HashSet<Cow<'a, str>> = self.names[..self.len]
                    .iter()
                    .map(|&n| Cow::Borrowed(n))
                    .collect();
                set.extend(self.owned.drain(..).map(Cow::Owned));
                set.insert(key);
                self.large = Some(set);
            }
        }
        Ok(())
    }
}

/// Whether any byte of `w` is `"`, `\\` or below 0x20 (SWAR). It never misses
/// one; the borrow from a genuine hit may also flag a later byte, so callers
/// re-examine the word byte by byte.
fn has_stop_byte(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let quote = zero(w ^ (ONES * b'"' as u64));
    let backslash = zero(w ^ (ONES * b'\\' as u64));
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    quote | backslash | control != 0
}

/// Bytes that end the fast scan of a string: quote, backslash, controls.
const STRING_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Scan<()> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(Syntax(INVALID))
        }
    }

    fn document<S: ObjectSink<'a>>(&mut self, sink: &mut S) -> Scan<()> {
        self.ws();
        if self.peek() != Some(b'{') {
            return Err(Syntax(NOT_OBJECT));
        }
        self.object(1, |key, sc| sink.member(key, sc))?;
        self.ws();
        if self.i != self.b.len() {
            return Err(Syntax(INVALID));
        }
        Ok(())
    }

    /// Scans an object at `depth` (the cursor is on `{`), calling `f` per member.
    fn object(
        &mut self,
        depth: usize,
        mut f: impl FnMut(&str, &mut Scanner<'a>) -> Scan<()>,
    ) -> Scan<()> {
        if depth > MAX_DEPTH {
            return Err(Syntax(TOO_DEEP));
        }
        self.eat(b'{')?;
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(());
        }
        let mut seen = Seen::default();
        loop {
            if self.peek() != Some(b'"') {
                return Err(Syntax(INVALID));
            }
            let key = self.string()?;
            self.ws();
            self.eat(b':')?;
            self.ws();
            f(&key, self)?;
            seen.insert(key)?;
            if !self.more(b'}')? {
                return Ok(());
            }
        }
    }

    /// After a member or element: `true` if another follows (`,`), `false`
    /// when the container closes with `close`.
    fn more(&mut self, close: u8) -> Scan<bool> {
        self.ws();
        match self.peek() {
            Some(b',') => {
                self.i += 1;
                self.ws();
                Ok(true)
            }
            Some(c) if c == close => {
                self.i += 1;
                Ok(false)
            }
            _ => Err(Syntax(INVALID)),
        }
    }

    /// Scans an array at `depth` (the cursor is on `[`), calling `f` per element.
    fn array(&mut self, depth: usize, mut f: impl FnMut(&mut Scanner<'a>) -> Scan<()>) -> Scan<()> {
        if depth > MAX_DEPTH {
            return Err(Syntax(TOO_DEEP));
        }
        self.eat(b'[')?;
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(());
        }
        loop {
            f(self)?;
            if !self.more(b']')? {
                return Ok(());
            }
        }
    }

    /// Consumes and validates any value held by a container at `depth`.
    fn value(&mut self, depth: usize) -> Scan<()> {
        match self.peek() {
            Some(b'{') => self.object(depth + 1, |_, sc| sc.value(depth + 1)),
            Some(b'[') => self.array(depth + 1, |sc| sc.value(depth + 1)),
            Some(b'"') => self.string().map(drop),
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            _ => self.number(false).map(drop),
        }
    }

    /// Consumes a member value of the top-level object.
    pub(crate) fn skip(&mut self) -> Scan<()> {
        self.value(1)
    }

    /// Reads a member value of the top-level object as a [`Scalar`].
    pub(crate) fn scalar(&mut self) -> Scan<Scalar<'a>> {
        Ok(match self.peek() {
            Some(b'"') => Scalar::String(self.string()?),
            Some(b't') => {
                self.literal("true")?;
                Scalar::Bool(true)
            }
            Some(b'f') => {
                self.literal("false")?;
                Scalar::Bool(false)
            }
            Some(b'[') => {
                let mut strings = Some(Vec::new());
                self.array(2, |sc| {
                    if sc.peek() == Some(b'"') {
                        let s = sc.string()?;
                        if let Some(v) = &mut strings {
                            v.push(s);
                        }
                        Ok(())
                    } else {
                        strings = None;
                        sc.value(2)
                    }
                })?;
                strings.map_or(Scalar::Other, Scalar::Strings)
            }
            Some(b'{' | b'n') => {
                self.value(1)?;
                Scalar::Other
            }
            _ => Scalar::Number(self.number(true)?.unwrap_or(f64::NAN)),
        })
    }

    fn literal(&mut self, word: &'static str) -> Scan<()> {
        if self.b[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(())
        } else {
            Err(Syntax(INVALID))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - start
    }

    /// Scans a number; returns its value when `want` (or when it must be
    /// range-checked). A number whose f64 value would be infinite is refused.
    fn number(&mut self, want: bool) -> Scan<Option<f64>> {
        let start = self.i;
        let neg = self.peek() == Some(b'-');
        if neg {
            self.i += 1;
        }
        // Integer part, accumulated as we go (exact up to 15 digits).
        let int_start = self.i;
        let mut int = 0u64;
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                while let Some(d @ b'0'..=b'9') = self.peek() {
                    int = int.wrapping_mul(10).wrapping_add((d - b'0') as u64);
                    self.i += 1;
                }
            }
            _ => return Err(Syntax(INVALID)),
        }
        let int_digits = self.i - int_start;
        let mut plain = true;
        if self.peek() == Some(b'.') {
            plain = false;
            self.i += 1;
            if self.digits() == 0 {
                return Err(Syntax(INVALID));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            plain = false;
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(Syntax(INVALID));
            }
        }
        if plain && int_digits <= 15 {
            let n = int as f64;
            return Ok(want.then_some(if neg { -n } else { n }));
        }
        let text = &self.text[start..self.i];
        let v: f64 = text.parse().map_err(|_| Syntax(INVALID))?;
        if !v.is_finite() {
            return Err(Syntax(OUT_OF_RANGE));
        }
        Ok(Some(v))
    }

    fn hex4(&mut self) -> Scan<u32> {
        let digits = self.b.get(self.i..self.i + 4).ok_or(Syntax(INVALID))?;
        let mut v = 0;
        for &d in digits {
            let n = (d as char).to_digit(16).ok_or(Syntax(INVALID))?;
            v = v << 4 | n;
        }
        self.i += 4;
        Ok(v)
    }

    /// Scans a string (the cursor is on `"`), borrowing it when it has no escapes.
    fn string(&mut self) -> Scan<Cow<'a, str>> {
        self.i += 1;
        let start = self.i;
        let mut owned: Option<String> = None;
        let mut chunk = start;
        loop {
            // Eight bytes at a time while none is a quote, backslash or control.
            while let Some(word) = self.b.get(self.i..self.i + 8) {
                let w = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
                if has_stop_byte(w) {
                    break;
                }
                self.i += 8;
            }
            while let Some(&c) = self.b.get(self.i) {
                if STRING_STOP[c as usize] {
                    break;
                }
                self.i += 1;
            }
            let c = *self.b.get(self.i).ok_or(Syntax(INVALID))?;
            match c {
                b'"' => {
                    let end = self.i;
                    self.i += 1;
                    return Ok(match owned {
                        None => Cow::Borrowed(&self.text[start..end]),
                        Some(mut s) => {
                            s.push_str(&self.text[chunk..end]);
                            Cow::Owned(s)
                        }
                    });
                }
                b'\\' => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[chunk..self.i]);
                    self.i += 1;
                    let e = *self.b.get(self.i).ok_or(Syntax(INVALID))?;
                    self.i += 1;
                    match e {
                        b'"' => s.push('"'),
                        b'\\' => s.push('\\'),
                        b'/' => s.push('/'),
                        b'b' => s.push('\u{8}'),
                        b'f' => s.push('\u{c}'),
                        b'n' => s.push('\n'),
                        b'r' => s.push('\r'),
                        b't' => s.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = match hi {
                                0xd800..=0xdbff => {
                                    if self.b.get(self.i..self.i + 2) != Some(b"\\u") {
                                        return Err(Syntax(INVALID)); // lone high surrogate
                                    }
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    if !(0xdc00..=0xdfff).contains(&lo) {
                                        return Err(Syntax(INVALID));
                                    }
                                    0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                                }
                                0xdc00..=0xdfff => return Err(Syntax(INVALID)),
                                _ => hi,
                            };
                            s.push(char::from_u32(code).ok_or(Syntax(INVALID))?);
                        }
                        _ => return Err(Syntax(INVALID)),
                    }
                    chunk = self.i;
                }
                _ => return Err(Syntax(INVALID)), // a control character
            }
        }
    }
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
        check(" {\"a\":1,\"b\":[1,\"x\",{\"c\":null}],\"d\":{\"a\":1}} \n").unwrap();
        check(r#"{"a":{"a":{"a":1}},"b":{"a":2}}"#).unwrap();
        check(r#"{"n":[-0,0.5,1e5,1E+5,-1.25e-3,123456789012345678901234567890]}"#).unwrap();
        check(r#"{"s":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00 é"}"#).unwrap();
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
            r#"{"a":"\udc00"}"#,
            r#"{"a":"\ud800\u0041"}"#,
            r#"{"a":1e999}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":.5}"#,
            r#"{"a":-}"#,
            r#"{"a":+1}"#,
            r#"{"a":1e}"#,
            r#"{"a":tru}"#,
            r#"{"a":"\x"}"#,
            "{\"a\":\"\u{1}\"}",
            r#"{'a':1}"#,
            r#"{"a" 1}"#,
            r#"{"a":1 "b":2}"#,
            r#"{"a":[1,]}"#,
            r#"{"a":NaN}"#,
            "{\"a\":1}\u{0}",
            "\u{feff}{}",
            "",
            "{",
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

    #[test]
    fn scalars_borrow_when_unescaped() {
        struct Grab<'a>(Vec<(String, Scalar<'a>)>);
        impl<'a> ObjectSink<'a> for Grab<'a> {
            fn member(&mut self, key: &str, sc: &mut Scanner<'a>) -> Scan<()> {
                let v = sc.scalar()?;
                self.0.push((key.to_owned(), v));
                Ok(())
            }
        }
        let text = r#"{"s":"plain","e":"a\nb","n":1.5,"i":-3,"a":["x","y"],"m":[1,"x"],"o":{"k":1},"z":null,"t":true}"#;
        let mut g = Grab(Vec::new());
        parse_object(text, &mut g, "test").unwrap();
        let v: Vec<Scalar<'_>> = g.0.into_iter().map(|(_, v)| v).collect();
        assert!(matches!(&v[0], Scalar::String(Cow::Borrowed("plain"))));
        assert!(matches!(&v[1], Scalar::String(Cow::Owned(s)) if s == "a\nb"));
        assert_eq!(v[2], Scalar::Number(1.5));
        assert_eq!(v[3], Scalar::Number(-3.0));
        assert_eq!(v[4], Scalar::Strings(vec!["x".into(), "y".into()]));
        assert_eq!(
            &v[5..],
            &[
                Scalar::Other,
                Scalar::Other,
                Scalar::Other,
                Scalar::Bool(true)
            ]
        );
    }

    /// The previous, serde_json-driven strict validator, kept as the
    /// reference the scanner is differentially tested against.
    mod reference {
        use std::collections::HashSet;
        use std::fmt;

        use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

        use super::super::MAX_DEPTH;

        pub fn valid(text: &str) -> bool {
            let mut de = serde_json::Deserializer::from_str(text);
            de.deserialize_any(Top).and_then(|()| de.end()).is_ok()
        }

        struct Top;
        impl<'de> Visitor<'de> for Top {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
                Strict { depth: 0 }.visit_map(map)
            }
        }

        struct Key;
        impl<'de> DeserializeSeed<'de> for Key {
            type Value = String;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
                d.deserialize_str(self)
            }
        }
        impl<'de> Visitor<'de> for Key {
            type Value = String;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("key")
            }
            fn visit_str<E>(self, v: &str) -> Result<String, E> {
                Ok(v.to_owned())
            }
        }

        #[derive(Clone, Copy)]
        struct Strict {
            depth: usize,
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
                f.write_str("value")
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
                    return Err(de::Error::custom("deep"));
                }
                while seq.next_element_seed(Strict { depth })?.is_some() {}
                Ok(())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
                let depth = self.depth + 1;
                if depth > MAX_DEPTH {
                    return Err(de::Error::custom("deep"));
                }
                let mut seen = HashSet::new();
                while let Some(key) = map.next_key_seed(Key)? {
                    if !seen.insert(key) {
                        return Err(de::Error::custom("duplicate"));
                    }
                    map.next_value_seed(Strict { depth })?;
                }
                Ok(())
            }
        }
    }

    #[test]
    fn agrees_with_serde_json_on_mutations() {
        let seeds = [
            r#"{"sub":"1234567890","name":"John Doe","admin":true,"iat":1700000000,"exp":4102444800.5,"aud":["a","b"]}"#,
            r#"{"a":{"b":[1,-2.5e-3,{"c":null,"d":"\u00e9\ud83d\ude00\n"}],"e":false},"f":[]}"#,
            r#"{"x":"é€😀","y":[[[[]]]],"z":{"":0,"0":-0}}"#,
        ];
        let alphabet = br#"{}[]:,"\/ 0123456789.eE+-tfnrulsabx"#;
        let mut x: u64 = 0x1234_5678_9abc_def1;
        let mut rnd = |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as usize
        };
        let mut checked = 0;
        for seed in seeds {
            for _ in 0..20_000 {
                let mut v = seed.as_bytes().to_vec();
                for _ in 0..1 + rnd(3) {
                    let at = rnd(v.len() + 1);
                    match rnd(3) {
                        0 if at < v.len() => {
                            v.remove(at);
                        }
                        1 if at < v.len() => v[at] = alphabet[rnd(alphabet.len())],
                        _ => v.insert(at, alphabet[rnd(alphabet.len())]),
                    }
                }
                let Ok(text) = std::str::from_utf8(&v) else {
                    continue;
                };
                let ours = check(text).is_ok();
                assert_eq!(ours, reference::valid(text), "disagreement on {text}");
                checked += 1;
            }
        }
        assert!(checked > 50_000);
    }
}
