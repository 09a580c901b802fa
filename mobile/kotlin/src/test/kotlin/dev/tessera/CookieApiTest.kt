// The cookie surface from Kotlin: constructors with their defaults, round
// trips, rotation, expiry, tampering, and bad arguments, each of which must
// throw TesseraException with the right code (never crash the JVM).
package dev.tessera

import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

private const val T0 = 1_700_000_000L
private val S32 = "0123456789abcdef0123456789abcdef".toByteArray()
private val S32_OLD = "fedcba9876543210fedcba9876543210".toByteArray()

private fun fails(code: ErrorCode, block: () -> Unit): TesseraException {
    val e = assertThrows(TesseraException::class.java) { block() }
    assertEquals(code, e.code, "detail: ${e.detail}")
    return e
}

/** Every single-character change of `value` is rejected by `open` (never accepted, never a crash). */
private fun everyChangeRejected(value: String, open: (String) -> Unit) {
    for (i in value.indices) {
        val changed = value.substring(0, i) + (if (value[i] == 'A') 'B' else 'A') + value.substring(i + 1)
        if (changed == value) continue
        assertThrows(TesseraException::class.java, { open(changed) }, "change at $i accepted")
    }
}

class CookieApiTest {
    @Test
    fun flaskCookie() {
        val fc = FlaskCookie("flask-secret".toByteArray())
        val value = fc.dumps("""{"b":[1,2],"a":{" t":[1,"x"]}}""", T0)
        // Keys sorted as Flask writes them, tags kept.
        assertEquals("""{"a":{" t":[1,"x"]},"b":[1,2]}""", fc.loads(value, T0 + 10))
        fails(ErrorCode.EXPIRED) { fc.loads(value, T0 + 2_678_401) }
        fc.loads(value, T0 + 2_678_400)
        fails(ErrorCode.ISSUED_IN_FUTURE) { fc.loads(value, T0 - 1) }
        fails(ErrorCode.MALFORMED) { fc.loads("garbage", T0) }
        fails(ErrorCode.MALFORMED) { fc.loads("", T0) }
        everyChangeRejected(value) { fc.loads(it, T0) }
        fails(ErrorCode.INVALID_ARGUMENT) { fc.dumps("[1]", T0) }
        fails(ErrorCode.INVALID_ARGUMENT) { fc.dumps("""{"a":{" t":1}}""", T0) }
        fails(ErrorCode.INVALID_ARGUMENT) { fc.dumps("{}", -1) }
        assertTrue(runCatching { fc.dumps("{", T0) }.exceptionOrNull() is TesseraException)
        fails(ErrorCode.INVALID_ARGUMENT) { FlaskCookie("k".toByteArray(), maxAge = -1) }
        // The clock by default.
        assertEquals("""{"n":1}""", fc.loads(fc.dumps("""{"n":1}""")))
        // Rotation: the old key as a fallback; another salt is another key; no max age.
        val old = FlaskCookie("old-key".toByteArray(), salt = "custom", maxAge = null)
        val rotated = FlaskCookie("flask-secret".toByteArray(), listOf("old-key".toByteArray()), salt = "custom", maxAge = null)
        val oldValue = old.dumps("""{"u":7}""", 1000)
        assertEquals("""{"u":7}""", rotated.loads(oldValue, T0 * 2))
        fails(ErrorCode.INVALID_SIGNATURE) { fc.loads(oldValue, 1000) }
        // Compressed when smaller.
        val big = """{"k":"${"x".repeat(500)}"}"""
        val z = fc.dumps(big, T0)
        assertTrue(z.startsWith(".") && z.length < 200)
        assertEquals(big, fc.loads(z, T0))
    }

