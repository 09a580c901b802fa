//! Rails 7+ encrypted cookies (`cookies.encrypted`, and the CookieStore
//! session), byte-compatible both ways (COOKIE_FORMATS.md, part E).
//!
//! - key: `PBKDF2-HMAC(secret_key_base, "authenticated encrypted cookie",
//!   1000 iterations, 32 bytes)`, with SHA-256 (Rails 7.0+ defaults) or SHA-1
//!   (apps on 5.2–6.1 defaults);
//! - plaintext: `{"_rails":{"message":"<base64 of the value's JSON>","exp":<null|"…Z">,"pur":"cookie.<name>"}}`,
//!   with the value written as `ActiveSupport::JSON.encode` does (input
//!   order, `<` `>` `&` escaped);
//! - `base64(ciphertext) "--" base64(iv) "--" base64(tag)` with AES-256-GCM, a
//!   random 12-byte IV and empty AAD, then Rack's form encoding.
//!
//! A cookie for another name (purpose) is `INVALID_SIGNATURE`, an expired one
//! `EXPIRED`, a failed decryption `INVALID_SIGNATURE`, anything unparseable or
//! without the `_rails` envelope (Rails < 6.0, which Rails 7 refuses too)
//! `MALFORMED`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::flask::pyjson::{self, Value};
use super::header::{self, MAX_COOKIE_HEADER, MAX_SET_COOKIE};
use super::itsdangerous::Style;
use crate::crypto::prims::{pbkdf2, Aead, Hash};
use crate::crypto::random_bytes;
use crate::error::{invalid_argument, malformed, Error, ErrorCode, Result};

/// Rails' default `authenticated_encrypted_cookie_salt`.
pub const DEFAULT_SALT: &str = "authenticated encrypted cookie";
/// `Rails.application.key_generator`'s fixed iteration count.
pub const ITERATIONS: u32 = 1000;

/// The key generator's digest (`key_generator_hash_digest_class`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RailsDigest {
    /// `OpenSSL::Digest::SHA256`, the Rails 7.0+ default.
    #[default]
    Sha256,
    /// `OpenSSL::Digest::SHA1`, apps on 5.2–6.1 defaults.
    Sha1,
}

impl RailsDigest {
    /// `sha256` or `sha1` (any case); `INVALID_ARGUMENT` otherwise.
    pub fn parse(name: &str) -> Result<RailsDigest> {
        match name.to_ascii_lowercase().replace('-', "").as_str() {
            "sha256" => Ok(RailsDigest::Sha256),
            "sha1" => Ok(RailsDigest::Sha1),
            _ => Err(invalid_argument("Rails key digest must be sha256 or sha1")),
        }
    }
}

/// A Rails encrypted-cookie codec for one cookie name.
pub struct RailsCookie {
    keys: Vec<Aead>,
    name: String,
    purpose: String,
}

impl std::fmt::Debug for RailsCookie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RailsCookie")
            .field("name", &self.name)
            .field("secrets", &self.keys.len())
            .finish_non_exhaustive()
    }
}

fn derive(secret_key_base: &[u8], digest: RailsDigest) -> Result<Aead> {
    if secret_key_base.is_empty() {
        return Err(crate::error::invalid_key("secret_key_base is empty"));
    }
    let hash = match digest {
        RailsDigest::Sha256 => Hash::Sha256,
        RailsDigest::Sha1 => Hash::Sha1,
    };
    Aead::new(&pbkdf2(
        hash,
        secret_key_base,
        DEFAULT_SALT.as_bytes(),
        ITERATIONS,
        32,
    ))
}

impl RailsCookie {
    /// The codec for cookie `cookie_name` (for the session, `_<app>_session`).
    pub fn new(
        secret_key_base: &[u8],
        cookie_name: &str,
        digest: RailsDigest,
    ) -> Result<RailsCookie> {
        header::check_name(cookie_name)?;
        Ok(RailsCookie {
            keys: vec![derive(secret_key_base, digest)?],
            name: cookie_name.to_owned(),
            purpose: format!("cookie.{cookie_name}"),
        })
    }

    /// [`new`](Self::new) plus [`rotate`](Self::rotate) for each of `rotations`
    /// (older `secret_key_base`/digest pairs that still open cookies).
    pub fn with_rotations<S: AsRef<[u8]>>(
        secret_key_base: &[u8],
        cookie_name: &str,
        digest: RailsDigest,
        rotations: &[(S, RailsDigest)],
    ) -> Result<RailsCookie> {
        rotations.iter().try_fold(
            Self::new(secret_key_base, cookie_name, digest)?,
            |c, (skb, d)| c.rotate(skb.as_ref(), *d),
        )
    }

    /// Also opens cookies encrypted under another `secret_key_base`/digest
    /// (Rails' `cookies_rotations.rotate :encrypted`); the first key still encrypts.
    pub fn rotate(mut self, secret_key_base: &[u8], digest: RailsDigest) -> Result<RailsCookie> {
        self.keys.push(derive(secret_key_base, digest)?);
        Ok(self)
    }

