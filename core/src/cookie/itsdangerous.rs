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

pub(crate) fn malformed(msg: &'static str) -> Error {
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
        if secret_keys.iter().any(|k| k.as_ref().is_empty()) {
            // Flask turns sessions off for an empty SECRET_KEY; signing with
            // an empty key would let anyone forge cookies.
            return Err(Error::new(ErrorCode::InvalidKey, "empty secret key"));
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
    if raw.len() > 8 {
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
    /// `ActiveSupport::JSON.encode`: input order, non-ASCII raw, `<` `>` `&`
    /// U+2028 U+2029 as `\u` escapes.
    Rails,
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
        let tree = super::flask::pyjson::parse(json.as_bytes()).map_err(super::flask::bad_input)?;
        self.dumps_tree(&tree, now)
    }

    /// [`URLSafeTimedSerializer::dumps`] of an already parsed document.
    pub(crate) fn dumps_tree(
        &self,
        tree: &super::flask::pyjson::Value,
        now: i64,
    ) -> Result<String> {
        let mut text = String::with_capacity(256);
        super::flask::pyjson::write(tree, self.style, &mut text);
        let payload = compress_payload(text.as_bytes());
        let signed = self.signer.sign(payload.as_bytes(), now)?;
        String::from_utf8(signed).map_err(|_| Error::new(ErrorCode::Internal, "non-UTF-8 cookie"))
    }

    /// Verifies `cookie` (with `max_age` as in [`TimestampSigner::unsign`]) and
    /// returns its payload as compact JSON text (member order kept, non-ASCII raw).
    pub fn loads(&self, cookie: &str, max_age: Option<u64>, now: i64) -> Result<String> {
        self.loads_with_timestamp(cookie, max_age, now)
            .map(|(json, _)| json)
    }

    /// [`loads`](Self::loads), also returning the signing timestamp (Unix seconds),
    /// as itsdangerous' `loads(..., return_timestamp=True)`.
    pub fn loads_with_timestamp(
        &self,
        cookie: &str,
        max_age: Option<u64>,
        now: i64,
    ) -> Result<(String, i64)> {
        let (payload, ts) = self.signer.unsign(cookie.as_bytes(), max_age, now)?;
        let json = decompress_payload(payload)?;
        if json.first() == Some(&b'{') {
            // An object (every session): validated by the strict scanner and
            // handed back as written, without building a tree.
            let text = crate::json::utf8(&json, "payload")?;
            crate::json::validate_object(text, "payload")?;
            let json = String::from_utf8(json).map_err(|_| malformed("payload is not UTF-8"))?;
            return Ok((json, ts));
        }
        let tree = super::flask::pyjson::parse(&json)?;
        let mut out = String::with_capacity(json.len());
        super::flask::pyjson::write(&tree, Style::Compact, &mut out);
        Ok((out, ts))
    }
}

thread_local! {
    // zlib streams are reset between uses instead of re-created: creating one
    // allocates and clears ~300 KB (deflate) / 40 KB (inflate), which costs
    // more than compressing a cookie. Reset streams give identical output.
    static DEFLATE: std::cell::RefCell<flate2::Compress> =
        std::cell::RefCell::new(flate2::Compress::new(flate2::Compression::new(6), true));
    static INFLATE: std::cell::RefCell<flate2::Decompress> =
        std::cell::RefCell::new(flate2::Decompress::new(true));
}

/// zlib (level 6, as Python's `zlib.compress`) of `data`; `None` on a zlib error.
fn deflate(data: &[u8]) -> Option<Vec<u8>> {
    DEFLATE.with(|cell| {
        let mut z = cell.borrow_mut();
        z.reset();
        // zlib's bound for one-shot compression of `data`.
        let mut out = Vec::with_capacity(data.len() + data.len() / 1000 + 64);
        loop {
            let consumed = z.total_in() as usize;
            let status = z
                .compress_vec(&data[consumed..], &mut out, flate2::FlushCompress::Finish)
                .ok()?;
            match status {
                flate2::Status::StreamEnd => return Some(out),
                _ => out.reserve(out.capacity().max(64)),
            }
        }
    })
}

/// Inflates a zlib stream, at most [`MAX_INFLATED`] bytes.
fn inflate(data: &[u8]) -> Result<Vec<u8>> {
    INFLATE.with(|cell| {
        let mut z = cell.borrow_mut();
        z.reset(true);
        let mut out = Vec::with_capacity((data.len() * 4).clamp(256, 16_384));
        loop {
            let (consumed, produced) = (z.total_in(), z.total_out());
            let status = z
                .decompress_vec(
                    &data[consumed as usize..],
                    &mut out,
                    flate2::FlushDecompress::Finish,
                )
                .map_err(|_| malformed("payload does not inflate"))?;
            match status {
                flate2::Status::StreamEnd => return Ok(out),
                _ if out.len() as u64 >= MAX_INFLATED => {
                    return Err(Error::new(
                        ErrorCode::TooLarge,
                        "inflated payload too large",
                    ))
                }
                _ if (z.total_in() as usize >= data.len() && out.len() < out.capacity())
                    || (z.total_in(), z.total_out()) == (consumed, produced) =>
                {
                    return Err(malformed("payload does not inflate (truncated)"))
                }
                _ => out.reserve(out.capacity().min(MAX_INFLATED as usize)),
            }
        }
    })
}

fn compress_payload(json: &[u8]) -> String {
    match deflate(json) {
        Some(c) if c.len() + 1 < json.len() => {
            let mut s = String::with_capacity(1 + c.len() * 4 / 3 + 4);
            s.push('.');
            b64::encode_into(&c, &mut s);
            s
        }
        _ => b64::encode(json),
    }
}

fn decompress_payload(payload: &[u8]) -> Result<Vec<u8>> {
    let (compressed, body) = match payload.first() {
        Some(b'.') => (true, &payload[1..]),
        _ => (false, payload),
    };
    let raw = b64::decode_bytes(body).map_err(|_| malformed("payload is not base64url"))?;
    if compressed {
        inflate(&raw)
    } else {
        Ok(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_secrets_are_refused() {
        let opts = SignerOptions::default();
        let none: [&[u8]; 0] = [];
        assert_eq!(
            Signer::new(&none, &opts).err().map(|e| e.code()),
            Some(ErrorCode::InvalidKey)
        );
        let empty: [&[u8]; 2] = [b"old", b""];
        assert_eq!(
            Signer::new(&empty, &opts).err().map(|e| e.code()),
            Some(ErrorCode::InvalidKey)
        );
        assert!(crate::cookie::flask::FlaskCookie::new(b"").is_err());
    }
}
