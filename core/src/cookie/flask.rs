//! Flask's default session cookie (`SecureCookieSessionInterface`), byte for
//! byte (COOKIE_FORMATS.md, part A).
//!
//! The session travels as JSON text in Flask's *tagged* form: a tuple is
//! `{" t": [...]}`, bytes `{" b": "<standard base64>"}`, Markup `{" m": "..."}`,
//! a UUID `{" u": "<32 hex>"}`, a datetime `{" d": "<http date>"}`, and a
//! one-key dict whose key is a tag `{" di": {"<key>__": ...}}`. [`FlaskCookie::dumps`]
//! writes it exactly as Flask does (keys sorted, `ensure_ascii`, compact,
//! zlib when smaller); [`FlaskCookie::loads`] returns the tagged JSON, which the
//! bindings turn into native values. Numbers are copied verbatim, so callers
//! pass Python's float repr (`3.0`, `1e-07`) to stay byte-identical.
//!
//! Compression uses zlib itself (bundled, statically linked, level 6), so
//! compressed cookies are byte-identical to Python's too.

use super::itsdangerous::{Digest, KeyDerivation, SignerOptions, Style, URLSafeTimedSerializer};
use crate::error::{Error, ErrorCode, Result};
use pyjson::Value;

fn bad_arg(msg: &'static str) -> Error {
    Error::new(ErrorCode::InvalidArgument, msg)
}

/// Input JSON a caller handed in that does not parse: the caller's error.
pub(crate) fn bad_input(e: Error) -> Error {
    Error::new(
        ErrorCode::InvalidArgument,
        format!("session JSON: {}", e.message()),
    )
}

/// Refuses tagged values Flask could not read back (its untagging would fail
/// and answer 500): `" t"` not a list, `" b"` not standard base64, `" u"` not a
/// UUID, `" m"`/`" d"` not a string, `" di"` not a one-member object.
fn check_tags(v: &Value) -> Result<()> {
    use base64::Engine as _;
    match v {
        Value::Arr(items) => items.iter().try_for_each(check_tags),
        Value::Obj(members) => {
            if let [(tag, inner)] = &members[..] {
                let ok = match (tag.as_str(), inner) {
                    (" t", Value::Arr(_)) | (" m" | " d", Value::Str(_)) => true,
                    (" di", Value::Obj(m)) => m.len() == 1,
                    (" b", Value::Str(b)) => {
                        base64::engine::general_purpose::STANDARD.decode(b).is_ok()
                    }
                    (" u", Value::Str(u)) => {
                        let h = u.replace("urn:", "").replace("uuid:", "");
                        let h = h.trim_matches(|c| c == '{' || c == '}').replace('-', "");
                        h.len() == 32 && h.bytes().all(|c| c.is_ascii_hexdigit())
                    }
                    (" t" | " m" | " d" | " di" | " b" | " u", _) => false,
                    _ => true,
                };
                if !ok {
                    return Err(bad_arg("invalid Flask tagged value"));
                }
            }
            members.iter().try_for_each(|(_, x)| check_tags(x))
        }
        _ => Ok(()),
    }
}

/// Flask's default `PERMANENT_SESSION_LIFETIME`: 31 days, in seconds.
pub const DEFAULT_MAX_AGE: u64 = 2_678_400;

/// The salt of Flask's session serializer.
pub const DEFAULT_SALT: &[u8] = b"cookie-session";

/// A Flask session-cookie codec.
pub struct FlaskCookie {
    ser: URLSafeTimedSerializer,
    max_age: Option<u64>,
}

impl FlaskCookie {
    /// Flask's defaults: salt `cookie-session`, max_age 31 days, no fallbacks.
    pub fn new(secret_key: &[u8]) -> Result<FlaskCookie> {
        Self::with_options::<&[u8]>(secret_key, &[], DEFAULT_SALT, Some(DEFAULT_MAX_AGE))
    }

    /// `fallbacks` are Flask's `SECRET_KEY_FALLBACKS` (oldest first); they open
    /// cookies, `secret_key` signs. `max_age: None` disables the age check.
    pub fn with_options<S: AsRef<[u8]>>(
        secret_key: &[u8],
        fallbacks: &[S],
        salt: &[u8],
        max_age: Option<u64>,
    ) -> Result<FlaskCookie> {
        let mut keys: Vec<&[u8]> = fallbacks.iter().map(|k| k.as_ref()).collect();
        keys.push(secret_key);
        let opts = SignerOptions {
            salt: salt.to_vec(),
            sep: b".".to_vec(),
            key_derivation: KeyDerivation::Hmac,
            digest: Digest::Sha1,
        };
        let ser = URLSafeTimedSerializer::new(&keys, &opts)?.with_style(Style::Flask);
        Ok(FlaskCookie { ser, max_age })
    }

