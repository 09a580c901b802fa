// The Kotlin surface: constructors, accessors, round trips, and bad
// arguments, which must throw TesseraException with the right code (never
// crash the JVM).
package dev.tessera

import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

private const val NOW = 1_700_000_000L
private val SECRET = "0123456789abcdef0123456789abcdef".toByteArray()

/** Runs [block], which must throw a TesseraException with [code]; returns it. */
private fun fails(code: ErrorCode, block: () -> Unit): TesseraException {
    val e = assertThrows<TesseraException> { block() }
    assertEquals(code, e.code, "detail: ${e.detail}")
    assertTrue(e is TesseraException.Failed)
    return e
}

class ApiTest {
    @Test
    fun errorCodesSpellTheCoreStrings() {
        assertEquals(27, ErrorCode.entries.size)
        for (c in ErrorCode.entries) assertEquals(c.name, errorCodeString(c))
        assertEquals("EXPIRED", errorCodeString(ErrorCode.EXPIRED))
    }

    @Test
    fun keyAccessors() {
        val k = Key.generate("EdDSA", kid = "ed-1")
        assertEquals("EdDSA", k.alg())
        assertEquals("ed-1", k.kid())
        assertTrue(k.isPrivate())
        val pub = k.public()
        assertFalse(pub.isPrivate())
        assertEquals(k.thumbprint(), pub.thumbprint())
        val jwk = JSONObject(pub.toJwk())
        assertEquals("OKP", jwk.getString("kty"))
        assertFalse(jwk.has("d"))
        assertTrue(JSONObject(k.toJwk(private = true)).has("d"))
        val again = Key.fromJwk(k.toJwk(true))
        assertEquals(k.thumbprint(), again.thumbprint())
        assertEquals("ed-1", again.kid())
        val sig = k.sign("hello".toByteArray())
        pub.verifySignature("hello".toByteArray(), sig)
        fails(ErrorCode.INVALID_SIGNATURE) { pub.verifySignature("hellO".toByteArray(), sig) }
        assertEquals("HS256", Key.hmac(SECRET).alg())
        assertNull(Key.hmac(SECRET).kid())
    }

    @Test
    fun encodeVerifyInspect() {
        val key = Key.generate("ES256", kid = "2026-11")
        val claims = """{"sub":"u1","iss":"https://issuer.example","aud":"app","exp":${NOW + 60},"iat":$NOW}"""
        val token = jwtEncode(claims, key)
        val keys = KeySet.fromJwks(KeySet(listOf(key)).toJwks())
        assertEquals(1, keys.keys().size)
        assertEquals("2026-11", keys.get("2026-11")?.kid())
        assertNull(keys.get("nope"))
        assertEquals(0, keys.skipped())
        val verifier = Verifier(keys, Validation(issuer = listOf("https://issuer.example"), audience = listOf("app"), now = NOW))
        assertEquals(claims, verifier.verify(token))
        val c = verifier.verifyClaims(token)
        assertEquals("u1", c.sub)
        assertEquals(listOf("app"), c.aud)
        assertEquals((NOW + 60).toDouble(), c.exp)
        assertNull(c.jti)
        assertEquals(c, jwtDecode(token, keys, Validation(issuer = listOf("https://issuer.example"), audience = listOf("app"), now = NOW)))
        val u = jwtDecodeUnverified(token)
        assertEquals(claims, u.claimsJson)
        assertEquals("2026-11", JSONObject(u.headerJson).getString("kid"))
        // Claim errors name the claim.
        val e = fails(ErrorCode.EXPIRED) { Verifier(keys, Validation(audience = listOf("app"), now = NOW + 60)).verify(token) }
        assertEquals("exp", e.claim)
        fails(ErrorCode.INVALID_AUDIENCE) { Verifier(keys, Validation(audience = listOf("other"), now = NOW)).verify(token) }
        fails(ErrorCode.INVALID_AUDIENCE) { Verifier(keys, Validation(now = NOW)).verify(token) }
        // Leeway, typ and header extras.
        Verifier(keys, Validation(audience = listOf("app"), now = NOW + 65, leeway = 10)).verify(token)
        val at = jwtEncode("""{"exp":${NOW + 1}}""", key, headerJson = """{"typ":"at+jwt"}""")
        Verifier(keys, Validation(typ = "at+jwt", now = NOW)).verify(at)
        fails(ErrorCode.INVALID_TYPE) { Verifier(keys, Validation(audience = listOf("app"), typ = "at+jwt", now = NOW)).verify(token) }
    }

    @Test
    fun jwsBytes() {
        val key = Key.hmac(SECRET, "HS512", allowWeak = true)
        val payload = byteArrayOf(0, 1, 2, -1)
        val token = jwsSign(payload, key)
        val set = KeySet(listOf(key))
        assertArrayEquals(payload, jwsVerify(token, set))
        val parts = token.split('.')
        jwsVerifyDetached(parts[0] + ".." + parts[2], payload, set)
        fails(ErrorCode.INVALID_SIGNATURE) { jwsVerifyDetached(parts[0] + ".." + parts[2], byteArrayOf(9), set) }
    }