    /// The cookie name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The cookie value (Rack-escaped) for the JSON value `json`, expiring at
    /// `expires_at_ms` (Unix milliseconds) or never. `COOKIE_TOO_LARGE` past
    /// Rails' 4096-byte limit on name + value.
    pub fn encrypt(&self, json: &str, expires_at_ms: Option<i64>) -> Result<String> {
        let value = pyjson::parse(json.as_bytes())
            .map_err(|e| invalid_argument(format!("cookie value: {}", e.message())))?;
        let mut plain = String::with_capacity(json.len() + 16);
        pyjson::write(&value, Style::Rails, &mut plain);
        let exp = match expires_at_ms {
            None => Value::Null,
            Some(ms) => Value::Str(iso8601_ms(ms)?),
        };
        let envelope = Value::Obj(vec![(
            "_rails".to_owned(),
            Value::Obj(vec![
                (
                    "message".to_owned(),
                    Value::Str(STANDARD.encode(plain.as_bytes())),
                ),
                ("exp".to_owned(), exp),
                ("pur".to_owned(), Value::Str(self.purpose.clone())),
            ]),
        )]);
        let mut text = String::with_capacity(plain.len() * 4 / 3 + 80);
        pyjson::write(&envelope, Style::Rails, &mut text);
        let iv: [u8; 12] = random_bytes(12)?
            .try_into()
            .map_err(|_| Error::new(ErrorCode::Internal, "iv length"))?;
        let sealed = self.keys[0].seal(&iv, b"", text.as_bytes())?;
        let (ct, tag) = sealed.split_at(sealed.len() - 16);
        let message = format!(
            "{}--{}--{}",
            STANDARD.encode(ct),
            STANDARD.encode(iv),
            STANDARD.encode(tag)
        );
        if self.name.len() + message.len() > MAX_SET_COOKIE {
            return Err(Error::new(
                ErrorCode::CookieTooLarge,
                format!(
                    "Rails cookie '{}' would be {} bytes (limit {MAX_SET_COOKIE})",
                    self.name,
                    self.name.len() + message.len()
                ),
            ));
        }
        Ok(form_escape(&message))
    }

    /// Decrypts a cookie value (as sent, form-escaped or not) at `now_ms`
    /// (Unix milliseconds): the value's JSON text.
    pub fn decrypt(&self, cookie: &str, now_ms: i64) -> Result<String> {
        if cookie.len() > MAX_COOKIE_HEADER {
            return Err(Error::new(
                ErrorCode::TooLarge,
                "Rails cookie is larger than 64 KiB",
            ));
        }
        // Rack's unescape turns `+` into a space; base64 has no spaces, so a
        // `+` (literal, or a space however spelled) always reads as base64's
        // `+`, and a value passed unescaped reads the same as the escaped one.
        let message = super::express::percent_decode(cookie)
            .ok_or_else(|| malformed("Rails cookie has a bad %-escape or is not UTF-8"))?
            .replace(' ', "+");
        let mut parts = message.split("--");
        let (Some(ct), Some(iv), Some(tag), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed("Rails cookie is not ciphertext--iv--tag"));
        };
        let decode = |s: &str| {
            STANDARD
                .decode(s)
                .map_err(|_| malformed("Rails cookie is not strict base64"))
        };
        let (mut sealed, iv, tag) = (decode(ct)?, decode(iv)?, decode(tag)?);
        let iv: [u8; 12] = iv
            .try_into()
            .map_err(|_| malformed("Rails cookie IV is not 12 bytes"))?;
        if tag.len() != 16 {
            return Err(malformed("Rails cookie tag is not 16 bytes"));
        }
        sealed.extend_from_slice(&tag);
        let plain = self
            .keys
            .iter()
            .find_map(|k| k.open(&iv, b"", &sealed))
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidSignature,
                    "Rails cookie does not decrypt with this secret_key_base",
                )
            })?;
        self.unwrap_envelope(&plain, now_ms)
    }

    fn unwrap_envelope(&self, plain: &[u8], now_ms: i64) -> Result<String> {
        let tree = pyjson::parse(plain)?;
        let Value::Obj(top) = tree else {
            return Err(malformed("Rails cookie has no _rails envelope"));
        };
        let meta = match &top[..] {
            [(k, Value::Obj(meta))] if k == "_rails" => meta,
            _ => {
                return Err(malformed(
                    "Rails cookie has no _rails envelope (Rails < 6.0)",
                ))
            }
        };
        let field = |name: &str| meta.iter().find(|(k, _)| k == name).map(|(_, v)| v);
        match field("pur") {
            Some(Value::Str(p)) if *p == self.purpose => {}
            Some(Value::Str(_)) | Some(Value::Null) | None => {
                return Err(Error::new(
                    ErrorCode::InvalidSignature,
                    "Rails cookie was written for another cookie name (purpose mismatch)",
                ))
            }
            Some(_) => return Err(malformed("Rails cookie purpose is not a string")),
        }
        match field("exp") {
            None | Some(Value::Null) => {}
            Some(Value::Str(exp)) => {
                if now_ms >= parse_iso8601_ms(exp)? {
                    return Err(Error::new(ErrorCode::Expired, "Rails cookie has expired"));
                }
            }
            Some(_) => return Err(malformed("Rails cookie exp is not a string")),
        }
        let Some(Value::Str(message)) = field("message") else {
            return Err(malformed("Rails cookie envelope has no message"));
        };
        let value = STANDARD
            .decode(message)
            .map_err(|_| malformed("Rails cookie message is not base64"))?;
        let json =
            String::from_utf8(value).map_err(|_| malformed("Rails cookie value is not UTF-8"))?;
        pyjson::parse(json.as_bytes())?;
        Ok(json)
    }
}

