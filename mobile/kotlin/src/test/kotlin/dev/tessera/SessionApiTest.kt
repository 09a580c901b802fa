// The server-side session surface on a MemoryStore: stores, SessionManager
// and Session, Denylist and a Verifier using it, RefreshTokens and Rotated;
// bad arguments throw TesseraException with the right code; "no session" is
// null/false, never an exception; a Redis store that cannot answer throws
// STORE_UNAVAILABLE within its timeouts (no Redis needed here: RedisTest
// runs against a real one); threads sharing one store.
package dev.tessera

import java.net.InetAddress
import java.net.ServerSocket
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

private const val HOUR_MS = 3_600_000L
private const val NO_SUCH_ID = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

private fun fails(code: ErrorCode, block: () -> Unit): TesseraException {
    val e = assertThrows<TesseraException> { block() }
    assertEquals(code, e.code, "detail: ${e.detail}")
    return e
}

class SessionApiTest {
    private val memory = SessionStore.Memory(MemoryStore())

    @Test
    fun memoryStoreLimitsAndAccounting() {
        fails(ErrorCode.INVALID_ARGUMENT) { MemoryStore(maxEntries = -1) }
        fails(ErrorCode.INVALID_ARGUMENT) { MemoryStore(maxBytes = -1) }
        val small = MemoryStore(maxEntries = 1)
        assertTrue(small.isEmpty())
        val m = SessionManager(SessionStore.Memory(small), HOUR_MS)
        val id = m.create("""{"n":1}""")
        assertEquals(1L, small.len())
        assertTrue(small.bytesUsed() > 0)
        // A write past a limit is loud; nothing live is evicted.
        fails(ErrorCode.STORE_UNAVAILABLE) { m.create("{}") }
        assertEquals("""{"n":1}""", m.load(id)?.data)
        fails(ErrorCode.STORE_UNAVAILABLE) { SessionManager(SessionStore.Memory(MemoryStore(maxBytes = 100)), HOUR_MS).create("{}") }
        // Expiry frees the space.
        val brief = MemoryStore()
        val b = SessionManager(SessionStore.Memory(brief), 50)
        b.create("{}")
        Thread.sleep(80)
        brief.purgeExpired()
        assertEquals(0L, brief.len())
    }

    @Test
    fun redisStoreArguments() {
        val url = listOf("redis://127.0.0.1:6379/0")
        fails(ErrorCode.INVALID_ARGUMENT) { RedisStore(listOf()) }
        fails(ErrorCode.INVALID_ARGUMENT) { RedisStore(listOf("http://example.com/")) }
        fails(ErrorCode.INVALID_ARGUMENT) { RedisStore(listOf("redis://a:1", "redis://b:2")) } // not cluster
        fails(ErrorCode.INVALID_ARGUMENT) { RedisStore(url, poolSize = 0) }
        fails(ErrorCode.INVALID_ARGUMENT) { RedisStore(url, poolSize = -1) }
        fails(ErrorCode.INVALID_ARGUMENT) { RedisStore(url, connectTimeoutMs = 0) }
        fails(ErrorCode.INVALID_ARGUMENT) { RedisStore(url, ioTimeoutMs = -1) }
        // Construction never connects.
        RedisStore(url, prefix = "app:", poolSize = 4, connectTimeoutMs = 500, ioTimeoutMs = 500)
        RedisStore(listOf("redis://127.0.0.1:7000", "redis://127.0.0.1:7001"), cluster = true)
    }

    /** Every service on a store that cannot answer throws STORE_UNAVAILABLE, in time. */
    private fun unavailable(store: RedisStore) {
        val s = SessionStore.Redis(store)
        val m = SessionManager(s, HOUR_MS)
        val deny = Denylist(s)
        val key = Key.hmac("0123456789abcdef0123456789abcdef".toByteArray())
        val verifier = Verifier(KeySet(listOf(key)), denylist = deny)
        val token = jwtEncode("""{"exp":4102444800,"jti":"j"}""", key)
        val t0 = System.nanoTime()
        fails(ErrorCode.STORE_UNAVAILABLE) { store.ping() }
        fails(ErrorCode.STORE_UNAVAILABLE) { m.load(NO_SUCH_ID) } // never "no session"
        fails(ErrorCode.STORE_UNAVAILABLE) { m.create("{}", "u") }
        fails(ErrorCode.STORE_UNAVAILABLE) { deny.isRevoked("j") }
        fails(ErrorCode.STORE_UNAVAILABLE) { verifier.verify(token) } // never "not revoked"
        fails(ErrorCode.STORE_UNAVAILABLE) { RefreshTokens(s, HOUR_MS).issue("u") }
        val seconds = (System.nanoTime() - t0) / 1e9
        assertTrue(seconds < 10, "took $seconds s")
    }

