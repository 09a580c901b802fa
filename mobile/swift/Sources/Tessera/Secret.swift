// Hand-written (not generated): the Swift side of the UniFFI custom type
// `Secret` (bindings/uniffi/src/secret.rs, mapped in bindings/uniffi/uniffi.toml).
// Not compiled on Tessera's Linux machines (no Swift toolchain); see ../../../README.md.

/// A credential returned inside a record: `Session.id`, `Rotated.token`,
/// `UnsignedSessionId.sid`, `ExpressSignedCookie.value` and
/// `ExpressSignedCookie.sig`. Read it with `value`.
///
/// The records are structs, whose `description`, `debugDescription` and
/// `dump()` show every stored property; a `Secret` shows `Secret(…)` in all
/// three (and has no reflected children), so printing or logging a record
/// does not print the session id, refresh token or cookie.
/// `"\(secret)"` is therefore not the credential: use `secret.value`.
///
/// Two secrets are equal when their values are; the comparison does not stop
/// at the first differing byte (the lengths are not hidden).
public struct Secret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable, Hashable, Sendable {
    /// The credential itself.
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "Secret(…)" }

    public var debugDescription: String { "Secret(…)" }

    public var customMirror: Mirror { Mirror(self, children: [:], displayStyle: .struct) }

    public static func == (lhs: Secret, rhs: Secret) -> Bool {
        let a = Array(lhs.value.utf8)
        let b = Array(rhs.value.utf8)
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count {
            diff |= a[i] ^ b[i]
        }
        return diff == 0
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(value)
    }
}
