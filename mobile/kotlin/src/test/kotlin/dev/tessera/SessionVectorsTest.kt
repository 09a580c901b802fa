// Runs the store-independent session scenarios
// (tests/vectors/sessions/scenarios.json; its "_schema" member documents the
// format; the reference runner is core/tests/sessions.rs) through the Kotlin
// API, each scenario on a fresh store shared by a SessionManager, a Denylist
// and RefreshTokens. Here on a MemoryStore; RedisTest runs the same
// scenarios on Redis and on a Redis Cluster. A step with an unknown op or
// member fails, as does an op of this runner that no scenario uses.
package dev.tessera

import java.io.File
import java.math.BigDecimal
import org.json.JSONArray
import org.json.JSONObject
import org.json.JSONTokener
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.Test

private fun words(s: String) = s.split(Regex("\\s+")).filter { it.isNotEmpty() }.toSet()

private val STEP_FIELDS = words("op data user as id literal expect version patch ms jti exp_in token")
private val OPS = words(
    """create load save merge touch destroy rotate destroy_user sleep revoke is_revoked issue
    rotate_refresh revoke_family""",
)

/** A broken scenario, or a result that differs from it. */
private class ScenarioFailure(msg: String) : Exception(msg)

/** JSON values compared as values: members in any order, numbers by value. */
internal fun sameJson(a: Any?, b: Any?): Boolean = when {
    a is JSONObject && b is JSONObject ->
        a.keySet() == b.keySet() && a.keySet().all { sameJson(a.opt(it), b.opt(it)) }
    a is JSONArray && b is JSONArray ->
        a.length() == b.length() && (0 until a.length()).all { sameJson(a.opt(it), b.opt(it)) }
    a is Number && b is Number -> BigDecimal(a.toString()).compareTo(BigDecimal(b.toString())) == 0
    else -> a == b
}

/** Parses JSON text the library returned. */
internal fun parseJson(text: String): Any? = JSONTokener(text).nextValue()

private class Scenario(val sc: JSONObject, store: SessionStore) {
    private fun ms(name: String): Long? = if (sc.isNull(name)) null else sc.getLong(name)
    val manager = SessionManager(store, ms("ttl_ms")!!, ms("idle_ms"))
    val denylist = Denylist(store)
    val refresh = RefreshTokens(store, ms("refresh_ttl_ms")!!)
    val names = mutableMapOf<String, String>()

    fun text(step: JSONObject, name: String): String =
        step.opt(name) as? String ?: throw ScenarioFailure("\"$name\" must be a string")

    fun resolve(step: JSONObject, name: String): String {
        val s = text(step, name)
        return if (step.optBoolean("literal")) s else names[s] ?: throw ScenarioFailure("unbound name \"$s\"")
    }

    fun expectBool(step: JSONObject, got: Boolean) {
        val want = step.opt("expect") as? Boolean ?: throw ScenarioFailure("expect must be true or false")
        if (got != want) throw ScenarioFailure("got $got")
    }

    /** A call answering a version, against {"version": n} or {"error": CODE}. */
    fun expectVersion(step: JSONObject, call: () -> Long) {
        val expect = step.getJSONObject("expect")
        val got = try {
            call()
        } catch (e: TesseraException) {
            if (expect.optString("error") != e.code.name) throw ScenarioFailure("got ${e.code} (${e.detail})")
            return
        }
        if (expect.has("error")) throw ScenarioFailure("got version $got, expected ${expect.get("error")}")
        if (got != expect.getLong("version")) throw ScenarioFailure("got version $got")
    }