    @Test
    fun redisThatCannotAnswer() {
        // Nothing listens on port 1.
        unavailable(RedisStore(listOf("redis://127.0.0.1:1/0"), poolSize = 2, connectTimeoutMs = 200, ioTimeoutMs = 200))
        // A server that accepts connections and never replies.
        ServerSocket(0, 50, InetAddress.getLoopbackAddress()).use { silent ->
            unavailable(
                RedisStore(listOf("redis://127.0.0.1:${silent.localPort}/0"), poolSize = 2, connectTimeoutMs = 200, ioTimeoutMs = 200),
            )
        }
    }

    @Test
    fun managerArguments() {
        fails(ErrorCode.INVALID_ARGUMENT) { SessionManager(memory, 0) }
        fails(ErrorCode.INVALID_ARGUMENT) { SessionManager(memory, -1) }
        fails(ErrorCode.INVALID_ARGUMENT) { SessionManager(memory, HOUR_MS, 0) }
        fails(ErrorCode.INVALID_ARGUMENT) { SessionManager(memory, HOUR_MS, -5) }
        fails(ErrorCode.INVALID_ARGUMENT) { SessionManager(memory, Long.MAX_VALUE) } // the core caps at 100 years
        val m = SessionManager(memory, HOUR_MS, idleTimeoutMs = 60_000)
        fails(ErrorCode.INVALID_ARGUMENT) { m.create("[1]") }
        fails(ErrorCode.INVALID_ARGUMENT) { m.create("{") }
        fails(ErrorCode.INVALID_ARGUMENT) { m.create("{}", "") }
        fails(ErrorCode.INVALID_ARGUMENT) { m.create("{}", "a\nb") }
        fails(ErrorCode.INVALID_ARGUMENT) { m.create("{}", "u".repeat(257)) }
        val id = m.create("""{"k":1}""", "alice")
        fails(ErrorCode.INVALID_ARGUMENT) { m.save(id, "[]", 0) }
        fails(ErrorCode.INVALID_ARGUMENT) { m.save(id, "{}", -1) }
        fails(ErrorCode.INVALID_ARGUMENT) { m.merge(id, "1") }
        fails(ErrorCode.INVALID_ARGUMENT) { m.destroyUser("") }
        fails(ErrorCode.INVALID_ARGUMENT) { m.rotate(id, "") }
        fails(ErrorCode.INVALID_ARGUMENT) { m.rotate(id, "a\u0001b") }
        fails(ErrorCode.INVALID_ARGUMENT) { m.saveChanges(id, "[]", "{}") }
        fails(ErrorCode.INVALID_ARGUMENT) { m.saveChanges(id, "{}", "1") }
        assertEquals(0L, m.load(id)?.version) // untouched by all of that
    }

