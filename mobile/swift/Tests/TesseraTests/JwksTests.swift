// RemoteKeySet from Swift, without a server: URL rules, no cache and nothing
// listening (JWKS_UNAVAILABLE naming the URL), and a cold start from an
// exported cache verifying with no request. Run with `swift test` on a Mac
// (no Swift toolchain on Tessera's Linux CI); the JVM suite's JwksTest runs
// every scenario against a real loopback HTTP server.
import Foundation
import XCTest
import Tessera

final class JwksTests: XCTestCase {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    let nowhere = "http://127.0.0.1:1/jwks"

    func testUrlRules() throws {
        for url in ["http://example.com/jwks", "ftp://127.0.0.1/jwks", "jwks.json"] {
            XCTAssertThrowsError(try RemoteKeySet(url: url)) { error in
                XCTAssertEqual((error as? TesseraError)?.code, .invalidArgument, url)
            }
        }
        XCTAssertThrowsError(try RemoteKeySet(url: nowhere, options: RemoteOptions(timeout: -1))) { error in
            XCTAssertEqual((error as? TesseraError)?.code, .invalidArgument)
        }
        let set = try RemoteKeySet(url: "https://issuer.example/.well-known/jwks.json")
        XCTAssertEqual(set.status().state, .empty)
        XCTAssertNil(set.exportCache())
    }

    func testNoCacheAndNothingListening() throws {
        let set = try RemoteKeySet(url: nowhere, options: RemoteOptions(timeout: 2))
        XCTAssertThrowsError(try set.keys()) { error in
            guard let e = error as? TesseraError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.code, .jwksUnavailable)
            XCTAssertEqual(errorCodeString(code: e.code), "JWKS_UNAVAILABLE")
            XCTAssertTrue(e.detail.contains(self.nowhere), e.detail)
        }
        let status = set.status()
        XCTAssertEqual(status.lastErrorCode, .jwksUnavailable)
        XCTAssertEqual(status.requests, 1)
    }

    func testColdStartFromExportedCache() throws {
        let key = try Key.generate(alg: "ES256", kid: "k1")
        let jwks = try KeySet(keys: [try key.public()]).toJwks()
        let now = Date().timeIntervalSince1970
        let cache = #"{"url":"\#(nowhere)","fetched_at":\#(now),"fresh_until":\#(now + 300),"jwks":\#(jwks)}"#
        let set = try RemoteKeySet(url: nowhere)
        try set.importCache(data: cache)
        XCTAssertEqual(set.status().state, .fresh)
        let verifier = try Verifier.remote(keys: set)
        let claims = #"{"sub":"u1","exp":4102444800}"#
        XCTAssertEqual(try verifier.verify(token: try jwtEncode(claimsJson: claims, key: key)), claims)
        XCTAssertEqual(set.status().requests, 0)
        XCTAssertNotNil(set.exportCache())
    }
}
