//! `Set-Cookie` lines and `Cookie` header parsing (RFC 6265, with the
//! `__Secure-`/`__Host-` prefix rules of RFC 6265bis §4.1.3).
//!
//! The builder refuses what a browser would silently drop or what would let a
//! value smuggle extra attributes: a name outside RFC 7230 `token`, a value
//! outside `cookie-octet` (no space, `"`, `,`, `;`, `\`, controls), a path or
//! domain with `;` or controls, a prefixed name whose attributes break the
//! prefix rule, and `SameSite=None` without `Secure`. All of these are
//! `INVALID_ARGUMENT`.
//!
//! The parser follows what servers (Node's `cookie`, Werkzeug, Rack) do with
//! real browser headers: pairs split on `;`, whitespace trimmed, one pair of
//! surrounding double quotes removed, pairs without `=` skipped. Values are
//! returned as sent (no percent-decoding: each codec decodes its own format).
//! A header over [`MAX_COOKIE_HEADER`] bytes is `TOO_LARGE` before any parsing.

use crate::error::{invalid_argument, Error, ErrorCode, Result};

/// The largest `Cookie` header the parser reads (64 KiB; browsers send at
/// most ~180 cookies of 4 KiB to one site, and servers cap headers far lower).
pub const MAX_COOKIE_HEADER: usize = 65_536;

/// The largest `Set-Cookie` line (name, value and attributes) browsers keep.
pub const MAX_SET_COOKIE: usize = 4096;

/// The `SameSite` attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SameSite {
    /// Sent only on same-site requests.
    Strict,
    /// Sent on same-site requests and top-level navigations (browsers' default).
    Lax,
    /// Sent on every request; requires `Secure`.
    None,
}

impl SameSite {
    /// Parses `strict`, `lax` or `none` (any case); `INVALID_ARGUMENT` otherwise.
    pub fn parse(name: &str) -> Result<SameSite> {
        match name.to_ascii_lowercase().as_str() {
            "strict" => Ok(SameSite::Strict),
            "lax" => Ok(SameSite::Lax),
            "none" => Ok(SameSite::None),
            _ => Err(invalid_argument("SameSite must be Strict, Lax or None")),
        }
    }

    /// The attribute value as written in `Set-Cookie`.
    pub fn as_str(self) -> &'static str {
        match self {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
        }
    }
}

/// The attributes of a `Set-Cookie` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieAttributes {
    /// `Path`; `None` leaves it out (the browser then uses the request's directory).
    pub path: Option<String>,
    /// `Domain`; `None` makes a host-only cookie.
    pub domain: Option<String>,
    /// `Max-Age` in seconds (0 or less deletes the cookie).
    pub max_age: Option<i64>,
    /// `Expires`, as Unix seconds.
    pub expires: Option<i64>,
    /// `Secure`.
    pub secure: bool,
    /// `HttpOnly`.
    pub http_only: bool,
    /// `SameSite`.
    pub same_site: Option<SameSite>,
    /// `Partitioned` (CHIPS); requires `Secure`.
    pub partitioned: bool,
}

impl Default for CookieAttributes {
    /// Strict defaults: `Path=/; Secure; HttpOnly; SameSite=Lax`.
    fn default() -> Self {
        CookieAttributes {
            path: Some("/".to_owned()),
            domain: None,
            max_age: None,
            expires: None,
            secure: true,
            http_only: true,
            same_site: Some(SameSite::Lax),
            partitioned: false,
        }
    }
}

fn is_token_char(c: u8) -> bool {
    // RFC 7230 tchar.
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

fn is_cookie_octet(c: u8) -> bool {
    // RFC 6265 cookie-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E.
    matches!(c, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E)
}

/// Checks a cookie name (RFC 7230 token, non-empty).
pub(crate) fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || !name.bytes().all(is_token_char) {
        return Err(invalid_argument(
            "cookie name must be a non-empty RFC 7230 token",
        ));
    }
    Ok(())
}

fn check_value(value: &str) -> Result<()> {
    let inner = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    if !inner.bytes().all(is_cookie_octet) {
        return Err(invalid_argument(
            "cookie value has a character outside RFC 6265 cookie-octet",
        ));
    }
    Ok(())
}

fn check_attr_text(what: &'static str, text: &str) -> Result<()> {
    if text.is_empty() || text.bytes().any(|c| c < 0x20 || c == 0x7f || c == b';') {
        return Err(invalid_argument(what));
    }
    Ok(())
}

