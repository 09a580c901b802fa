// Runs the mutation vectors (tests/vectors/mutations/mutations.json, schema 1;
// format and runner rules in tests/vectors/README.md, reference runner
// core/tests/mutations.rs) through the Kotlin API: one dynamic test per case.
//
// A case names a valid token or cookie (`input`), the member that is mutated
// (`field`) and the error codes a mutant may fail with (`errors`). The
// unmutated input (the control) must succeed; then every mutant runs through
// the same call with only that member replaced, and must throw a
// TesseraException whose code is in `errors`:
//   bitflip   every bit of every byte of the field's UTF-8 bytes
//   truncate  every proper prefix (lengths 0 .. len-1)
//   extend    the field + each of `suffixes`
//   renames   input[renames.field] = each of renames.values (the field as is)
// String arguments get the mutated bytes decoded as ISO-8859-1 (each byte one
// code point U+0000..U+00FF); ByteArray arguments (itsdangerous' signers) get
// the bytes. A mutant with a 0x00 byte is skipped and counted, as in every
// runner (C strings cannot carry it). Every mutant of a case runs; all failures
// are reported together; the number of mutants is checked against the count
// computed from the input lengths.
package dev.tessera

import java.io.File
import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.TestFactory

private val MUTATION_FILE_FIELDS = setOf("suite", "schema", "description", "keys", "cases")
private val MUTATION_CASE_FIELDS = setOf("id", "target", "input", "field", "mutations", "suffixes", "renames", "errors", "comment")
private val MUTATION_KINDS = setOf("bitflip", "truncate", "extend")
private val MUTATION_VALIDATION_FIELDS = setOf(
    "algorithms", "issuer", "audience", "subject", "required", "leeway", "max_age",
    "typ", "now", "verify_exp", "verify_nbf", "max_token_bytes",
)

/** A broken vector (not a library failure). */
private class BrokenMutationVector(msg: String) : Exception(msg)

private fun broken(msg: String): Nothing = throw BrokenMutationVector(msg)

/** The input object, with member `name` (if any) replaced by the mutated bytes. */
private class MutantInput(val o: JSONObject, val name: String? = null, val mutated: ByteArray? = null) {
    fun raw(n: String): Any = o.opt(n) ?: broken("input: missing \"$n\"")
    fun str(n: String): String =
        if (n == name) String(mutated!!, Charsets.ISO_8859_1) else raw(n) as? String ?: broken("input: \"$n\" must be a string")
    fun bytes(n: String): ByteArray = if (n == name) mutated!! else str(n).toByteArray(Charsets.UTF_8)
    fun long(n: String): Long = when (val v = raw(n)) {
        is Int -> v.toLong()
        is Long -> v
        else -> broken("input: \"$n\" must be an integer")
    }
    fun optLong(n: String): Long? = if (raw(n) == JSONObject.NULL) null else long(n)
    fun optStr(n: String): String? = if (raw(n) == JSONObject.NULL) null else str(n)
    fun flag(n: String): Boolean = raw(n) as? Boolean ?: broken("input: \"$n\" must be a boolean")
    fun byteList(n: String): List<ByteArray> = (raw(n) as? JSONArray ?: broken("input: \"$n\" must be a list of strings"))
        .map { (it as? String ?: broken("input: \"$n\" must be a list of strings")).toByteArray(Charsets.UTF_8) }
}

/** Codecs and keys a setup made, closed after use. */
private class Owned : AutoCloseable {
    private val items = mutableListOf<AutoCloseable>()
    fun <T : AutoCloseable> own(x: T): T = x.also { items += it }
    override fun close() = items.asReversed().forEach { it.close() }.also { items.clear() }
}

/** The call under test, bound to the codec a setup built. */
private typealias Call = (MutantInput) -> Unit

private class Target(
    members: String,
    optional: String,
    /** Members only the call reads: mutating one reuses the control's codec; others rebuild it. */
    callArgs: String,
    val setup: (MutantInput, JSONObject, Owned) -> Call,
) {
    val members = words(members)
    val optional = words(optional)
    val callArgs = words(callArgs)

    companion object {
        fun words(s: String) = s.split(' ').filter { it.isNotEmpty() }.toSet()
    }
}

