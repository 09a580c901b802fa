// Runs every language-neutral vector in tests/vectors/*.json through the
// Kotlin API (a port of core/tests/vectors.rs, the reference runner; the
// format is tests/vectors/README.md). Codes are compared, messages never.
package dev.tessera

import java.io.File
import java.util.Base64
import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.Test

private const val REQUIRED_CODES = """MALFORMED TOO_LARGE UNSUPPORTED_ALGORITHM ALGORITHM_NOT_ALLOWED
    KEY_NOT_FOUND INVALID_KEY INVALID_SIGNATURE EXPIRED NOT_YET_VALID ISSUED_IN_FUTURE TOO_OLD
    INVALID_ISSUER INVALID_AUDIENCE INVALID_SUBJECT INVALID_TYPE MISSING_CLAIM INVALID_CLAIM
    UNSUPPORTED_CRITICAL_HEADER"""
private val FILE_FIELDS = words("suite schema description source license keys cases")
private val CASE_FIELDS = words("""id op expect comment source key keys verify_keys msg_hex msg_utf8
    sig_hex token detached_payload_hex claims_json header_json validation""")
private val EXPECT_FIELDS = mapOf(
    "load_key" to "alg kid private thumbprint", "verify_signature" to "valid",
    "sign_signature" to "sig_b64u", "jws_verify" to "payload_hex", "jwt_encode" to "token",
    "jwt_decode" to "claims registered", "jwt_roundtrip" to "claims registered",
    "decode_unverified" to "header claims",
).mapValues { words(it.value) }
private val VALIDATION_FIELDS = words("""algorithms issuer audience subject required leeway max_age
    typ now verify_exp verify_nbf max_token_bytes""")

private fun words(s: String) = s.split(Regex("\\s+")).filter { it.isNotEmpty() }.toSet()

/** A broken vector (not a library failure). */
private class Broken(msg: String) : Exception(msg)

private fun JSONObject.text(name: String): String =
    opt(name) as? String ?: throw Broken("\"$name\" must be a string")
private fun JSONObject.optText(name: String): String? = if (has(name)) text(name) else null
private fun unhex(s: String): ByteArray {
    if (s.length % 2 != 0) throw Broken("odd hex length")
    return ByteArray(s.length / 2) { s.substring(2 * it, 2 * it + 2).toInt(16).toByte() }
}
private fun hex(b: ByteArray) = b.joinToString("") { "%02x".format(it) }
private fun strings(v: Any?, oneOk: Boolean): List<String> = when {
    v is String && oneOk -> listOf(v)
    v is JSONArray -> v.map { it as? String ?: throw Broken("a list of strings") }
    else -> throw Broken("expected a list of strings")
}

/** KEYSPEC → Key. A load error is the outcome of the case that uses it. */
private fun loadKey(spec: JSONObject): Key {
    var (alg, kid, weak) = Triple<String?, String?, Boolean>(null, null, false)
    val material = mutableListOf<String>()
    for (k in spec.keySet()) when (k) {
        "alg" -> alg = spec.text(k)
        "kid" -> kid = spec.text(k)
        "allow_weak" -> weak = spec.opt(k) as? Boolean ?: throw Broken("allow_weak: bool")
        "jwk", "pem", "secret_hex", "secret_utf8" -> material += k
        else -> throw Broken("bad key spec member \"$k\"")
    }
    if (material.size != 1) throw Broken("a key spec needs exactly one key material")
    return when (val m = material[0]) {
        "jwk" -> Key.fromJwk((spec.opt(m) as? JSONObject ?: throw Broken("jwk: object")).toString(), alg, kid, weak)
        "pem" -> Key.fromPem(spec.text(m), alg, kid, weak)
        "secret_hex" -> Key.hmac(unhex(spec.text(m)), alg, kid, weak)
        else -> Key.hmac(spec.text(m).toByteArray(Charsets.UTF_8), alg, kid, weak)
    }
}