    @Test
    fun sessionLifecycle() {
        val m = SessionManager(memory, HOUR_MS)
        val before = System.currentTimeMillis()
        val id = m.create("""{"cart":[1,2],"name":"Jürgen"}""", "bob")
        val anon = m.create("{}")
        assertEquals(43, id.length)
        val s = m.load(id)!!
        assertEquals(id, s.id.value)
        assertEquals("""{"cart":[1,2],"name":"Jürgen"}""", s.data) // exactly as given
        assertEquals("bob", s.userId)
        assertEquals(0L, s.version)
        assertTrue(s.createdAtMs in before..System.currentTimeMillis())
        assertEquals(s.createdAtMs + HOUR_MS, s.expiresAtMs)
        assertNull(m.load(anon)!!.userId)
        // Not a session: null / false, never an exception.
        for (absent in listOf("", "not-a-session-id", NO_SUCH_ID, "../../etc/passwd", "\u0000")) {
            assertNull(m.load(absent))
            assertFalse(m.touch(absent))
            assertFalse(m.destroy(absent))
            assertNull(m.rotate(absent))
        }
        // Versioned saves: the second writer of version 0 loses loudly.
        assertEquals(1L, m.save(id, """{"cart":[]}""", 0))
        fails(ErrorCode.SESSION_CONFLICT) { m.save(id, """{"lost":"update"}""", 0) }
        fails(ErrorCode.SESSION_NOT_FOUND) { m.save(NO_SUCH_ID, "{}", 0) }
        assertEquals(2L, m.merge(id, """{"theme":"dark","cart":null}"""))
        fails(ErrorCode.SESSION_NOT_FOUND) { m.merge(NO_SUCH_ID, "{}") }
        assertEquals("""{"theme":"dark"}""", m.load(id)!!.data)
        // Two requests loaded version 2; one saved first; the other's changes
        // land on top with saveChanges (the merge answer to a conflict).
        assertEquals(3L, m.save(id, """{"theme":"dark","a":1}""", 2))
        val saved = m.saveChanges(id, """{"theme":"dark"}""", """{"b":2}""")
        assertEquals(Session(Secret(id), """{"a":1,"b":2}""", "bob", 4, s.createdAtMs, s.expiresAtMs), saved)
        assertEquals(saved, m.load(id))
        fails(ErrorCode.SESSION_NOT_FOUND) { m.saveChanges(NO_SUCH_ID, "{}", "{}") }
        assertTrue(m.touch(id))
        // Rotation: a new id, the same session; the old id is gone.
        val rotated = m.rotate(id)!!
        assertNotEquals(id, rotated)
        assertNull(m.load(id))
        assertEquals(4L, m.load(rotated)!!.version)
        assertEquals("bob", m.load(rotated)!!.userId)
        assertNull(m.rotate(id, "bob"))
        // Log-in on an anonymous session: a new id, the same data, now bob's.
        val guest = m.create("""{"cart":[7]}""")
        val loggedIn = m.rotate(guest, userId = "bob")!!
        assertNull(m.load(guest))
        assertEquals("""{"cart":[7]}""", m.load(loggedIn)!!.data)
        assertEquals("bob", m.load(loggedIn)!!.userId)
        // Log out everywhere: only bob's sessions.
        val other = m.create("{}", "bob")
        assertEquals(3L, m.destroyUser("bob"))
        assertEquals(0L, m.destroyUser("bob"))
        assertNull(m.load(other))
        assertNull(m.load(loggedIn))
        assertNotNull(m.load(anon))
        assertTrue(m.destroy(anon))
        assertFalse(m.destroy(anon))
    }

    @Test
    fun idleAndAbsoluteExpiry() {
        // Margins of 200 ms either way, so a GC pause cannot flip an outcome.
        val idle = SessionManager(memory, 10_000, idleTimeoutMs = 300)
        val id = idle.create("{}")
        Thread.sleep(100)
        assertTrue(idle.touch(id))
        Thread.sleep(100)
        assertNotNull(idle.load(id)) // kept alive by use
        Thread.sleep(500)
        assertNull(idle.load(id)) // unused for longer than 300 ms
        val short = SessionManager(memory, 600, idleTimeoutMs = 300)
        val kept = short.create("{}")
        repeat(8) { Thread.sleep(100); short.touch(kept) }
        assertNull(short.load(kept)) // never past its 600 ms ttl, however used
    }

