// Hand-written (not generated): the Kotlin side of the UniFFI custom type
// `Secret` (bindings/uniffi/src/secret.rs, mapped in bindings/uniffi/uniffi.toml).
package dev.tessera

import java.security.MessageDigest

/**
 * A credential returned inside a record: [Session.id], [Rotated.token],
 * [UnsignedSessionId.sid], [ExpressSignedCookie.value] and
 * [ExpressSignedCookie.sig]. Read it with [value].
 *
 * The records are data classes, whose `toString()` prints every field; this
 * wrapper's [toString] is `Secret(…)`, so logging a record (or an exception
 * message built from one) does not log the session id, refresh token or
 * cookie. `"$secret"` is therefore not the credential: use `secret.value`.
 *
 * Two secrets are equal when their values are; the comparison does not stop
 * at the first differing character ([MessageDigest.isEqual] on the UTF-8
 * bytes; the lengths are not hidden). [hashCode] is the value's.
 */
class Secret(val value: String) {
    override fun toString(): String = "Secret(…)"

    override fun equals(other: Any?): Boolean =
        other is Secret && MessageDigest.isEqual(value.toByteArray(Charsets.UTF_8), other.value.toByteArray(Charsets.UTF_8))

    override fun hashCode(): Int = value.hashCode()
}