/** KEYSPEC → Key, as in VectorsTest. */
private fun mutationKey(spec: JSONObject): Key {
    var (alg, kid, weak) = Triple<String?, String?, Boolean>(null, null, false)
    val material = mutableListOf<String>()
    fun text(k: String) = spec.opt(k) as? String ?: broken("key spec: \"$k\" must be a string")
    for (k in spec.keySet()) when (k) {
        "alg" -> alg = text(k)
        "kid" -> kid = text(k)
        "allow_weak" -> weak = spec.opt(k) as? Boolean ?: broken("allow_weak: bool")
        "jwk", "pem", "secret_hex", "secret_utf8" -> material += k
        else -> broken("bad key spec member \"$k\"")
    }
    if (material.size != 1) broken("a key spec needs exactly one key material")
    return when (val m = material[0]) {
        "jwk" -> Key.fromJwk((spec.opt(m) as? JSONObject ?: broken("jwk: object")).toString(), alg, kid, weak)
        "pem" -> Key.fromPem(text(m), alg, kid, weak)
        "secret_hex" -> text(m).let { h ->
            if (h.length % 2 != 0) broken("odd hex length")
            Key.hmac(ByteArray(h.length / 2) { h.substring(2 * it, 2 * it + 2).toInt(16).toByte() }, alg, kid, weak)
        }
        else -> Key.hmac(text(m).toByteArray(Charsets.UTF_8), alg, kid, weak)
    }
}

/** `validation` → Validation, as in VectorsTest. */
private fun mutationValidation(v: Any?): Validation {
    if (v == null) return Validation()
    if (v !is JSONObject) broken("validation: object")
    v.keySet().firstOrNull { it !in MUTATION_VALIDATION_FIELDS }?.let { broken("unknown validation option \"$it\"") }
    fun raw(n: String) = v.opt(n)?.takeUnless { it == JSONObject.NULL }
    fun num(n: String) = raw(n)?.let { (it as? Int)?.toLong() ?: it as? Long ?: broken("$n: integer") }
    fun flag(n: String) = raw(n)?.let { it as? Boolean ?: broken("$n: bool") }
    fun str(n: String) = raw(n)?.let { it as? String ?: broken("$n: string") }
    fun list(n: String, oneOk: Boolean) = raw(n)?.let {
        when {
            it is String && oneOk -> listOf(it)
            it is JSONArray -> it.map { s -> s as? String ?: broken("$n: a list of strings") }
            else -> broken("$n: a list of strings")
        }
    }
    return Validation(
        algorithms = list("algorithms", false), issuer = list("issuer", true),
        audience = list("audience", true), subject = str("subject"),
        required = list("required", false), leeway = num("leeway"), maxAge = num("max_age"),
        typ = str("typ"), now = num("now"), verifyExp = flag("verify_exp"),
        verifyNbf = flag("verify_nbf"), maxTokenBytes = num("max_token_bytes"),
    )
}

private val TARGETS = mapOf(
    // jwt_decode as in attacks.json (VectorsTest's one-shot jwtDecode).
    "jwt" to Target("keys token", "validation", "token") { i, fileKeys, owned ->
        val names = i.raw("keys") as? JSONArray ?: broken("input: \"keys\" must be a list of key names")
        val keys = names.map { n ->
            val name = n as? String ?: broken("a key name is a string")
            owned.own(mutationKey(fileKeys.optJSONObject(name) ?: broken("unknown key \"$name\"")))
        }
        val set = owned.own(KeySet(keys))
        val validation = mutationValidation(i.o.opt("validation"))
        val call: Call = { m -> jwtDecode(m.str("token"), set, validation) }
        call
    },
    "native" to Target("secrets cookie_name encrypted max_age now value", "", "value now") { i, _, owned ->
        val sc = owned.own(SessionCookie(i.byteList("secrets"), i.str("cookie_name"), encrypted = i.flag("encrypted"), maxAge = i.optLong("max_age")))
        val call: Call = { m -> sc.open(m.str("value"), m.long("now")) }
        call
    },
    "flask" to Target("secret_key fallbacks open_now cookie", "", "open_now cookie") { i, _, owned ->
        val fc = owned.own(FlaskCookie(i.bytes("secret_key"), i.byteList("fallbacks")))
        val call: Call = { m -> fc.loads(m.str("cookie"), m.long("open_now")) }
        call
    },
    "itsdangerous" to Target("kind secret_keys salt key_derivation digest sep open_now max_age cookie", "", "open_now max_age cookie") { i, _, owned ->
        val keys = i.byteList("secret_keys")
        val salt = i.optStr("salt") // null: the class default
        val (kd, digest, sep) = Triple(i.str("key_derivation"), i.str("digest"), i.str("sep"))
        when (val kind = i.str("kind")) {
            "signer" -> owned.own(Signer(keys, salt, sep, kd, digest)).let { s ->
                { m: MutantInput -> s.unsign(m.bytes("cookie")); Unit }
            }
            "timestamp_signer" -> owned.own(TimestampSigner(keys, salt, sep, kd, digest)).let { s ->
                { m: MutantInput -> s.unsignWithTimestamp(m.bytes("cookie"), m.optLong("max_age"), m.long("open_now")); Unit }
            }
            "serializer" -> owned.own(UrlSafeTimedSerializer(keys, salt, sep, kd, digest)).let { s ->
                { m: MutantInput -> s.loads(m.str("cookie"), m.optLong("max_age"), m.long("open_now")); Unit }
            }
            else -> broken("input: unknown kind \"$kind\"")
        }
    },
    "express_cookie_session" to Target("keys name value sig", "", "value sig") { i, _, owned ->
        val s = owned.own(ExpressCookieSession(i.byteList("keys"), i.str("name")))
        val call: Call = { m -> s.verify(m.str("value"), m.str("sig")) }
        call
    },
    "express_session_id" to Target("secrets value", "", "value") { i, _, owned ->
        val ids = owned.own(ExpressSessionId(i.byteList("secrets")))
        val call: Call = { m -> ids.unsign(m.str("value")) }
        call
    },
    "rails" to Target("secret_key_base digest cookie_name now_ms cookie", "", "now_ms cookie") { i, _, owned ->
        val rc = owned.own(RailsCookie(i.bytes("secret_key_base"), i.str("cookie_name"), i.str("digest")))
        val call: Call = { m -> rc.decrypt(m.str("cookie"), m.long("now_ms")) }
        call
    },
)

