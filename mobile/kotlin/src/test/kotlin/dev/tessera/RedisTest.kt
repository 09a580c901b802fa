// Server-side sessions from Kotlin on a real Redis, standalone
// (TESSERA_REDIS_URL) and Cluster (TESSERA_REDIS_CLUSTER_URLS, comma-
// separated seed nodes), both started by tests/redis/with-redis
// (scripts/test-mobile.sh runs the suite inside it):
//   - the session scenario vectors on each;
//   - the key layout of docs/sessions.md read from outside the library (a
//     small RESP client below): s:<sha256(id)>, u:<user>, d:<jti>,
//     r:<sha256(token)>, f:<family>, TTLs, and no raw id or token in a key;
//   - a record written by hand (as another language would) is loaded and
//     saved; garbage and wrong types are MALFORMED, never "no session";
//   - two RedisStore objects on one prefix share sessions, another prefix sees none;
//   - concurrency: no lost saves; one refresh token rotated by many threads
//     at once has exactly one winner.
// Without the variables the tests are skipped, unless TESSERA_REQUIRE_REDIS=1:
// then a missing Redis fails them.
package dev.tessera

import java.io.BufferedInputStream
import java.io.ByteArrayOutputStream
import java.io.InputStream
import java.net.Socket
import java.net.URI
import java.security.MessageDigest
import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource
import org.junit.jupiter.api.assertThrows

private fun sha256Hex(s: String): String =
    MessageDigest.getInstance("SHA-256").digest(s.toByteArray()).joinToString("") { "%02x".format(it) }

/** A minimal Redis client (RESP2) for loopback test servers, following -MOVED in a Cluster. */
private class Resp(urls: List<String>) : AutoCloseable {
    private class Node(val host: String, val port: Int) {
        var socket: Socket? = null
        lateinit var input: InputStream
    }

    private val nodes = urls.map { URI(it).let { u -> Node(u.host, u.port) } }.toMutableList()
    private val db = URI(urls[0]).path.trim('/').toIntOrNull() ?: 0

    private fun open(n: Node): Node {
        if (n.socket == null) {
            n.socket = Socket(n.host, n.port).also { n.input = BufferedInputStream(it.getInputStream()) }
            if (db != 0) send(n, listOf("SELECT", db.toString()))
        }
        return n
    }

    private fun line(input: InputStream): String {
        val out = ByteArrayOutputStream()
        while (true) {
            val c = input.read()
            check(c >= 0) { "redis closed the connection" }
            if (c == '\r'.code) { input.read(); return out.toString(Charsets.UTF_8) }
            out.write(c)
        }
    }

    /** A reply: String (status or bulk), Long, null, List<Any?>, or RespError. */
    private fun read(input: InputStream): Any? {
        val l = line(input)
        return when (l[0]) {
            '+' -> l.substring(1)
            '-' -> RespError(l.substring(1))
            ':' -> l.substring(1).toLong()
            '$' -> l.substring(1).toInt().let { n ->
                if (n < 0) null else String(input.readNBytes(n), Charsets.UTF_8).also { input.readNBytes(2) }
            }
            '*' -> l.substring(1).toInt().let { n -> if (n < 0) null else List(n) { read(input) } }
            else -> error("bad reply $l")
        }
    }

    private fun send(n: Node, args: List<String>): Any? {
        val out = StringBuilder("*${args.size}\r\n")
        for (a in args) out.append("$").append(a.toByteArray().size).append("\r\n").append(a).append("\r\n")
        n.socket!!.getOutputStream().write(out.toString().toByteArray())
        return read(n.input)
    }

    /** A command whose args[1] is a key, on the node that holds it. */
    fun cmd(vararg args: String): Any? {
        var node = nodes[0]
        repeat(5) {
            val r = send(open(node), args.toList())
            if (r !is RespError || !r.message.startsWith("MOVED ")) return r
            val (host, port) = r.message.substringAfterLast(' ').split(':')
            node = nodes.firstOrNull { it.host == host && it.port == port.toInt() }
                ?: Node(host, port.toInt()).also { nodes += it }
        }
        error("too many redirections")
    }

    /** KEYS on every node (test servers only). */
    fun keys(pattern: String): List<String> =
        nodes.toList().flatMap { n -> (send(open(n), listOf("KEYS", pattern)) as List<*>).map { it as String } }

    override fun close() = nodes.forEach { it.socket?.close() }
}

