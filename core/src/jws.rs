//! Compact JWS (RFC 7515) for any payload: strict parsing, signing, verifying.
//!
//! Used directly for non-JSON payloads (webhooks, the RFC examples) and by
//! [`crate::jwt`], which adds claim validation on top.
//!
//! Parsing rules, all enforced before any signature work: the token is at
//! most `max_token_bytes` (else `TOO_LARGE`, before decoding); exactly three
//! segments; each strict unpadded base64url; the header a strict JSON object
//! (no duplicate members, nesting ≤ 64) with a string `alg`; `crit` non-empty
//! and naming only extensions Tessera implements (none), else
//! `UNSUPPORTED_CRITICAL_HEADER`; `b64: false` (RFC 7797) is refused the same
//! way. Header keys (`jwk`, `jku`, `x5u`, `x5c`) are ignored: a key always
//! comes from the caller's [`KeySet`].
//!
//! ```
//! use tessera::{jws, Algorithm, Key, KeySet};
//! let key = Key::generate(Algorithm::EdDSA)?;
//! let token = jws::sign(b"any bytes", &key, None)?;
//! assert_eq!(jws::verify(&token, &KeySet::from(key.public()?))?, b"any bytes");
//! # Ok::<(), tessera::Error>(())
//! ```

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::alg::Algorithm;
use crate::b64;
use crate::error::{invalid_argument, malformed, Error, ErrorCode, Result};
use crate::json::{self, ObjectSink, Scalar};
use crate::key::Key;
use crate::keyset::{KeySet, SigningKeys};

/// Default limit on a token's length in bytes (16 KiB).
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 16 * 1024;

/// The protected header members Tessera reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// `alg`.
    pub alg: Algorithm,
    /// `kid`, if present.
    pub kid: Option<String>,
    /// `typ`, if present.
    pub typ: Option<String>,
    /// `cty`, if present.
    pub cty: Option<String>,
}

/// A set of algorithms as a bit mask (cheap to test on the hot path).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct AlgSet(u16);

impl AlgSet {
    pub(crate) fn of(algs: impl IntoIterator<Item = Algorithm>) -> AlgSet {
        AlgSet(algs.into_iter().fold(0, |m, a| m | 1 << a as u16))
    }
    pub(crate) fn contains(self, a: Algorithm) -> bool {
        self.0 & (1 << a as u16) != 0
    }
}

/// Options for [`verify_with`].
#[derive(Clone, Debug)]
pub struct JwsOptions {
    /// Algorithms accepted. Defaults to the algorithms of the keys.
    pub algorithms: Option<Vec<Algorithm>>,
    /// Longest token accepted, in bytes. Defaults to 16 KiB.
    pub max_token_bytes: usize,
}

impl Default for JwsOptions {
    fn default() -> Self {
        JwsOptions {
            algorithms: None,
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
        }
    }
}

/// A verified JWS: its header and payload.
#[derive(Clone, Debug)]
pub struct Verified {
    /// The protected header.
    pub header: Header,
    /// The decoded payload bytes.
    pub payload: Vec<u8>,
}

/// The three segments of a compact token.
pub(crate) struct Segments<'a> {
    pub header: &'a [u8],
    pub payload: &'a [u8],
    pub signature: &'a [u8],
    /// `header '.' payload`, the exact bytes that were signed.
    pub signing_input: &'a [u8],
}

/// Splits a compact token after the size check.
pub(crate) fn split(token: &[u8], max: usize) -> Result<Segments<'_>> {
    if token.len() > max {
        return Err(Error::new(
            ErrorCode::TooLarge,
            format!("token is longer than {max} bytes"),
        ));
    }
    if token.is_empty() {
        return Err(malformed("token is empty"));
    }
    let a = memchr::memchr(b'.', token);
    let b = a.and_then(|a| memchr::memchr(b'.', &token[a + 1..]).map(|i| a + 1 + i));
    let (Some(a), Some(b)) = (a, b) else {
        return Err(malformed("a compact JWS has exactly three segments"));
    };
    if memchr::memchr(b'.', &token[b + 1..]).is_some() {
        return Err(malformed("a compact JWS has exactly three segments"));
    }
    Ok(Segments {
        header: &token[..a],
        payload: &token[a + 1..b],
        signature: &token[b + 1..],
        signing_input: &token[..b],
    })
}

