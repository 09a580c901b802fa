//! `Set-Cookie` and `Cookie` headers: `CookieAttributes`, `setCookie`,
//! `deleteCookie`, `parseCookie`.

use std::collections::HashMap;

use tessera::cookie::header::{self as h, SameSite};

use crate::Result;

/// The attributes of a `Set-Cookie` line. Start from
/// `defaultCookieAttributes()` (the core's strict defaults: `Path=/; Secure;
/// HttpOnly; SameSite=Lax`) and change what differs (Kotlin `copy(...)`).
/// Checked when a line is built: a bad path or domain, a broken
/// `__Secure-`/`__Host-` rule, or `SameSite=None`/`partitioned` without
/// `secure` are `INVALID_ARGUMENT`.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CookieAttributes {
    /// `Path`; `null` leaves it out.
    pub path: Option<String>,
    /// `Domain`; `null` makes a host-only cookie.
    pub domain: Option<String>,
    /// `Max-Age` in seconds (0 or less deletes the cookie); `null`: none.
    pub max_age: Option<i64>,
    /// `Expires` as Unix seconds; `null`: none.
    pub expires: Option<i64>,
    /// `Secure`.
    pub secure: bool,
    /// `HttpOnly`.
    pub http_only: bool,
    /// `SameSite`: `"Strict"`, `"Lax"`, `"None"` (any case) or `null`.
    pub same_site: Option<String>,
    /// `Partitioned` (CHIPS; needs `secure`).
    pub partitioned: bool,
}

impl From<h::CookieAttributes> for CookieAttributes {
    fn from(a: h::CookieAttributes) -> Self {
        CookieAttributes {
            path: a.path,
            domain: a.domain,
            max_age: a.max_age,
            expires: a.expires,
            secure: a.secure,
            http_only: a.http_only,
            same_site: a.same_site.map(|s| s.as_str().to_owned()),
            partitioned: a.partitioned,
        }
    }
}

impl TryFrom<CookieAttributes> for h::CookieAttributes {
    type Error = crate::TesseraError;

    fn try_from(a: CookieAttributes) -> Result<Self> {
        Ok(h::CookieAttributes {
            path: a.path,
            domain: a.domain,
            max_age: a.max_age,
            expires: a.expires,
            secure: a.secure,
            http_only: a.http_only,
            same_site: a.same_site.as_deref().map(SameSite::parse).transpose()?,
            partitioned: a.partitioned,
        })
    }
}

/// The attributes given, or the core's defaults for `null`.
pub(crate) fn attributes(a: Option<CookieAttributes>) -> Result<h::CookieAttributes> {
    a.map_or_else(
        || Ok(h::CookieAttributes::default()),
        h::CookieAttributes::try_from,
    )
}

/// The core's default attributes: `Path=/; Secure; HttpOnly; SameSite=Lax`.
#[uniffi::export]
pub fn default_cookie_attributes() -> CookieAttributes {
    h::CookieAttributes::default().into()
}

/// One cookie: a name and its value.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CookiePair {
    /// The cookie name.
    pub name: String,
    /// The cookie value (as sent: no percent-decoding).
    pub value: String,
}

/// A complete `Set-Cookie` header value: `name=value` and the attributes
/// (`null`: the defaults). A name that is not a token, or a value outside
/// RFC 6265 `cookie-octet`, is `INVALID_ARGUMENT`.
#[uniffi::export(default(attributes = None))]
pub fn set_cookie(
    name: String,
    value: String,
    attributes: Option<CookieAttributes>,
) -> Result<String> {
    Ok(h::set_cookie(
        &name,
        &value,
        &self::attributes(attributes)?,
    )?)
}

/// A `Set-Cookie` header value deleting `name` (empty value, `Max-Age=0`,
/// `Expires` in 1970); path and domain must be the cookie's own.
#[uniffi::export(default(attributes = None))]
pub fn delete_cookie(name: String, attributes: Option<CookieAttributes>) -> Result<String> {
    Ok(h::delete_cookie(&name, &self::attributes(attributes)?)?)
}

/// The cookies of a raw `Cookie` request header by name; when a name
/// repeats, the first wins (what servers read). Over 64 KiB is `TOO_LARGE`.
#[uniffi::export]
pub fn parse_cookie(header: String) -> Result<HashMap<String, String>> {
    let mut map = HashMap::new();
    for (n, v) in h::parse_cookie_header(&header)? {
        map.entry(n).or_insert(v);
    }
    Ok(map)
}

/// Every pair of a raw `Cookie` request header, in order, duplicates kept
/// (whitespace and one pair of quotes removed, no percent-decoding).
#[uniffi::export]
pub fn parse_cookie_pairs(header: String) -> Result<Vec<CookiePair>> {
    Ok(h::parse_cookie_header(&header)?
        .into_iter()
        .map(|(name, value)| CookiePair { name, value })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_round_trip_through_the_record() {
        let core = h::CookieAttributes::default();
        let back: h::CookieAttributes = default_cookie_attributes().try_into().unwrap();
        assert_eq!(back, core);
        let mut odd = default_cookie_attributes();
        odd.same_site = Some("sideways".into());
        assert_eq!(
            h::CookieAttributes::try_from(odd).unwrap_err().code(),
            tessera::ErrorCode::InvalidArgument
        );
        assert_eq!(parse_cookie("a=1; a=2; b=3".into()).unwrap()["a"], "1");
    }
}