private class RespError(override val message: String) : Exception(message)

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisTest {
    private val pid = ProcessHandle.current().pid()
    private val prefixes = mutableListOf<Pair<List<String>, String>>()

    /** The URLs of `mode` ("standalone"/"cluster"), or skip (fail with TESSERA_REQUIRE_REDIS=1). */
    private fun urls(mode: String): List<String> {
        val name = if (mode == "cluster") "TESSERA_REDIS_CLUSTER_URLS" else "TESSERA_REDIS_URL"
        val v = System.getenv(name)
        if (v.isNullOrEmpty()) {
            if (System.getenv("TESSERA_REQUIRE_REDIS") == "1") fail<Unit>("TESSERA_REQUIRE_REDIS=1 but $name is not set")
            assumeTrue(false, "$name is not set: run under tests/redis/with-redis")
        }
        return v!!.split(',')
    }

    private fun store(mode: String, label: String): Pair<RedisStore, String> {
        val prefix = "tessera-kt-test:$pid:$mode:$label:"
        val urls = urls(mode)
        prefixes += urls to prefix
        return RedisStore(urls, prefix = prefix, poolSize = 8, cluster = mode == "cluster") to prefix
    }

    @AfterAll
    fun cleanUp() {
        for ((urls, prefix) in prefixes) Resp(urls).use { r -> r.keys("$prefix*").forEach { r.cmd("DEL", it) } }
    }

    @ParameterizedTest
    @ValueSource(strings = ["standalone", "cluster"])
    fun scenarioVectors(mode: String) {
        urls(mode)
        runSessionScenarios("Redis $mode") { i -> SessionStore.Redis(store(mode, "vectors-$i").first) }
    }

    @ParameterizedTest
    @ValueSource(strings = ["standalone", "cluster"])
    fun keyLayout(mode: String) {
        val (redis, prefix) = store(mode, "layout")
        redis.ping()
        val s = SessionStore.Redis(redis)
        val user = "alice-$pid"
        val m = SessionManager(s, 600_000)
        val before = System.currentTimeMillis()
        val id = m.create("""{"a":1,"name":"Jürgen"}""", user)
        Resp(urls(mode)).use { r ->
            val key = "${prefix}s:${sha256Hex(id)}"
            val rec = JSONObject(r.cmd("GET", key) as String)
            assertEquals(setOf("v", "data", "user", "created", "expires", "version"), rec.keySet())
            assertEquals(1, rec.getInt("v"))
            assertTrue(sameJson(parseJson("""{"a":1,"name":"Jürgen"}"""), rec.get("data")))
            assertEquals(user, rec.getString("user"))
            assertTrue(rec.getLong("created") in before..System.currentTimeMillis())
            assertEquals(rec.getLong("created") + 600_000, rec.getLong("expires"))
            assertEquals(0, rec.getInt("version"))
            assertTrue((r.cmd("PTTL", key) as Long) in 590_000..600_000)
            assertEquals(listOf(sha256Hex(id)), r.cmd("SMEMBERS", "${prefix}u:$user"))
            assertTrue((r.cmd("PTTL", "${prefix}u:$user") as Long) > 0)
            m.save(id, """{"b":2}""", 0)
            assertEquals(1, JSONObject(r.cmd("GET", key) as String).getInt("version"))

            val deny = Denylist(s)
            val exp = System.currentTimeMillis() / 1000 + 3600
            deny.revoke("jti-$pid", exp)
            val d = JSONObject(r.cmd("GET", "${prefix}d:jti-$pid") as String)
            assertEquals(setOf("v", "exp"), d.keySet())
            assertEquals(exp, d.getLong("exp"))
            assertTrue((r.cmd("PTTL", "${prefix}d:jti-$pid") as Long) in 3_895_000..3_900_000)

            val rt = RefreshTokens(s, 600_000)
            val token = rt.issue(user, """{"device":"phone"}""")
            val rkey = "${prefix}r:${sha256Hex(token)}"
            val rec2 = JSONObject(r.cmd("GET", rkey) as String)
            assertEquals(setOf("v", "family", "user", "data", "state", "expires"), rec2.keySet())
            assertEquals("active", rec2.getString("state"))
            assertEquals(22, rec2.getString("family").length)
            val family = "${prefix}f:${rec2.getString("family")}"
            val fam = JSONObject(r.cmd("GET", family) as String)
            assertEquals(user, fam.getString("user"))
            assertTrue(fam.isNull("revoked"))
            assertEquals(listOf(rec2.getString("family")), r.cmd("SMEMBERS", "${prefix}g:$user")) // for revokeUser
            assertTrue((r.cmd("PTTL", "${prefix}g:$user") as Long) > 0)
            val next = rt.rotate(token).token.value
            assertEquals("rotated", JSONObject(r.cmd("GET", rkey) as String).getString("state"))
            assertTrue(rt.revokeFamily(next))
            assertEquals("revoked", JSONObject(r.cmd("GET", family) as String).getString("revoked"))
            val another = rt.issue(user)
            assertEquals(1L, rt.revokeUser(user))
            assertEquals(ErrorCode.REVOKED, assertThrows<TesseraException> { rt.rotate(another) }.code)
            assertEquals(0L, r.cmd("EXISTS", "${prefix}g:$user"))

            val keys = r.keys("$prefix*")
            assertTrue(keys.size >= 6, "keys: $keys")
            for (k in keys) assertFalse(id in k || token in k || next in k || another in k, k)
        }
    }

    @ParameterizedTest
    @ValueSource(strings = ["standalone", "cluster"])
    fun recordsFromOtherLanguagesAndGarbage(mode: String) {
        val (redis, prefix) = store(mode, "foreign")
        val m = SessionManager(SessionStore.Redis(redis), 600_000)
        val id = "handwritten-session-id-0123456789abcdefghij"
        val user = "hand-$pid"
        val key = "${prefix}s:${sha256Hex(id)}"
        val now = System.currentTimeMillis()
        Resp(urls(mode)).use { r ->
            r.cmd(
                "SET", key,
                """{"v":1,"data":{"from":"python"},"user":"$user","created":$now,"expires":${now + 60_000},"version":7,"future":1}""",
                "PX", "60000",
            )
            r.cmd("SADD", "${prefix}u:$user", sha256Hex(id))
            val s = m.load(id)!!
            assertEquals("""{"from":"python"}""", s.data)
            assertEquals(user, s.userId)
            assertEquals(7L, s.version)
            assertEquals(now + 60_000, s.expiresAtMs)
            assertEquals(8L, m.save(id, """{"from":"kotlin"}""", 7))
            assertEquals(1L, m.destroyUser(user))
            assertEquals(0L, r.cmd("EXISTS", key))
            for (bad in listOf(
                "not json",
                """{"v":2,"data":{},"user":null,"created":1,"expires":99999999999999,"version":0}""",
                """{"v":1,"data":{},"user":null,"created":1,"version":0}""",
            )) {
                r.cmd("SET", key, bad, "PX", "60000")
                val e = assertThrows<TesseraException> { m.load(id) }
                assertEquals(ErrorCode.MALFORMED, e.code)
            }
            r.cmd("DEL", key)
            r.cmd("SADD", key, "x")
            assertEquals(ErrorCode.MALFORMED, assertThrows<TesseraException> { m.load(id) }.code)
            r.cmd("DEL", key)
        }
    }

    @ParameterizedTest
    @ValueSource(strings = ["standalone", "cluster"])
    fun storesShareOnePrefixOnly(mode: String) {
        val (a, prefix) = store(mode, "shared")
        val b = RedisStore(urls(mode), prefix = prefix, cluster = mode == "cluster")
        val other = store(mode, "shared-other").first
        val ma = SessionManager(SessionStore.Redis(a), 600_000)
        val mb = SessionManager(SessionStore.Redis(b), 600_000, idleTimeoutMs = 60_000)
        val id = ma.create("""{"shared":true}""", "sharer-$pid")
        assertEquals("""{"shared":true}""", mb.load(id)?.data)
        assertNull(SessionManager(SessionStore.Redis(other), 600_000).load(id))
        val rotated = mb.rotate(id)!!
        assertNull(ma.load(id))
        val guest = mb.create("{}")
        val loggedIn = ma.rotate(guest, userId = "sharer-$pid")!! // log-in, seen by the other store
        assertEquals("sharer-$pid", mb.load(loggedIn)?.userId)
        assertEquals(2L, ma.destroyUser("sharer-$pid"))
        assertNull(mb.load(rotated))
        assertNull(mb.load(loggedIn))
    }

    @ParameterizedTest
    @ValueSource(strings = ["standalone", "cluster"])
    fun concurrency(mode: String) {
        val (redis, _) = store(mode, "concurrency")
        val s = SessionStore.Redis(redis)
        noLostSaves(s, threads = 8, rounds = 15, user = "kt-conc-$pid")
        oneRefreshWinner(s, threads = 8, rounds = 10)
    }
}