private class Case(val c: JSONObject, val keys: JSONObject) {
    fun key(name: Any?): Key {
        val n = name as? String ?: throw Broken("a key name is a string")
        return loadKey(keys.optJSONObject(n) ?: throw Broken("unknown key \"$n\""))
    }
    fun keySet(field: String): KeySet {
        val names = c.opt(field) as? JSONArray ?: throw Broken("\"$field\": a list of key names")
        return KeySet(names.map { key(it) })
    }
    fun validation(): Validation {
        val v = c.opt("validation") ?: return Validation()
        if (v !is JSONObject) throw Broken("validation: object")
        v.keySet().firstOrNull { it !in VALIDATION_FIELDS }?.let { throw Broken("unknown validation option \"$it\"") }
        // null = the default, as in Validation::from_json; a wrong type is a broken vector.
        fun raw(n: String) = v.opt(n)?.takeUnless { it == JSONObject.NULL }
        fun num(n: String) = raw(n)?.let { (it as? Int)?.toLong() ?: it as? Long ?: throw Broken("$n: integer") }
        fun flag(n: String) = raw(n)?.let { it as? Boolean ?: throw Broken("$n: bool") }
        fun str(n: String) = raw(n)?.let { it as? String ?: throw Broken("$n: string") }
        fun list(n: String, oneOk: Boolean) = raw(n)?.let { strings(it, oneOk) }
        return Validation(
            algorithms = list("algorithms", false), issuer = list("issuer", true),
            audience = list("audience", true), subject = str("subject"),
            required = list("required", false), leeway = num("leeway"), maxAge = num("max_age"),
            typ = str("typ"), now = num("now"), verifyExp = flag("verify_exp"),
            verifyNbf = flag("verify_nbf"), maxTokenBytes = num("max_token_bytes"),
        )
    }
    fun claimsResult(cl: Claims): Map<String, Any?> {
        val registered = JSONObject(mapOf("exp" to cl.exp, "nbf" to cl.nbf, "iat" to cl.iat,
            "iss" to cl.iss, "sub" to cl.sub, "aud" to cl.aud?.let { JSONArray(it) }, "jti" to cl.jti))
        return mapOf("claims" to JSONObject(cl.json), "registered" to registered)
    }

    /** Runs the op; returns what it observed, named like `expect`. */
    fun execute(op: String): Map<String, Any?> {
        val header = c.optText("header_json")
        return when (op) {
            "load_key" -> key(c.opt("key")).let {
                mapOf("alg" to it.alg(), "kid" to it.kid(), "private" to it.isPrivate(), "thumbprint" to it.thumbprint())
            }
            "verify_signature" -> {
                key(c.opt("key")).verifySignature(unhex(c.text("msg_hex")), unhex(c.text("sig_hex")))
                mapOf("valid" to true)
            }
            "sign_signature" -> {
                val k = key(c.opt("key"))
                val msg = c.optText("msg_utf8")?.toByteArray(Charsets.UTF_8) ?: unhex(c.text("msg_hex"))
                mapOf("sig_b64u" to Base64.getUrlEncoder().withoutPadding().encodeToString(k.sign(msg)))
            }
            "jws_verify" -> {
                val (set, token) = keySet("keys") to c.text("token")
                val payload = c.optText("detached_payload_hex")?.let { unhex(it) }
                    ?.also { jwsVerifyDetached(token, it, set) } ?: jwsVerify(token, set)
                mapOf("payload_hex" to hex(payload))
            }
            "jwt_encode" -> mapOf("token" to jwtEncode(c.text("claims_json"), key(c.opt("key")), header))
            // The one-shot function for decode, a shared Verifier for round trips: both are API.
            "jwt_decode" -> claimsResult(jwtDecode(c.text("token"), keySet("keys"), validation()))
            "jwt_roundtrip" -> {
                val token = jwtEncode(c.text("claims_json"), key(c.opt("key")), header)
                claimsResult(Verifier(keySet("verify_keys"), validation()).verifyClaims(token))
            }
            "decode_unverified" -> jwtDecodeUnverified(c.text("token")).let {
                mapOf("header" to JSONObject(it.headerJson), "claims" to JSONObject(it.claimsJson))
            }
            else -> throw Broken("unknown op \"$op\"")
        }
    }
}