/** What one case did. */
private class CaseRun(val id: String) {
    val failures = mutableListOf<String>()
    var generated = 0
    var checked = 0
    var skipped = 0
    fun fail(what: String, msg: String) { failures += "$id: $what: $msg" }
}

private fun strings(v: Any?, what: String): List<String> {
    val a = v as? JSONArray ?: broken("\"$what\" must be a non-empty list of strings")
    if (a.isEmpty) broken("\"$what\" must be a non-empty list of strings")
    return a.map { it as? String ?: broken("\"$what\" must be a list of strings") }
}

private fun runMutationCase(c: JSONObject, fileKeys: JSONObject, r: CaseRun) {
    c.keySet().firstOrNull { it !in MUTATION_CASE_FIELDS }?.let { broken("unknown case member \"$it\"") }
    val targetName = c.opt("target") as? String ?: broken("\"target\" must be a string")
    val target = TARGETS[targetName] ?: broken("unknown target \"$targetName\"")
    val input = c.opt("input") as? JSONObject ?: broken("\"input\" must be an object")
    input.keySet().firstOrNull { it !in target.members && it !in target.optional }?.let { broken("unknown input member \"$it\" for $targetName") }
    target.members.firstOrNull { !input.has(it) }?.let { broken("input: missing \"$it\" for $targetName") }
    val field = c.opt("field") as? String ?: broken("\"field\" must be a string")
    val original = (input.opt(field) as? String ?: broken("input[\"$field\"] (the field) must be a string")).toByteArray(Charsets.UTF_8)
    val kinds = strings(c.opt("mutations"), "mutations")
    kinds.firstOrNull { it !in MUTATION_KINDS }?.let { broken("unknown mutation \"$it\"") }
    val suffixes = if ("extend" in kinds) strings(c.opt("suffixes"), "suffixes")
    else if (c.has("suffixes")) broken("\"suffixes\" without \"extend\"") else emptyList()
    val renames = c.opt("renames")?.let { rn ->
        val o = rn as? JSONObject ?: broken("\"renames\" must be an object")
        if (o.keySet() != setOf("field", "values")) broken("\"renames\" must be {\"field\", \"values\"}")
        val rf = o.opt("field") as? String ?: broken("renames.field must be a string")
        if (input.opt(rf) !is String) broken("input[\"$rf\"] (renames.field) must be a string")
        rf to strings(o.opt("values"), "renames.values")
    }
    val errors = strings(c.opt("errors"), "errors").toSet()
    errors.firstOrNull { e -> ErrorCode.entries.none { it.name == e } }?.let { broken("unknown error code \"$it\"") }

    Owned().use { owned ->
        // The control: codec and call must both succeed.
        val control = MutantInput(input)
        val call: Call? = try {
            target.setup(control, fileKeys, owned).also { it(control) }
        } catch (e: TesseraException) {
            r.fail("control", "unmutated input failed: ${e.code}: ${e.detail}")
            null
        } catch (e: BrokenMutationVector) {
            throw e
        } catch (e: Throwable) {
            r.fail("control", "unmutated input threw $e")
            null
        }

        fun mutant(name: String, bytes: ByteArray, what: () -> String) {
            r.generated++
            if (bytes.any { it == 0.toByte() }) { r.skipped++; return }
            val m = MutantInput(input, name, bytes)
            val reuse = name in target.callArgs
            if (reuse && call == null) { r.fail(what(), "not run: the control failed"); return }
            r.checked++
            try {
                if (reuse) call!!(m)
                else Owned().use { fresh -> target.setup(m, fileKeys, fresh)(m) } // its construction error is the outcome
                r.fail(what(), "accepted (expected one of $errors)")
            } catch (e: TesseraException) {
                if (e.code.name !in errors) r.fail(what(), "got ${e.code} (${e.detail}), not one of $errors")
            } catch (e: BrokenMutationVector) {
                throw e
            } catch (e: Throwable) {
                r.fail(what(), "threw $e (not a TesseraException)")
            }
        }

        val n = original.size
        var expected = 0
        var expectedSkips = 0
        if ("bitflip" in kinds) {
            for (i in 0 until n) for (b in 0 until 8) {
                val m = original.copyOf()
                m[i] = (m[i].toInt() xor (1 shl b)).toByte()
                mutant(field, m) { "bitflip i=$i b=$b" }
            }
            expected += 8 * n
            // A byte with exactly one bit set flips to 0x00.
            expectedSkips += original.count { Integer.bitCount(it.toInt() and 0xff) == 1 }
        }
        if ("truncate" in kinds) {
            for (len in 0 until n) mutant(field, original.copyOf(len)) { "truncate len=$len" }
            expected += n
        }
        for (s in suffixes) {
            val sb = s.toByteArray(Charsets.UTF_8)
            mutant(field, original + sb) { "extend suffix=${JSONObject.quote(s)}" }
            expected += 1
            if (sb.any { it == 0.toByte() }) expectedSkips++
        }
        renames?.let { (rf, values) ->
            for (v in values) {
                val vb = v.toByteArray(Charsets.UTF_8)
                mutant(rf, vb) { "rename $rf=${JSONObject.quote(v)}" }
                expected += 1
                if (vb.any { it == 0.toByte() }) expectedSkips++
            }
        }
        if (r.generated != expected || r.skipped != expectedSkips)
            r.fail("count", "${r.generated} mutants generated (${r.skipped} with NUL), expected $expected ($expectedSkips)")
        if (r.checked != expected - expectedSkips && call != null)
            r.fail("count", "${r.checked} mutants checked, expected ${expected - expectedSkips}")
        if (r.checked == 0) r.fail("count", "no mutant checked")
    }
}