    @Test
    fun itsdangerousSigners() {
        fails(ErrorCode.INVALID_KEY) { Signer(emptyList()) }
        fails(ErrorCode.INVALID_ARGUMENT) { Signer(listOf(S32), sep = "a") }
        fails(ErrorCode.INVALID_ARGUMENT) { Signer(listOf(S32), sep = "") }
        fails(ErrorCode.INVALID_ARGUMENT) { Signer(listOf(S32), keyDerivation = "pbkdf2") }
        fails(ErrorCode.INVALID_ARGUMENT) { Signer(listOf(S32), digestMethod = "md5") }
        // Bytes in and out, NUL included; oldest first, the newest signs.
        val both = Signer(listOf("old".toByteArray(), "new".toByteArray()), salt = "s", sep = "~", keyDerivation = "hmac", digestMethod = "sha256")
        val newest = Signer(listOf("new".toByteArray()), salt = "s", sep = "~", keyDerivation = "hmac", digestMethod = "sha256")
        val oldOnly = Signer(listOf("old".toByteArray()), salt = "s", sep = "~", keyDerivation = "hmac", digestMethod = "sha256")
        val v = byteArrayOf(104, 0, 105)
        val signed = both.sign(v)
        assertArrayEquals(signed, newest.sign(v))
        assertEquals('~'.code.toByte(), signed[3])
        assertArrayEquals(v, newest.unsign(signed))
        assertArrayEquals(v, both.unsign(oldOnly.sign(v)))
        fails(ErrorCode.INVALID_SIGNATURE) { newest.unsign(oldOnly.sign(v)) }
        fails(ErrorCode.MALFORMED) { newest.unsign("no-separator".toByteArray()) }
        fails(ErrorCode.MALFORMED) { newest.unsign(byteArrayOf(-1, '~'.code.toByte(), -2)) }
        assertArrayEquals(ByteArray(0), both.unsign(both.sign(ByteArray(0))))

        val ts = TimestampSigner(listOf(S32))
        val tv = ts.sign("v".toByteArray(), T0)
        assertEquals("v.ZVPxAA.", String(tv).substring(0, 9))
        val tsv = ts.unsignWithTimestamp(tv, 10, T0 + 10)
        assertEquals(T0, tsv.timestamp)
        assertArrayEquals("v".toByteArray(), tsv.value)
        assertArrayEquals("v".toByteArray(), ts.unsign(tv, 10, T0 + 10))
        assertArrayEquals("v".toByteArray(), ts.unsign(tv, null, T0 * 2))
        fails(ErrorCode.EXPIRED) { ts.unsign(tv, 10, T0 + 11) }
        fails(ErrorCode.ISSUED_IN_FUTURE) { ts.unsign(tv, 10, T0 - 1) }
        fails(ErrorCode.INVALID_ARGUMENT) { ts.unsign(tv, -1, T0) }
        fails(ErrorCode.INVALID_ARGUMENT) { ts.sign("v".toByteArray(), -5) }
        assertTrue(ts.unsignWithTimestamp(ts.sign("c".toByteArray()), 5).timestamp > T0)

        val ser = UrlSafeTimedSerializer(listOf(S32))
        val sv = ser.dumps("""["é", {"z": 1, "a": 2}]""", T0)
        assertEquals("""["é",{"z":1,"a":2}]""", ser.loads(sv, 10, T0))
        fails(ErrorCode.EXPIRED) { ser.loads(sv, 10, T0 + 11) }
        assertEquals(TimestampedJson("""["é",{"z":1,"a":2}]""", T0), ser.loadsWithTimestamp(sv, 10, T0 + 5))
        fails(ErrorCode.EXPIRED) { ser.loadsWithTimestamp(sv, 10, T0 + 11) }
        fails(ErrorCode.INVALID_ARGUMENT) { ser.loads(sv, -3, T0) }
        everyChangeRejected(sv) { ser.loads(it, null, T0) }
        // Another salt (the serializer's default is "itsdangerous") is another key.
        fails(ErrorCode.INVALID_SIGNATURE) { UrlSafeTimedSerializer(listOf(S32), salt = "itsdangerous.Signer").loads(sv, null, T0) }
        assertEquals("""["é",{"z":1,"a":2}]""", UrlSafeTimedSerializer(listOf(S32), salt = "itsdangerous").loads(sv, null, T0))
    }

