// Runs every cookie vector file in tests/vectors/cookies/ through the Kotlin
// API: cookies minted by the real Flask/itsdangerous, Express libraries
// (cookie-session, keygrip, express-session) and Rails' ActiveSupport are
// opened, and what Kotlin writes is compared byte for byte with what they
// wrote (Rails, randomized, round trips); Tessera's own cookies (native.json)
// are opened and, when signed, sealed identically. A file without a runner
// here fails, as does a case with a field this runner does not know.
// Reference runners: core/tests/cookies_*.rs.
package dev.tessera

import java.io.File
import org.json.JSONArray
import org.json.JSONObject
import org.json.JSONTokener
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.Test

private val REQUIRED_COOKIE_CODES = setOf("MALFORMED", "INVALID_SIGNATURE", "EXPIRED", "ISSUED_IN_FUTURE", "SESSION_NOT_FOUND")

/** A broken vector (not a library failure). */
private class BrokenVector(msg: String) : Exception(msg)

/** What the library did differs from the vector. */
private class Mismatch(msg: String) : Exception(msg)

private fun fields(s: String) = s.split(Regex("\\s+")).filter { it.isNotEmpty() }.toSet()

private class CookieCase(val c: JSONObject, allowed: String, val codes: MutableSet<String>) {
    init {
        c.keySet().firstOrNull { it !in fields(allowed) }?.let { throw BrokenVector("unknown case field \"$it\"") }
    }

    fun text(name: String, o: JSONObject = c): String = o.opt(name) as? String ?: throw BrokenVector("\"$name\" must be a string")
    fun optText(name: String): String? = if (c.has(name)) text(name) else null
    fun long(name: String, o: JSONObject = c): Long =
        (o.opt(name) as? Number)?.toLong() ?: throw BrokenVector("\"$name\" must be an integer")
    fun optLong(name: String): Long? = if (c.isNull(name)) null else long(name)
    fun flag(name: String): Boolean = when (val v = c.opt(name)) {
        null -> false
        is Boolean -> v
        else -> throw BrokenVector("\"$name\" must be a boolean")
    }
    fun bytesList(name: String): List<ByteArray> =
        (c.opt(name) as? JSONArray ?: throw BrokenVector("\"$name\": a list of strings"))
            .map { (it as? String ?: throw BrokenVector("\"$name\": a list of strings")).toByteArray(Charsets.UTF_8) }
    val expect: JSONObject get() = c.opt("expect") as? JSONObject ?: throw BrokenVector("expect: object")

    /** A known error code a case expects (recorded as seen). */
    fun code(code: String): String {
        if (ErrorCode.entries.none { it.name == code }) throw BrokenVector("unknown code $code")
        codes += code
        return code
    }

    /** `expect`'s error code, or null when it lists the success members `allowed`. */
    fun wantError(o: JSONObject, allowed: String): String? {
        if (!o.has("error")) {
            o.keySet().firstOrNull { it !in fields(allowed) }?.let { throw BrokenVector("unexpected expect member \"$it\"") }
            return null
        }
        o.keySet().firstOrNull { it != "error" }?.let { throw BrokenVector("unexpected expect member \"$it\" with an error") }
        return code(text("error", o))
    }

    /** Runs `block`: its value when `want` is null; else it must throw `want`. */
    fun <T> outcome(what: String, want: String?, block: () -> T): T? {
        val r = try { Result.success(block()) } catch (e: TesseraException) { Result.failure(e) }
        if (want == null) return r.getOrElse { val t = it as TesseraException; throw Mismatch("$what: unexpected ${t.code}: ${t.detail}") }
        val e = r.exceptionOrNull() as TesseraException? ?: throw Mismatch("$what: expected $want, got success")
        if (e.code.name != want) throw Mismatch("$what: expected $want, got ${e.code}: ${e.detail}")
        return null
    }
}

private fun same(a: Any?, b: Any?): Boolean = when {
    a == null || a == JSONObject.NULL -> b == null || b == JSONObject.NULL
    a is Number && b is Number -> a.toDouble() == b.toDouble()
    a is JSONArray && b is JSONArray -> a.length() == b.length() && (0 until a.length()).all { same(a.opt(it), b.opt(it)) }
    a is JSONObject && b is JSONObject -> a.keySet() == b.keySet() && a.keySet().all { same(a.opt(it), b.opt(it)) }
    else -> a == b
}

private fun sameJson(what: String, got: String, want: Any?) {
    val parsed = try { JSONTokener(got).nextValue() } catch (e: Exception) { throw Mismatch("$what: invalid JSON $got") }
    if (!same(want, parsed)) throw Mismatch("$what: expected $want, got $got")
}

