//! itsdangerous 2.x: `Signer`, `TimestampSigner` and `URLSafeTimedSerializer`,
//! byte-compatible with the Python library (see COOKIE_FORMATS.md, part B).
//!
//! Secrets are ordered oldest → newest: the newest signs, every one verifies.
//! Values handed to the serializer are JSON text; the payload JSON is written
//! compactly (`,`/`:`), in the input's member order, non-ASCII kept raw, as
//! itsdangerous' `_CompactJSON` does. Numbers are copied verbatim.
//!
//! Deliberate strictness: signatures and payloads must be canonical unpadded
//! base64url (Python also accepts malleated forms no real writer emits).

use std::io::Read as _;

use crate::b64;
use crate::crypto::prims::{digest, Hash, Mac};
use crate::error::{Error, ErrorCode, Result};

/// Largest inflated payload accepted (a cookie is at most 4 KB; this bounds zlib bombs).
const MAX_INFLATED: u64 = 1 << 20;

/// The digest used for key derivation and the HMAC (`digest_method`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Digest {
    /// SHA-1, itsdangerous' and Flask's default.
    #[default]
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Digest {
    fn hash(self) -> Hash {
        match self {
            Digest::Sha1 => Hash::Sha1,
            Digest::Sha256 => Hash::Sha256,
            Digest::Sha384 => Hash::Sha384,
            Digest::Sha512 => Hash::Sha512,
        }
    }
    /// Parses `sha1`, `sha256`, `sha384` or `sha512` (`INVALID_ARGUMENT` otherwise).
    pub fn parse(name: &str) -> Result<Digest> {
        Ok(match name.to_ascii_lowercase().as_str() {
            "sha1" => Digest::Sha1,
            "sha256" => Digest::Sha256,
            "sha384" => Digest::Sha384,
            "sha512" => Digest::Sha512,
            _ => return Err(Error::new(ErrorCode::InvalidArgument, "unknown digest")),
        })
    }
}

/// How the signing key is derived from each secret (`key_derivation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum KeyDerivation {
    /// `H(salt || secret)`.
    Concat,
    /// `H(salt || "signer" || secret)`: the default.
    #[default]
    DjangoConcat,
    /// `HMAC-H(key=secret, msg=salt)`: what Flask uses.
    Hmac,
    /// The secret itself.
    None,
}

impl KeyDerivation {
    /// Parses itsdangerous' names: `concat`, `django-concat`, `hmac`, `none`.
    pub fn parse(name: &str) -> Result<KeyDerivation> {
        Ok(match name {
            "concat" => KeyDerivation::Concat,
            "django-concat" => KeyDerivation::DjangoConcat,
            "hmac" => KeyDerivation::Hmac,
            "none" => KeyDerivation::None,
            _ => {
                return Err(Error::new(
                    ErrorCode::InvalidArgument,
                    "unknown key derivation",
                ))
            }
        })
    }
}

/// Options of a [`Signer`]; `Default` is itsdangerous' `Signer` default.
#[derive(Clone, Debug)]
pub struct SignerOptions {
    /// The salt (default `b"itsdangerous.Signer"`).
    pub salt: Vec<u8>,
    /// The separator (default `b"."`); may not contain base64url characters or `=`.
    pub sep: Vec<u8>,
    /// Key derivation mode (default `django-concat`).
    pub key_derivation: KeyDerivation,
    /// Digest (default SHA-1).
    pub digest: Digest,
}

impl Default for SignerOptions {
    fn default() -> Self {
        SignerOptions {
            salt: b"itsdangerous.Signer".to_vec(),
            sep: b".".to_vec(),
            key_derivation: KeyDerivation::DjangoConcat,
            digest: Digest::Sha1,
        }
    }
}

fn malformed(msg: &'static str) -> Error {
    Error::new(ErrorCode::Malformed, msg)
}

fn bad_sig() -> Error {
    Error::new(ErrorCode::InvalidSignature, "signature does not match")
}

/// The position of the last occurrence of `sep` in `data`.
fn rfind(data: &[u8], sep: &[u8]) -> Option<usize> {
    if sep.len() > data.len() {
        return None;
    }
    (0..=data.len() - sep.len())
        .rev()
        .find(|&i| &data[i..i + sep.len()] == sep)
}

/// itsdangerous' `Signer`: `value || sep || b64url(HMAC(derived_key, value))`.
pub struct Signer {
    /// Prepared MACs, newest first (verification order).
    macs: Vec<Mac>,
    sep: Vec<u8>,
}

