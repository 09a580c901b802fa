//! Cookie sessions: Tessera's own sealed cookie ([`native::SessionCookie`]),
//! codecs for the exact formats Flask/itsdangerous, Express (cookie-session +
//! keygrip, express-session) and Rails write, so an existing app moves to
//! Tessera without logging anyone out, plus `Set-Cookie`/`Cookie` header
//! helpers and CSRF tokens.
//!
//! Every rejection carries a code: a bad MAC is `INVALID_SIGNATURE`, an
//! expired or future timestamp `EXPIRED` / `ISSUED_IN_FUTURE`, anything
//! unparseable `MALFORMED`. Secrets are compared in constant time.
pub mod csrf;
pub mod express;
pub mod flask;
pub mod header;
pub mod itsdangerous;
pub mod native;
pub mod rails;