/** JSON equality where numbers compare by value (as doubles), as in every language. */
private fun same(a: Any?, b: Any?): Boolean = when {
    (a == null || a == JSONObject.NULL) -> b == null || b == JSONObject.NULL
    a is Number && b is Number -> a.toDouble() == b.toDouble()
    a is JSONArray && b is JSONArray -> a.length() == b.length() && (0 until a.length()).all { same(a.opt(it), b.opt(it)) }
    a is JSONObject && b is JSONObject -> a.keySet() == b.keySet() && a.keySet().all { same(a.opt(it), b.opt(it)) }
    else -> a == b
}

/** Runs one case: null when it passes, else what differed. */
private fun runCase(c: JSONObject, keys: JSONObject, codes: MutableSet<String>): String? {
    c.keySet().firstOrNull { it !in CASE_FIELDS }?.let { throw Broken("unknown case field \"$it\"") }
    val op = c.text("op")
    var allowed = EXPECT_FIELDS[op] ?: throw Broken("unknown op \"$op\"")
    val expect = c.opt("expect") as? JSONObject ?: throw Broken("expect: object")
    val wantError = if (expect.has("error")) expect.text("error") else null
    if (wantError != null) allowed = setOf("error", "claim")
    expect.keySet().firstOrNull { it !in allowed }?.let { throw Broken("unexpected expect member \"$it\" for $op") }
    if (expect.isEmpty) throw Broken("empty expect")
    val outcome = try { Result.success(Case(c, keys).execute(op)) } catch (e: TesseraException) { Result.failure(e) }
    if (wantError == null) {
        val got = outcome.getOrElse { return "unexpected error ${(it as TesseraException).code}: ${it.detail}" }
        for (k in expect.keySet()) {
            val want = expect.opt(k)
            val ok = if (k == "registered" && want is JSONObject) {
                val g = got[k] as JSONObject
                want.keySet().all { same(want.opt(it), g.opt(it)) }
            } else same(want, got[k])
            if (!ok) return "$k: expected $want, got ${got[k]}"
        }
        return null
    }
    if (ErrorCode.entries.none { it.name == wantError }) throw Broken("unknown code $wantError")
    codes += wantError
    val wantClaim = expect.optText("claim")
    val e = outcome.exceptionOrNull() as TesseraException? ?: return "expected $wantError, got success ${outcome.getOrNull()}"
    return when {
        e.code.name != wantError -> "expected $wantError, got ${e.code}: ${e.detail}"
        wantClaim != null && e.claim != wantClaim -> "expected claim $wantClaim, got ${e.claim} (${e.code})"
        else -> null
    }
}

class VectorsTest {
    @Test
    fun everyVectorFile() {
        val dir = File(System.getProperty("tessera.vectors.dir") ?: "../../tests/vectors")
        val files = dir.listFiles { f -> f.isFile && f.name.endsWith(".json") }?.sortedBy { it.name }.orEmpty()
        assertTrue(files.isNotEmpty(), "no vector files in $dir")
        val (failures, codes) = mutableListOf<String>() to sortedSetOf<String>()
        var total = 0
        for (file in files) {
            val name = file.name
            val doc = JSONObject(file.readText())
            doc.keySet().firstOrNull { it !in FILE_FIELDS }?.let { failures += "$name: unknown file field \"$it\"" }
            if (doc.opt("schema") != 1) failures += "$name: schema must be 1"
            val keys = doc.optJSONObject("keys") ?: JSONObject()
            val cases = doc.optJSONArray("cases") ?: JSONArray()
            val ids = mutableSetOf<String>()
            for (i in 0 until cases.length()) {
                total++
                val c = cases.optJSONObject(i) ?: JSONObject()
                val id = c.opt("id") as? String ?: "<no id>"
                if (!ids.add(id)) failures += "$name: $id: duplicate id"
                try {
                    runCase(c, keys, codes)?.let { failures += "$name: $id: $it" }
                } catch (e: Broken) {
                    failures += "$name: $id: broken vector: ${e.message}"
                } catch (e: Exception) {
                    failures += "$name: $id: broken vector or crash: $e"
                }
            }
            println("$name: ${cases.length()} cases")
        }
        words(REQUIRED_CODES).filter { it !in codes }.forEach { failures += "no vector expects $it" }
        println("vectors: $total cases in ${files.size} files, ${failures.size} failed")
        if (failures.isNotEmpty()) fail<Unit>("${failures.size} of $total vector cases failed:\n" + failures.joinToString("\n"))
    }
}
