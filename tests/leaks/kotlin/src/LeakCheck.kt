// Leak check of the Kotlin/JVM binding (UniFFI + JNA; issue 11): 10^6
// operations of the mix in tests/leaks/README.md (HS256 sign/verify,
// RS256/ES256 verify, verify failures, native cookie seal/open/tampered
// open, Flask dumps/loads, MemoryStore sessions, denylist).
//
// After every tenth: System.gc() (a full collection with -XX:+UseSerialGC),
// a wait until JNA's cleaner thread has freed the native Memory of every
// Structure the calls left behind (it does so only after a collection), a
// class histogram of the live objects (as `jcmd GC.class_histogram`, which
// collects first) and malloc_trim(0); then RssAnon (VmRSS shown too) from
// /proc/self/status and malloc's bytes in use (mallinfo2). Each figure is
// compared as a floor, the smallest of the last three samples against the
// smallest of the second to fourth (see EARLY): RssAnon may grow at most
// 8192 KiB (see LIMIT_KIB), the live objects (int[] aside, see settledHeap)
// by at most 1000, malloc's bytes in use by at most 2048 KiB. The heap is
// fixed and pre-touched (-Xms = -Xmx, -XX:+AlwaysPreTouch), so the Java heap
// adds nothing to RSS as it fills: Java objects kept by the binding show in
// the object count. Exit 0: flat; 3: leak; 2: a wrong result or a broken
// set-up.
//
// Built and run by tests/leaks/run against the classes scripts/test-mobile.sh
// compiled (mobile/kotlin/target/classes) and the cdylib it built, loaded by
// JNA from -Djna.library.path:
//   java -Xms256m -Xmx256m -Xmn8m -XX:+AlwaysPreTouch -XX:+UseSerialGC \
//       -Djna.library.path=target/debug -cp CLASSPATH dev.tessera.leaks.LeakCheckKt
//
// Environment: TESSERA_LEAK_OPS (default 1000000, a multiple of 1000);
// TESSERA_LEAK_SELFTEST=1 keeps every result (values and exceptions) in a
// list, a leak on purpose that the check must report.
package dev.tessera.leaks

import dev.tessera.Denylist
import dev.tessera.ErrorCode
import dev.tessera.FlaskCookie
import dev.tessera.Key
import dev.tessera.KeySet
import dev.tessera.MemoryStore
import dev.tessera.SessionCookie
import dev.tessera.SessionManager
import dev.tessera.SessionStore
import dev.tessera.TesseraException
import dev.tessera.Validation
import dev.tessera.Verifier
import dev.tessera.code
import dev.tessera.detail
import dev.tessera.jwtEncode
import com.sun.jna.Library
import com.sun.jna.Native
import com.sun.jna.Structure
import java.io.File
import java.lang.management.ManagementFactory
import javax.management.ObjectName
import kotlin.system.exitProcess

private const val BINDING = "kotlin"
/** RssAnon's floor may grow this much: the JIT's code cache and malloc heap
 * pages kept by a few live blocks among JNA's deferred frees creep up by as
 * much as 5 MiB over the first half of a run (NMT and mallinfo2 show no
 * growth in use). The exact measure of a native leak is malloc's bytes in
 * use below. */
private const val LIMIT_KIB = 8192L
private const val LIMIT_OBJECTS = 1000L

/** Floors: the smallest sample of LATE against the smallest of EARLY. The JVM
 * warms up for longer than one tenth (JIT, JNA's per-class Structure caches:
 * some 600 objects between the first and second samples of a 200,000 run),
 * so EARLY starts at the second sample. */
private val EARLY = 1..3
private val LATE = 7..9
private const val LIMIT_MALLOC_KIB = 2048L

/** JNA Memory blocks still allocated when its cleaner has caught up (a
 * handful are held by live Structures; the figure is printed). */
private const val JNA_SETTLED = 100
private const val EXP = 4102444800L
private const val CLAIMS =
    """{"sub":"leak-check","iss":"https://issuer.example","iat":1700000000,"exp":4102444800}"""
private const val EXPIRED_CLAIMS = """{"sub":"leak-check","exp":1000000000}"""
private const val SESSION = """{"user":"leak-check","cart":[1,2,3],"csrf":"0123456789abcdef"}"""
private val HMAC_SECRET = "tessera-leak-check-hmac-secret-32-bytes!".toByteArray()
private val COOKIE_SECRET = "tessera-leak-check-cookie-secret-32bytes".toByteArray()
private val FLASK_SECRET = "tessera-leak-check-flask-secret".toByteArray()