private fun sameText(what: String, got: String, want: String) {
    if (got != want) throw Mismatch("$what: expected $want, got $got")
}

private fun flask(k: CookieCase) {
    val c = k.c
    val codec = FlaskCookie(k.text("secret_key").toByteArray(), k.bytesList("fallbacks"))
    k.flag("compressed") // informational: zlib is used, so compressed cookies are identical too
    if (c.has("now")) sameText("dumps (byte-identical with Flask)", codec.dumps(k.text("json"), k.long("now")), k.text("cookie"))
    val want = k.wantError(k.expect, "json")
    k.outcome("loads", want) { codec.loads(k.text("cookie"), k.long("open_now")) }?.let { sameJson("loads", it, k.expect.opt("json")) }
}

private fun itsdangerous(k: CookieCase) {
    val c = k.c
    val keys = k.bytesList("secret_keys")
    val salt = if (c.isNull("salt")) null else k.text("salt") // null: the class default
    val (kd, digest, sep) = Triple(k.text("key_derivation"), k.text("digest"), k.text("sep"))
    val cookie = k.text("cookie")
    val maxAge = k.optLong("max_age")
    val openNow = k.long("open_now")
    val minted = c.has("now")
    k.flag("compressed")
    when (val kind = k.text("kind")) {
        "signer" -> {
            val s = Signer(keys, salt, sep, kd, digest)
            if (minted) sameText("sign", String(s.sign(k.text("value").toByteArray())), cookie)
            val want = k.wantError(k.expect, "value")
            k.outcome("unsign", want) { String(s.unsign(cookie.toByteArray())) }?.let { sameText("unsign", it, k.text("value", k.expect)) }
        }
        "timestamp_signer" -> {
            val s = TimestampSigner(keys, salt, sep, kd, digest)
            if (minted) sameText("sign", String(s.sign(k.text("value").toByteArray(), k.long("now"))), cookie)
            val want = k.wantError(k.expect, "value")
            k.outcome("unsign", want) { s.unsignWithTimestamp(cookie.toByteArray(), maxAge, openNow) }?.let {
                sameText("unsign", String(it.value), k.text("value", k.expect))
                if (minted && it.timestamp != k.long("now")) throw Mismatch("timestamp ${it.timestamp}")
            }
        }
        "serializer" -> {
            val s = UrlSafeTimedSerializer(keys, salt, sep, kd, digest)
            if (minted) sameText("dumps", s.dumps(k.text("json"), k.long("now")), cookie)
            val want = k.wantError(k.expect, "json")
            k.outcome("loads", want) { s.loadsWithTimestamp(cookie, maxAge, openNow) }?.let {
                sameJson("loads", it.json, k.expect.opt("json"))
                if (minted && it.timestamp != k.long("now")) throw Mismatch("timestamp ${it.timestamp}")
                if (it.json != s.loads(cookie, maxAge, openNow)) throw Mismatch("loads and loadsWithTimestamp differ")
            }
        }
        else -> throw BrokenVector("unknown kind $kind")
    }
}

private fun native(k: CookieCase) {
    val c = k.c
    val sc = SessionCookie(
        k.bytesList("secrets"), k.text("cookie_name"), encrypted = k.flag("encrypted"),
        maxAge = k.optLong("max_age"), chunked = k.flag("chunked"),
    )
    val value = k.optText("value")
    val header = k.optText("cookie_header")
    if ((value == null) == (header == null)) throw BrokenVector("value or cookie_header")
    (c.opt("seal") as? JSONObject)?.let { seal ->
        if (value == null) throw BrokenVector("seal needs a value")
        sameText("seal (byte for byte)", sc.seal(k.text("json", seal), k.long("now", seal)), value)
    }
    val want = k.wantError(k.expect, "json issued_at needs_reissue")
    val now = k.long("now")
    val got = k.outcome(if (value != null) "openInfo" else "load", want) {
        if (value != null) sc.openInfo(value, now) else sc.load(header!!, now)
    } ?: return
    sameText("json", got.json, k.text("json", k.expect))
    if (got.issuedAt != k.long("issued_at", k.expect)) throw Mismatch("issued_at ${got.issuedAt}")
    if (got.needsReissue != k.expect.opt("needs_reissue")) throw Mismatch("needs_reissue ${got.needsReissue}")
    if (value != null) sameText("open", sc.open(value, now), got.json)
}