    @Test
    fun expressCookieSession() {
        fails(ErrorCode.INVALID_ARGUMENT) { ExpressCookieSession(emptyList()) }
        fails(ErrorCode.INVALID_KEY) { ExpressCookieSession(listOf(ByteArray(0))) }
        fails(ErrorCode.INVALID_ARGUMENT) { ExpressCookieSession(listOf("k".toByteArray()), "a b") }
        val s = ExpressCookieSession(listOf("key-new".toByteArray(), "key-old".toByteArray()))
        val old = ExpressCookieSession(listOf("key-old".toByteArray()), "session")
        assertEquals("session", s.name())
        val signed = s.sign("""{"user":"ann"}""")
        assertEquals("eyJ1c2VyIjoiYW5uIn0=", signed.value.value)
        assertEquals("""{"user":"ann"}""", s.verify(signed.value.value, signed.sig.value))
        assertEquals(ExpressVerified("""{"user":"ann"}""", 0, false), s.verifyInfo(signed.value.value, signed.sig.value))
        fails(ErrorCode.INVALID_ARGUMENT) { s.sign("[1]") }
        fails(ErrorCode.INVALID_SIGNATURE) { old.verify(signed.value.value, signed.sig.value) }
        fails(ErrorCode.INVALID_SIGNATURE) { s.verify(signed.value.value, signed.sig.value.dropLast(1)) }
        // Rotation: verified at index 1, re-signed with keys[0].
        val o = old.sign("""{"user":"ann"}""")
        val info = s.verifyInfo(o.value.value, o.sig.value)
        assertEquals(1, info.keyIndex)
        assertTrue(info.needsResign)
        assertEquals(signed.sig.value, s.signValue(o.value.value))
        val header = "a=1; session=${o.value.value}; session.sig=${o.sig.value}"
        assertEquals("""{"user":"ann"}""", s.load(header))
        assertEquals(1, s.loadInfo(header).keyIndex)
        fails(ErrorCode.SESSION_NOT_FOUND) { s.load("") }
        fails(ErrorCode.SESSION_NOT_FOUND) { s.load("session=x") }
    }

    @Test
    fun expressSessionId() {
        fails(ErrorCode.INVALID_ARGUMENT) { ExpressSessionId(emptyList()) }
        val ids = ExpressSessionId(listOf("sid-new".toByteArray(), "sid-old".toByteArray()))
        val old = ExpressSessionId(listOf("sid-old".toByteArray()))
        val v = old.sign("abc.def")
        assertTrue(v.startsWith("s:abc.def.") && v.length == 10 + 43)
        assertEquals("abc.def", ids.unsign(v))
        assertEquals(UnsignedSessionId(Secret("abc.def"), 1), ids.unsignInfo(v))
        fails(ErrorCode.MALFORMED) { ids.unsign("abc") }
        fails(ErrorCode.INVALID_SIGNATURE) { ids.unsign(v.dropLast(1)) }
        val header = "x=1; sid=s%3A" + v.substring(2).replace("+", "%2B").replace("/", "%2F")
        assertEquals("abc.def", ids.load(header, "sid"))
        assertEquals(1, ids.loadInfo(header, "sid").secretIndex)
        fails(ErrorCode.SESSION_NOT_FOUND) { ids.load(header) } // connect.sid is absent
        assertEquals("abc.def", ids.load("connect.sid=$v"))
    }

