// RemoteKeySet (remote JWKS) and Verifier.remote against a real HTTP server
// on loopback, started inside the JVM (com.sun.net.httpserver), whose
// document, status, headers and delays each test changes and which counts
// the requests it sees: caching, rotation (max age, unknown kid), cooldown,
// single flight under 100 threads, stale-while-error, no cache, garbage /
// huge / slow bodies in bounded time, redirects, URL rules, jku never
// fetched, export/import, status.
package dev.tessera

import com.sun.net.httpserver.HttpExchange
import com.sun.net.httpserver.HttpServer
import java.net.InetAddress
import java.net.InetSocketAddress
import java.util.concurrent.Callable
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

private const val EXP = 4_102_444_800L // 2100-01-01

private fun fails(code: ErrorCode, block: () -> Unit): TesseraException {
    val e = assertThrows<TesseraException> { block() }
    assertEquals(code, e.code, "detail: ${e.detail}")
    return e
}

/** Milliseconds [block] took. */
private fun elapsedMs(block: () -> Unit): Long {
    val t0 = System.nanoTime()
    block()
    return (System.nanoTime() - t0) / 1_000_000
}

/** How `/jwks` answers. */
private enum class Mode { NORMAL, HUGE_WITH_LENGTH, HUGE_CHUNKED, SLOW_BODY }

/**
 * A JWKS server on 127.0.0.1 (a free port). `/jwks` serves [body] (or [rawBody]) with
 * [status] and [headers] after [delayMs], or misbehaves per [mode];
 * `/redirect` answers 302 to [location]; any other path serves [body].
 * [hits] counts the requests per path.
 */
private class JwksServer : AutoCloseable {
    @Volatile var body = ""
    @Volatile var rawBody: ByteArray? = null // served instead of body when set
    @Volatile var status = 200
    @Volatile var headers: Map<String, String> = emptyMap()
    @Volatile var delayMs = 0L
    @Volatile var mode = Mode.NORMAL
    @Volatile var location = ""
    private val hits = ConcurrentHashMap<String, AtomicInteger>()
    private val pool = Executors.newCachedThreadPool { r -> Thread(r).apply { isDaemon = true } }
    private val server = HttpServer.create(InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0)

    init {
        server.executor = pool
        server.createContext("/") { ex ->
            try {
                hits.computeIfAbsent(ex.requestURI.path) { AtomicInteger() }.incrementAndGet()
                handle(ex)
            } catch (_: Exception) {
                // The client gave up (size cap, deadline): expected in some tests.
            } finally {
                ex.close()
            }
        }
        server.start()
    }

    val base get() = "http://127.0.0.1:${server.address.port}"
    val url get() = "$base/jwks"

    fun hits(path: String = "/jwks"): Int = hits[path]?.get() ?: 0

    private fun handle(ex: HttpExchange) {
        if (ex.requestURI.path == "/redirect") {
            ex.responseHeaders.add("Location", location)
            ex.sendResponseHeaders(302, -1)
            return
        }
        if (delayMs > 0) Thread.sleep(delayMs)
        for ((k, v) in headers) ex.responseHeaders.add(k, v)
        ex.responseHeaders.add("Content-Type", "application/json")
        when (mode) {
            Mode.NORMAL -> {
                val bytes = rawBody ?: body.toByteArray()
                ex.sendResponseHeaders(status, if (bytes.isEmpty()) -1 else bytes.size.toLong())
                if (bytes.isNotEmpty()) ex.responseBody.write(bytes)
            }
            Mode.HUGE_WITH_LENGTH, Mode.HUGE_CHUNKED -> {
                val total = 4 shl 20 // 4 MiB of a JSON-looking body
                ex.sendResponseHeaders(200, if (mode == Mode.HUGE_WITH_LENGTH) total.toLong() else 0L)
                val out = ex.responseBody
                out.write("{\"keys\":[".toByteArray())
                val chunk = ByteArray(8192) { ' '.code.toByte() }
                var sent = 9
                while (sent + chunk.size <= total) { out.write(chunk); sent += chunk.size }
                out.write(ByteArray(total - sent) { ' '.code.toByte() })
            }
            Mode.SLOW_BODY -> {
                // Headers at once, then a byte every 100 ms for up to 10 s.
                ex.sendResponseHeaders(200, 0)
                val out = ex.responseBody
                repeat(100) { out.write(' '.code); out.flush(); Thread.sleep(100) }
                out.write(body.toByteArray())
            }
        }
    }

    private val stopped = java.util.concurrent.atomic.AtomicBoolean()

