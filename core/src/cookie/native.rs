//! Tessera's own session cookie: signed (HMAC-SHA256) or encrypted
//! (AES-256-GCM), versioned, bound to its cookie name, with an authenticated
//! issued-at, key rotation and optional chunking. The byte format is in
//! `docs/cookies.md`; in short:
//!
//! ```text
//! value  = "t1." base64url(body)                       (no padding)
//! signed:    body = 's' || iat (8 bytes, big-endian) || data || HMAC-SHA256(Ks, ctx || body[..-32])
//! encrypted: body = 'e' || nonce (12) || AES-256-GCM(Ke, nonce, iat || data, aad = ctx || 'e')
//! ctx    = "tessera-cookie/v1" || u16be(len(name)) || name
//! Ks, Ke = HKDF-SHA256(secret, salt = "tessera-cookie/v1", info = "signed" / "encrypted"), 32 bytes each
//! ```
//!
//! `data` is the session as compact JSON object text. The first secret seals;
//! every secret opens, and opening with any but the first reports
//! [`Opened::needs_reissue`]. The issued-at is checked against `max_age`
//! (`EXPIRED`) and may run at most [`CLOCK_SKEW`] seconds ahead of the
//! reader's clock (`ISSUED_IN_FUTURE`), so servers with slightly different
//! clocks share cookies.
//!
//! A value whose `Set-Cookie` line would pass 4096 bytes is `COOKIE_TOO_LARGE`,
//! unless chunking is on: then it is split over `name.0`, `name.1`, …, where
//! `name.0` starts with the chunk count and a dot (`"3.t1.…"`), and the
//! concatenation is authenticated as one value.

use super::header::{self, CookieAttributes, MAX_COOKIE_HEADER, MAX_SET_COOKIE};
use crate::crypto::prims::{hkdf_sha256, Aead, Hash, Mac};
use crate::crypto::random_bytes;
use crate::error::{invalid_argument, invalid_key, malformed, Error, ErrorCode, Result};
use crate::{b64, json};

const PREFIX: &str = "t1.";
const CONTEXT: &[u8] = b"tessera-cookie/v1";
const MODE_SIGNED: u8 = b's';
const MODE_ENCRYPTED: u8 = b'e';
const TAG_LEN: usize = 32;
const NONCE_LEN: usize = 12;
const GCM_TAG_LEN: usize = 16;

/// The shortest secret accepted (bytes).
pub const MIN_SECRET_LEN: usize = 32;
/// How far (seconds) an issued-at may be ahead of the reader's clock.
pub const CLOCK_SKEW: i64 = 60;
/// The most chunks one session may use (each at most 4096 bytes; note that
/// proxies cap request headers, nginx at 8 KiB per line by default).
pub const MAX_CHUNKS: usize = 10;

/// How a [`SessionCookie`] is built.
#[derive(Clone, Debug)]
pub struct SessionCookieOptions {
    /// The cookie name, bound into every MAC/AAD (default `session`).
    pub name: String,
    /// AES-256-GCM instead of HMAC-SHA256 (default `false`).
    pub encrypted: bool,
    /// Largest accepted age in seconds; `None` accepts any age.
    pub max_age: Option<u64>,
    /// Split values too large for one cookie over `name.0`, `name.1`, ….
    pub chunked: bool,
    /// The `Set-Cookie` attributes (also counted in the 4096-byte limit). When
    /// `max_age` is set and neither `Max-Age` nor `Expires` is, `Max-Age`
    /// becomes `max_age`, so the browser forgets the cookie when it expires.
    pub attributes: CookieAttributes,
}

impl Default for SessionCookieOptions {
    fn default() -> Self {
        SessionCookieOptions {
            name: "session".to_owned(),
            encrypted: false,
            max_age: None,
            chunked: false,
            attributes: CookieAttributes::default(),
        }
    }
}

/// An opened session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    /// The session as JSON object text.
    pub json: String,
    /// When it was sealed (Unix seconds).
    pub issued_at: i64,
    /// It was sealed with an older secret: seal it again with the current one.
    pub needs_reissue: bool,
}

enum Keys {
    Signed(Mac),
    Encrypted(Box<Aead>),
}

/// Tessera's session-cookie codec (see the module docs for the format).
pub struct SessionCookie {
    keys: Vec<Keys>,
    name: String,
    context: Vec<u8>,
    max_age: Option<u64>,
    chunked: bool,
    attributes: CookieAttributes,
    encrypted: bool,
}