#[derive(Default)]
struct HeaderSink {
    alg: Option<String>,
    kid: Option<String>,
    typ: Option<String>,
    cty: Option<String>,
    crit: Option<Vec<String>>,
    b64: Option<bool>,
    bad: Option<&'static str>,
}

impl<'a> ObjectSink<'a> for HeaderSink {
    fn member(&mut self, key: &str, sc: &mut json::Scanner<'a>) -> Result<(), json::Syntax> {
        let slot = match key {
            "alg" => &mut self.alg,
            "kid" => &mut self.kid,
            "typ" => &mut self.typ,
            "cty" => &mut self.cty,
            "crit" => {
                match sc.scalar()? {
                    Scalar::Strings(v) if !v.is_empty() => {
                        self.crit = Some(v.into_iter().map(String::from).collect())
                    }
                    _ => {
                        self.bad
                            .get_or_insert("header crit must be a non-empty array of strings");
                    }
                }
                return Ok(());
            }
            "b64" => {
                match sc.scalar()? {
                    Scalar::Bool(b) => self.b64 = Some(b),
                    _ => {
                        self.bad.get_or_insert("header b64 must be a boolean");
                    }
                }
                return Ok(());
            }
            _ => return sc.skip(),
        };
        match sc.scalar()? {
            Scalar::String(s) => *slot = Some(s.into_owned()),
            _ => {
                self.bad
                    .get_or_insert("header alg, kid, typ and cty must be strings");
            }
        }
        Ok(())
    }
}

const REGISTERED_HEADERS: &[&str] = &[
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
];

/// Decodes and checks a protected header segment.
pub(crate) fn parse_header(segment: &[u8]) -> Result<Header> {
    let bytes = b64::decode_bytes(segment)?;
    let mut sink = HeaderSink::default();
    json::parse_object(json::utf8(&bytes, "header")?, &mut sink, "header")?;
    if let Some(msg) = sink.bad {
        return Err(malformed(msg));
    }
    let alg = sink
        .alg
        .as_deref()
        .ok_or_else(|| malformed("header has no alg"))
        .and_then(Algorithm::parse)?;
    if let Some(crit) = &sink.crit {
        if crit
            .iter()
            .any(|c| REGISTERED_HEADERS.contains(&c.as_str()))
        {
            return Err(malformed("header crit names a registered header parameter"));
        }
        return Err(Error::new(
            ErrorCode::UnsupportedCriticalHeader,
            format!(
                "unsupported critical header parameter {}",
                crate::error::echo(&crit[0])
            ),
        ));
    }
    if sink.b64 == Some(false) {
        return Err(Error::new(
            ErrorCode::UnsupportedCriticalHeader,
            "unencoded payloads (RFC 7797 b64=false) are not supported",
        ));
    }
    Ok(Header {
        alg,
        kid: sink.kid,
        typ: sink.typ,
        cty: sink.cty,
    })
}

/// Verifies `signing_input`/`signature` under `header` with a key from `keys`.
pub(crate) fn verify_signature(
    keys: &KeySet,
    header: &Header,
    allowed: AlgSet,
    signing_input: &[u8],
    signature: &[u8],
) -> Result<()> {
    if !allowed.contains(header.alg) {
        return Err(Error::new(
            ErrorCode::AlgorithmNotAllowed,
            format!("algorithm {} is not allowed", header.alg),
        ));
    }
    let bad_sig = || Error::new(ErrorCode::InvalidSignature, "signature does not verify");
    if let Some(kid) = &header.kid {
        let key = keys
            .get(kid)
            .ok_or_else(|| Error::new(ErrorCode::KeyNotFound, "no key matches the token's kid"))?;
        if key.alg() != header.alg {
            return Err(Error::new(
                ErrorCode::AlgorithmNotAllowed,
                format!(
                    "token alg {} differs from the key's {}",
                    header.alg,
                    key.alg()
                ),
            ));
        }
        return key.verify(signing_input, signature).map_err(|_| bad_sig());
    }
    let mut found = false;
    for key in keys.keys().iter().filter(|k| k.alg() == header.alg) {
        found = true;
        if key.verify(signing_input, signature).is_ok() {
            return Ok(());
        }
    }
    if found {
        Err(bad_sig())
    } else {
        Err(Error::new(
            ErrorCode::KeyNotFound,
            format!("no key for algorithm {}", header.alg),
        ))
    }
}

