// Run with `swift test` on a Mac after ./build-xcframework.sh (not run on
// Tessera's Linux CI, which has no Swift toolchain; the JVM suite in
// ../../kotlin runs every shared vector through the same generated API).
import Foundation
import XCTest
import Tessera

final class TesseraTests: XCTestCase {
    func testEncodeVerifyAndErrorCodes() throws {
        let key = try Key.generate(alg: "ES256", kid: "2026-11")
        let claims = #"{"sub":"u1","iss":"https://issuer.example","exp":1700000060}"#
        let token = try jwtEncode(claimsJson: claims, key: key)

        let keys = try KeySet.fromJwks(jwks: try KeySet(keys: [key]).toJwks())
        let verifier = try Verifier(
            keys: keys,
            validation: Validation(issuer: ["https://issuer.example"], now: 1_700_000_000)
        )
        XCTAssertEqual(try verifier.verify(token: token), claims)
        XCTAssertEqual(try verifier.verifyClaims(token: token).sub, "u1")
        XCTAssertEqual(try jwtDecodeUnverified(token: token).claimsJson, claims)

        let late = try Verifier(keys: keys, validation: Validation(now: 1_700_000_060))
        XCTAssertThrowsError(try late.verify(token: token)) { error in
            guard let e = error as? TesseraError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.code, .expired)
            XCTAssertEqual(e.claim, "exp")
            XCTAssertEqual(errorCodeString(code: e.code), "EXPIRED")
        }
    }

    func testBadArguments() {
        XCTAssertThrowsError(try Key.hmac(secret: Data(count: 32), alg: "none")) { error in
            XCTAssertEqual((error as? TesseraError)?.code, .algorithmNotAllowed)
        }
        XCTAssertThrowsError(try Key.fromJwk(jwk: "{")) { error in
            XCTAssertNotNil(error as? TesseraError)
        }
    }
}
