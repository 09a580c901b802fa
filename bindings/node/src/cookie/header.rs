//! `Set-Cookie` / `Cookie` helpers (wrap `tessera::cookie::header`).

use napi_derive::napi;
use tessera::cookie::header::{self, CookieAttributes, SameSite};

use crate::convert::JsStr;
use crate::errors::{to_js_err, Result};

/// Cookie attributes from JS; every absent member keeps the core's default
/// (`CookieAttributes::default()`: `Path=/; Secure; HttpOnly; SameSite=Lax`).
/// `omit_path` / `omit_same_site` leave those attributes out (JS `false`).
#[napi(object)]
pub struct AttributesArg {
    pub path: Option<String>,
    pub omit_path: Option<bool>,
    pub domain: Option<String>,
    pub max_age: Option<i64>,
    pub expires: Option<i64>,
    pub secure: Option<bool>,
    pub http_only: Option<bool>,
    pub same_site: Option<String>,
    pub omit_same_site: Option<bool>,
    pub partitioned: Option<bool>,
}

/// The core's attributes: its defaults, overridden by what JS gave.
pub(crate) fn attributes(arg: Option<AttributesArg>) -> tessera::Result<CookieAttributes> {
    let mut a = CookieAttributes::default();
    let Some(arg) = arg else {
        return Ok(a);
    };
    if arg.omit_path == Some(true) {
        a.path = None;
    } else if let Some(path) = arg.path {
        a.path = Some(path);
    }
    if arg.domain.is_some() {
        a.domain = arg.domain;
    }
    if arg.max_age.is_some() {
        a.max_age = arg.max_age;
    }
    if arg.expires.is_some() {
        a.expires = arg.expires;
    }
    if let Some(secure) = arg.secure {
        a.secure = secure;
    }
    if let Some(http_only) = arg.http_only {
        a.http_only = http_only;
    }
    if arg.omit_same_site == Some(true) {
        a.same_site = None;
    } else if let Some(s) = arg.same_site {
        a.same_site = Some(SameSite::parse(&s)?);
    }
    if let Some(partitioned) = arg.partitioned {
        a.partitioned = partitioned;
    }
    Ok(a)
}

/// A complete `Set-Cookie` header value.
#[napi(catch_unwind)]
pub fn cookie_set_cookie(
    name: String,
    value: String,
    attrs: Option<AttributesArg>,
) -> Result<String> {
    attributes(attrs)
        .and_then(|a| header::set_cookie(&name, &value, &a))
        .map_err(to_js_err)
}

/// A `Set-Cookie` header value that deletes cookie `name`.
#[napi(catch_unwind)]
pub fn cookie_delete_cookie(name: String, attrs: Option<AttributesArg>) -> Result<String> {
    attributes(attrs)
        .and_then(|a| header::delete_cookie(&name, &a))
        .map_err(to_js_err)
}

/// The pairs of a `Cookie` header in order, flattened: `[name0, value0, name1, value1, …]`.
#[napi(catch_unwind)]
pub fn cookie_parse_header(header: JsStr) -> Result<Vec<String>> {
    let pairs = header::parse_cookie_header(header.as_str()).map_err(to_js_err)?;
    Ok(pairs.into_iter().flat_map(|(n, v)| [n, v]).collect())
}
