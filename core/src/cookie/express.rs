//! Express cookie formats, byte-compatible with the real Node libraries
//! (COOKIE_FORMATS.md sections C and D):
//!
//! - [`ExpressCookieSession`]: `cookie-session` + `cookies` + `keygrip`. Two
//!   cookies, `<name>=<b64std(JSON)>` and `<name>.sig=<b64url_nopad(HMAC-SHA1(key,
//!   "<name>=<value>"))>`. Keys are ordered **newest first**: `keys[0]` signs,
//!   any key verifies, and the index of the matching key is reported so the
//!   caller can re-issue `<name>.sig` with `keys[0]` (what `cookies` does).
//! - [`ExpressSessionId`]: express-session's signed session id
//!   (`cookie-signature`): `s:<sid>.<b64std_nopad(HMAC-SHA256(secret, sid))>`,
//!   on the wire usually percent-encoded as `s%3A…`.
//!
//! Error codes: a signature that matches no key is `INVALID_SIGNATURE` (so is
//! a signature that is not even well-formed base64: keygrip compares strings,
//! so such a signature is simply "wrong"); a `Cookie` header without the
//! session cookie or without its `.sig` companion is `SESSION_NOT_FOUND`
//! (cookie-session then starts a new, empty session); a verified value that
//! is not base64 of a UTF-8 JSON object, or a session id without the `s:`
//! prefix or the `.` separator, is `MALFORMED`. Empty key lists and empty
//! keys are refused at construction (`INVALID_ARGUMENT` / `INVALID_KEY`).
//!
//! Deliberate strictness: Node's `Buffer.from(v, 'base64')` skips junk
//! characters; Tessera accepts both base64 alphabets and missing padding for
//! the (already authenticated) value but rejects any other character.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::{DecodePaddingMode, Engine as _};

use crate::crypto::prims::{Hash, Mac};
use crate::error::{invalid_argument, invalid_key, malformed, Error, ErrorCode, Result};

/// express-session's default cookie name.
pub const DEFAULT_SESSION_ID_NAME: &str = "connect.sid";

/// cookie-session's default cookie name.
pub const DEFAULT_COOKIE_SESSION_NAME: &str = "session";

/// Standard alphabet, no padding emitted; canonical (cookie-signature's form).
const STD_NOPAD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// Lenient decoder for cookie-session values (padding optional, loose trailing bits).
const STD_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

fn prepare_keys<K: AsRef<[u8]>>(keys: &[K], hash: Hash, what: &str) -> Result<Vec<Mac>> {
    if keys.is_empty() {
        return Err(invalid_argument(format!(
            "{what}: at least one key is required"
        )));
    }
    keys.iter()
        .map(|k| {
            let k = k.as_ref();
            if k.is_empty() {
                Err(invalid_key(format!("{what}: keys must not be empty")))
            } else {
                Ok(Mac::new(hash, k))
            }
        })
        .collect()
}

fn bad_signature(msg: &'static str) -> Error {
    Error::new(ErrorCode::InvalidSignature, msg)
}

/// A verified cookie-session value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpressVerified {
    /// The session as JSON text, exactly as cookie-session wrote it.
    pub json: String,
    /// Index of the key that matched (keygrip's `index`); `> 0` means the
    /// `.sig` cookie should be re-issued with `keys[0]`.
    pub key_index: usize,
}

impl ExpressVerified {
    /// True when the signature was made with an older key (`key_index > 0`).
    pub fn needs_resign(&self) -> bool {
        self.key_index > 0
    }
}

/// Express `cookie-session` (+ keygrip, HMAC-SHA1) codec.
pub struct ExpressCookieSession {
    keys: Vec<Mac>,
    name: String,
}

impl std::fmt::Debug for ExpressCookieSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExpressCookieSession")
            .field("keys", &self.keys.len())
            .field("name", &self.name)
            .finish()
    }
}