    @Test
    fun cookieHeaders() {
        val d = defaultCookieAttributes()
        assertEquals(CookieAttributes("/", null, null, null, true, true, "Lax", false), d)
        assertEquals("sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax", setCookie("sid", "abc"))
        assertEquals("sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax", setCookie("sid", "abc", d))
        val a = d.copy(path = "/app", domain = "example.com", maxAge = 3600, expires = T0, httpOnly = false, sameSite = "strict", partitioned = true)
        assertEquals(
            "pref=\"q\"; Path=/app; Domain=example.com; Max-Age=3600; Expires=Tue, 14 Nov 2023 22:13:20 GMT; Secure; SameSite=Strict; Partitioned",
            setCookie("pref", "\"q\"", a),
        )
        fails(ErrorCode.INVALID_ARGUMENT) { setCookie("a b", "v") }
        fails(ErrorCode.INVALID_ARGUMENT) { setCookie("n", "x;Domain=evil") }
        fails(ErrorCode.INVALID_ARGUMENT) { setCookie("n", "v", d.copy(sameSite = "Loose")) }
        fails(ErrorCode.INVALID_ARGUMENT) { setCookie("__Host-x", "v", a) }
        fails(ErrorCode.INVALID_ARGUMENT) { setCookie("__Secure-x", "v", d.copy(secure = false)) }
        fails(ErrorCode.INVALID_ARGUMENT) { setCookie("x", "v", d.copy(secure = false, sameSite = "None")) }
        fails(ErrorCode.INVALID_ARGUMENT) { setCookie("x", "v", d.copy(expires = Long.MAX_VALUE)) }
        assertEquals("x=v; HttpOnly", setCookie("x", "v", CookieAttributes(null, null, null, null, false, true, null, false)))
        assertEquals("x=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; HttpOnly; SameSite=Lax", deleteCookie("x"))
        fails(ErrorCode.INVALID_ARGUMENT) { deleteCookie("a;b") }

        val header = " a=1; b = \"two\" ;junk; a=3;c="
        assertEquals(mapOf("a" to "1", "b" to "two", "c" to ""), parseCookie(header))
        assertEquals(
            listOf(CookiePair("a", "1"), CookiePair("b", "two"), CookiePair("a", "3"), CookiePair("c", "")),
            parseCookiePairs(header),
        )
        assertTrue(parseCookie("").isEmpty())
        fails(ErrorCode.TOO_LARGE) { parseCookie("a".repeat(65_537)) }
    }