/** (operation, slots out of every 100 operations), in slot order: the same
 * table as every binding's program and README.md. */
private val MIX = listOf(
    "sign_hs256" to 20,
    "verify_hs256" to 22,
    "verify_rs256" to 1,
    "verify_es256" to 1,
    "verify_bad_signature" to 4,
    "verify_expired" to 3,
    "verify_malformed" to 3,
    "verify_rs256_bad_signature" to 1,
    "verify_es256_bad_signature" to 1,
    "cookie_seal" to 10,
    "cookie_open" to 10,
    "cookie_open_tampered" to 4,
    "cookie_open_malformed" to 1,
    "flask_dumps" to 1,
    "flask_loads" to 7,
    "flask_loads_tampered" to 2,
    "session_create" to 1,
    "session_load" to 1,
    "session_destroy" to 1,
    "session_load_destroyed" to 1,
    "session_load_bad_id" to 1,
    "denylist_revoke" to 1,
    "denylist_check" to 1,
    "denylist_check_unknown" to 1,
    "denylist_revoke_invalid" to 1,
)

private class Failed(message: String) : Exception(message)

/** `token` with the character at `index` of its last segment replaced by another base64url letter. */
private fun tamper(token: String, index: Int): String {
    val at = token.lastIndexOf('.') + 1 + index
    return token.substring(0, at) + (if (token[at] == 'A') 'B' else 'A') + token.substring(at + 1)
}

/** (RssAnon, VmRSS) in KiB. The check is on RssAnon: a leak is anonymous
 * memory, while the file-backed pages of VmRSS (mapped code and jars) come
 * and go with first use and page-cache pressure. */
private fun rssKib(): Pair<Long, Long> {
    val fields = File("/proc/self/status").readLines()
        .map { it.split(':', limit = 2) }
        .filter { it.size == 2 && (it[0] == "RssAnon" || it[0] == "VmRSS") }
        .associate { it[0] to it[1].trim().removeSuffix("kB").trim().toLong() }
    return Pair(fields["RssAnon"] ?: throw Failed("no RssAnon"), fields["VmRSS"] ?: throw Failed("no VmRSS"))
}

private fun refused(name: String, code: ErrorCode, block: () -> Any?): Any {
    val got = try {
        block()
    } catch (e: TesseraException) {
        if (e.code != code || e.detail.isEmpty()) throw Failed("$name: ${e.code} (${e.detail}) instead of $code")
        return e
    }
    throw Failed("$name: succeeded ($got), expected $code")
}

private fun claimsOk(name: String, claims: String): String {
    if (!claims.contains("\"sub\":\"leak-check\"")) throw Failed("$name: wrong claims $claims")
    return claims
}