impl Signer {
    /// A signer for `secret_keys` (oldest → newest; at least one).
    pub fn new<S: AsRef<[u8]>>(secret_keys: &[S], opts: &SignerOptions) -> Result<Signer> {
        if secret_keys.is_empty() {
            return Err(Error::new(ErrorCode::InvalidKey, "no secret key"));
        }
        if opts.sep.is_empty()
            || opts
                .sep
                .iter()
                .any(|c| c.is_ascii_alphanumeric() || b"-_=".contains(c))
        {
            return Err(Error::new(ErrorCode::InvalidArgument, "invalid separator"));
        }
        let h = opts.digest.hash();
        let macs = secret_keys
            .iter()
            .rev()
            .map(|s| {
                let s = s.as_ref();
                let key = match opts.key_derivation {
                    KeyDerivation::Concat => digest(h, &[&opts.salt[..], s].concat()),
                    KeyDerivation::DjangoConcat => {
                        digest(h, &[&opts.salt[..], b"signer", s].concat())
                    }
                    KeyDerivation::Hmac => Mac::new(h, s).sign(&[&opts.salt]),
                    KeyDerivation::None => s.to_vec(),
                };
                Mac::new(h, &key)
            })
            .collect();
        Ok(Signer {
            macs,
            sep: opts.sep.clone(),
        })
    }

    /// `value || sep || signature`, signed with the newest secret.
    pub fn sign(&self, value: &[u8]) -> Vec<u8> {
        let tag = self.macs[0].sign(&[value]);
        let mut out = Vec::with_capacity(value.len() + self.sep.len() + 43);
        out.extend_from_slice(value);
        out.extend_from_slice(&self.sep);
        b64::encode_to_vec(&tag, &mut out);
        out
    }

    /// The value if the signature verifies under any secret (`INVALID_SIGNATURE`
    /// otherwise; `MALFORMED` when there is no separator or the signature is not base64url).
    pub fn unsign<'a>(&self, signed: &'a [u8]) -> Result<&'a [u8]> {
        let at = rfind(signed, &self.sep).ok_or_else(|| malformed("no separator found"))?;
        let (value, sig) = (&signed[..at], &signed[at + self.sep.len()..]);
        let tag = b64::decode_bytes(sig).map_err(|_| malformed("signature is not base64url"))?;
        if self.macs.iter().any(|m| m.verify(&[value], &tag)) {
            Ok(value)
        } else {
            Err(bad_sig())
        }
    }
}

/// `int_to_bytes(n)`: big-endian with leading zero bytes stripped, as base64url.
fn encode_ts(now: i64) -> Result<String> {
    let n = u64::try_from(now)
        .map_err(|_| Error::new(ErrorCode::InvalidArgument, "negative timestamp"))?;
    let be = n.to_be_bytes();
    let skip = be.iter().take_while(|&&b| b == 0).count();
    Ok(b64::encode(&be[skip..]))
}

fn decode_ts(ts: &[u8]) -> Result<i64> {
    let raw = b64::decode_bytes(ts).map_err(|_| malformed("timestamp is not base64url"))?;
    if raw.is_empty() || raw.len() > 8 {
        return Err(malformed("invalid timestamp"));
    }
    let mut be = [0u8; 8];
    be[8 - raw.len()..].copy_from_slice(&raw);
    i64::try_from(u64::from_be_bytes(be)).map_err(|_| malformed("invalid timestamp"))
}

/// itsdangerous' `TimestampSigner`: `value || sep || ts || sep || sig`.
pub struct TimestampSigner {
    signer: Signer,
}

impl TimestampSigner {
    /// A timestamp signer (same arguments as [`Signer::new`]).
    pub fn new<S: AsRef<[u8]>>(secret_keys: &[S], opts: &SignerOptions) -> Result<Self> {
        Ok(TimestampSigner {
            signer: Signer::new(secret_keys, opts)?,
        })
    }

    /// Signs `value` with the timestamp `now` (seconds since the epoch, ≥ 0).
    pub fn sign(&self, value: &[u8], now: i64) -> Result<Vec<u8>> {
        let mut v = Vec::with_capacity(value.len() + 12);
        v.extend_from_slice(value);
        v.extend_from_slice(&self.signer.sep);
        v.extend_from_slice(encode_ts(now)?.as_bytes());
        Ok(self.signer.sign(&v))
    }