    fun run(step: JSONObject) {
        val expect = step.opt("expect")
        when (val op = text(step, "op")) {
            "create" -> names[text(step, "as")] =
                manager.create(step.get("data").toString(), if (step.isNull("user")) null else text(step, "user"))
            "load" -> {
                val got = manager.load(resolve(step, "id"))
                when {
                    expect == JSONObject.NULL -> if (got != null) throw ScenarioFailure("found $got, expected none")
                    got == null -> throw ScenarioFailure("no session, expected one")
                    else -> {
                        val e = expect as JSONObject
                        if (!sameJson(parseJson(got.data), e.get("data"))) throw ScenarioFailure("data ${got.data}")
                        if (got.version != e.getLong("version")) throw ScenarioFailure("version ${got.version}")
                        if (got.userId != (if (e.isNull("user")) null else e.getString("user"))) {
                            throw ScenarioFailure("user ${got.userId}")
                        }
                        if (got.id.value != resolve(step, "id")) throw ScenarioFailure("id ${got.id.value}")
                    }
                }
            }
            "save" -> expectVersion(step) {
                manager.save(resolve(step, "id"), step.get("data").toString(), step.getLong("version"))
            }
            "merge" -> expectVersion(step) { manager.merge(resolve(step, "id"), step.get("patch").toString()) }
            "touch" -> expectBool(step, manager.touch(resolve(step, "id")))
            "destroy" -> expectBool(step, manager.destroy(resolve(step, "id")))
            "rotate" -> {
                val got = manager.rotate(resolve(step, "id"))
                if (step.has("expect") && expect == JSONObject.NULL) {
                    if (got != null) throw ScenarioFailure("rotated, expected no session")
                } else {
                    names[text(step, "as")] = got ?: throw ScenarioFailure("no session to rotate")
                }
            }
            "destroy_user" -> {
                val got = manager.destroyUser(text(step, "user"))
                if (got != step.getLong("expect")) throw ScenarioFailure("destroyed $got")
            }
            "sleep" -> Thread.sleep(step.getLong("ms"))
            "revoke" -> denylist.revoke(text(step, "jti"), System.currentTimeMillis() / 1000 + step.getLong("exp_in"))
            "is_revoked" -> expectBool(step, denylist.isRevoked(text(step, "jti")))
            "issue" -> names[text(step, "as")] =
                refresh.issue(text(step, "user"), if (step.has("data")) step.get("data").toString() else null)
            "rotate_refresh" -> {
                val e = expect as? JSONObject ?: throw ScenarioFailure("expect must be an object")
                val got = try {
                    refresh.rotate(resolve(step, "token"))
                } catch (x: TesseraException) {
                    if (e.optString("error") != x.code.name) throw ScenarioFailure("got ${x.code} (${x.detail})")
                    return
                }
                if (e.has("error")) throw ScenarioFailure("rotated, expected ${e.get("error")}")
                if (got.userId != e.getString("user")) throw ScenarioFailure("user ${got.userId}")
                if (!sameJson(got.data?.let { parseJson(it) } ?: JSONObject.NULL, e.get("data"))) {
                    throw ScenarioFailure("data ${got.data}")
                }
                names[text(step, "as")] = got.token.value
            }
            "revoke_family" -> expectBool(step, refresh.revokeFamily(resolve(step, "token")))
            else -> throw ScenarioFailure("unknown op \"$op\"")
        }
    }
}

/**
 * Runs every scenario, each on `store(index)`; fails the test with every
 * failing "scenario: step" if any failed. Returns the number of steps run.
 */
internal fun runSessionScenarios(label: String, store: (Int) -> SessionStore): Int {
    val dir = File(System.getProperty("tessera.vectors.dir") ?: "../../tests/vectors")
    val scenarios = JSONObject(File(dir, "sessions/scenarios.json").readText()).getJSONArray("scenarios")
    if (scenarios.length() < 6) fail<Unit>("expected 6 or more scenarios, found ${scenarios.length()}")
    val failures = mutableListOf<String>()
    val seen = mutableSetOf<String>()
    var steps = 0
    for (i in 0 until scenarios.length()) {
        val sc = scenarios.getJSONObject(i)
        val name = sc.optString("name", "(unnamed)")
        var at = 0
        try {
            val scenario = Scenario(sc, store(i))
            val list = sc.getJSONArray("steps")
            for (s in 0 until list.length()) {
                at = s
                val step = list.getJSONObject(s)
                step.keySet().firstOrNull { it !in STEP_FIELDS }?.let { throw ScenarioFailure("unknown member \"$it\"") }
                val op = step.optString("op")
                if (op !in OPS) throw ScenarioFailure("unknown op \"$op\"")
                seen += op
                scenario.run(step)
                steps++
            }
        } catch (e: ScenarioFailure) {
            failures += "$name: step $at: ${e.message}"
        } catch (e: TesseraException) {
            failures += "$name: step $at: unexpected ${e.code}: ${e.detail}"
        } catch (e: org.json.JSONException) {
            failures += "$name: step $at: broken scenario: ${e.message}"
        }
    }
    (OPS - seen).forEach { failures += "no scenario uses op \"$it\"" }
    println("session vectors ($label): ${scenarios.length()} scenarios ($steps steps), ${failures.size} failed")
    if (failures.isNotEmpty()) fail<Unit>(failures.joinToString("\n"))
    return steps
}

class SessionVectorsTest {
    @Test
    fun scenariosOnMemoryStore() {
        runSessionScenarios("MemoryStore") { SessionStore.Memory(MemoryStore()) }
    }
}