impl ExpressCookieSession {
    /// Keys newest first (`keys[0]` signs); `name` is the cookie name
    /// (cookie-session's `name` option, default [`DEFAULT_COOKIE_SESSION_NAME`]).
    /// The name must be a non-empty cookie token (no `=`, `;`, `,`, `"`,
    /// whitespace or control characters).
    pub fn new<K: AsRef<[u8]>>(keys: &[K], name: &str) -> Result<Self> {
        let bad = |c: char| c <= ' ' || c == '\x7f' || "=;,\"\\".contains(c);
        if name.is_empty() || name.chars().any(bad) {
            return Err(invalid_argument("cookie-session: invalid cookie name"));
        }
        Ok(ExpressCookieSession {
            keys: prepare_keys(keys, Hash::Sha1, "cookie-session")?,
            name: name.to_owned(),
        })
    }

    /// Same as [`new`](Self::new) with the default name `session`.
    pub fn with_default_name<K: AsRef<[u8]>>(keys: &[K]) -> Result<Self> {
        Self::new(keys, DEFAULT_COOKIE_SESSION_NAME)
    }

    /// The cookie name (the signature cookie is `<name>.sig`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// keygrip's signature of `<name>=<value>` with `keys[0]`.
    pub fn sign_value(&self, value: &str) -> String {
        let tag = self.keys[0].sign(&[self.name.as_bytes(), b"=", value.as_bytes()]);
        crate::b64::encode(&tag)
    }

    /// Encodes a session given as JSON text (pass `JSON.stringify` output to
    /// be byte-identical with Node) and signs it: returns `(value, sig)`, the
    /// values of the `<name>` and `<name>.sig` cookies. The JSON must be an
    /// object (`INVALID_ARGUMENT` otherwise); its bytes are kept as given.
    pub fn sign(&self, data_json: &str) -> Result<(String, String)> {
        if !is_json_object(data_json) {
            return Err(invalid_argument(
                "cookie-session: data must be a JSON object",
            ));
        }
        let value = STANDARD.encode(data_json.as_bytes());
        let sig = self.sign_value(&value);
        Ok((value, sig))
    }

    /// Verifies `sig` over `value` with every key in order and returns the
    /// session JSON and the matching key index.
    pub fn verify_index(&self, value: &str, sig: &str) -> Result<ExpressVerified> {
        let tag = crate::b64::decode(sig)
            .map_err(|_| bad_signature("cookie-session: signature is not base64url"))?;
        let parts: [&[u8]; 3] = [self.name.as_bytes(), b"=", value.as_bytes()];
        let key_index = self
            .keys
            .iter()
            .position(|k| k.verify(&parts, &tag))
            .ok_or_else(|| bad_signature("cookie-session: signature matches no key"))?;
        Ok(ExpressVerified {
            json: decode_value(value)?,
            key_index,
        })
    }

    /// Verifies and decodes: the session as JSON text.
    pub fn verify(&self, value: &str, sig: &str) -> Result<String> {
        self.verify_index(value, sig).map(|v| v.json)
    }

    /// Finds `<name>` and `<name>.sig` in a raw `Cookie` header (as the
    /// `cookies` module does: first occurrence wins, no percent-decoding, one
    /// pair of surrounding quotes removed) and verifies them.
    /// `SESSION_NOT_FOUND` when either cookie is absent or empty.
    pub fn load_index(&self, cookie_header: &str) -> Result<ExpressVerified> {
        let not_found = || {
            Error::new(
                ErrorCode::SessionNotFound,
                "cookie-session: no session cookie",
            )
        };
        let value = cookies_get(cookie_header, &self.name).ok_or_else(not_found)?;
        if value.is_empty() {
            // What `req.session = null` leaves behind; cookie-session reads it as no session.
            return Err(not_found());
        }
        let sig_name = format!("{}.sig", self.name);
        let sig = cookies_get(cookie_header, &sig_name).ok_or_else(not_found)?;
        if sig.is_empty() {
            return Err(not_found());
        }
        self.verify_index(value, sig)
    }