    /// Verifies and returns `(value, timestamp)`. With `max_age`, an age over it
    /// is `EXPIRED` and a timestamp after `now` is `ISSUED_IN_FUTURE`.
    pub fn unsign<'a>(
        &self,
        signed: &'a [u8],
        max_age: Option<u64>,
        now: i64,
    ) -> Result<(&'a [u8], i64)> {
        let inner = self.signer.unsign(signed)?;
        let sep = &self.signer.sep;
        let at = rfind(inner, sep).ok_or_else(|| malformed("timestamp missing"))?;
        let ts = decode_ts(&inner[at + sep.len()..])?;
        if let Some(max_age) = max_age {
            let age = (now as i128) - (ts as i128);
            if age < 0 {
                return Err(Error::new(ErrorCode::IssuedInFuture, "signature age < 0"));
            }
            if age > max_age as i128 {
                return Err(Error::new(ErrorCode::Expired, "signature expired"));
            }
        }
        Ok((&inner[..at], ts))
    }
}

/// How the JSON payload is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// `_CompactJSON`: input member order, non-ASCII raw.
    Compact,
    /// Flask's provider: keys sorted, `ensure_ascii=True`.
    Flask,
}

/// itsdangerous' `URLSafeTimedSerializer` (JSON payload, optional zlib, timestamp).
pub struct URLSafeTimedSerializer {
    signer: TimestampSigner,
    style: Style,
}

impl URLSafeTimedSerializer {
    /// `opts.salt` should be `b"itsdangerous"` for the library default
    /// (see [`URLSafeTimedSerializer::default_options`]).
    pub fn new<S: AsRef<[u8]>>(secret_keys: &[S], opts: &SignerOptions) -> Result<Self> {
        Ok(URLSafeTimedSerializer {
            signer: TimestampSigner::new(secret_keys, opts)?,
            style: Style::Compact,
        })
    }

    /// The serializer defaults: salt `b"itsdangerous"`, django-concat, SHA-1, `.`.
    pub fn default_options() -> SignerOptions {
        SignerOptions {
            salt: b"itsdangerous".to_vec(),
            ..SignerOptions::default()
        }
    }

    pub(crate) fn with_style(mut self, style: Style) -> Self {
        self.style = style;
        self
    }

    /// Serializes the JSON text `json` and signs it at time `now`.
    pub fn dumps(&self, json: &str, now: i64) -> Result<String> {
        let tree = pyjson::parse(json.as_bytes())?;
        let mut text = String::with_capacity(json.len());
        pyjson::write(&tree, self.style, &mut text);
        let payload = compress_payload(text.as_bytes());
        let signed = self.signer.sign(payload.as_bytes(), now)?;
        String::from_utf8(signed).map_err(|_| Error::new(ErrorCode::Internal, "non-UTF-8 cookie"))
    }

    /// Verifies `cookie` (with `max_age` as in [`TimestampSigner::unsign`]) and
    /// returns its payload as compact JSON text (member order kept, non-ASCII raw).
    pub fn loads(&self, cookie: &str, max_age: Option<u64>, now: i64) -> Result<String> {
        let (payload, _) = self.signer.unsign(cookie.as_bytes(), max_age, now)?;
        let json = decompress_payload(payload)?;
        let tree = pyjson::parse(&json)?;
        let mut out = String::with_capacity(json.len());
        pyjson::write(&tree, Style::Compact, &mut out);
        Ok(out)
    }
}

fn compress_payload(json: &[u8]) -> String {
    use flate2::write::ZlibEncoder;
    use std::io::Write as _;
    let mut enc = ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
    let c = enc
        .write_all(json)
        .and_then(|_| enc.finish())
        .unwrap_or_default();
    if !c.is_empty() && c.len() + 1 < json.len() {
        let mut s = String::from(".");
        b64::encode_into(&c, &mut s);
        s
    } else {
        b64::encode(json)
    }
}

fn decompress_payload(payload: &[u8]) -> Result<Vec<u8>> {
    let (compressed, body) = match payload.first() {
        Some(b'.') => (true, &payload[1..]),
        _ => (false, payload),
    };
    let raw = b64::decode_bytes(body).map_err(|_| malformed("payload is not base64url"))?;
    if !compressed {
        return Ok(raw);
    }
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(&raw[..])
        .take(MAX_INFLATED + 1)
        .read_to_end(&mut out)
        .map_err(|_| malformed("payload does not inflate"))?;
    if out.len() as u64 > MAX_INFLATED {
        return Err(Error::new(
            ErrorCode::TooLarge,
            "inflated payload too large",
        ));
    }
    Ok(out)
}

/// A JSON tree that keeps member order and number text, and writers that
/// reproduce Python's `json.dumps` byte for byte.
pub(crate) mod pyjson {
    use super::{malformed, Style};
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

    fn write_str(s: &str, ascii: bool, out: &mut String) {
        out.push('"');
        for ch in s.chars() {
            match ch {
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
            Value::Str(s) => write_str(s, ascii, out),
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
                    write_str(k, ascii, out);
                    out.push(':');
                    write(x, style, out);
                }
                out.push('}');
            }
        }
    }
}