class MutationsTest {
    @TestFactory
    fun mutationVectors(): List<DynamicTest> {
        val file = File(System.getProperty("tessera.vectors.dir") ?: "../../tests/vectors", "mutations/mutations.json")
        val doc = try {
            JSONObject(file.readText())
        } catch (e: Exception) {
            return listOf(dynamicTest("mutations.json") { fail<Unit>("cannot read or parse $file: $e") })
        }
        val fileProblems = mutableListOf<String>()
        doc.keySet().filter { it !in MUTATION_FILE_FIELDS }.forEach { fileProblems += "unknown file member \"$it\"" }
        if (doc.opt("suite") != "mutations") fileProblems += "suite must be \"mutations\""
        if (doc.opt("schema") != 1) fileProblems += "schema must be 1"
        val keys = doc.opt("keys") as? JSONObject ?: JSONObject().also { fileProblems += "needs a keys object" }
        val cases = doc.opt("cases") as? JSONArray ?: JSONArray().also { fileProblems += "needs a cases array" }
        if (cases.isEmpty) fileProblems += "no cases"

        val runs = mutableListOf<CaseRun>()
        val ids = mutableSetOf<String>()
        val tests = mutableListOf(dynamicTest("mutations.json") {
            if (fileProblems.isNotEmpty()) fail<Unit>(fileProblems.joinToString("\n"))
        })
        for (k in 0 until cases.length()) {
            val c = cases.optJSONObject(k) ?: JSONObject()
            val id = c.opt("id") as? String ?: "<no id $k>"
            val duplicate = !ids.add(id)
            tests += dynamicTest(id) {
                val r = CaseRun(id).also { runs += it }
                if (duplicate) r.fail("-", "duplicate id")
                try {
                    runMutationCase(c, keys, r)
                } catch (e: BrokenMutationVector) {
                    r.fail("-", "broken vector: ${e.message}")
                }
                if (r.failures.isNotEmpty()) fail<Unit>("${r.failures.size} failures:\n" + r.failures.joinToString("\n"))
            }
        }
        // Dynamic tests run in order: this one sums up the cases before it.
        tests += dynamicTest("summary") {
            val failed = runs.count { it.failures.isNotEmpty() }
            println("mutations: ${runs.size} cases, ${runs.sumOf { it.generated }} mutants " +
                "(${runs.sumOf { it.skipped }} with a NUL byte skipped), ${runs.sumOf { it.checked }} checked, " +
                "${runs.sumOf { it.failures.size }} failures in $failed cases")
            assertTrue(runs.size == cases.length(), "every case ran (${runs.size} of ${cases.length()})")
            assertTrue(runs.sumOf { it.checked } > 0, "no mutant checked")
        }
        return tests
    }
}
