//! Cookie sessions: codecs for the exact formats Flask/itsdangerous and
//! Express (cookie-session + keygrip, express-session) write, so an existing
//! app moves to Tessera without logging anyone out.
//!
//! Every rejection carries a code: a bad MAC is `INVALID_SIGNATURE`, an
//! expired or future timestamp `EXPIRED` / `ISSUED_IN_FUTURE`, anything
//! unparseable `MALFORMED`. Secrets are compared in constant time.
pub mod express;
pub mod flask;
pub mod itsdangerous;