/// The allowed set: `algorithms` when given, else the keys' algorithms.
pub(crate) fn allowed_set(keys: &KeySet, algorithms: Option<&[Algorithm]>) -> AlgSet {
    match algorithms {
        Some(a) => AlgSet::of(a.iter().copied()),
        None => AlgSet::of(keys.keys().iter().map(Key::alg)),
    }
}

/// Headers that Tessera and the common peer libraries write for a key set,
/// decoded once: a token whose header segment is byte-identical to one of
/// them skips header decoding. Entries are produced by [`parse_header`]
/// itself, so a hit returns exactly what parsing would.
#[derive(Clone, Debug, Default)]
pub(crate) struct HeaderCache {
    known: Vec<(Box<[u8]>, Arc<Header>)>,
}

impl HeaderCache {
    const MAX: usize = 32;

    pub(crate) fn for_keys(keys: &KeySet) -> HeaderCache {
        let mut known: Vec<(Box<[u8]>, Arc<Header>)> = Vec::new();
        for key in keys.keys() {
            let alg = key.alg().as_str();
            let kid = key.kid().map(|k| Value::String(k.to_owned()).to_string());
            let mut shapes = vec![
                format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#),
                format!(r#"{{"typ":"JWT","alg":"{alg}"}}"#),
                format!(r#"{{"alg":"{alg}"}}"#),
            ];
            if let Some(kid) = &kid {
                shapes = vec![
                    format!(r#"{{"alg":"{alg}","typ":"JWT","kid":{kid}}}"#),
                    format!(r#"{{"typ":"JWT","alg":"{alg}","kid":{kid}}}"#),
                    format!(r#"{{"alg":"{alg}","kid":{kid}}}"#),
                ];
            }
            for shape in shapes {
                if known.len() >= Self::MAX {
                    break;
                }
                let seg = b64::encode(shape.as_bytes())
                    .into_bytes()
                    .into_boxed_slice();
                if let Ok(h) = parse_header(&seg) {
                    if !known.iter().any(|(s, _)| *s == seg) {
                        known.push((seg, Arc::new(h)));
                    }
                }
            }
        }
        HeaderCache { known }
    }

    fn header(&self, segment: &[u8]) -> Result<Arc<Header>> {
        match self.known.iter().find(|(s, _)| **s == *segment) {
            Some((_, h)) => Ok(h.clone()),
            None => parse_header(segment).map(Arc::new),
        }
    }
}

/// A verified JWS as the hot path returns it (the header may be shared).
pub(crate) struct VerifiedShared {
    pub header: Arc<Header>,
    pub payload: Vec<u8>,
}

/// Parses and verifies a compact JWS; returns the header and payload bytes.
pub(crate) fn verify_compact(
    token: &[u8],
    keys: &KeySet,
    allowed: AlgSet,
    max: usize,
    cache: Option<&HeaderCache>,
) -> Result<VerifiedShared> {
    let seg = split(token, max)?;
    let header = match cache {
        Some(c) => c.header(seg.header)?,
        None => Arc::new(parse_header(seg.header)?),
    };
    let payload = b64::decode_bytes(seg.payload)?;
    // Signatures up to RSA-4096 (512 bytes) are decoded on the stack.
    let sig_len = b64::decoded_len(seg.signature.len())?;
    let mut stack = [0u8; 512];
    let mut heap = Vec::new();
    let signature: &mut [u8] = if sig_len <= stack.len() {
        &mut stack[..sig_len]
    } else {
        heap.resize(sig_len, 0);
        &mut heap
    };
    b64::decode_slice(seg.signature, signature)?;
    verify_signature(keys, &header, allowed, seg.signing_input, signature)?;
    Ok(VerifiedShared { header, payload })
}

/// Verifies a compact JWS with the default options; returns the payload.
pub fn verify(token: &str, keys: &KeySet) -> Result<Vec<u8>> {
    verify_bytes(token.as_bytes(), keys)
}

/// [`verify`] for a token given as bytes (untrusted input from C and other
/// FFI callers): the size limit applies first, then any non-base64url byte is
/// `MALFORMED`.
pub fn verify_bytes(token: &[u8], keys: &KeySet) -> Result<Vec<u8>> {
    let allowed = allowed_set(keys, None);
    verify_compact(token, keys, allowed, DEFAULT_MAX_TOKEN_BYTES, None).map(|v| v.payload)
}

/// Verifies a compact JWS; returns the header and payload.
pub fn verify_with(token: &str, keys: &KeySet, opts: &JwsOptions) -> Result<Verified> {
    let allowed = allowed_set(keys, opts.algorithms.as_deref());
    let v = verify_compact(token.as_bytes(), keys, allowed, opts.max_token_bytes, None)?;
    Ok(Verified {
        header: Arc::unwrap_or_clone(v.header),
        payload: v.payload,
    })
}

/// Verifies a compact JWS with a detached payload (RFC 7515 appendix F: the
/// middle segment is empty and `payload` is supplied separately).
pub fn verify_detached(token: &str, payload: &[u8], keys: &KeySet) -> Result<Header> {
    verify_detached_bytes(token.as_bytes(), payload, keys)
}

/// [`verify_detached`] for a token given as bytes.
pub fn verify_detached_bytes(token: &[u8], payload: &[u8], keys: &KeySet) -> Result<Header> {
    let seg = split(token, DEFAULT_MAX_TOKEN_BYTES)?;
    if !seg.payload.is_empty() {
        return Err(malformed("a detached JWS has an empty payload segment"));
    }
    let header = parse_header(seg.header)?;
    let signature = b64::decode_bytes(seg.signature)?;
    let mut input = Vec::with_capacity(seg.header.len() + 1 + payload.len() * 4 / 3 + 4);
    input.extend_from_slice(seg.header);
    input.push(b'.');
    let mut encoded = String::new();
    b64::encode_into(payload, &mut encoded);
    input.extend_from_slice(encoded.as_bytes());
    verify_signature(keys, &header, allowed_set(keys, None), &input, &signature)?;
    Ok(header)
}

/// Signs `payload` as a compact JWS. `header` is optional JSON object text
/// with extra protected header members (`kid` selects the signing key in a
/// [`KeySet`]; `alg`, if given, must equal the key's; `crit` and `b64` are
/// refused because Tessera would reject the result).
pub fn sign(payload: &[u8], keys: &impl SigningKeys, header: Option<&str>) -> Result<String> {
    sign_inner(payload, keys, header, None)
}

/// Shared by `jws::sign` and `jwt::encode` (`default_typ` = `"JWT"` there).
pub(crate) fn sign_inner(
    payload: &[u8],
    keys: &impl SigningKeys,
    header: Option<&str>,
    default_typ: Option<&str>,
) -> Result<String> {
    let extras = match header {
        None => None,
        Some(text) => Some(parse_extras(text)?),
    };
    if let Some(m) = &extras {
        for name in ["typ", "cty"] {
            if m.get(name).is_some_and(|v| !v.is_string()) {
                return Err(invalid_argument(format!("header {name} must be a string")));
            }
        }
    }
    let requested_kid = match extras.as_ref().and_then(|m| m.get("kid")) {
        None => None,
        Some(Value::String(k)) => Some(k.as_str()),
        Some(_) => return Err(invalid_argument("header kid must be a string")),
    };
    let key = keys.signing_key(requested_kid)?;
    if let Some(alg) = extras.as_ref().and_then(|m| m.get("alg")) {
        if alg.as_str() != Some(key.alg().as_str()) {
            return Err(invalid_argument(
                "header alg differs from the signing key's",
            ));
        }
    }
    let mut h = String::with_capacity(64);
    h.push_str("{\"alg\":\"");
    h.push_str(key.alg().as_str());
    h.push('"');
    // `name` and `value` are already JSON text.
    let mut push = |name: &str, value: &str| {
        h.push(',');
        h.push_str(name);
        h.push(':');
        h.push_str(value);
    };
    match extras.as_ref().and_then(|m| m.get("typ")) {
        Some(t) => push("\"typ\"", &t.to_string()),
        // `default_typ` is a constant without characters JSON must escape.
        None => {
            if let Some(t) = default_typ {
                push("\"typ\"", &format!("\"{t}\""));
            }
        }
    }
    if let Some(k) = requested_kid.or(key.kid()) {
        push("\"kid\"", &Value::String(k.to_owned()).to_string());
    }
    if let Some(m) = &extras {
        // Sorted by name explicitly, whatever map order serde_json is built with.
        let mut rest: Vec<(&String, &Value)> = m
            .iter()
            .filter(|(name, _)| !matches!(name.as_str(), "alg" | "typ" | "kid"))
            .collect();
        rest.sort_by(|a, b| a.0.cmp(b.0));
        for (name, v) in rest {
            push(
                &Value::String(name.clone()).to_string(),
                &canonical(v).to_string(),
            );
        }
    }
    h.push('}');
    finish(key, h.as_bytes(), payload)
}

/// Encodes header and payload, signs, and appends the signature.
pub(crate) fn finish(key: &Key, header_json: &[u8], payload: &[u8]) -> Result<String> {
    // Exactly the token's length plus one byte: the C binding appends a NUL
    // and hands the buffer over as is, without a reallocation.
    let b64_len = |n: usize| n / 3 * 4 + [0, 2, 3][n % 3];
    let exact =
        b64_len(header_json.len()) + 1 + b64_len(payload.len()) + 1 + b64_len(key.signature_len());
    let mut token = Vec::with_capacity(exact + 1);
    b64::encode_to_vec(header_json, &mut token);
    token.push(b'.');
    b64::encode_to_vec(payload, &mut token);
    let sig = key.sign(&token)?;
    token.push(b'.');
    b64::encode_to_vec(&sig, &mut token);
    String::from_utf8(token).map_err(|_| Error::new(ErrorCode::Internal, "token is not ASCII"))
}

/// `v` with object members sorted by name at every depth.
fn canonical(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut members: Vec<(&String, &Value)> = m.iter().collect();
            members.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (k.clone(), canonical(v)))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

fn parse_extras(text: &str) -> Result<Map<String, Value>> {
    json::validate_object(text, "header").map_err(|e| invalid_argument(e.message().to_owned()))?;
    let m: Map<String, Value> =
        serde_json::from_str(text).map_err(|_| invalid_argument("header is not valid JSON"))?;
    for refused in ["crit", "b64"] {
        if m.contains_key(refused) {
            return Err(invalid_argument(format!(
                "header member {refused:?} is not supported"
            )));
        }
    }
    Ok(m)
}

/// An unverified look inside a compact JWS: the header and payload as they
/// are, after the same strict structural checks as verification.
#[derive(Clone, Debug)]
pub struct Unverified {
    /// The header JSON text.
    pub header_json: String,
    /// The decoded payload bytes.
    pub payload: Vec<u8>,
}

/// Decodes a compact JWS **without verifying it**, for inspection only.
pub fn decode_unverified(token: &str) -> Result<Unverified> {
    decode_unverified_bytes(token.as_bytes())
}

/// [`decode_unverified`] for a token given as bytes.
pub fn decode_unverified_bytes(token: &[u8]) -> Result<Unverified> {
    let seg = split(token, DEFAULT_MAX_TOKEN_BYTES)?;
    let header = b64::decode_bytes(seg.header)?;
    let header_json = json::utf8(&header, "header")?.to_owned();
    json::validate_object(&header_json, "header")?;
    let payload = b64::decode_bytes(seg.payload)?;
    b64::decode_bytes(seg.signature)?;
    Ok(Unverified {
        header_json,
        payload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A signed token's buffer is its length plus exactly one byte, so the C
    /// binding's NUL terminator and `CString::into_raw` never reallocate.
    #[test]
    fn token_buffer_is_exact_plus_one() {
        for alg in [
            Algorithm::HS256,
            Algorithm::HS384,
            Algorithm::HS512,
            Algorithm::RS256,
            Algorithm::PS512,
            Algorithm::ES256,
            Algorithm::ES384,
            Algorithm::EdDSA,
        ] {
            let key = Key::generate(alg).unwrap();
            assert_eq!(key.signature_len(), key.sign(b"x").unwrap().len(), "{alg}");
            for claims in [r#"{}"#, r#"{"a":1}"#, r#"{"sub":"ab"}"#, r#"{"sub":"abc"}"#] {
                let token = crate::jwt::encode(claims, &key, None).unwrap();
                assert_eq!(token.capacity(), token.len() + 1, "{alg} {claims}");
            }
        }
    }
}