private fun rails(k: CookieCase) {
    val rc = RailsCookie(k.text("secret_key_base").toByteArray(), k.text("cookie_name"), k.text("digest"))
    val cookie = k.text("cookie")
    val nowMs = k.long("now_ms")
    val want = k.wantError(k.expect, "json")
    val json = k.outcome("decrypt", want) { rc.decrypt(cookie, nowMs) } ?: return
    sameJson("decrypt", json, k.expect.opt("json"))
    // And back (randomized): the same length as Rails' message, so one Rails
    // could not have set (name + message > 4096 bytes) is refused.
    val rawLen = cookie.length - 2 * cookie.count { it == '%' }
    if (k.text("cookie_name").length + rawLen > 4096) {
        k.outcome("encrypt", "COOKIE_TOO_LARGE") { rc.encrypt(json) }
        return
    }
    val again = rc.encrypt(json, nowMs + 60_000)
    sameJson("round trip", rc.decrypt(again, nowMs), k.expect.opt("json"))
    k.outcome("decrypt after expiry", "EXPIRED") { rc.decrypt(again, nowMs + 60_000) }
}

private fun cookieSession(k: CookieCase) {
    val s = ExpressCookieSession(k.bytesList("keys"), k.text("name"))
    val wantJson = k.text("expected_json")
    val wantIndex = k.long("expected_index").toInt()
    val value = k.optText("value")
    val header = k.optText("cookie_header")
    if (value == null && header == null) throw BrokenVector("value+sig or cookie_header")
    if (value != null) {
        val sig = k.text("sig")
        val v = s.verifyInfo(value, sig)
        if (v != ExpressVerified(wantJson, wantIndex, wantIndex > 0)) throw Mismatch("verifyInfo: $v")
        sameText("verify", s.verify(value, sig), wantJson)
        if (k.flag("sign_identical")) {
            val signed = s.sign(wantJson)
            if (signed != ExpressSignedCookie(Secret(value), Secret(sig))) throw Mismatch("sign (byte-identical with cookie-session): ${signed.value.value} ${signed.sig.value}")
        }
        k.optText("resigned_sig")?.let { sameText("signValue", s.signValue(value), it) }
    }
    if (header != null) {
        val v = s.loadInfo(header)
        if (v != ExpressVerified(wantJson, wantIndex, wantIndex > 0)) throw Mismatch("loadInfo: $v")
        sameText("load", s.load(header), wantJson)
    }
}

private fun cookieSessionRejected(k: CookieCase) {
    val s = ExpressCookieSession(k.bytesList("keys"), k.text("name"))
    val want = k.code(k.text("error"))
    val header = k.optText("cookie_header")
    if (header != null) k.outcome("load", want) { s.load(header) }
    else k.outcome("verify", want) { s.verify(k.text("value"), k.text("sig")) }
}

private fun sessionId(k: CookieCase) {
    val ids = ExpressSessionId(k.bytesList("secrets"))
    val want = UnsignedSessionId(Secret(k.text("sid")), k.long("expected_index").toInt())
    for (form in listOf("signed", "wire")) {
        val got = ids.unsignInfo(k.text(form))
        if (got != want) throw Mismatch("$form: ${got.sid.value} ${got.secretIndex}")
    }
    sameText("quoted", ids.unsign("\"" + k.text("wire") + "\""), want.sid.value)
    if (k.flag("sign_identical")) sameText("sign (byte-identical with cookie-signature)", ids.sign(want.sid.value), k.text("signed"))
}

private fun sessionIdRejected(k: CookieCase) {
    val ids = ExpressSessionId(k.bytesList("secrets"))
    val want = k.code(k.text("error"))
    k.outcome("unsign", want) { ids.unsign(k.text("value")) }
}

private fun sessionIdHeaders(k: CookieCase) {
    val ids = ExpressSessionId(k.bytesList("secrets"))
    val want = if (k.c.has("error")) k.code(k.text("error")) else null
    val got = k.outcome("loadInfo", want) { ids.loadInfo(k.text("cookie_header"), k.text("name")) } ?: return
    if (got != UnsignedSessionId(Secret(k.text("expected_sid")), k.long("expected_index").toInt())) throw Mismatch("loadInfo: ${got.sid.value} ${got.secretIndex}")
}

class CookieVectorsTest {
    private val failures = mutableListOf<String>()
    private val codes = sortedSetOf<String>()
    private var total = 0

