// Server-side sessions from Swift. Run with `swift test` on a Mac after
// ./build-xcframework.sh (not compiled on Tessera's Linux CI, which has no
// Swift toolchain: the JVM suite in ../../kotlin runs the session scenario
// vectors, the session API and the Redis tests through the same generated API).
import Foundation
import XCTest
import Tessera

final class SessionTests: XCTestCase {
    let hourMs: Int64 = 3_600_000

    func testSessionLifecycleOnMemoryStore() throws {
        let store = SessionStore.memory(store: try MemoryStore())
        let sessions = try SessionManager(store: store, ttlMs: hourMs, idleTimeoutMs: nil)
        let id = try sessions.create(dataJson: #"{"cart":[1,2]}"#, userId: "bob")
        let s = try XCTUnwrap(try sessions.load(id: id))
        XCTAssertEqual(s.id.value, id)
        XCTAssertEqual(s.id, Secret(id))
        for text in ["\(s)", String(describing: s), String(reflecting: s), "\(s.id)"] {
            XCTAssertFalse(text.contains(id), text)
        }
        var dumped = ""
        dump(s, to: &dumped)
        XCTAssertFalse(dumped.contains(id), dumped)
        XCTAssertEqual(s.id.description, "Secret(…)")
        XCTAssertEqual(s.data, #"{"cart":[1,2]}"#)
        XCTAssertEqual(s.userId, "bob")
        XCTAssertEqual(s.version, 0)
        XCTAssertEqual(try sessions.save(id: id, dataJson: "{}", version: 0), 1)
        XCTAssertThrowsError(try sessions.save(id: id, dataJson: "{}", version: 0)) { error in
            XCTAssertEqual((error as? TesseraError)?.code, .sessionConflict)
        }
        let rotated = try XCTUnwrap(try sessions.rotate(id: id, userId: nil))
        XCTAssertNil(try sessions.load(id: id))
        let guest = try sessions.create(dataJson: "{}", userId: nil)
        let loggedIn = try XCTUnwrap(try sessions.rotate(id: guest, userId: "bob"))
        XCTAssertEqual(try sessions.load(id: loggedIn)?.userId, "bob")
        XCTAssertEqual(try sessions.destroyUser(userId: "bob"), 2)
        XCTAssertNil(try sessions.load(id: rotated))
        XCTAssertNil(try sessions.load(id: "not-a-session-id"))
    }

    func testDenylistAndRefreshTokens() throws {
        let store = SessionStore.memory(store: try MemoryStore())
        let deny = Denylist(store: store)
        let key = try Key.hmac(secret: Data("0123456789abcdef0123456789abcdef".utf8))
        let verifier = try Verifier(keys: try KeySet(keys: [key]), validation: Validation(), denylist: deny)
        let token = try jwtEncode(claimsJson: #"{"exp":4102444800,"jti":"t-1"}"#, key: key)
        XCTAssertNoThrow(try verifier.verify(token: token))
        try deny.revoke(jti: "t-1", exp: 4_102_444_800)
        XCTAssertThrowsError(try verifier.verify(token: token)) { error in
            XCTAssertEqual((error as? TesseraError)?.code, .revoked)
        }

        let refresh = try RefreshTokens(store: store, ttlMs: hourMs)
        let t0 = try refresh.issue(userId: "bob", dataJson: #"{"device":"phone"}"#)
        let r1 = try refresh.rotate(token: t0)
        XCTAssertEqual(r1.userId, "bob")
        XCTAssertNotEqual(r1.token.value, t0)
        XCTAssertFalse("\(r1)".contains(r1.token.value))
        XCTAssertThrowsError(try refresh.rotate(token: t0)) { error in
            XCTAssertEqual((error as? TesseraError)?.code, .refreshTokenReused)
        }
    }

    func testRedisThatCannotAnswer() throws {
        let redis = try RedisStore(urls: ["redis://127.0.0.1:1/0"], prefix: nil, poolSize: 1,
                                   connectTimeoutMs: 200, ioTimeoutMs: 200, cluster: false)
        XCTAssertThrowsError(try redis.ping()) { error in
            XCTAssertEqual((error as? TesseraError)?.code, .storeUnavailable)
        }
    }
}
