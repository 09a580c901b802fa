// Cookie sessions from Swift. Run with `swift test` on a Mac after
// ./build-xcframework.sh (not compiled on Tessera's Linux CI, which has no
// Swift toolchain: the JVM suite in ../../kotlin runs every cookie vector and
// the cookie API checks through the same generated API).
import Foundation
import XCTest
import Tessera

final class CookieTests: XCTestCase {
    let secret = Data("0123456789abcdef0123456789abcdef".utf8)
    let t0: Int64 = 1_700_000_000

    func testSessionCookieSealOpenAndRotation() throws {
        let old = Data("fedcba9876543210fedcba9876543210".utf8)
        let cookie = try SessionCookie(secrets: [secret, old], encrypted: true, maxAge: 3600)
        let value = try cookie.seal(sessionJson: #"{"user":42}"#, now: t0)
        XCTAssertEqual(try cookie.open(value: value, now: t0 + 5), #"{"user":42}"#)
        XCTAssertThrowsError(try cookie.open(value: value, now: t0 + 3601)) { error in
            XCTAssertEqual((error as? TesseraError)?.code, .expired)
        }
        let sealedWithOld = try SessionCookie(secrets: [old]).seal(sessionJson: "{}", now: t0)
        let signed = try SessionCookie(secrets: [secret, old])
        XCTAssertTrue(try signed.openInfo(value: sealedWithOld, now: t0).needsReissue)
        let opened = try cookie.load(cookieHeader: "theme=dark; session=\(value)", now: t0)
        XCTAssertEqual(opened.issuedAt, t0)
        XCTAssertThrowsError(try cookie.load(cookieHeader: "theme=dark", now: t0)) { error in
            XCTAssertEqual((error as? TesseraError)?.code, .sessionNotFound)
        }
        let lines = try cookie.setCookieHeaders(sessionJson: #"{"user":42}"#, now: t0, requestCookieHeader: nil)
        XCTAssertEqual(lines.count, 1)
        XCTAssertTrue(lines[0].hasPrefix("session=t1."))
    }

    func testFrameworkCookies() throws {
        let flask = try FlaskCookie(secretKey: Data("flask-secret".utf8))
        let value = try flask.dumps(sessionJson: #"{"b":1,"a":2}"#, now: t0)
        XCTAssertEqual(try flask.loads(cookie: value, now: t0), #"{"a":2,"b":1}"#)

        let express = try ExpressCookieSession(keys: [Data("key-new".utf8)])
        let signed = try express.sign(sessionJson: #"{"user":"ann"}"#)
        XCTAssertEqual(signed.value.value, "eyJ1c2VyIjoiYW5uIn0=")
        XCTAssertEqual(try express.verify(value: signed.value.value, sig: signed.sig.value), #"{"user":"ann"}"#)
        XCTAssertFalse("\(signed)".contains(signed.sig.value))

        let rails = try RailsCookie(secretKeyBase: secret, cookieName: "_app_session")
        let encrypted = try rails.encrypt(json: "[1]", expiresAtMs: nil)
        XCTAssertEqual(try rails.decrypt(cookie: encrypted, nowMs: nil), "[1]")

        let csrf = try CsrfTokens(secrets: [secret])
        let token = try csrf.generate(sessionId: "sid-1")
        XCTAssertNoThrow(try csrf.verify(sessionId: "sid-1", token: token))
        XCTAssertThrowsError(try csrf.verify(sessionId: "sid-2", token: token)) { error in
            XCTAssertEqual((error as? TesseraError)?.code, .invalidSignature)
        }
    }

    func testHeaders() throws {
        var attributes = defaultCookieAttributes()
        XCTAssertEqual(try setCookie(name: "sid", value: "abc", attributes: attributes),
                       "sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax")
        attributes.sameSite = "Loose"
        XCTAssertThrowsError(try setCookie(name: "sid", value: "abc", attributes: attributes)) { error in
            XCTAssertEqual((error as? TesseraError)?.code, .invalidArgument)
        }
        XCTAssertEqual(try parseCookie(header: "a=1; a=2; b=3"), ["a": "1", "b": "3"])
    }
}