    private fun runCases(file: String, section: String, cases: Any?, idField: String, allowed: String, run: (CookieCase) -> Unit) {
        val list = cases as? JSONArray
        if (list == null || list.isEmpty) { failures += "$file: $section: needs a non-empty array of cases"; return }
        val ids = mutableSetOf<String>()
        for (i in 0 until list.length()) {
            total++
            val c = list.optJSONObject(i) ?: JSONObject()
            val id = (if (section.isEmpty()) "" else "$section/") + (c.opt(idField) as? String ?: "<no id>")
            if (!ids.add(id)) failures += "$file: $id: duplicate id"
            try {
                run(CookieCase(c, allowed, codes))
            } catch (e: BrokenVector) {
                failures += "$file: $id: broken vector: ${e.message}"
            } catch (e: Mismatch) {
                failures += "$file: $id: ${e.message}"
            } catch (e: TesseraException) {
                failures += "$file: $id: unexpected ${e.code}: ${e.detail}"
            } catch (e: Exception) {
                failures += "$file: $id: broken vector or crash: $e"
            }
        }
    }

    /** flask.json, itsdangerous.json, native.json, rails.json: {"_schema", ..., "cases": [...]}. */
    private fun flat(file: String, doc: JSONObject, allowed: String, run: (CookieCase) -> Unit) {
        doc.keySet().firstOrNull { it !in fields("_schema _generator _versions _format cases") }?.let { failures += "$file: unknown file field \"$it\"" }
        if (doc.opt("_schema") !is String) failures += "$file: needs a \"_schema\" description"
        runCases(file, "", doc.opt("cases"), "name", allowed, run)
    }

    private fun express(file: String, doc: JSONObject) {
        val sections = mapOf<String, Pair<String, (CookieCase) -> Unit>>(
            "cookie_session" to ("id keys name value sig cookie_header set_cookie expected_json expected_index sign_identical resigned_sig" to ::cookieSession),
            "cookie_session_rejected" to ("id keys name value sig cookie_header error" to ::cookieSessionRejected),
            "session_id" to ("id secrets sid signed wire set_cookie expected_index sign_identical" to ::sessionId),
            "session_id_rejected" to ("id secrets value error" to ::sessionIdRejected),
            "session_id_headers" to ("id secrets name cookie_header expected_sid expected_index error" to ::sessionIdHeaders),
        )
        val schema = doc.opt("schema") as? JSONObject ?: run { failures += "$file: needs a \"schema\" object"; return }
        schema.keySet().filter { it !in sections }.forEach { failures += "$file: $it: a section this runner does not know" }
        for (name in doc.keySet().sorted()) {
            if (name in setOf("description", "versions", "schema")) continue
            val section = sections[name]
            if (section == null) {
                failures += "$file: unknown file field \"$name\""
                continue
            }
            val (allowed, run) = section
            if (!schema.has(name)) failures += "$file: $name: a section the schema does not describe"
            runCases(file, name, doc.opt(name), "id", allowed, run)
        }
        sections.keys.filter { !doc.has(it) }.forEach { failures += "$file: $it: section missing" }
    }

    @Test
    fun everyCookieVectorFile() {
        val dir = File(System.getProperty("tessera.vectors.dir") ?: "../../tests/vectors", "cookies")
        val files = dir.listFiles { f -> f.isFile && f.name.endsWith(".json") }?.sortedBy { it.name }.orEmpty()
        assertTrue(files.isNotEmpty(), "no cookie vector files in $dir")
        for (f in files) {
            val (before, failedBefore) = total to failures.size
            val doc = try { JSONObject(f.readText()) } catch (e: Exception) { failures += "${f.name}: cannot parse: $e"; continue }
            when (f.name) {
                "flask.json" -> flat(f.name, doc, "name secret_key fallbacks now json cookie compressed open_now expect", ::flask)
                "itsdangerous.json" -> flat(f.name, doc, "name kind secret_keys salt key_derivation digest sep now value json cookie compressed open_now max_age expect", ::itsdangerous)
                "native.json" -> flat(f.name, doc, "name secrets cookie_name encrypted max_age chunked now value cookie_header seal expect", ::native)
                "rails.json" -> flat(f.name, doc, "name secret_key_base digest cookie_name cookie now_ms expect", ::rails)
                "express.json" -> express(f.name, doc)
                else -> failures += "${f.name}: no Kotlin runner for this vector file (add one to CookieVectorsTest.kt)"
            }
            println("cookie vectors: ${f.name}: ${total - before} cases, ${failures.size - failedBefore} failed")
        }
        REQUIRED_COOKIE_CODES.filter { it !in codes }.forEach { failures += "no cookie vector expects $it" }
        println("cookie vectors: $total cases in ${files.size} files, ${failures.size} failed")
        if (failures.isNotEmpty()) fail<Unit>("${failures.size} cookie vector failures:\n" + failures.joinToString("\n"))
    }
}