    /** Stops listening: the next connection is refused. */
    fun stop() {
        if (stopped.compareAndSet(false, true)) server.stop(0)
    }

    override fun close() {
        stop()
        pool.shutdownNow()
    }
}

class JwksTest {
    private val k1 = Key.generate("ES256", kid = "k1")
    private val k2 = Key.generate("ES256", kid = "k2")
    private val k3 = Key.generate("ES256", kid = "k3")
    private val server = JwksServer()

    @AfterEach
    fun stopServer() = server.close()

    private fun jwks(vararg keys: Key): String = KeySet(keys.map { it.public() }).toJwks()

    private fun token(key: Key, sub: String = "u1", header: String? = null): String =
        jwtEncode("""{"sub":"$sub","exp":$EXP}""", key, header)

    private fun remote(
        url: String = server.url,
        maxAge: Double = 300.0,
        minAge: Double? = null,
        cooldown: Double = 30.0,
        timeout: Double = 1.0,
        maxBytes: Long? = null,
        maxRedirects: Long? = null,
    ) = RemoteKeySet(
        url,
        RemoteOptions(
            maxAge = maxAge, minAge = minAge ?: minOf(maxAge, 30.0), cooldown = cooldown,
            timeout = timeout, maxBytes = maxBytes, maxRedirects = maxRedirects,
        ),
    )

    private fun kids(set: KeySet): List<String?> = set.keys().map { it.kid() }

    @Test
    fun errorCodeIsListed() {
        assertEquals("JWKS_UNAVAILABLE", errorCodeString(ErrorCode.JWKS_UNAVAILABLE))
        assertEquals(ErrorCode.entries.size - 1, ErrorCode.JWKS_UNAVAILABLE.ordinal) // appended last
    }

    @Test
    fun firstFetchThenCached() {
        server.body = jwks(k1, k2)
        val set = remote()
        assertEquals(0, server.hits()) // nothing fetched at construction
        // The documented way: off the main thread.
        val keys = runBlocking { withContext(Dispatchers.IO) { set.keys() } }
        assertEquals(listOf("k1", "k2"), kids(keys))
        assertEquals(1, server.hits())
        repeat(5) { assertEquals(listOf("k1", "k2"), kids(set.keys())) }
        val verifier = Verifier.remote(set)
        assertEquals("u1", verifier.verifyClaims(token(k2)).sub)
        assertEquals(1, server.hits())
        assertEquals(1L, set.status().requests)
        assertEquals(server.url, set.url())
    }

    @Test
    fun rotationAfterMaxAge() {
        server.body = jwks(k1)
        val set = remote(maxAge = 2.0, minAge = 1.0)
        val verifier = Verifier.remote(set)
        verifier.verify(token(k1))
        server.body = jwks(k2)
        assertEquals(listOf("k1"), kids(set.keys())) // still fresh: no request
        assertEquals(1, server.hits())
        Thread.sleep(2300)
        assertEquals(listOf("k2"), kids(set.keys()))
        assertEquals(2, server.hits())
        assertEquals(2L, set.status().generation)
        verifier.verify(token(k2)) // transparently, no request
        assertEquals(2, server.hits())
    }

    @Test
    fun rotationOnUnknownKidIsImmediate() {
        server.body = jwks(k1)
        val set = remote()
        val verifier = Verifier.remote(set)
        verifier.verify(token(k1))
        server.body = jwks(k2)
        assertEquals("""{"sub":"u2","exp":$EXP}""", verifier.verify(token(k2, "u2")))
        assertEquals(2, server.hits())
        assertEquals(listOf("k2"), kids(set.keys()))
        // k1 left the set: unknown now, and the refetch is cooling down.
        fails(ErrorCode.KEY_NOT_FOUND) { verifier.verify(token(k1)) }
        assertEquals(2, server.hits())
    }

    @Test
    fun cooldownLimitsUnknownKidFetches() {
        server.body = jwks(k1)
        val set = remote(cooldown = 2.0)
        val verifier = Verifier.remote(set)
        verifier.verify(token(k1))
        assertEquals(1, server.hits())
        val k9 = Key.generate("ES256", kid = "k9")
        fails(ErrorCode.KEY_NOT_FOUND) { verifier.verify(token(k9)) } // one refetch, still unknown
        assertEquals(2, server.hits())
        server.body = jwks(k1, k3)
        repeat(10) { fails(ErrorCode.KEY_NOT_FOUND) { verifier.verify(token(k3)) } } // cooling down
        assertEquals(2, server.hits())
        Thread.sleep(2300)
        verifier.verify(token(k3)) // after the cooldown: one request, found
        assertEquals(3, server.hits())
        Thread.sleep(2300)
        // k9 stays unknown; it was remembered, but the set changed since
        // (which forgets the negative cache), so one more refetch is allowed.
        fails(ErrorCode.KEY_NOT_FOUND) { verifier.verify(token(k9)) }
        assertEquals(4, server.hits())
        Thread.sleep(2300)
        // Now it is remembered: no request even past the cooldown.
        fails(ErrorCode.KEY_NOT_FOUND) { verifier.verify(token(k9)) }
        assertEquals(4, server.hits())
    }

