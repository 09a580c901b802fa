//! [`Secret`]: a result field that is a bearer credential (a session id, a
//! refresh token, an express-session id, an Express signed cookie).
//!
//! UniFFI generates Kotlin data classes and Swift structs for records, and
//! their `toString()`/`description` print every field. A field of this type
//! crosses the FFI as a string (a UniFFI custom type) and arrives as the
//! hand-written `dev.tessera.Secret` (Kotlin,
//! `mobile/kotlin/src/main/kotlin/dev/tessera/Secret.kt`) or `Secret`
//! (Swift, `mobile/swift/Sources/Tessera/Secret.swift`), whose text is
//! `Secret(…)`; the value is read with `.value`. The mapping is configured in
//! `uniffi.toml` (`[bindings.kotlin.custom_types.Secret]`,
//! `[bindings.swift.custom_types.Secret]`). Only returned record fields use
//! it: arguments stay plain strings (mobile/README.md, "Secrets in results").

use std::fmt;

/// A credential returned inside a record (`.0` is the credential). Its
/// `Debug` shows no content.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

uniffi::custom_newtype!(Secret, String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_content() {
        let s = Secret("tok-0123456789abcdef".to_owned());
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert_eq!(format!("{s:#?}"), "Secret(<redacted>)");
        assert_eq!(s.0, "tok-0123456789abcdef");
        assert_eq!(s, Secret("tok-0123456789abcdef".to_owned()));
        let r = crate::Rotated {
            user_id: "u".to_owned(),
            data: None,
            token: s,
        };
        assert!(!format!("{r:?}").contains("0123456789"));
    }
}