impl std::fmt::Debug for SessionCookie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionCookie")
            .field("name", &self.name)
            .field("encrypted", &self.encrypted)
            .field("secrets", &self.keys.len())
            .field("max_age", &self.max_age)
            .field("chunked", &self.chunked)
            .finish_non_exhaustive()
    }
}

fn bad_signature() -> Error {
    Error::new(
        ErrorCode::InvalidSignature,
        "session cookie does not authenticate with any secret (tampered, another cookie's, or an unknown secret)",
    )
}

impl SessionCookie {
    /// A codec whose first secret seals and every secret opens. Secrets are at
    /// least [`MIN_SECRET_LEN`] bytes (`INVALID_KEY`); the name and attributes
    /// must make a valid `Set-Cookie` line (`INVALID_ARGUMENT`).
    pub fn new<S: AsRef<[u8]>>(secrets: &[S], opts: SessionCookieOptions) -> Result<SessionCookie> {
        if secrets.is_empty() {
            return Err(invalid_key("SessionCookie needs at least one secret"));
        }
        header::check_name(&opts.name)?;
        let name_len = u16::try_from(opts.name.len())
            .map_err(|_| invalid_argument("cookie name is too long"))?;
        let mut attributes = opts.attributes;
        if let (Some(max_age), None, None) = (opts.max_age, attributes.max_age, attributes.expires)
        {
            attributes.max_age = Some(i64::try_from(max_age).unwrap_or(i64::MAX));
        }
        // Validates the attributes and prefix rules once, up front.
        header::set_cookie(&opts.name, "", &attributes)?;
        let info: &[u8] = if opts.encrypted {
            b"encrypted"
        } else {
            b"signed"
        };
        let keys = secrets
            .iter()
            .map(|s| {
                let s = s.as_ref();
                if s.len() < MIN_SECRET_LEN {
                    return Err(invalid_key(format!(
                        "SessionCookie secrets must be at least {MIN_SECRET_LEN} bytes"
                    )));
                }
                let k = hkdf_sha256(s, CONTEXT, info, 32)?;
                Ok(if opts.encrypted {
                    Keys::Encrypted(Box::new(Aead::new(&k)?))
                } else {
                    Keys::Signed(Mac::new(Hash::Sha256, &k))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let mut context = Vec::with_capacity(CONTEXT.len() + 2 + opts.name.len());
        context.extend_from_slice(CONTEXT);
        context.extend_from_slice(&name_len.to_be_bytes());
        context.extend_from_slice(opts.name.as_bytes());
        Ok(SessionCookie {
            keys,
            name: opts.name,
            context,
            max_age: opts.max_age,
            chunked: opts.chunked,
            attributes,
            encrypted: opts.encrypted,
        })
    }

    /// The cookie name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The attributes written on every `Set-Cookie` line.
    pub fn attributes(&self) -> &CookieAttributes {
        &self.attributes
    }

    fn seal_value(&self, json: &str, now: i64) -> Result<String> {
        json::validate_object(json, "session").map_err(|e| {
            invalid_argument(format!("{} (a session is a JSON object)", e.message()))
        })?;
        // `open` checks that the data starts with `{` and ends with `}`:
        // whitespace around the object is not sealed (found by fuzzing).
        let json = json.trim_matches([' ', '\t', '\n', '\r']);
        let mut body = Vec::with_capacity(1 + NONCE_LEN + 8 + json.len() + TAG_LEN);
        match &self.keys[0] {
            Keys::Signed(mac) => {
                body.push(MODE_SIGNED);
                body.extend_from_slice(&now.to_be_bytes());
                body.extend_from_slice(json.as_bytes());
                let tag = mac.sign(&[&self.context, &body]);
                body.extend_from_slice(&tag);
            }
            Keys::Encrypted(aead) => {
                let nonce: [u8; NONCE_LEN] = random_bytes(NONCE_LEN)?
                    .try_into()
                    .map_err(|_| Error::new(ErrorCode::Internal, "nonce length"))?;
                let mut plain = Vec::with_capacity(8 + json.len());
                plain.extend_from_slice(&now.to_be_bytes());
                plain.extend_from_slice(json.as_bytes());
                let aad = [&self.context[..], &[MODE_ENCRYPTED]].concat();
                body.push(MODE_ENCRYPTED);
                body.extend_from_slice(&nonce);
                body.extend_from_slice(&aead.seal(&nonce, &aad, &plain)?);
            }
        }
        let mut value = String::with_capacity(PREFIX.len() + body.len() * 4 / 3 + 4);
        value.push_str(PREFIX);
        b64::encode_into(&body, &mut value);
        Ok(value)
    }

    fn line_len(&self, name_len: usize, value_len: usize) -> usize {
        name_len + 1 + value_len + header::attributes_len(&self.attributes)
    }

    fn too_large(&self, len: usize) -> Error {
        Error::new(
            ErrorCode::CookieTooLarge,
            format!(
                "the Set-Cookie line for '{}' would be {len} bytes (limit {MAX_SET_COOKIE}){}",
                self.name,
                if self.chunked {
                    " even in chunks"
                } else {
                    "; turn chunking on or store less"
                }
            ),
        )
    }

    /// The cookie value for the session `json` (a JSON object) sealed at `now`.
    /// `COOKIE_TOO_LARGE` if its `Set-Cookie` line would pass 4096 bytes.
    pub fn seal(&self, json: &str, now: i64) -> Result<String> {
        let value = self.seal_value(json, now)?;
        let len = self.line_len(self.name.len(), value.len());
        if len > MAX_SET_COOKIE {
            return Err(self.too_large(len));
        }
        Ok(value)
    }

    /// The cookies to set, as (name, value): `[(name, value)]` when it fits in
    /// one cookie, else `name.0 … name.N-1` when chunking is on (at most
    /// [`MAX_CHUNKS`]); `COOKIE_TOO_LARGE` otherwise.
    pub fn seal_chunks(&self, json: &str, now: i64) -> Result<Vec<(String, String)>> {
        let value = self.seal_value(json, now)?;
        let len = self.line_len(self.name.len(), value.len());
        if len <= MAX_SET_COOKIE {
            return Ok(vec![(self.name.clone(), value)]);
        }
        if !self.chunked {
            return Err(self.too_large(len));
        }
        // Room per chunk, counting "name.K=" and the attributes; chunk 0 also
        // carries "N." (N ≤ MAX_CHUNKS, two digits at most).
        let overhead = self.line_len(self.name.len() + 2, 0) + 3;
        let room = MAX_SET_COOKIE.saturating_sub(overhead);
        let count = value.len().div_ceil(room.max(1));
        if room == 0 || count > MAX_CHUNKS {
            return Err(self.too_large(len));
        }
        let bytes = value.as_bytes();
        Ok(bytes
            .chunks(room)
            .enumerate()
            .map(|(i, part)| {
                // The value is ASCII (prefix + base64url), so any split is on a char boundary.
                let part = String::from_utf8_lossy(part);
                let v = if i == 0 {
                    format!("{count}.{part}")
                } else {
                    part.into_owned()
                };
                (format!("{}.{i}", self.name), v)
            })
            .collect())
    }

    /// Complete `Set-Cookie` lines for the session: the value (or its chunks),
    /// then deletions for this session's other cookies named in
    /// `request_cookie_header` (stale chunks, or the single cookie a chunked
    /// value replaces), so nothing stale is left behind.
    pub fn set_cookie_headers(
        &self,
        json: &str,
        now: i64,
        request_cookie_header: Option<&str>,
    ) -> Result<Vec<String>> {
        let cookies = self.seal_chunks(json, now)?;
        let mut lines = cookies
            .iter()
            .map(|(n, v)| header::set_cookie(n, v, &self.attributes))
            .collect::<Result<Vec<_>>>()?;
        if let Some(request) = request_cookie_header {
            let mut stale: Vec<&str> = Vec::new();
            for (n, _) in header::cookie_pairs(request)? {
                if self.is_own_cookie(n)
                    && !cookies.iter().any(|(w, _)| w == n)
                    && !stale.contains(&n)
                {
                    stale.push(n);
                }
            }
            for n in stale {
                lines.push(header::delete_cookie(n, &self.attributes)?);
            }
        }
        Ok(lines)
    }

    /// Deletion lines for every cookie of this session named in the request.
    pub fn clear_cookie_headers(&self, request_cookie_header: Option<&str>) -> Result<Vec<String>> {
        let mut names = vec![self.name.as_str()];
        if let Some(request) = request_cookie_header {
            for (n, _) in header::cookie_pairs(request)? {
                if self.is_own_cookie(n) && !names.contains(&n) {
                    names.push(n);
                }
            }
        }
        names
            .into_iter()
            .map(|n| header::delete_cookie(n, &self.attributes))
            .collect()
    }

    fn is_own_cookie(&self, n: &str) -> bool {
        n == self.name
            || n.strip_prefix(self.name.as_str())
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|k| {
                    !k.is_empty() && k.len() <= 2 && k.bytes().all(|c| c.is_ascii_digit())
                })
    }

    /// Opens one (unchunked) cookie value at time `now`.
    ///
    /// `MALFORMED` for anything that is not a Tessera v1 value,
    /// `INVALID_SIGNATURE` when no secret authenticates it (tampered, sealed
    /// for another cookie name or in the other mode), `EXPIRED` past
    /// `max_age`, `ISSUED_IN_FUTURE` beyond the allowed clock skew.
    pub fn open(&self, value: &str, now: i64) -> Result<Opened> {
        if value.len() > MAX_COOKIE_HEADER {
            return Err(Error::new(
                ErrorCode::TooLarge,
                "session cookie is larger than 64 KiB",
            ));
        }
        let encoded = value
            .strip_prefix(PREFIX)
            .ok_or_else(|| malformed("not a Tessera session cookie (no t1. prefix)"))?;
        let body =
            b64::decode(encoded).map_err(|_| malformed("session cookie is not base64url"))?;
        let (index, mut plain) = self.authenticate(body)?;
        let issued_at = i64::from_be_bytes(
            plain[..8]
                .try_into()
                .map_err(|_| malformed("session cookie is truncated"))?,
        );
        plain.drain(..8);
        // The MAC/AEAD covers exactly the bytes `seal` validated as a JSON
        // object, so only the cheap checks are repeated here.
        if plain.first() != Some(&b'{') || plain.last() != Some(&b'}') {
            return Err(malformed("session is not a JSON object"));
        }
        let json = String::from_utf8(plain).map_err(|_| malformed("session is not UTF-8"))?;
        if issued_at > now.saturating_add(CLOCK_SKEW) {
            return Err(Error::new(
                ErrorCode::IssuedInFuture,
                "session cookie was issued in the future",
            ));
        }
        if let Some(max_age) = self.max_age {
            if now.saturating_sub(issued_at) > i64::try_from(max_age).unwrap_or(i64::MAX) {
                return Err(Error::new(ErrorCode::Expired, "session cookie has expired"));
            }
        }
        Ok(Opened {
            json,
            issued_at,
            needs_reissue: index > 0,
        })
    }

    /// (index of the secret that opened it, iat || data).
    fn authenticate(&self, mut body: Vec<u8>) -> Result<(usize, Vec<u8>)> {
        let (&mode, rest) = body
            .split_first()
            .ok_or_else(|| malformed("empty session cookie"))?;
        let want = if self.encrypted {
            MODE_ENCRYPTED
        } else {
            MODE_SIGNED
        };
        if mode != MODE_SIGNED && mode != MODE_ENCRYPTED {
            return Err(malformed("unknown session cookie mode"));
        }
        if mode != want {
            // Well-formed but sealed in the other mode: no key here authenticates it.
            return Err(bad_signature());
        }
        if self.encrypted {
            if rest.len() < NONCE_LEN + 8 + GCM_TAG_LEN {
                return Err(malformed("session cookie is truncated"));
            }
            let (nonce, sealed) = rest.split_at(NONCE_LEN);
            let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| malformed("nonce"))?;
            let aad = [&self.context[..], &[MODE_ENCRYPTED]].concat();
            for (i, k) in self.keys.iter().enumerate() {
                if let Keys::Encrypted(aead) = k {
                    if let Some(plain) = aead.open(&nonce, &aad, sealed) {
                        return Ok((i, plain));
                    }
                }
            }
        } else {
            if rest.len() < 8 + TAG_LEN {
                return Err(malformed("session cookie is truncated"));
            }
            let (signed, tag) = body.split_at(body.len() - TAG_LEN);
            let found = self.keys.iter().position(|k| match k {
                Keys::Signed(mac) => mac.verify(&[&self.context, signed], tag),
                Keys::Encrypted(_) => false,
            });
            if let Some(i) = found {
                body.truncate(body.len() - TAG_LEN);
                body.remove(0);
                return Ok((i, body));
            }
        }
        Err(bad_signature())
    }

    /// Opens the session from a raw `Cookie` request header: the single cookie
    /// `name`, or the chunks `name.0 … name.N-1`. If both are present (a
    /// client kept a stale one), the one issued last wins. `SESSION_NOT_FOUND`
    /// when the header has neither.
    pub fn load(&self, cookie_header: &str, now: i64) -> Result<Opened> {
        let mut single: Option<&str> = None;
        let mut chunks: Vec<Option<&str>> = Vec::new();
        let mut first_chunk: Option<&str> = None;
        for (n, v) in header::cookie_pairs(cookie_header)? {
            if n == self.name {
                single.get_or_insert(v);
            } else if self.is_own_cookie(n) {
                let k: usize = n[self.name.len() + 1..].parse().unwrap_or(usize::MAX);
                if k == 0 {
                    first_chunk.get_or_insert(v);
                } else if k < MAX_CHUNKS {
                    if chunks.len() <= k {
                        chunks.resize(k + 1, None);
                    }
                    chunks[k].get_or_insert(v);
                }
            }
        }
        let chunked = first_chunk.map(|first| self.open_chunks(first, &chunks, now));
        let single = single.map(|v| self.open(v, now));
        match (chunked, single) {
            (None, None) => Err(Error::new(
                ErrorCode::SessionNotFound,
                format!("no '{}' cookie in the request", self.name),
            )),
            (Some(r), None) | (None, Some(r)) => r,
            (Some(Ok(a)), Some(Ok(b))) => Ok(if b.issued_at > a.issued_at { b } else { a }),
            (Some(Ok(a)), Some(Err(_))) => Ok(a),
            (Some(Err(_)), Some(Ok(b))) => Ok(b),
            (Some(Err(e)), Some(Err(_))) => Err(e),
        }
    }

    fn open_chunks(&self, first: &str, rest: &[Option<&str>], now: i64) -> Result<Opened> {
        let (count, part0) = first
            .split_once('.')
            .ok_or_else(|| malformed("first session chunk has no count"))?;
        let count: usize = match count.parse() {
            Ok(n) if (2..=MAX_CHUNKS).contains(&n) && !count.starts_with('0') => n,
            _ => return Err(malformed("bad session chunk count")),
        };
        let mut value = String::with_capacity(count * MAX_SET_COOKIE);
        value.push_str(part0);
        for k in 1..count {
            let part = rest
                .get(k)
                .copied()
                .flatten()
                .ok_or_else(|| malformed("a session cookie chunk is missing"))?;
            value.push_str(part);
        }
        self.open(&value, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S1: &[u8] = b"0123456789abcdef0123456789abcdef";
    const S2: &[u8] = b"fedcba9876543210fedcba9876543210";

    fn codec(secrets: &[&[u8]], encrypted: bool, max_age: Option<u64>) -> SessionCookie {
        SessionCookie::new(
            secrets,
            SessionCookieOptions {
                encrypted,
                max_age,
                ..SessionCookieOptions::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn round_trip_rotation_expiry_and_binding() {
        for encrypted in [false, true] {
            let old = codec(&[S2], encrypted, Some(100));
            let new = codec(&[S1, S2], encrypted, Some(100));
            let v = old.seal(r#"{"user":1}"#, 1000).unwrap();
            let o = new.open(&v, 1050).unwrap();
            assert_eq!(
                (o.json.as_str(), o.issued_at, o.needs_reissue),
                (r#"{"user":1}"#, 1000, true)
            );
            assert!(!old.open(&v, 1050).unwrap().needs_reissue);
            assert_eq!(new.open(&v, 1101).unwrap_err().code(), ErrorCode::Expired);
            assert_eq!(new.open(&v, 1100).unwrap().issued_at, 1000);
            assert_eq!(
                new.open(&v, 939).unwrap_err().code(),
                ErrorCode::IssuedInFuture
            );
            let other = SessionCookie::new(
                &[S2],
                SessionCookieOptions {
                    name: "other".into(),
                    encrypted,
                    ..SessionCookieOptions::default()
                },
            )
            .unwrap();
            assert_eq!(
                other.open(&v, 1000).unwrap_err().code(),
                ErrorCode::InvalidSignature
            );
            let mode = codec(&[S2], !encrypted, None);
            assert_eq!(
                mode.open(&v, 1000).unwrap_err().code(),
                ErrorCode::InvalidSignature
            );
            assert_eq!(
                codec(&[S1], encrypted, None)
                    .open(&v, 1000)
                    .unwrap_err()
                    .code(),
                ErrorCode::InvalidSignature
            );
        }
    }

    #[test]
    fn every_byte_change_is_rejected() {
        for encrypted in [false, true] {
            let c = codec(&[S1], encrypted, None);
            let v = c.seal(r#"{"a":"b","n":[1,2,3]}"#, 5).unwrap();
            let bytes = v.as_bytes();
            for i in 0..bytes.len() {
                for delta in [1u8, 0x20, 0x80] {
                    let mut m = bytes.to_vec();
                    m[i] ^= delta;
                    let Ok(s) = String::from_utf8(m) else {
                        continue;
                    };
                    assert!(c.open(&s, 5).is_err(), "{encrypted} {i} {delta}");
                }
            }
            assert!(c.open(&v[..v.len() - 1], 5).is_err());
            assert!(c.open(&format!("{v}A"), 5).is_err());
        }
    }

    #[test]
    fn size_limit_chunking_and_load() {
        let big = format!(r#"{{"blob":"{}"}}"#, "x".repeat(6000));
        let plain = codec(&[S1], false, None);
        assert_eq!(
            plain.seal(&big, 1).unwrap_err().code(),
            ErrorCode::CookieTooLarge
        );
        let chunked = SessionCookie::new(
            &[S1],
            SessionCookieOptions {
                chunked: true,
                ..SessionCookieOptions::default()
            },
        )
        .unwrap();
        let parts = chunked.seal_chunks(&big, 1).unwrap();
        assert_eq!(parts.len(), 2);
        let lines = chunked
            .set_cookie_headers(&big, 1, Some("session=old; x=1"))
            .unwrap();
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l.len() <= MAX_SET_COOKIE));
        assert!(lines[2].starts_with("session=; "));
        let header: String = parts.iter().map(|(n, v)| format!("{n}={v}; ")).collect();
        assert_eq!(chunked.load(&header, 1).unwrap().json, big);
        // A stale single cookie issued earlier loses to the chunks.
        let stale = chunked.seal(r#"{"old":true}"#, 0).unwrap();
        assert_eq!(
            chunked
                .load(&format!("session={stale}; {header}"), 1)
                .unwrap()
                .json,
            big
        );
        // Swapped or missing chunks fail.
        let swapped = format!("session.0={}; session.1=AAAA", parts[0].1);
        assert!(chunked.load(&swapped, 1).is_err());
        assert_eq!(
            chunked.load("session.1=x", 1).unwrap_err().code(),
            ErrorCode::SessionNotFound
        );
        assert_eq!(
            chunked.load("", 1).unwrap_err().code(),
            ErrorCode::SessionNotFound
        );
        let huge = format!(r#"{{"blob":"{}"}}"#, "x".repeat(60_000));
        assert_eq!(
            chunked.seal_chunks(&huge, 1).unwrap_err().code(),
            ErrorCode::CookieTooLarge
        );
    }

    #[test]
    fn refuses_bad_configuration_and_input() {
        let short: &[u8] = b"short";
        assert_eq!(
            SessionCookie::new(&[short], SessionCookieOptions::default())
                .unwrap_err()
                .code(),
            ErrorCode::InvalidKey
        );
        let none: [&[u8]; 0] = [];
        assert!(SessionCookie::new(&none, SessionCookieOptions::default()).is_err());
        let host = SessionCookieOptions {
            name: "__Host-s".into(),
            attributes: CookieAttributes {
                domain: Some("example.com".into()),
                ..CookieAttributes::default()
            },
            ..SessionCookieOptions::default()
        };
        assert_eq!(
            SessionCookie::new(&[S1], host).unwrap_err().code(),
            ErrorCode::InvalidArgument
        );
        let c = codec(&[S1], false, None);
        assert_eq!(
            c.seal("[1]", 1).unwrap_err().code(),
            ErrorCode::InvalidArgument
        );
        assert_eq!(
            c.seal("{", 1).unwrap_err().code(),
            ErrorCode::InvalidArgument
        );
        for bad in ["", "t1.", "t1.!!", "x1.AAAA", "t1.cw", "t1.eA"] {
            assert_eq!(
                c.open(bad, 1).unwrap_err().code(),
                ErrorCode::Malformed,
                "{bad}"
            );
        }
    }
}