    /** Runs [task] on [n] threads released together; returns the results in order. */
    private fun <T> concurrently(n: Int, task: () -> T): List<Result<T>> {
        val pool = Executors.newFixedThreadPool(n)
        try {
            val ready = CountDownLatch(n)
            val go = CountDownLatch(1)
            val futures = (0 until n).map {
                pool.submit(Callable { ready.countDown(); go.await(); runCatching(task) })
            }
            ready.await()
            go.countDown()
            return futures.map { it.get(30, TimeUnit.SECONDS) }
        } finally {
            pool.shutdownNow()
        }
    }

    @Test
    fun singleFlightOnColdCache() {
        server.body = jwks(k1)
        server.delayMs = 300
        val set = remote(timeout = 5.0)
        val results = concurrently(100) { kids(set.keys()) }
        for (r in results) assertEquals(listOf("k1"), r.getOrThrow())
        assertEquals(1, server.hits())
    }

    @Test
    fun singleFlightOnUnknownKid() {
        server.body = jwks(k1)
        val set = remote(timeout = 5.0)
        val verifier = Verifier.remote(set)
        verifier.verify(token(k1))
        server.body = jwks(k1, k2)
        server.delayMs = 300
        val t = token(k2)
        val results = concurrently(100) { verifier.verify(t) }
        for (r in results) assertEquals("""{"sub":"u1","exp":$EXP}""", r.getOrThrow())
        assertEquals(2, server.hits())
    }

    private fun assertStaleWithError(set: RemoteKeySet) {
        val s = set.status()
        assertEquals(JwksState.STALE, s.state)
        assertEquals(ErrorCode.JWKS_UNAVAILABLE, s.lastErrorCode)
        assertTrue(s.lastErrorMessage!!.contains(server.url), s.lastErrorMessage)
        assertNotNull(s.lastErrorAt)
        assertEquals(1L, s.keys)
    }

    @Test
    fun serverErrorKeepsServingStaleKeys() {
        server.body = jwks(k1)
        val set = remote(maxAge = 1.0, minAge = 1.0, cooldown = 1.0)
        val verifier = Verifier.remote(set)
        verifier.verify(token(k1))
        server.status = 500
        Thread.sleep(1200)
        verifier.verify(token(k1)) // refetch fails: the last good set verifies
        assertEquals(2, server.hits())
        assertStaleWithError(set)
        val e = fails(ErrorCode.JWKS_UNAVAILABLE) { set.refresh() }
        assertTrue(e.detail.contains(server.url) && e.detail.contains("500"), e.detail)
        verifier.verify(token(k1, "again"))
        server.status = 200 // back: the next attempt after the cooldown recovers
        Thread.sleep(1200)
        set.keys()
        val s = set.status()
        assertEquals(JwksState.FRESH, s.state)
        assertNull(s.lastErrorCode)
        assertNull(s.lastErrorMessage)
    }

    @Test
    fun serverDownKeepsServingStaleKeys() {
        server.body = jwks(k1)
        val set = remote(maxAge = 1.0, minAge = 1.0, cooldown = 1.0)
        val verifier = Verifier.remote(set)
        verifier.verify(token(k1))
        server.stop()
        Thread.sleep(1200)
        repeat(3) { verifier.verify(token(k1)) }
        assertEquals(listOf("k1"), kids(set.keys()))
        assertStaleWithError(set)
        fails(ErrorCode.JWKS_UNAVAILABLE) { set.refresh() }
        verifier.verify(token(k1))
    }

    @Test
    fun noCacheAndServerDownIsJwksUnavailable() {
        server.stop()
        val set = remote()
        val e = fails(ErrorCode.JWKS_UNAVAILABLE) { set.keys() }
        assertTrue(e.detail.contains(server.url), e.detail)
        val e2 = fails(ErrorCode.JWKS_UNAVAILABLE) { Verifier.remote(remote()).verify(token(k1)) }
        assertTrue(e2.detail.contains(server.url), e2.detail)
        val s = set.status()
        assertEquals(JwksState.EMPTY, s.state)
        assertEquals(ErrorCode.JWKS_UNAVAILABLE, s.lastErrorCode)
        assertNull(set.exportCache())
    }