    @Test
    fun sessionCookie() {
        fails(ErrorCode.INVALID_KEY) { SessionCookie(emptyList()) }
        fails(ErrorCode.INVALID_KEY) { SessionCookie(listOf("short".toByteArray())) }
        fails(ErrorCode.INVALID_ARGUMENT) { SessionCookie(listOf(S32), name = "bad name") }
        fails(ErrorCode.INVALID_ARGUMENT) { SessionCookie(listOf(S32), maxAge = -1) }
        fails(ErrorCode.INVALID_ARGUMENT) {
            SessionCookie(listOf(S32), name = "__Host-s", attributes = defaultCookieAttributes().copy(secure = false))
        }
        val sc = SessionCookie(listOf(S32, S32_OLD), maxAge = 3600)
        val enc = SessionCookie(listOf(S32), encrypted = true)
        val old = SessionCookie(listOf(S32_OLD))
        val other = SessionCookie(listOf(S32), name = "other")
        assertEquals("session", sc.name())

        val value = sc.seal("""{"user":42}""", T0)
        assertTrue(value.startsWith("t1."))
        assertEquals("""{"user":42}""", sc.open(value, T0 + 5))
        assertEquals(OpenedCookie("""{"user":42}""", T0, false), sc.openInfo(value, T0))
        fails(ErrorCode.EXPIRED) { sc.open(value, T0 + 3601) }
        fails(ErrorCode.ISSUED_IN_FUTURE) { sc.open(value, T0 - 61) }
        fails(ErrorCode.INVALID_SIGNATURE) { other.open(value, T0) } // the name is bound in
        fails(ErrorCode.INVALID_SIGNATURE) { enc.open(value, T0) } // signed, read as encrypted
        fails(ErrorCode.MALFORMED) { sc.open("", T0) }
        fails(ErrorCode.INVALID_ARGUMENT) { sc.seal("[1]", T0) }
        everyChangeRejected(value) { sc.open(it, T0) }
        // Rotation: needsReissue.
        val reissue = sc.openInfo(old.seal("""{"user":1}"""))
        assertTrue(reissue.needsReissue && reissue.issuedAt > T0)
        // Encrypted: unreadable in the value, round trip, every change rejected.
        val sealed = enc.seal("""{"secret":"s3"}""", T0)
        val body = java.util.Base64.getUrlDecoder().decode(sealed.substring(3))
        assertFalse(String(body, Charsets.ISO_8859_1).contains("s3"))
        assertTrue(String(java.util.Base64.getUrlDecoder().decode(value.substring(3)), Charsets.ISO_8859_1).contains("\"user\":42"))
        assertEquals("""{"secret":"s3"}""", enc.open(sealed, T0 * 2))
        assertNotEquals(sealed, enc.seal("""{"secret":"s3"}""", T0)) // random nonces
        everyChangeRejected(sealed) { enc.open(it, T0) }

        // Cookie header: load, and SESSION_NOT_FOUND.
        assertEquals(OpenedCookie("""{"user":42}""", T0, false), sc.load("theme=dark; session=$value", T0))
        fails(ErrorCode.SESSION_NOT_FOUND) { sc.load("theme=dark", T0) }
        fails(ErrorCode.SESSION_NOT_FOUND) { other.load("session=$value", T0) }

        // Too large unless chunked; chunks load back as one.
        val big = """{"blob":"${"z".repeat(5000)}"}"""
        fails(ErrorCode.COOKIE_TOO_LARGE) { sc.seal(big, T0) }
        fails(ErrorCode.COOKIE_TOO_LARGE) { sc.sealChunks(big, T0) }
        fails(ErrorCode.COOKIE_TOO_LARGE) { sc.setCookieHeaders(big, T0) }
        assertEquals(listOf(CookiePair("session", value)), sc.sealChunks("""{"user":42}""", T0))
        val chunked = SessionCookie(listOf(S32, S32_OLD), maxAge = 3600, chunked = true)
        val chunks = chunked.sealChunks(big, T0)
        assertEquals(listOf("session.0", "session.1"), chunks.map { it.name })
        val request = chunks.joinToString("; ") { "${it.name}=${it.value}" }
        assertEquals(big, chunked.load(request, T0).json)

        // Set-Cookie lines; stale cookies of the request deleted.
        val line = "session=$value; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax"
        assertEquals(listOf(line), sc.setCookieHeaders("""{"user":42}""", T0))
        val lines = sc.setCookieHeaders("""{"user":42}""", T0, request)
        assertEquals(3, lines.size)
        assertEquals(line, lines[0])
        assertTrue(lines[1].startsWith("session.0=; ") && lines[1].contains("Max-Age=0"))
        assertTrue(lines[2].startsWith("session.1=; "))
        val back = chunked.setCookieHeaders(big, T0, "session=$value")
        assertTrue(back.size == 3 && back[2].startsWith("session=; "))
        // Log out.
        assertEquals(1, sc.clearCookieHeaders().size)
        assertEquals(3, chunked.clearCookieHeaders(request).size)
    }

    @Test
    fun csrfTokens() {
        fails(ErrorCode.INVALID_KEY) { CsrfTokens(emptyList()) }
        fails(ErrorCode.INVALID_KEY) { CsrfTokens(listOf("short".toByteArray())) }
        val csrf = CsrfTokens(listOf(S32, S32_OLD))
        val old = CsrfTokens(listOf(S32_OLD))
        val t1 = csrf.generate("sid-1")
        val t2 = csrf.generate("sid-1")
        assertEquals(86, t1.length)
        assertNotEquals(t1, t2) // masked anew each time
        csrf.verify("sid-1", t1)
        csrf.verify("sid-1", t2)
        fails(ErrorCode.INVALID_SIGNATURE) { csrf.verify("sid-2", t1) }
        fails(ErrorCode.INVALID_SIGNATURE) { old.verify("sid-1", t1) }
        fails(ErrorCode.MALFORMED) { csrf.verify("sid-1", t1.dropLast(1)) }
        fails(ErrorCode.MALFORMED) { csrf.verify("sid-1", "") }
        csrf.verify("sid-1", old.generate("sid-1")) // rotation
        everyChangeRejected(t1) { csrf.verify("sid-1", it) }
    }