    /// The cookie value for the session `json` (tagged JSON text) signed at `now`.
    /// The session must be a JSON object (`INVALID_ARGUMENT` otherwise).
    pub fn dumps(&self, json: &str, now: i64) -> Result<String> {
        let tree = pyjson::parse(json.as_bytes()).map_err(bad_input)?;
        if !matches!(tree, Value::Obj(_)) {
            return Err(bad_arg("a Flask session is a JSON object"));
        }
        check_tags(&tree)?;
        self.ser.dumps_tree(&tree, now)
    }

    /// Opens `cookie` at time `now`: the session as tagged JSON text.
    /// `INVALID_SIGNATURE`, `EXPIRED`, `ISSUED_IN_FUTURE` or `MALFORMED` otherwise.
    pub fn loads(&self, cookie: &str, now: i64) -> Result<String> {
        let json = self.ser.loads(cookie, self.max_age, now)?;
        if !json.starts_with('{') {
            return Err(Error::new(
                ErrorCode::Malformed,
                "session is not a JSON object",
            ));
        }
        // Tagged values are returned as signed, as Flask's reader sees them:
        // a binding converts them as Flask's `TaggedJSONSerializer` does, and
        // fails (MALFORMED) where Flask's conversion fails. `dumps` is
        // stricter: it writes only what Flask itself writes.
        Ok(json)
    }
}

/// A JSON tree that keeps member order and number text, and writers that
/// reproduce Python's `json.dumps` byte for byte.
pub(crate) mod pyjson {
    use crate::cookie::itsdangerous::{malformed, Style};
    use crate::error::Result;

    /// A parsed JSON value.
    #[derive(Debug)]
    pub(crate) enum Value {
        Null,
        Bool(bool),
        /// The number's text, copied verbatim.
        Num(String),
        Str(String),
        Arr(Vec<Value>),
        Obj(Vec<(String, Value)>),
    }

    /// Parses one JSON document (duplicate keys, NaN and lone surrogates are `MALFORMED`).
    pub(crate) fn parse(text: &[u8]) -> Result<Value> {
        let mut p = P { s: text, i: 0 };
        let v = p.value(0)?;
        p.ws();
        if p.i != text.len() {
            return Err(malformed("trailing data after JSON"));
        }
        Ok(v)
    }