/// `URI.encode_www_form_component`.
fn form_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `Time#utc.iso8601(3)`: `YYYY-MM-DDTHH:MM:SS.mmmZ`.
fn iso8601_ms(ms: i64) -> Result<String> {
    // Years 0..=9999, as Ruby writes four digits there.
    if !(-62_167_219_200_000..=253_402_300_799_999).contains(&ms) {
        return Err(invalid_argument("expires_at is out of range"));
    }
    let secs = ms.div_euclid(1000);
    let (y, m, d) = header::civil_from_days(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    Ok(format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        t / 3600,
        t / 60 % 60,
        t % 60,
        ms.rem_euclid(1000)
    ))
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` into Unix milliseconds.
fn parse_iso8601_ms(s: &str) -> Result<i64> {
    let bad = || malformed("Rails cookie exp is not an ISO 8601 time");
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Result<i64> {
        let t = b.get(r).ok_or_else(bad)?;
        if !t.iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        std::str::from_utf8(t)
            .map_err(|_| bad())?
            .parse()
            .map_err(|_| bad())
    };
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(bad());
    }
    let (y, mo, d, h, mi, sec) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return Err(bad());
    }
    let mut i = 19;
    let mut frac_ms = 0i64;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return Err(bad());
        }
        let digits = &s[start..i.min(start + 3)];
        frac_ms = format!("{digits:0<3}").parse().map_err(|_| bad())?;
    }
    let offset_s = match &s[i..] {
        "Z" | "z" => 0,
        tz if tz.len() == 6 && (tz.starts_with('+') || tz.starts_with('-')) && &tz[3..4] == ":" => {
            let hh = num(i + 1..i + 3)?;
            let mm = num(i + 4..i + 6)?;
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            sign * (hh * 3600 + mm * 60)
        }
        _ => return Err(bad()),
    };
    let days = header::days_from_civil(y, mo, d);
    Ok(((days * 86_400 + h * 3600 + mi * 60 + sec) - offset_s) * 1000 + frac_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_purpose_expiry_rotation() {
        let c = RailsCookie::new(b"secret-key-base", "_app_session", RailsDigest::Sha256).unwrap();
        let v = c
            .encrypt(r#"{"session_id":"abc","x":"<&>"}"#, Some(2_000_000))
            .unwrap();
        assert!(v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"%-._*".contains(&b)));
        assert_eq!(
            c.decrypt(&v, 1_999_999).unwrap(),
            r#"{"session_id":"abc","x":"\u003c\u0026\u003e"}"#
        );
        assert_eq!(
            c.decrypt(&v, 2_000_000).unwrap_err().code(),
            ErrorCode::Expired
        );
        let other = RailsCookie::new(b"secret-key-base", "remember", RailsDigest::Sha256).unwrap();
        assert_eq!(
            other.decrypt(&v, 0).unwrap_err().code(),
            ErrorCode::InvalidSignature
        );
        let sha1 = RailsCookie::new(b"secret-key-base", "_app_session", RailsDigest::Sha1).unwrap();
        assert_eq!(
            sha1.decrypt(&v, 0).unwrap_err().code(),
            ErrorCode::InvalidSignature
        );
        let both = sha1
            .rotate(b"secret-key-base", RailsDigest::Sha256)
            .unwrap();
        assert!(both.decrypt(&v, 0).is_ok());
        for bad in ["", "a--b", "%zz", "YQ==--YQ==--YQ=="] {
            assert_eq!(
                c.decrypt(bad, 0).unwrap_err().code(),
                ErrorCode::Malformed,
                "{bad}"
            );
        }
    }

    #[test]
    fn times() {
        assert_eq!(iso8601_ms(0).unwrap(), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            iso8601_ms(1_700_000_000_123).unwrap(),
            "2023-11-14T22:13:20.123Z"
        );
        for ms in [0, 1_700_000_000_123, -1, 253_402_300_799_999] {
            assert_eq!(parse_iso8601_ms(&iso8601_ms(ms).unwrap()).unwrap(), ms);
        }
        assert_eq!(
            parse_iso8601_ms("2023-11-14T23:13:20+01:00").unwrap(),
            1_700_000_000_000
        );
        assert!(parse_iso8601_ms("2023-11-14 22:13:20Z").is_err());
        assert_eq!(form_escape("a+b/c=--"), "a%2Bb%2Fc%3D--");
        assert_eq!(
            super::super::express::percent_decode("a%2Bb+c").as_deref(),
            Some("a+b+c")
        );
    }
}