    @Test
    fun badAlgorithmNames() {
        fails(ErrorCode.UNSUPPORTED_ALGORITHM) { Key.hmac(SECRET, "hs256") }
        fails(ErrorCode.UNSUPPORTED_ALGORITHM) { Key.hmac(SECRET, "") }
        fails(ErrorCode.UNSUPPORTED_ALGORITHM) { Key.generate("ES512") }
        fails(ErrorCode.ALGORITHM_NOT_ALLOWED) { Key.generate("none") }
        fails(ErrorCode.ALGORITHM_NOT_ALLOWED) { Key.hmac(SECRET, "NONE") }
        fails(ErrorCode.INVALID_KEY) { Key.hmac(SECRET, "RS256") }
        val keys = KeySet(listOf(Key.hmac(SECRET)))
        fails(ErrorCode.UNSUPPORTED_ALGORITHM) { Verifier(keys, Validation(algorithms = listOf("HS256", "XS1"))) }
        fails(ErrorCode.INVALID_ARGUMENT) { Verifier(keys, Validation(algorithms = emptyList())) }
    }

    @Test
    fun badKeyMaterial() {
        fails(ErrorCode.INVALID_KEY) { Key.hmac(ByteArray(8)) }
        Key.hmac(ByteArray(8), allowWeak = true)
        fails(ErrorCode.INVALID_KEY) { Key.hmac(ByteArray(0), allowWeak = true) }
        fails(ErrorCode.MALFORMED) { Key.fromJwk("{not json") }
        fails(ErrorCode.INVALID_KEY) { Key.fromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n") }
        fails(ErrorCode.INVALID_KEY) { Key.fromPem("") }
        fails(ErrorCode.INVALID_KEY) { KeySet.fromJwks("""{"nokeys":[]}""") }
        fails(ErrorCode.MALFORMED) { KeySet.fromJwks("[") }
        // An HMAC key has no public half and never appears in a JWKS.
        fails(ErrorCode.INVALID_KEY) { Key.hmac(SECRET).public() }
        assertEquals("""{"keys":[]}""", KeySet(listOf(Key.hmac(SECRET))).toJwks())
        // A public key cannot sign.
        val pub = Key.generate("ES256").public()
        fails(ErrorCode.INVALID_KEY) { pub.sign(byteArrayOf(1)) }
        fails(ErrorCode.INVALID_KEY) { jwtEncode("{}", pub) }
    }

    @Test
    fun badArguments() {
        val key = Key.hmac(SECRET, kid = "a")
        fails(ErrorCode.INVALID_ARGUMENT) { jwtEncode("[1]", key) }
        fails(ErrorCode.INVALID_ARGUMENT) { jwtEncode("{\"a\":1,\"a\":2}", key) }
        fails(ErrorCode.INVALID_ARGUMENT) { jwtEncode("{}", key, headerJson = "not json") }
        fails(ErrorCode.INVALID_ARGUMENT) { jwtEncode("{}", key, headerJson = """{"kid":"b"}""") }
        fails(ErrorCode.INVALID_ARGUMENT) { KeySet(listOf(key, Key.hmac(SECRET, kid = "a"))) }
        fails(ErrorCode.INVALID_ARGUMENT) { Verifier(KeySet(emptyList())) }
        val keys = KeySet(listOf(key))
        fails(ErrorCode.INVALID_ARGUMENT) { Verifier(keys, Validation(leeway = -1)) }
        fails(ErrorCode.INVALID_ARGUMENT) { Verifier(keys, Validation(maxAge = -5)) }
        fails(ErrorCode.INVALID_ARGUMENT) { Verifier(keys, Validation(maxTokenBytes = 0)) }
        fails(ErrorCode.INVALID_ARGUMENT) { Verifier(keys, Validation(maxTokenBytes = -1)) }
        val verifier = Verifier(keys, Validation(now = NOW, maxTokenBytes = 100))
        fails(ErrorCode.MALFORMED) { verifier.verify("") }
        fails(ErrorCode.MALFORMED) { verifier.verify("   ") }
        fails(ErrorCode.MALFORMED) { verifier.verify("a.b") }
        fails(ErrorCode.MALFORMED) { verifier.verify("é.é.é") }
        fails(ErrorCode.MALFORMED) { verifier.verify("\u0000.\u0000.\u0000") }
        fails(ErrorCode.TOO_LARGE) { verifier.verify("a".repeat(101)) }
        fails(ErrorCode.MALFORMED) { jwtDecodeUnverified("x.y.z") }
        // The default policy requires exp.
        val noExp = jwtEncode("""{"sub":"x"}""", key)
        assertEquals("exp", fails(ErrorCode.MISSING_CLAIM) { Verifier(keys).verify(noExp) }.claim)
        Verifier(keys, Validation(required = emptyList())).verify(noExp)
        // A String that is not valid Unicode (an unpaired surrogate) never reaches
        // Rust: the generated code refuses to encode it (CharacterCodingException).
        assertThrows<java.nio.charset.CharacterCodingException> { verifier.verify("\uD800.a.b") }
        assertThrows<java.nio.charset.CharacterCodingException> { Key.fromPem("\uDC00") }
    }

    @Test
    fun exceptionShape() {
        val e = fails(ErrorCode.MALFORMED) { jwtDecodeUnverified("") } as TesseraException.Failed
        assertEquals(ErrorCode.MALFORMED, e.code)
        assertTrue(e.detail.isNotEmpty())
        assertNull(e.claim)
        assertTrue(e.message!!.contains("MALFORMED"))
    }
}