private fun buildOps(): List<(Long) -> Any> {
    val now = System.currentTimeMillis() / 1000
    val hs = Key.hmac(HMAC_SECRET, "HS256")
    val rs = Key.generate("RS256")
    val es = Key.generate("ES256")
    val validation = Validation(issuer = listOf("https://issuer.example"))
    val verifier = Verifier(KeySet(listOf(hs)), validation)
    val rsVerifier = Verifier(KeySet(listOf(rs.public())), validation)
    val esVerifier = Verifier(KeySet(listOf(es.public())), validation)
    val token = jwtEncode(CLAIMS, hs)
    val rsToken = jwtEncode(CLAIMS, rs)
    val esToken = jwtEncode(CLAIMS, es)
    val expiredToken = jwtEncode(EXPIRED_CLAIMS, hs)
    val badToken = tamper(token, 10)
    val rsBad = tamper(rsToken, 10)
    val esBad = tamper(esToken, 10)
    val cookie = SessionCookie(listOf(COOKIE_SECRET), encrypted = true)
    val sealed = cookie.seal(SESSION, now)
    val tamperedCookie = tamper(sealed, sealed.length / 2)
    val flask = FlaskCookie(FLASK_SECRET)
    val flaskValue = flask.dumps(SESSION, now)
    val flaskTampered = tamper(flaskValue, 10)
    val store = SessionStore.Memory(MemoryStore(maxEntries = 100_000L, maxBytes = 64L shl 20))
    val sessions = SessionManager(store, ttlMs = 3_600_000L)
    val denylist = Denylist(store)
    var sid = ""
    fun jti(i: Long) = "jti-${(i / 100) % 500}"

    val ops = mapOf<String, (Long) -> Any>(
        "sign_hs256" to { _ -> jwtEncode(CLAIMS, hs) },
        "verify_hs256" to { _ -> claimsOk("verify_hs256", verifier.verify(token)) },
        "verify_rs256" to { _ -> claimsOk("verify_rs256", rsVerifier.verify(rsToken)) },
        "verify_es256" to { _ -> claimsOk("verify_es256", esVerifier.verify(esToken)) },
        "verify_bad_signature" to { _ ->
            refused("verify_bad_signature", ErrorCode.INVALID_SIGNATURE) { verifier.verify(badToken) }
        },
        "verify_expired" to { _ -> refused("verify_expired", ErrorCode.EXPIRED) { verifier.verify(expiredToken) } },
        "verify_malformed" to { _ -> refused("verify_malformed", ErrorCode.MALFORMED) { verifier.verify("not-a-jwt") } },
        "verify_rs256_bad_signature" to { _ ->
            refused("verify_rs256_bad_signature", ErrorCode.INVALID_SIGNATURE) { rsVerifier.verify(rsBad) }
        },
        "verify_es256_bad_signature" to { _ ->
            refused("verify_es256_bad_signature", ErrorCode.INVALID_SIGNATURE) { esVerifier.verify(esBad) }
        },
        "cookie_seal" to { _ -> cookie.seal(SESSION, now) },
        "cookie_open" to { _ ->
            val opened = cookie.openInfo(sealed, now)
            if (opened.json != SESSION || opened.issuedAt != now || opened.needsReissue) {
                throw Failed("cookie_open: wrong session $opened")
            }
            opened
        },
        "cookie_open_tampered" to { _ ->
            refused("cookie_open_tampered", ErrorCode.INVALID_SIGNATURE) { cookie.open(tamperedCookie, now) }
        },
        "cookie_open_malformed" to { _ ->
            refused("cookie_open_malformed", ErrorCode.MALFORMED) { cookie.open("garbage!", now) }
        },
        "flask_dumps" to { _ -> flask.dumps(SESSION, now) },
        "flask_loads" to { _ ->
            val json = flask.loads(flaskValue, now)
            if (!json.contains("\"leak-check\"")) throw Failed("flask_loads: wrong session $json")
            json
        },
        "flask_loads_tampered" to { _ ->
            refused("flask_loads_tampered", ErrorCode.INVALID_SIGNATURE) { flask.loads(flaskTampered, now) }
        },
        "session_create" to { _ ->
            sid = sessions.create(SESSION, "leak-user")
            sid
        },
        "session_load" to { _ ->
            val s = sessions.load(sid) ?: throw Failed("session_load: not found")
            if (s.data != SESSION || s.userId != "leak-user") throw Failed("session_load: wrong session $s")
            s
        },
        "session_destroy" to { _ ->
            if (!sessions.destroy(sid)) throw Failed("session_destroy: nothing destroyed")
            true
        },
        "session_load_destroyed" to { _ ->
            val s = sessions.load(sid)
            if (s != null) throw Failed("session_load_destroyed: found $s")
            sid
        },
        "session_load_bad_id" to { _ ->
            val s = sessions.load("not a session id")
            if (s != null) throw Failed("session_load_bad_id: found $s")
            false
        },
        "denylist_revoke" to { i ->
            denylist.revoke(jti(i), EXP)
            jti(i)
        },
        "denylist_check" to { i ->
            if (!denylist.isRevoked(jti(i))) throw Failed("denylist_check: ${jti(i)} not revoked")
            jti(i)
        },
        "denylist_check_unknown" to { _ ->
            if (denylist.isRevoked("never-revoked")) throw Failed("denylist_check_unknown: revoked")
            false
        },
        "denylist_revoke_invalid" to { _ ->
            refused("denylist_revoke_invalid", ErrorCode.INVALID_ARGUMENT) { denylist.revoke("bad\njti", EXP) }
        },
    )
    return MIX.map { (name, _) -> ops[name] ?: throw Failed("no operation $name") }
}

/**
 * How many JNA Memory blocks are allocated and not yet freed (JNA's own
 * bookkeeping, read by reflection). Every UniFFI call makes JNA Structures
 * (RustBuffer, RustCallStatus), each owning a small native Memory that JNA's
 * cleaner thread frees only after a collection has found it unreachable; on
 * a busy JVM thousands wait in that queue at any moment, with their
 * bookkeeping on the Java heap.
 */
private val jnaMemoryBlocks: () -> Int = run {
    val field = com.sun.jna.Memory::class.java.getDeclaredField("allocatedMemory")
    field.isAccessible = true
    val map = field.get(null) as Map<*, *>
    { map.size }
}