    @Test
    fun railsCookie() {
        val base = "rails-secret-key-base-0123456789".toByteArray()
        fails(ErrorCode.INVALID_KEY) { RailsCookie(ByteArray(0), "_app_session") }
        fails(ErrorCode.INVALID_ARGUMENT) { RailsCookie(base, "a b") }
        fails(ErrorCode.INVALID_ARGUMENT) { RailsCookie(base, "_app_session", "md5") }
        val rc = RailsCookie(base, "_app_session")
        val legacy = RailsCookie(base, "_app_session", "sha1")
        val other = RailsCookie(base, "remember")
        val nowMs = T0 * 1000
        val v = rc.encrypt("""{"user_id":42,"html":"<b>"}""", nowMs + 1000)
        assertTrue(v.contains("--"))
        assertEquals("""{"user_id":42,"html":"\u003cb\u003e"}""", rc.decrypt(v, nowMs + 999)) // as ActiveSupport writes it
        fails(ErrorCode.EXPIRED) { rc.decrypt(v, nowMs + 1000) }
        fails(ErrorCode.INVALID_SIGNATURE) { legacy.decrypt(v, nowMs) }
        fails(ErrorCode.INVALID_SIGNATURE) { other.decrypt(v, nowMs) } // another cookie's purpose
        fails(ErrorCode.MALFORMED) { rc.decrypt("a--b", nowMs) }
        fails(ErrorCode.INVALID_ARGUMENT) { rc.encrypt("""{"a":""") }
        fails(ErrorCode.COOKIE_TOO_LARGE) { rc.encrypt("\"${"q".repeat(4000)}\"") }
        assertEquals("""[1,"two"]""", legacy.decrypt(legacy.encrypt("""[1,"two"]""")))
        fails(ErrorCode.EXPIRED) { rc.decrypt(rc.encrypt("1", nowMs)) } // the clock is past it
        assertEquals("null", rc.decrypt(rc.encrypt("null")))
    }

    @Test
    fun railsCookieRotation() {
        val base = "rails-secret-key-base-0123456789".toByteArray()
        val next = "rails-secret-key-base-NEXT-56789".toByteArray()
        val rc = RailsCookie(base, "_app_session")
        val legacy = RailsCookie(base, "_app_session", "sha1")
        val rotated = RailsCookie(
            next, "_app_session",
            rotations = listOf(RailsRotation(base), RailsRotation(base, digest = "sha1")),
        )
        val nextOnly = RailsCookie(next, "_app_session")
        assertEquals("""{"v":"current"}""", rotated.decrypt(rc.encrypt("""{"v":"current"}""")))
        assertEquals("""{"v":"legacy"}""", rotated.decrypt(legacy.encrypt("""{"v":"legacy"}""")))
        val fresh = rotated.encrypt("""{"v":"next"}""") // the first key encrypts
        assertEquals("""{"v":"next"}""", nextOnly.decrypt(fresh))
        fails(ErrorCode.INVALID_SIGNATURE) { rc.decrypt(fresh) }
        fails(ErrorCode.INVALID_SIGNATURE) { nextOnly.decrypt(rc.encrypt("1")) }
        fails(ErrorCode.INVALID_ARGUMENT) { RailsCookie(next, "_app_session", rotations = listOf(RailsRotation(base, "md5"))) }
        fails(ErrorCode.INVALID_KEY) { RailsCookie(next, "_app_session", rotations = listOf(RailsRotation(ByteArray(0)))) }
    }
}