    /**
     * Every bad answer: refresh() throws JWKS_UNAVAILABLE naming the URL and
     * saying [why], within timeout + 2 s; k1 stays and verifies.
     */
    private fun badAnswer(why: String, setup: JwksServer.() -> Unit) {
        server.body = jwks(k1)
        server.rawBody = null
        server.mode = Mode.NORMAL
        server.status = 200
        server.delayMs = 0
        val set = remote(timeout = 1.0, maxBytes = 64L * 1024)
        val verifier = Verifier.remote(set)
        verifier.verify(token(k1))
        server.setup()
        lateinit var e: TesseraException
        val ms = elapsedMs { e = fails(ErrorCode.JWKS_UNAVAILABLE) { set.refresh() } }
        assertTrue(ms < 3000, "refresh took $ms ms")
        assertTrue(e.detail.contains(server.url) && e.detail.contains(why), e.detail)
        assertEquals(listOf("k1"), kids(set.keys()))
        verifier.verify(token(k1))
        assertEquals(ErrorCode.JWKS_UNAVAILABLE, set.status().lastErrorCode)
        assertEquals(1L, set.status().generation)
    }

    @Test
    fun garbageBodies() {
        badAnswer("not a usable JWKS") { body = "<html>not json</html>" }
        badAnswer("not a usable JWKS") { body = """{"keys":[]}""" }
        badAnswer("not a usable JWKS") { body = """{"keys":[{"kty":"oct","k":"AAAA","use":"enc"}]}""" }
        badAnswer("not a usable JWKS") { body = "\u0000\u0001\u0002" }
        badAnswer("not UTF-8") { rawBody = byteArrayOf('{'.code.toByte(), 0xff.toByte(), 0xfe.toByte(), '}'.code.toByte()) }
        badAnswer("HTTP 404") { status = 404 }
        badAnswer("HTTP 204") { status = 204; body = "" }
    }

    @Test
    fun hugeBodies() {
        badAnswer("max_bytes") { mode = Mode.HUGE_WITH_LENGTH }
        badAnswer("max_bytes") { mode = Mode.HUGE_CHUNKED }
    }

    @Test
    fun slowAnswers() {
        badAnswer("timed out") { delayMs = 4000 } // no headers within the timeout
        badAnswer("timed out") { mode = Mode.SLOW_BODY } // a body trickling past the deadline
    }

    @Test
    fun redirects() {
        server.body = jwks(k1)
        val set = remote(url = "${server.base}/redirect", maxRedirects = 3)
        server.location = server.url // same scheme, loopback: followed
        assertEquals(listOf("k1"), kids(set.refresh()))
        assertEquals(1, server.hits())
        for (to in listOf(server.url.replace("http:", "https:"), "http://example.com/jwks", "ftp://127.0.0.1/jwks")) {
            server.location = to
            val ms = elapsedMs { fails(ErrorCode.JWKS_UNAVAILABLE) { set.refresh() } }
            assertTrue(ms < 3000, "refresh took $ms ms")
        }
        assertEquals(1, server.hits()) // never went anywhere else
        server.location = "${server.base}/redirect" // a loop: at most maxRedirects hops
        val e = fails(ErrorCode.JWKS_UNAVAILABLE) { set.refresh() }
        assertTrue(e.detail.contains("redirect"), e.detail)
        assertEquals(1 + 3 + 4, server.hits("/redirect")) // ok, 3 refused, loop of 1 + 3 hops
        assertEquals(listOf("k1"), kids(set.keys())) // the good set stays
    }

    @Test
    fun urlRules() {
        for (url in listOf("http://example.com/jwks", "http://10.0.0.1/jwks", "ftp://127.0.0.1/jwks", "jwks.json", "")) {
            fails(ErrorCode.INVALID_ARGUMENT) { RemoteKeySet(url) }
        }
        fails(ErrorCode.INVALID_ARGUMENT) { RemoteKeySet(server.url, RemoteOptions(timeout = 0.0)) }
        fails(ErrorCode.INVALID_ARGUMENT) { RemoteKeySet(server.url, RemoteOptions(maxAge = -1.0)) }
        fails(ErrorCode.INVALID_ARGUMENT) { RemoteKeySet(server.url, RemoteOptions(cooldown = Double.NaN)) }
        fails(ErrorCode.INVALID_ARGUMENT) { RemoteKeySet(server.url, RemoteOptions(maxBytes = -1)) }
        fails(ErrorCode.INVALID_ARGUMENT) { RemoteKeySet(server.url, RemoteOptions(maxRedirects = -1)) }
        RemoteKeySet("https://issuer.example/.well-known/jwks.json") // https: fine, nothing fetched
        assertEquals(0, server.hits())
    }