/** glibc's `struct mallinfo2` (every field a size_t). */
@Structure.FieldOrder(
    "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost",
)
class MallInfo2 : Structure(), Structure.ByValue {
    @JvmField var arena: Long = 0
    @JvmField var ordblks: Long = 0
    @JvmField var smblks: Long = 0
    @JvmField var hblks: Long = 0
    @JvmField var hblkhd: Long = 0
    @JvmField var usmblks: Long = 0
    @JvmField var fsmblks: Long = 0
    @JvmField var uordblks: Long = 0
    @JvmField var fordblks: Long = 0
    @JvmField var keepcost: Long = 0
}

private interface LibC : Library {
    fun mallinfo2(): MallInfo2
    fun malloc_trim(pad: Long): Int
}

private val libc: LibC = Native.load("c", LibC::class.java)

/** Bytes malloc has handed out and not had back, in KiB (all arenas, mmapped blocks included). */
private fun mallocInUseKib(): Long = libc.mallinfo2().let { (it.uordblks + it.hblkhd) / 1024 }

/** What a class histogram counts. */
private class Live(val objects: Long, val kib: Long)

/**
 * The live Java objects once garbage is gone: a full collection, a wait (at
 * most 10 s) until JNA's cleaner thread has freed the Memory of every
 * Structure that collection found unreachable, then a class histogram (what
 * `jcmd <pid> GC.class_histogram` prints: it runs a full collection of its
 * own and counts what is left). The MemoryMXBean's "used" after System.gc()
 * moved by up to 12 MiB between samples whose histograms matched.
 *
 * Objects are counted, not bytes, and int[] is left out: bytes jump when a
 * hash table doubles its array (JNA's table of allocated Memory grows to the
 * longest queue its cleaner has had, 4 MiB at a time, and never shrinks),
 * and HotSpot fills the unused ends of thread-local allocation buffers with
 * int[] (a few hundred arrays, megabytes, coming and going). An object kept
 * per call is one more object per call either way.
 */
private fun settledHeap(): Live {
    System.gc()
    val deadline = System.nanoTime() + 10_000_000_000L
    while (jnaMemoryBlocks() > JNA_SETTLED && System.nanoTime() < deadline) Thread.sleep(5)
    val histogram = ManagementFactory.getPlatformMBeanServer().invoke(
        ObjectName("com.sun.management:type=DiagnosticCommand"),
        "gcClassHistogram",
        arrayOf<Any>(arrayOf<String>()),
        arrayOf("[Ljava.lang.String;"),
    ) as String
    // "   2:   438   2539064  [I (java.base@17.0.15)" ... "Total 1485148 56345232"
    val rows = histogram.lines().map { it.trim().split(Regex("\\s+")) }
    val total = rows.last { it.firstOrNull() == "Total" }
    val ints = rows.firstOrNull { it.size >= 4 && it[3] == "[I" }
    // Give back to the kernel the free pages inside malloc's heaps: how far
    // the JNA queue grew between samples (it depends on when the cleaner
    // thread got a CPU) otherwise sets a high-water mark that RSS keeps.
    // Memory in use cannot be given back, so a leak still shows.
    libc.malloc_trim(0)
    return Live(
        objects = total[1].toLong() - (ints?.get(1)?.toLong() ?: 0L),
        kib = total[2].toLong() / 1024,
    )
}