    /// [`load_index`](Self::load_index) returning only the session JSON.
    pub fn load(&self, cookie_header: &str) -> Result<String> {
        self.load_index(cookie_header).map(|v| v.json)
    }
}

/// `cookies.get(name)` without signature: regex `(?:^|;) *<name>=([^;]*)`,
/// then one leading `"` and the last character removed if the value starts
/// with `"`.
fn cookies_get<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    let bytes = header.as_bytes();
    let mut start = 0usize;
    loop {
        let mut i = start;
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        let rest = &header[i..];
        if let Some(after) = rest.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
            let end = after.find(';').unwrap_or(after.len());
            let v = &after[..end];
            return Some(if v.starts_with('"') {
                // JS `slice(1, -1)`; the last char is ASCII or we keep it whole.
                match v.char_indices().last() {
                    Some((j, _)) if j >= 1 => &v[1..j],
                    _ => "",
                }
            } else {
                v
            });
        }
        start += header[start..].find(';')? + 1;
    }
}

fn decode_value(value: &str) -> Result<String> {
    // Node's base64 decoder also takes the URL-safe alphabet.
    let std: Vec<u8> = value
        .bytes()
        .map(|c| match c {
            b'-' => b'+',
            b'_' => b'/',
            c => c,
        })
        .collect();
    let raw = STD_LENIENT
        .decode(&std)
        .map_err(|_| malformed("cookie-session: value is not base64"))?;
    let json =
        String::from_utf8(raw).map_err(|_| malformed("cookie-session: value is not UTF-8"))?;
    if is_json_object(&json) {
        Ok(json)
    } else {
        Err(malformed("cookie-session: value is not a JSON object"))
    }
}

/// Valid JSON whose top level is an object (validated without building a tree).
fn is_json_object(json: &str) -> bool {
    json.trim_start_matches([' ', '\t', '\n', '\r'])
        .starts_with('{')
        && serde_json::from_str::<serde::de::IgnoredAny>(json).is_ok()
}

/// express-session's signed session-id cookie (`cookie-signature`, HMAC-SHA256).
pub struct ExpressSessionId {
    secrets: Vec<Mac>,
}

impl std::fmt::Debug for ExpressSessionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExpressSessionId")
            .field("secrets", &self.secrets.len())
            .finish()
    }
}

impl ExpressSessionId {
    /// Secrets in express-session's order: `secrets[0]` signs, any verifies.
    pub fn new<K: AsRef<[u8]>>(secrets: &[K]) -> Result<Self> {
        Ok(ExpressSessionId {
            secrets: prepare_keys(secrets, Hash::Sha256, "express-session")?,
        })
    }

    /// `"s:" + sid + "." + b64std_nopad(HMAC-SHA256(secrets[0], sid))`, the
    /// logical cookie value (percent-encode it with `encodeURIComponent`
    /// rules, as `cookie.serialize` does, when writing a `Set-Cookie`).
    pub fn sign(&self, sid: &str) -> String {
        let tag = self.secrets[0].sign(&[sid.as_bytes()]);
        let mut out = String::with_capacity(sid.len() + 46);
        out.push_str("s:");
        out.push_str(sid);
        out.push('.');
        STD_NOPAD.encode_string(tag, &mut out);
        out
    }

    /// Verifies a cookie value (literal `s:…` or percent-encoded `s%3A…`,
    /// optionally in double quotes) and returns `(sid, secret_index)`.
    pub fn unsign_index(&self, value: &str) -> Result<(String, usize)> {
        self.unsign_logical(&cookie_parse_value(value))
    }

