// Hand-written (not generated): conveniences over the generated bindings in
// tessera_uniffi.kt. Kept tiny; all logic lives in the Rust core.
package dev.tessera

/**
 * The stable error code of any [TesseraException], so callers can write
 * `catch (e: TesseraException) { when (e.code) { ErrorCode.EXPIRED -> … } }`
 * without naming the (only) variant [TesseraException.Failed].
 * `e.code.name` is the core's code string (`"EXPIRED"`).
 */
val TesseraException.code: ErrorCode
    get() = when (this) {
        is TesseraException.Failed -> this.code
    }

/** The human-readable detail (may change between versions; compare [code]). */
val TesseraException.detail: String
    get() = when (this) {
        is TesseraException.Failed -> this.detail
    }

/** The claim a claim error is about (`"exp"`, `"aud"`, …), else null. */
val TesseraException.claim: String?
    get() = when (this) {
        is TesseraException.Failed -> this.claim
    }