fun main() {
    val env = System.getenv("TESSERA_LEAK_OPS")
    val ops = env?.toLongOrNull() ?: if (env == null) 1_000_000L else -1L
    if (ops <= 0 || ops % 1000 != 0L) {
        System.err.println("$BINDING: FAILED: TESSERA_LEAK_OPS=$env: a positive multiple of 1000")
        exitProcess(2)
    }
    val selftest = System.getenv("TESSERA_LEAK_SELFTEST") == "1"
    val kinds = MIX.flatMapIndexed { k, (_, n) -> List(n) { k } }
    check(kinds.size == 100) { "the mix fills 100 slots" }
    val kept = ArrayList<Any>()
    val counts = LongArray(MIX.size)
    val anon = LongArray(10)
    val vm = LongArray(10)
    val heap = LongArray(10)
    val objects = LongArray(10)
    val jnaLeft = IntArray(10)
    val mallocKib = LongArray(10)
    val tenth = ops / 10
    val t0: Long
    val cpu0: Long
    val os = ManagementFactory.getOperatingSystemMXBean() as com.sun.management.OperatingSystemMXBean
    try {
        val fns = buildOps()
        val schedule = kinds.map { fns[it] }
        // The first class histogram loads the management classes and makes
        // objects that stay: once before the run, so the samples do not see them.
        settledHeap()
        t0 = System.nanoTime()
        cpu0 = os.processCpuTime
        for (i in 0 until ops) {
            val slot = (i % 100).toInt()
            counts[kinds[slot]]++
            val result = schedule[slot](i)
            if (selftest) kept.add(result)
            if ((i + 1) % tenth == 0L) {
                val sample = ((i + 1) / tenth - 1).toInt()
                val live = settledHeap()
                objects[sample] = live.objects
                heap[sample] = live.kib
                jnaLeft[sample] = jnaMemoryBlocks()
                mallocKib[sample] = mallocInUseKib()
                val (a, v) = rssKib()
                anon[sample] = a
                vm[sample] = v
            }
        }
    } catch (e: Failed) {
        System.err.println("$BINDING: FAILED: ${e.message}")
        exitProcess(2)
    } catch (e: TesseraException) {
        System.err.println("$BINDING: FAILED: unexpected ${e.code}: ${e.detail}")
        exitProcess(2)
    }
    val secs = (System.nanoTime() - t0) / 1e9
    val cpuSecs = (os.processCpuTime - cpu0) / 1e9
    // Floors, for RSS too: even after malloc_trim, RssAnon moves by a few MiB
    // from sample to sample (pages that hold a few live blocks among freed
    // ones, the JIT's arenas), never in one direction.
    val growth = anon.slice(LATE).min() - anon.slice(EARLY).min()
    // The heap's floor: what a full collection leaves varies by a few MiB
    // from sample to sample (objects in flight between JNA, its cleaner and
    // the reference handler), so the smallest of the first three samples is
    // compared with the smallest of the last three; a leak raises both.
    val objectGrowth = objects.slice(LATE).min() - objects.slice(EARLY).min()
    // The same floor for malloc's bytes in use (the JIT's compiler arenas
    // come and go with compilations).
    val mallocGrowth = mallocKib.slice(LATE).min() - mallocKib.slice(EARLY).min()
    val leak = growth > LIMIT_KIB || objectGrowth > LIMIT_OBJECTS || mallocGrowth > LIMIT_MALLOC_KIB
    println("$BINDING: counts " + MIX.mapIndexed { k, (name, _) -> "$name=${counts[k]}" }.joinToString(" "))
    val note = if (selftest) "; SELF-TEST: ${kept.size} results kept on purpose" else ""
    println(
        "$BINDING: $ops ops in ${"%.2f".format(secs)} s (${"%.0f".format(ops / secs)} ops/s; " +
            "${"%.2f".format(cpuSecs)} s of CPU, all threads)$note",
    )
    println("$BINDING: RssAnon KiB after each tenth (after System.gc() and malloc_trim): ${anon.joinToString(" ")}")
    println("$BINDING: VmRSS KiB after each tenth: ${vm.joinToString(" ")}")
    println("$BINDING: live Java objects but int[] (class histogram) after each tenth: ${objects.joinToString(" ")}")
    println("$BINDING: live Java heap KiB (class histogram) after each tenth: ${heap.joinToString(" ")}")
    println("$BINDING: JNA Memory blocks not yet freed at each sample: ${jnaLeft.joinToString(" ")}")
    println("$BINDING: malloc KiB in use (mallinfo2) at each sample: ${mallocKib.joinToString(" ")}")
    println(
        "RESULT binding=$BINDING ops=$ops seconds=${"%.2f".format(secs)} cpu_seconds=${"%.2f".format(cpuSecs)} " +
            "first_kib=${anon.slice(EARLY).min()} last_kib=${anon.slice(LATE).min()} " +
            "growth_kib=$growth limit_kib=$LIMIT_KIB vmrss_growth_kib=${vm[9] - vm[0]} objects_growth=$objectGrowth " +
            "limit_objects=$LIMIT_OBJECTS malloc_growth_kib=$mallocGrowth limit_malloc_kib=$LIMIT_MALLOC_KIB status=${if (leak) "LEAK" else "ok"}",
    )
    System.out.flush()
    if (growth > LIMIT_KIB) {
        System.err.println("$BINDING: LEAK: RssAnon's floor grew $growth KiB (limit $LIMIT_KIB KiB)")
    }
    if (objectGrowth > LIMIT_OBJECTS) {
        System.err.println("$BINDING: LEAK: the floor of live Java objects grew by $objectGrowth (limit $LIMIT_OBJECTS)")
    }
    if (mallocGrowth > LIMIT_MALLOC_KIB) {
        System.err.println("$BINDING: LEAK: malloc's floor of bytes in use grew $mallocGrowth KiB (limit $LIMIT_MALLOC_KIB KiB)")
    }
    exitProcess(if (leak) 3 else 0)
}