    @Test
    fun denylistAndVerifier() {
        val deny = Denylist(memory)
        val inAnHour = System.currentTimeMillis() / 1000 + 3600
        fails(ErrorCode.INVALID_ARGUMENT) { deny.revoke("", inAnHour) }
        fails(ErrorCode.INVALID_ARGUMENT) { deny.revoke("a\tb", inAnHour) }
        assertFalse(deny.isRevoked("token-1"))
        deny.revoke("token-1", inAnHour)
        assertTrue(deny.isRevoked("token-1"))
        assertFalse(deny.isRevoked("token-2"))
        assertFalse(deny.isRevoked("")) // no such entry can exist
        deny.revoke("long-dead", 1000) // nothing stored
        assertFalse(deny.isRevoked("long-dead"))

        val key = Key.hmac("0123456789abcdef0123456789abcdef".toByteArray())
        val verifier = Verifier(KeySet(listOf(key)), Validation(leeway = 5), deny)
        val plain = Verifier(KeySet(listOf(key)))
        val live = jwtEncode("""{"sub":"u","exp":4102444800,"jti":"t-9"}""", key)
        val noJti = jwtEncode("""{"sub":"u","exp":4102444800}""", key)
        val expired = jwtEncode("""{"exp":1000,"jti":"t-9"}""", key)
        assertEquals("""{"sub":"u","exp":4102444800,"jti":"t-9"}""", verifier.verify(live))
        assertEquals("jti", fails(ErrorCode.MISSING_CLAIM) { verifier.verify(noJti) }.claim)
        deny.revoke("t-9", 4102444800)
        assertEquals("jti", fails(ErrorCode.REVOKED) { verifier.verify(live) }.claim)
        fails(ErrorCode.REVOKED) { verifier.verifyClaims(live) }
        fails(ErrorCode.EXPIRED) { verifier.verify(expired) } // other checks come first
        assertEquals("t-9", plain.verifyClaims(live).jti) // without a denylist: not consulted
    }

    @Test
    fun refreshTokens() {
        fails(ErrorCode.INVALID_ARGUMENT) { RefreshTokens(memory, 0) }
        fails(ErrorCode.INVALID_ARGUMENT) { RefreshTokens(memory, -1) }
        val rt = RefreshTokens(memory, HOUR_MS)
        fails(ErrorCode.INVALID_ARGUMENT) { rt.issue("") }
        fails(ErrorCode.INVALID_ARGUMENT) { rt.issue("bob", "[]") }
        val t0 = rt.issue("bob", """{"device":"phone"}""")
        assertEquals(43, t0.length)
        fails(ErrorCode.MALFORMED) { rt.rotate("garbage") }
        fails(ErrorCode.MALFORMED) { rt.rotate("") }
        fails(ErrorCode.SESSION_NOT_FOUND) { rt.rotate(NO_SUCH_ID) }
        val r1 = rt.rotate(t0)
        assertEquals(Rotated("bob", """{"device":"phone"}""", r1.token), r1)
        assertNotEquals(t0, r1.token.value)
        val r2 = rt.rotate(r1.token.value)
        fails(ErrorCode.REFRESH_TOKEN_REUSED) { rt.rotate(t0) }
        fails(ErrorCode.REFRESH_TOKEN_REUSED) { rt.rotate(r2.token.value) } // the family is revoked
        val c0 = rt.issue("carol")
        val c1 = rt.rotate(c0)
        assertNull(c1.data)
        assertTrue(rt.revokeFamily(c0)) // a retired token names the family too
        fails(ErrorCode.REVOKED) { rt.rotate(c1.token.value) }
        assertFalse(rt.revokeFamily(NO_SUCH_ID))
        assertFalse(rt.revokeFamily("garbage"))
        // Log out everywhere for refresh tokens.
        fails(ErrorCode.INVALID_ARGUMENT) { rt.revokeUser("") }
        val phone = rt.issue("dave")
        val laptop = rt.issue("dave")
        val erin = rt.issue("erin")
        assertEquals(2L, rt.revokeUser("dave"))
        fails(ErrorCode.REVOKED) { rt.rotate(phone) }
        fails(ErrorCode.REVOKED) { rt.rotate(laptop) }
        assertEquals(0L, rt.revokeUser("dave"))
        assertEquals("erin", rt.rotate(erin).userId)
    }

    @Test
    fun storesOutliveTheirHandlesInServices() {
        val store = MemoryStore()
        val m = SessionManager(SessionStore.Memory(store), HOUR_MS)
        store.close() // the Kotlin handle; the manager keeps its own reference
        val id = m.create("{}")
        assertNotNull(m.load(id))
    }

    @Test
    fun threadsShareOneMemoryStore() {
        noLostSaves(memory, threads = 8, rounds = 50, user = "kt-threads")
        oneRefreshWinner(memory, threads = 8, rounds = 20)
    }
}