    @Test
    fun jkuInTokensIsNeverFetched() {
        server.body = jwks(k1)
        val verifier = Verifier.remote(remote())
        verifier.verify(token(k1))
        val kx = Key.generate("ES256", kid = "kx")
        val evil = token(kx, header = """{"jku":"${server.base}/jku","x5u":"${server.base}/x5u"}""")
        fails(ErrorCode.KEY_NOT_FOUND) { verifier.verify(evil) }
        assertEquals(0, server.hits("/jku"))
        assertEquals(0, server.hits("/x5u"))
    }

    @Test
    fun exportImportRoundTrip() {
        server.body = jwks(k1, k2)
        val warm = remote()
        warm.keys()
        val data = warm.exportCache()
        assertNotNull(data)
        server.stop() // a cold start must not need the server
        val cold = remote()
        cold.importCache(data!!)
        assertEquals(JwksState.FRESH, cold.status().state)
        assertEquals(0L, cold.status().requests)
        Verifier.remote(cold).verify(token(k2))
        assertEquals(listOf("k1", "k2"), kids(cold.keys()))
        assertEquals(0L, cold.status().requests)
        assertEquals(1, server.hits())
        fails(ErrorCode.INVALID_ARGUMENT) { remote(url = "${server.base}/other").importCache(data) }
        fails(ErrorCode.INVALID_ARGUMENT) { remote().importCache("not json") }
        fails(ErrorCode.INVALID_ARGUMENT) { remote().importCache("{}") }
    }

    @Test
    fun statusFields() {
        server.body = jwks(k1, k2)
        server.headers = mapOf("Cache-Control" to "public, max-age=60")
        val set = remote(maxAge = 300.0, minAge = 1.0)
        var s = set.status()
        assertEquals(JwksStatus(server.url, JwksState.EMPTY, null, null, null, null, null, 0, 0, 0), s)
        val before = System.currentTimeMillis() / 1000.0
        set.keys()
        val after = System.currentTimeMillis() / 1000.0
        s = set.status()
        assertEquals(server.url, s.url)
        assertEquals(JwksState.FRESH, s.state)
        val fetched = s.fetchedAt!!
        assertTrue(fetched >= before - 1 && fetched <= after + 1, "$before <= $fetched <= $after")
        assertEquals(60.0, s.freshUntil!! - fetched, 1.0) // the response's max-age
        assertEquals(2L, s.keys)
        assertEquals(1L, s.requests)
        assertEquals(1L, s.generation)
        assertNull(s.lastErrorCode)
        assertNull(s.lastErrorAt)
        set.refresh() // the same keys: not a new generation
        assertEquals(2L, set.status().requests)
        assertEquals(1L, set.status().generation)
        server.headers = mapOf("Cache-Control" to "max-age=100000") // clamped to maxAge
        server.body = jwks(k3)
        set.refresh()
        s = set.status()
        assertEquals(300.0, s.freshUntil!! - s.fetchedAt!!, 1.0)
        assertEquals(2L, s.generation)
        assertEquals(1L, s.keys)
        server.headers = mapOf("Cache-Control" to "no-cache") // minAge
        set.refresh()
        s = set.status()
        assertEquals(1.0, s.freshUntil!! - s.fetchedAt!!, 0.5)
    }

    @Test
    fun verifierOnRemoteSetUsesValidation() {
        server.body = jwks(k1)
        val set = remote()
        val verifier = Verifier.remote(set, Validation(issuer = listOf("https://issuer.example")))
        val claims = """{"iss":"https://issuer.example","exp":$EXP}"""
        assertEquals(claims, verifier.verify(jwtEncode(claims, k1)))
        fails(ErrorCode.INVALID_ISSUER) { verifier.verify(jwtEncode("""{"iss":"https://evil.example","exp":$EXP}""", k1)) }
        fails(ErrorCode.INVALID_ARGUMENT) { Verifier.remote(set, Validation(algorithms = emptyList())) }
        assertEquals(1, server.hits())
    }
}