/// The length of the attribute part (`; Path=/; ...`) written by [`set_cookie`].
pub(crate) fn attributes_len(attrs: &CookieAttributes) -> usize {
    let mut s = String::new();
    write_attributes(attrs, &mut s);
    s.len()
}

fn write_attributes(attrs: &CookieAttributes, out: &mut String) {
    use std::fmt::Write as _;
    if let Some(path) = &attrs.path {
        let _ = write!(out, "; Path={path}");
    }
    if let Some(domain) = &attrs.domain {
        let _ = write!(out, "; Domain={domain}");
    }
    if let Some(max_age) = attrs.max_age {
        let _ = write!(out, "; Max-Age={max_age}");
    }
    if let Some(expires) = attrs.expires {
        let _ = write!(out, "; Expires={}", http_date(expires));
    }
    if attrs.secure {
        out.push_str("; Secure");
    }
    if attrs.http_only {
        out.push_str("; HttpOnly");
    }
    if let Some(same_site) = attrs.same_site {
        let _ = write!(out, "; SameSite={}", same_site.as_str());
    }
    if attrs.partitioned {
        out.push_str("; Partitioned");
    }
}

fn check_attributes(name: &str, attrs: &CookieAttributes) -> Result<()> {
    if let Some(path) = &attrs.path {
        check_attr_text(
            "cookie Path must be non-empty, without ';' or controls",
            path,
        )?;
        if !path.starts_with('/') {
            return Err(invalid_argument("cookie Path must start with '/'"));
        }
    }
    if let Some(domain) = &attrs.domain {
        check_attr_text(
            "cookie Domain must be non-empty, without ';' or controls",
            domain,
        )?;
        if domain.bytes().any(|c| c == b' ' || c == b',') {
            return Err(invalid_argument("cookie Domain has a space or comma"));
        }
    }
    if let Some(expires) = attrs.expires {
        // Years 0000..=9999 keep the IMF-fixdate four digits wide.
        if !(-62_167_219_200..=253_402_300_799).contains(&expires) {
            return Err(invalid_argument("cookie Expires is out of range"));
        }
    }
    let lower = name.as_bytes();
    let has_prefix = |p: &[u8]| lower.len() >= p.len() && lower[..p.len()].eq_ignore_ascii_case(p);
    if has_prefix(b"__secure-") && !attrs.secure {
        return Err(invalid_argument("a __Secure- cookie must be Secure"));
    }
    if has_prefix(b"__host-")
        && (!attrs.secure || attrs.domain.is_some() || attrs.path.as_deref() != Some("/"))
    {
        return Err(invalid_argument(
            "a __Host- cookie must be Secure, with Path=/ and no Domain",
        ));
    }
    if attrs.same_site == Some(SameSite::None) && !attrs.secure {
        return Err(invalid_argument("SameSite=None requires Secure"));
    }
    if attrs.partitioned && !attrs.secure {
        return Err(invalid_argument("Partitioned requires Secure"));
    }
    Ok(())
}

/// A complete `Set-Cookie` header value: `name=value` and the attributes.
///
/// `INVALID_ARGUMENT` for a bad name, value, path or domain, a broken prefix
/// rule, or `SameSite=None`/`Partitioned` without `Secure`. The line's length
/// is not limited here; the session codecs check it against [`MAX_SET_COOKIE`].
pub fn set_cookie(name: &str, value: &str, attrs: &CookieAttributes) -> Result<String> {
    check_name(name)?;
    check_value(value)?;
    check_attributes(name, attrs)?;
    let mut out = String::with_capacity(name.len() + value.len() + 64);
    out.push_str(name);
    out.push('=');
    out.push_str(value);
    write_attributes(attrs, &mut out);
    Ok(out)
}

/// A `Set-Cookie` line that deletes `name`: an empty value, `Max-Age=0` and an
/// `Expires` in 1970. The path and domain must match the cookie's own.
pub fn delete_cookie(name: &str, attrs: &CookieAttributes) -> Result<String> {
    let attrs = CookieAttributes {
        max_age: Some(0),
        expires: Some(0),
        ..attrs.clone()
    };
    set_cookie(name, "", &attrs)
}

