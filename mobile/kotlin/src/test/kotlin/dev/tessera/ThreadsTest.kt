// Many threads and coroutines sharing one Verifier (and one signing Key),
// and one encrypted SessionCookie, FlaskCookie and CsrfTokens: every result
// must be exactly what a single-threaded run gives.
package dev.tessera

import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Test

private const val NOW = 1_700_000_000L

class ThreadsTest {
    private val es256 = Key.generate("ES256", kid = "es")
    private val hs256 = Key.hmac(ByteArray(32) { it.toByte() }, "HS256", kid = "hs")
    private val verifier = Verifier(
        KeySet(listOf(es256.public(), hs256)),
        Validation(issuer = listOf("https://issuer.example"), now = NOW),
    )

    /** A mix of tokens and the outcome each must have: the claims JSON or an error code. */
    private val cases: List<Pair<String, String>> = (0 until 64).map { i ->
        val key = if (i % 2 == 0) es256 else hs256
        val exp = if (i % 5 == 0) NOW - 1 else NOW + 3600
        val claims = """{"sub":"user-$i","iss":"https://issuer.example","exp":$exp,"n":$i}"""
        val token = jwtEncode(claims, key)
        when (i % 7) {
            3 -> token.dropLast(2) + (if (token.endsWith("AA")) "BA" else "AA") to "INVALID_SIGNATURE"
            5 -> token.replace('.', '!') to "MALFORMED"
            else -> token to if (i % 5 == 0) "EXPIRED" else claims
        }
    }

    private fun outcome(token: String): String =
        try { verifier.verify(token) } catch (e: TesseraException) { e.code.name }

    @Test
    fun singleThreadedBaseline() {
        for ((token, want) in cases) assertEquals(want, outcome(token))
    }

    @Test
    fun manyThreadsShareOneVerifier() {
        val threads = 16
        val rounds = 40
        val pool = Executors.newFixedThreadPool(threads)
        val start = CountDownLatch(1)
        val mismatches = AtomicInteger()
        val done = AtomicInteger()
        repeat(threads) { t ->
            pool.execute {
                start.await()
                repeat(rounds) { r ->
                    try {
                        val (token, want) = cases[(t * 7 + r) % cases.size]
                        if (outcome(token) != want) mismatches.incrementAndGet()
                        // Signing with the shared keys concurrently too.
                        val claims = """{"iss":"https://issuer.example","t":$t,"r":$r,"exp":${NOW + 60}}"""
                        val mine = jwtEncode(claims, if (r % 2 == 0) hs256 else es256)
                        if (verifier.verifyClaims(mine).json != claims) mismatches.incrementAndGet()
                    } catch (e: Throwable) {
                        mismatches.incrementAndGet()
                        e.printStackTrace()
                    }
                    done.incrementAndGet()
                }
            }
        }
        start.countDown()
        pool.shutdown()
        check(pool.awaitTermination(120, TimeUnit.SECONDS)) { "threads did not finish" }
        assertEquals(threads * rounds, done.get())
        assertEquals(0, mismatches.get())
    }

    @Test
    fun manyCoroutinesShareOneVerifier() = runBlocking {
        val results = (0 until 2_000).map { i ->
            async(Dispatchers.Default) { cases[i % cases.size].let { (token, want) -> outcome(token) == want } }
        }.awaitAll()
        assertEquals(2_000, results.count { it })
    }

    @Test
    fun manyCoroutinesShareOneCookieCodec() = runBlocking {
        val sessions = SessionCookie(listOf(ByteArray(32) { (it + 1).toByte() }), encrypted = true, maxAge = 60)
        val flask = FlaskCookie("flask-key".toByteArray())
        val csrf = CsrfTokens(listOf(ByteArray(32) { (it + 2).toByte() }))
        val results = (0 until 1_000).map { i ->
            async(Dispatchers.Default) {
                val json = """{"i":$i}"""
                val sealed = sessions.seal(json, NOW)
                val token = csrf.generate("sid-$i")
                sessions.open(sealed, NOW + 1) == json &&
                    flask.loads(flask.dumps(json, NOW), NOW) == json &&
                    runCatching { csrf.verify("sid-$i", token) }.isSuccess &&
                    runCatching { csrf.verify("sid-${i + 1}", token) }.exceptionOrNull().let { it is TesseraException && it.code == ErrorCode.INVALID_SIGNATURE }
            }
        }.awaitAll()
        assertEquals(1_000, results.count { it })
    }

    @Test
    fun closedObjectsFailCleanly() {
        val k = Key.hmac(ByteArray(32), "HS256")
        val v = Verifier(KeySet(listOf(k)), Validation(now = NOW))
        val token = jwtEncode("""{"exp":${NOW + 1}}""", k)
        v.use { assertEquals("""{"exp":${NOW + 1}}""", it.verify(token)) }
        assertThrows(IllegalStateException::class.java) { v.verify(token) }
        k.close()
        assertThrows(IllegalStateException::class.java) { k.alg() }
    }
}