    struct P<'a> {
        s: &'a [u8],
        i: usize,
    }

    impl P<'_> {
        fn ws(&mut self) {
            while matches!(self.s.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                self.i += 1;
            }
        }
        fn lit(&mut self, w: &[u8]) -> bool {
            if self.s[self.i..].starts_with(w) {
                self.i += w.len();
                true
            } else {
                false
            }
        }
        fn value(&mut self, depth: usize) -> Result<Value> {
            if depth > crate::json::MAX_DEPTH {
                return Err(malformed("JSON nesting too deep"));
            }
            self.ws();
            let bad = || malformed("invalid JSON");
            match *self.s.get(self.i).ok_or_else(bad)? {
                b'n' if self.lit(b"null") => Ok(Value::Null),
                b't' if self.lit(b"true") => Ok(Value::Bool(true)),
                b'f' if self.lit(b"false") => Ok(Value::Bool(false)),
                b'"' => Ok(Value::Str(self.string()?)),
                b'[' => {
                    self.i += 1;
                    let mut items = Vec::new();
                    self.ws();
                    if self.lit(b"]") {
                        return Ok(Value::Arr(items));
                    }
                    loop {
                        items.push(self.value(depth + 1)?);
                        self.ws();
                        if self.lit(b"]") {
                            return Ok(Value::Arr(items));
                        }
                        if !self.lit(b",") {
                            return Err(bad());
                        }
                    }
                }
                b'{' => {
                    self.i += 1;
                    let mut members: Vec<(String, Value)> = Vec::new();
                    self.ws();
                    if self.lit(b"}") {
                        return Ok(Value::Obj(members));
                    }
                    loop {
                        self.ws();
                        if self.s.get(self.i) != Some(&b'"') {
                            return Err(bad());
                        }
                        let k = self.string()?;
                        if members.iter().any(|(m, _)| *m == k) {
                            return Err(malformed("duplicate member name"));
                        }
                        self.ws();
                        if !self.lit(b":") {
                            return Err(bad());
                        }
                        members.push((k, self.value(depth + 1)?));
                        self.ws();
                        if self.lit(b"}") {
                            return Ok(Value::Obj(members));
                        }
                        if !self.lit(b",") {
                            return Err(bad());
                        }
                    }
                }
                b'-' | b'0'..=b'9' => self.number(),
                _ => Err(bad()),
            }
        }
        fn digits(&mut self) -> usize {
            let st = self.i;
            while matches!(self.s.get(self.i), Some(b'0'..=b'9')) {
                self.i += 1;
            }
            self.i - st
        }
        fn number(&mut self) -> Result<Value> {
            let st = self.i;
            let bad = || malformed("invalid JSON number");
            self.lit(b"-");
            let int_start = self.i;
            let n = self.digits();
            if n == 0 || (n > 1 && self.s[int_start] == b'0') {
                return Err(bad());
            }
            if self.lit(b".") && self.digits() == 0 {
                return Err(bad());
            }
            if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
                self.i += 1;
                let _ = self.lit(b"+") || self.lit(b"-");
                if self.digits() == 0 {
                    return Err(bad());
                }
            }
            let t = std::str::from_utf8(&self.s[st..self.i]).map_err(|_| bad())?;
            // What the strict reader refuses (1e400 is not a finite double)
            // is never written: a dumped cookie always loads.
            if !t.parse::<f64>().is_ok_and(f64::is_finite) {
                return Err(malformed("number out of range"));
            }
            Ok(Value::Num(t.to_owned()))
        }
        fn hex4(&mut self) -> Result<u32> {
            let h = self
                .s
                .get(self.i..self.i + 4)
                .ok_or_else(|| malformed("bad escape"))?;
            let h = std::str::from_utf8(h).map_err(|_| malformed("bad escape"))?;
            let v = u32::from_str_radix(h, 16).map_err(|_| malformed("bad escape"))?;
            if !h.bytes().all(|c| c.is_ascii_hexdigit()) {
                return Err(malformed("bad escape"));
            }
            self.i += 4;
            Ok(v)
        }
        fn string(&mut self) -> Result<String> {
            self.i += 1;
            let mut out = Vec::new();
            loop {
                let c = *self
                    .s
                    .get(self.i)
                    .ok_or_else(|| malformed("unterminated string"))?;
                self.i += 1;
                match c {
                    b'"' => break,
                    b'\\' => {
                        let e = *self.s.get(self.i).ok_or_else(|| malformed("bad escape"))?;
                        self.i += 1;
                        let ch = match e {
                            b'"' => '"',
                            b'\\' => '\\',
                            b'/' => '/',
                            b'b' => '\u{8}',
                            b'f' => '\u{c}',
                            b'n' => '\n',
                            b'r' => '\r',
                            b't' => '\t',
                            b'u' => {
                                let mut cp = self.hex4()?;
                                if (0xD800..0xDC00).contains(&cp) && self.lit(b"\\u") {
                                    let lo = self.hex4()?;
                                    if !(0xDC00..0xE000).contains(&lo) {
                                        return Err(malformed("lone surrogate"));
                                    }
                                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                                }
                                char::from_u32(cp).ok_or_else(|| malformed("lone surrogate"))?
                            }
                            _ => return Err(malformed("bad escape")),
                        };
                        out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                    }
                    0..=0x1f => return Err(malformed("control character in string")),
                    _ => out.push(c),
                }
            }
            String::from_utf8(out).map_err(|_| malformed("string is not UTF-8"))
        }
    }

    fn write_str(s: &str, style: Style, out: &mut String) {
        let ascii = style == Style::Flask;
        let rails = style == Style::Rails;
        out.push('"');
        for ch in s.chars() {
            match ch {
                // ActiveSupport::JSON's HTML-safe escapes.
                '<' | '>' | '&' | '\u{2028}' | '\u{2029}' if rails => {
                    out.push_str(&format!("\\u{:04x}", ch as u32));
                }
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                c if (c as u32) < 0x20 || (ascii && !(' '..='~').contains(&c)) => {
                    let mut buf = [0u16; 2];
                    for u in c.encode_utf16(&mut buf) {
                        out.push_str(&format!("\\u{:04x}", u));
                    }
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }

    /// Writes `v` compactly in `style`.
    pub(crate) fn write(v: &Value, style: Style, out: &mut String) {
        let ascii = style == Style::Flask;
        match v {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Num(n) => out.push_str(n),
            Value::Str(s) => write_str(s, style, out),
            Value::Arr(items) => {
                out.push('[');
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(x, style, out);
                }
                out.push(']');
            }
            Value::Obj(members) => {
                let mut refs: Vec<&(String, Value)> = members.iter().collect();
                if ascii {
                    // Python sorts str keys by code point, which is UTF-8 byte order.
                    refs.sort_by(|a, b| a.0.cmp(&b.0));
                }
                out.push('{');
                for (i, (k, x)) in refs.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(k, style, out);
                    out.push(':');
                    write(x, style, out);
                }
                out.push('}');
            }
        }
    }
}