    /// Finds cookie `name` (express-session's default is
    /// [`DEFAULT_SESSION_ID_NAME`]) in a raw `Cookie` header as `cookie.parse`
    /// 0.7 does (first occurrence wins, spaces and tabs trimmed, quotes
    /// removed, percent-decoded) and unsigns it: `(sid, secret_index)`.
    /// `SESSION_NOT_FOUND` when the cookie is absent or empty.
    pub fn load_index(&self, cookie_header: &str, name: &str) -> Result<(String, usize)> {
        let raw = cookie_header
            .split(';')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| k.trim_matches([' ', '\t']) == name)
            .map(|(_, v)| cookie_parse_value(v))
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::SessionNotFound,
                    "express-session: no session cookie",
                )
            })?;
        self.unsign_logical(&raw)
    }

    /// [`load_index`](Self::load_index) returning only the session id.
    pub fn load(&self, cookie_header: &str, name: &str) -> Result<String> {
        self.load_index(cookie_header, name).map(|(sid, _)| sid)
    }

    fn unsign_logical(&self, logical: &str) -> Result<(String, usize)> {
        let body = logical
            .strip_prefix("s:")
            .ok_or_else(|| malformed("express-session: value is not signed (no \"s:\" prefix)"))?;
        let dot = body
            .rfind('.')
            .ok_or_else(|| malformed("express-session: no '.' before the signature"))?;
        let (sid, sig) = (&body[..dot], &body[dot + 1..]);
        let tag = STD_NOPAD
            .decode(sig.as_bytes())
            .map_err(|_| bad_signature("express-session: signature is not unpadded base64"))?;
        let index = self
            .secrets
            .iter()
            .position(|k| k.verify(&[sid.as_bytes()], &tag))
            .ok_or_else(|| bad_signature("express-session: signature matches no secret"))?;
        Ok((sid.to_owned(), index))
    }

    /// [`unsign_index`](Self::unsign_index) returning only the session id.
    pub fn unsign(&self, value: &str) -> Result<String> {
        self.unsign_index(value).map(|(sid, _)| sid)
    }
}

/// A cookie value as `cookie.parse` 0.7 returns it: spaces/tabs trimmed, one
/// pair of surrounding quotes removed, `decodeURIComponent` applied only when
/// a `%` is present (the raw value is kept if decoding fails).
fn cookie_parse_value(v: &str) -> String {
    let v = v.trim_matches([' ', '\t']);
    let v = match v.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
        Some(x) => x,
        None => v,
    };
    if v.contains('%') {
        percent_decode(v).unwrap_or_else(|| v.to_owned())
    } else {
        v.to_owned()
    }
}

/// `decodeURIComponent`: `None` on a bad escape or invalid UTF-8.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            // Only two hex digits (`from_str_radix` alone would take "+1").
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_get_rules() {
        let h = "xsession=1; session=\"abc\";session.sig=S; session=dup";
        assert_eq!(cookies_get(h, "session"), Some("abc"));
        assert_eq!(cookies_get(h, "session.sig"), Some("S"));
        assert_eq!(cookies_get("a=1", "session"), None);
        assert_eq!(cookies_get("session=\"", "session"), Some(""));
    }

    #[test]
    fn session_id_round_trip() {
        let s = ExpressSessionId::new(&["new", "old"]).unwrap();
        let old = ExpressSessionId::new(&["old"]).unwrap();
        let v = old.sign("abc.def");
        assert_eq!(s.unsign_index(&v).unwrap(), ("abc.def".to_owned(), 1));
        let enc = v
            .replace(':', "%3A")
            .replace('/', "%2F")
            .replace('+', "%2B");
        assert_eq!(s.unsign(&enc).unwrap(), "abc.def");
        assert_eq!(s.unsign("abc").unwrap_err().code(), ErrorCode::Malformed);
        assert_eq!(percent_decode("%+1"), None);
        assert_eq!(percent_decode("%3a%2F%E2%98%95").as_deref(), Some(":/☕"));
        assert_eq!(percent_decode("%E2%98"), None);
    }
}