/// The pairs of a `Cookie` request header, in order (duplicates kept: callers
/// usually take the first, which browsers send for the most specific path).
///
/// `TOO_LARGE` over [`MAX_COOKIE_HEADER`] bytes; pieces without `=` or with an
/// empty name are skipped, as servers do.
pub fn parse_cookie_header(header: &str) -> Result<Vec<(String, String)>> {
    Ok(cookie_pairs(header)?
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect())
}

/// The borrowed pairs of a `Cookie` header (see [`parse_cookie_header`]).
pub(crate) fn cookie_pairs(header: &str) -> Result<impl Iterator<Item = (&str, &str)>> {
    if header.len() > MAX_COOKIE_HEADER {
        return Err(Error::new(
            ErrorCode::TooLarge,
            "Cookie header is larger than 64 KiB",
        ));
    }
    Ok(header.split(';').filter_map(|piece| {
        let (name, value) = piece.split_once('=')?;
        let name = name.trim_matches(|c| c == ' ' || c == '\t');
        if name.is_empty() {
            return None;
        }
        let value = value.trim_matches(|c| c == ' ' || c == '\t');
        let value = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            Some(inner) => inner,
            None => value,
        };
        Some((name, value))
    }))
}

/// IMF-fixdate (RFC 7231 §7.1.1.1) for Unix seconds, e.g.
/// `Sun, 06 Nov 1994 08:49:37 GMT`.
pub(crate) fn http_date(unix: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        d,
        MONTHS[(m - 1) as usize],
        y,
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// (year, month 1..=12, day 1..=31) for days since 1970-01-01 (H. Hinnant's algorithm).
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Days since 1970-01-01 for a proleptic Gregorian date (inverse of [`civil_from_days`]).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_lines_and_enforces_prefix_rules() {
        let line = set_cookie("sid", "abc", &CookieAttributes::default()).unwrap();
        assert_eq!(line, "sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax");
        let attrs = CookieAttributes {
            domain: Some("example.com".into()),
            max_age: Some(60),
            expires: Some(784_111_777),
            same_site: Some(SameSite::Strict),
            ..CookieAttributes::default()
        };
        assert_eq!(
            set_cookie("a", "\"q\"", &attrs).unwrap(),
            "a=\"q\"; Path=/; Domain=example.com; Max-Age=60; \
             Expires=Sun, 06 Nov 1994 08:49:37 GMT; Secure; HttpOnly; SameSite=Strict"
        );
        let insecure = CookieAttributes {
            secure: false,
            ..CookieAttributes::default()
        };
        for (name, value, attrs) in [
            ("__Host-x", "1", &insecure),
            ("__Secure-x", "1", &insecure),
            ("__host-x", "1", &attrs),
            ("bad name", "1", &insecure),
            ("", "1", &insecure),
            ("a", "x;y", &insecure),
            ("a", "x y", &insecure),
            ("a", "é", &insecure),
        ] {
            let err = set_cookie(name, value, attrs).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidArgument, "{name}={value}");
        }
        let none = CookieAttributes {
            secure: false,
            same_site: Some(SameSite::None),
            ..CookieAttributes::default()
        };
        assert!(set_cookie("a", "1", &none).is_err());
        let path = CookieAttributes {
            path: Some("/x; Domain=evil".into()),
            ..CookieAttributes::default()
        };
        assert!(set_cookie("a", "1", &path).is_err());
        assert_eq!(
            delete_cookie("a", &CookieAttributes::default()).unwrap(),
            "a=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; HttpOnly; SameSite=Lax"
        );
    }

    #[test]
    fn parses_headers_like_servers_do() {
        let pairs = parse_cookie_header(" a=1; b=\"two\" ;junk; =x;c=x=y; a=3").unwrap();
        let want = [("a", "1"), ("b", "two"), ("c", "x=y"), ("a", "3")];
        assert_eq!(pairs.len(), want.len());
        for ((n, v), (wn, wv)) in pairs.iter().zip(want) {
            assert_eq!((n.as_str(), v.as_str()), (wn, wv));
        }
        let big = "a=".to_owned() + &"b".repeat(MAX_COOKIE_HEADER);
        assert_eq!(
            parse_cookie_header(&big).unwrap_err().code(),
            ErrorCode::TooLarge
        );
    }

    #[test]
    fn calendar_round_trips() {
        for days in [-800_000i64, -1, 0, 1, 11_016, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    }
}
