// Hand-written (not generated): conveniences over the generated bindings in
// Tessera.swift. Kept tiny; all logic lives in the Rust core.

extension TesseraError {
    /// The stable error code, e.g. `.expired`; `errorCodeString(code:)`
    /// spells it as every binding does (`"EXPIRED"`).
    public var code: ErrorCode {
        switch self {
        case let .Failed(code, _, _): return code
        }
    }

    /// A human-readable description (may change between versions; compare `code`).
    public var detail: String {
        switch self {
        case let .Failed(_, detail, _): return detail
        }
    }

    /// The claim a claim error is about (`"exp"`, `"aud"`, …), else nil.
    public var claim: String? {
        switch self {
        case let .Failed(_, _, claim): return claim
        }
    }
}
