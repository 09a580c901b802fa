// Validation(cacheSize = N): the core's opt-in verified-token cache. A hit is
// only the byte-identical token that verified; exp/nbf/iat/maxAge and the
// denylist are re-checked on every hit.
package dev.tessera

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

private const val FAR = 4_102_444_800L
private val KEY_BYTES = "0123456789abcdef0123456789abcdef".toByteArray()

private fun code(block: () -> Unit): ErrorCode = assertThrows<TesseraException> { block() }.code

class VerifierCacheTest {
    private val key = Key.hmac(KEY_BYTES)
    private val keys = KeySet(listOf(key))

    @Test
    fun hitReturnsEqualClaims() {
        val v = Verifier(keys, Validation(cacheSize = 100))
        val token = jwtEncode("""{"sub":"u1","exp":$FAR}""", key)
        val first = v.verifyClaims(token)
        assertEquals(first, v.verifyClaims(token))
        assertEquals(first.json, v.verify(token))
        val last = if (token[token.length - 2] == 'A') 'B' else 'A'
        val other = token.substring(0, token.length - 2) + last + token.last()
        assertEquals(ErrorCode.INVALID_SIGNATURE, code { v.verify(other) })
    }

    @Test
    fun expiredAfterCaching() {
        val v = Verifier(keys, Validation(cacheSize = 100))
        val token = jwtEncode("""{"exp":${System.currentTimeMillis() / 1000 + 2}}""", key)
        v.verify(token)
        Thread.sleep(3100)
        assertEquals(ErrorCode.EXPIRED, code { v.verify(token) })
    }

    @Test
    fun revokedAfterCaching() {
        val deny = Denylist(SessionStore.Memory(MemoryStore()))
        val v = Verifier(keys, Validation(cacheSize = 100), deny)
        val token = jwtEncode("""{"exp":$FAR,"jti":"j-1"}""", key)
        v.verify(token)
        v.verify(token)
        deny.revoke("j-1", FAR)
        assertEquals(ErrorCode.REVOKED, code { v.verify(token) })
    }

    @Test
    fun sizeIsValidated() {
        Verifier(keys, Validation(cacheSize = 0))
        Verifier(keys, Validation(cacheSize = 1_000_000))
        for (bad in listOf(-1L, 1_000_001L, Long.MAX_VALUE)) {
            assertEquals(ErrorCode.INVALID_ARGUMENT, code { Verifier(keys, Validation(cacheSize = bad)) })
        }
    }
}
