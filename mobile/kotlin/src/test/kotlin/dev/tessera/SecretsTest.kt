// Secrets hygiene (issue 11) on Kotlin: no TesseraException text and no
// toString() of a Tessera object holds a secret (HMAC secrets, private key
// members, cookie secrets, secretKeyBase, session ids, refresh tokens, CSRF
// session bindings) or a whole token or cookie. Every secret is guarded in
// its raw, hex (both cases), base64 and base64url (padded or not) forms;
// tokens and cookies as they are. A text fails if it holds any 20-byte piece
// of any of them (or a whole one shorter than that).
//
// Checked for every failure: message, detail, claim, toString() and the
// whole stack trace text. For objects: toString(). That includes the records
// whose fields are the credential the caller asked for (`Session.id`,
// `Rotated.token`, `UnsignedSessionId.sid`, `ExpressSignedCookie.value` and
// `.sig`): those fields are `Secret`s, which print as `Secret(…)`.
package dev.tessera

import java.security.MessageDigest
import java.util.Base64
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

private const val PIECE = 20
private const val NOW = 1_800_000_000L

private class Guard {
    private val pieces = HashSet<String>()
    private val short = ArrayList<String>()
    var checked = 0
    val failures = ArrayList<String>()

    /** Needles are compared as ISO-8859-1 text, so any byte string works. */
    fun needle(b: ByteArray) {
        val s = String(b, Charsets.ISO_8859_1)
        if (s.length < PIECE) {
            short.add(s)
            return
        }
        for (i in 0..s.length - PIECE) pieces.add(s.substring(i, i + PIECE))
    }

    fun secret(s: ByteArray) {
        assertTrue(s.size >= 12)
        needle(s)
        val hex = s.joinToString("") { "%02x".format(it) }
        needle(hex.toByteArray())
        needle(hex.uppercase().toByteArray())
        for (enc in listOf(Base64.getEncoder(), Base64.getUrlEncoder())) {
            val e = enc.encodeToString(s)
            needle(e.toByteArray())
            needle(e.trimEnd('=').toByteArray())
        }
    }

    fun text(t: String) = needle(t.toByteArray())

    /** A mutated input: guarded when more than a fragment. */
    fun input(t: String) {
        if (t.length >= PIECE) text(t)
    }

    fun key(k: Key) {
        val jwk = JSONObject(k.toJwk(true))
        for (m in listOf("k", "d", "p", "q", "dp", "dq", "qi")) {
            if (jwk.has(m)) secret(Base64.getUrlDecoder().decode(jwk.getString(m)))
        }
    }

    fun check(context: String, hay: String?) {
        if (hay == null) return
        checked++
        val h = String(hay.toByteArray(), Charsets.ISO_8859_1)
        for (i in 0..h.length - PIECE) {
            if (h.substring(i, i + PIECE) in pieces) {
                failures.add("$context: holds a secret piece: $hay")
                return
            }
        }
        for (n in short) {
            if (n in h) {
                failures.add("$context: holds '$n': $hay")
                return
            }
        }
    }

    fun error(context: String, e: Throwable) {
        check("$context message", e.message)
        check("$context toString", e.toString())
        check("$context stack trace", e.stackTraceToString())
        if (e is TesseraException) {
            check("$context detail", e.detail)
            check("$context claim", e.claim)
        }
    }

    fun fails(context: String, block: () -> Unit) {
        try {
            block()
        } catch (e: TesseraException) {
            error(context, e)
            return
        }
        failures.add("$context: succeeded")
    }

    fun shows(context: String, x: Any) = check("$context toString", x.toString())

    /** A record with a credential field: its toString() shows the field as `Secret(…)`. */
    fun record(context: String, x: Any) {
        val t = x.toString()
        if ("Secret(…)" !in t) failures.add("$context: no Secret(…) in $t")
        shows(context, x)
    }

    fun done(atLeast: Int) {
        assertEquals(emptyList<String>(), failures.take(40), "${failures.size} leak(s)")
        assertTrue(checked >= atLeast, "only $checked texts checked")
    }
}

private var seed = 0x5eedL
private fun randBytes(n: Int): ByteArray = ByteArray(n) {
    seed = (seed * 6364136223846793005L + 1442695040888963407L)
    (seed ushr 56).toByte()
}
private fun randText(n: Int): String {
    val a = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    return randBytes(n).joinToString("") { a[(it.toInt() and 0xff) % a.length].toString() }
}

private fun mutants(s: String): List<String> {
    val out = ArrayList<String>()
    for (i in s.indices) {
        val r = when (s[i]) { 'A' -> 'B'; '.' -> '_'; '-' -> '.'; else -> 'A' }
        out.add(s.substring(0, i) + r + s.substring(i + 1))
    }
    for (n in 0 until s.length step 3) out.add(s.substring(0, n))
    for (x in listOf("A", "=", ".", "--", "%")) out.add(s + x)
    return out.filter { it != s }
}

private fun Guard.rejected(what: String, value: String, open: (String) -> Unit, other: (String) -> Unit) {
    text(value)
    open(value) // the control opens
    fails("$what other secret") { other(value) }
    val ms = mutants(value)
    ms.forEachIndexed { i, m ->
        input(m)
        fails("$what mutant $i") { open(m) }
    }
    assertTrue(ms.size > value.length)
}

private fun sha256Hex(s: String): String =
    MessageDigest.getInstance("SHA-256").digest(s.toByteArray()).joinToString("") { "%02x".format(it) }

class SecretsTest {
    @Test
    fun secretPrintsNothingAndComparesByValue() {
        val v = "tok_" + randText(43)
        val s = Secret(v)
        assertEquals("Secret(…)", s.toString())
        assertEquals("Secret(…)", "$s")
        assertEquals(v, s.value)
        assertEquals(Secret(String(v.toCharArray())), s)
        assertEquals(Secret(v).hashCode(), s.hashCode())
        assertNotEquals(Secret(v.dropLast(1)), s)
        assertNotEquals(Secret(v.dropLast(1) + "!"), s)
        assertFalse(s.equals(v))
        val r = Rotated("u", "{}", s)
        assertEquals("Rotated(userId=u, data={}, token=Secret(…))", r.toString())
        assertEquals(Rotated("u", "{}", Secret(v)), r) // records still compare by content
        assertEquals("Session(id=Secret(…), data={}, userId=null, version=1, createdAtMs=2, expiresAtMs=3)", Session(s, "{}", null, 1, 2, 3).toString())
        assertEquals("UnsignedSessionId(sid=Secret(…), secretIndex=0)", UnsignedSessionId(s, 0).toString())
        assertEquals("ExpressSignedCookie(value=Secret(…), sig=Secret(…))", ExpressSignedCookie(s, s).toString())
    }

    @Test
    fun theGuardCatchesEveryForm() {
        val secret = "0123456789abcdefghijklmnopqrstuvwxyz!@#$".toByteArray()
        val hex = secret.joinToString("") { "%02x".format(it) }
        for (form in listOf(String(secret), hex, hex.uppercase(), Base64.getEncoder().encodeToString(secret), Base64.getUrlEncoder().withoutPadding().encodeToString(secret))) {
            val g = Guard()
            g.secret(secret)
            g.check("t", "error: " + form.substring(3, 3 + PIECE + 2))
            assertEquals(1, g.failures.size, form)
        }
        val r = Guard()
        val token = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
        r.text(token)
        r.record("leaky record", ExpressSignedCookie(Secret(token), Secret(token)).toString().replaceFirst("Secret(…)", token))
        assertEquals(1, r.failures.size) // a credential printed beside a Secret(…) is caught
        r.record("record without Secret", ExpressVerified("{}", 0, false))
        assertEquals(2, r.failures.size) // a record without a Secret field is not what record() is for
        val g = Guard()
        g.text("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijklmnopqrstuvwxyz")
        g.error("t", TesseraException.Failed(ErrorCode.MALFORMED, "bad eyJzdWIiOiIxIn0.abcdefgh", null))
        assertTrue(g.failures.isNotEmpty())
    }

    @Test
    fun jwtFailuresHoldNoSecretAndNoToken() {
        val g = Guard()
        val sa = randBytes(64)
        val sb = randText(64).toByteArray()
        g.secret(sa)
        g.secret(sb)
        val a = Key.hmac(sa, kid = "k")
        val b = Key.hmac(sb, kid = "k")
        val sub = randText(48)
        val iss = randText(48)
        g.text(sub)
        g.text(iss)
        val token = jwtEncode("""{"sub":"$sub","iss":"$iss","aud":"x","exp":${NOW + 600}}""", a)
        g.text(token)
        val setA = KeySet(listOf(a))
        val va = Verifier(setA, Validation(audience = listOf("x"), now = NOW, cacheSize = 8))
        val vb = Verifier(KeySet(listOf(b)), Validation(audience = listOf("x"), now = NOW))
        va.verify(token)
        g.fails("wrong key") { vb.verify(token) }
        mutants(token).forEachIndexed { i, m ->
            g.input(m)
            g.fails("mutant $i") { va.verify(m) }
            try {
                jwtDecodeUnverified(m)
            } catch (e: TesseraException) {
                g.error("unverified mutant $i", e)
            }
        }
        for ((what, v) in listOf(
            "issuer" to Validation(audience = listOf("x"), now = NOW, issuer = listOf("other")),
            "subject" to Validation(audience = listOf("x"), now = NOW, subject = "other"),
            "audience" to Validation(audience = listOf("y"), now = NOW),
            "expired" to Validation(audience = listOf("x"), now = NOW + 10_000),
            "required" to Validation(audience = listOf("x"), now = NOW, required = listOf("exp", "scope")),
        )) {
            g.fails(what) { Verifier(setA, v).verify(token) }
            g.fails("decode $what") { jwtDecode(token, setA, v) }
        }
        val long = randText(300)
        g.text(long)
        fun seg(json: String) = Base64.getUrlEncoder().withoutPadding().encodeToString(json.toByteArray())
        for (header in listOf("""{"alg":"HS256","kid":"$long"}""", """{"alg":"HS256","crit":["$long"]}""", """{"alg":"$long"}""", """{"alg":"none"}""")) {
            val crafted = "${seg(header)}.${seg("""{"sub":"$sub","exp":${NOW + 60}}""")}.${"A".repeat(43)}"
            g.text(crafted)
            g.fails("crafted $header") { va.verify(crafted) }
        }
        g.fails("sign with crit") { jwsSign("x".toByteArray(), a, """{"crit":["$long"]}""") }
        g.fails("sign unknown kid") { jwtEncodeWithKeySet("{}", setA, """{"kid":"$long"}""") }
        g.fails("too large") { va.verify(token + "A".repeat(20_000)) }
        g.shows("Verifier", va)
        g.shows("Key", a)
        g.shows("KeySet", setA)
        g.done(1500)
    }

    @Test
    fun keyFailuresAndKeyObjectsHoldNoKeyMaterial() {
        val g = Guard()
        val keys = listOf("HS256", "HS512", "RS256", "ES256", "ES384", "EdDSA").associateWith { Key.generate(it, kid = it) }
        for (k in keys.values) g.key(k)
        for ((alg, key) in keys) {
            g.shows(alg, key)
            val jwk = JSONObject(key.toJwk(true))
            if (!alg.startsWith("HS")) {
                g.check("$alg public JWK", key.toJwk(false))
                g.shows("$alg public", key.public())
            }
            for (member in listOf("k", "d", "p", "q", "dp", "dq", "qi", "x", "n")) {
                if (!jwk.has(member)) continue
                val v = jwk.getString(member)
                val mid = v.length / 2
                val damaged = listOf(v.substring(0, mid) + (if (v[mid] == 'A') 'B' else 'A') + v.substring(mid + 1), v.dropLast(2), v + "AAAA", null)
                for (d in damaged) {
                    val bad = JSONObject(jwk.toString())
                    if (d == null) bad.remove(member) else bad.put(member, d)
                    try {
                        Key.fromJwk(bad.toString())
                    } catch (e: TesseraException) {
                        g.error("$alg damaged $member", e)
                    }
                    try {
                        KeySet.fromJwks("""{"keys":[$bad]}""")
                    } catch (e: TesseraException) {
                        g.error("$alg JWKS damaged $member", e)
                    }
                }
            }
            val other = if (alg.startsWith("HS")) "ES256" else "HS256"
            g.fails("$alg as $other") { Key.fromJwk(jwk.toString(), alg = other) }
        }
        val set = KeySet(keys.values.toList())
        g.shows("KeySet", set)
        g.check("JWKS", set.toJwks())
        val weak = randBytes(16)
        g.secret(weak)
        g.fails("weak") { Key.hmac(weak) }
        g.fails("weak oct JWK") { Key.fromJwk("""{"kty":"oct","k":"${Base64.getUrlEncoder().withoutPadding().encodeToString(weak)}"}""") }
        val pem = "-----BEGIN PRIVATE KEY-----\n" +
            "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n" +
            "-----END PRIVATE KEY-----\n"
        g.key(Key.fromPem(pem))
        val body = pem.lines()[1]
        g.text(body)
        g.secret(Base64.getDecoder().decode(body))
        for (i in body.indices) {
            val flipped = pem.replace(body, body.substring(0, i) + (if (body[i] == 'A') 'B' else 'A') + body.substring(i + 1))
            try {
                Key.fromPem(flipped)
            } catch (e: TesseraException) {
                g.error("PEM flip $i", e)
            }
            g.fails("PEM cut $i") { Key.fromPem(pem.replace(body, body.substring(0, i))) }
        }
        g.fails("PEM wrong alg") { Key.fromPem(pem, alg = "RS256") }
        val kid = randText(200)
        g.text(kid)
        val k1 = Key.generate("HS256", kid = kid)
        val k2 = Key.generate("HS256", kid = kid)
        g.key(k1)
        g.key(k2)
        g.fails("duplicate kid") { KeySet(listOf(k1, k2)) }
        g.fails("JWKS duplicate kid") { KeySet.fromJwks("""{"keys":[${k1.toJwk(true)},${k2.toJwk(true)}]}""") }
        g.done(500)
    }

    @Test
    fun cookieFailuresAndCodecObjectsHoldNoSecretAndNoCookie() {
        val g = Guard()
        val s1 = randText(48).toByteArray()
        val s2 = randBytes(48)
        g.secret(s1)
        g.secret(s2)
        val data = """{"user":"alice","n":[1,2,3]}"""
        for (encrypted in listOf(false, true)) {
            val c1 = SessionCookie(listOf(s1), encrypted = encrypted, maxAge = 100)
            val c2 = SessionCookie(listOf(s2), encrypted = encrypted, maxAge = 100)
            val v = c1.seal(data, NOW)
            g.rejected("native $encrypted", v, { c1.open(it, NOW) }, { c2.open(it, NOW) })
            g.fails("native expired") { c1.open(v, NOW + 1000) }
            g.fails("native load") { c1.load("session=${v.dropLast(3)}", NOW) }
            g.shows("SessionCookie", c1)
            g.shows("OpenedCookie", c1.openInfo(v, NOW))
        }
        g.fails("native short secret") { SessionCookie(listOf(s1.copyOf(20))) }
        val f1 = FlaskCookie(s1)
        val f2 = FlaskCookie(s2)
        g.rejected("flask", f1.dumps(data, NOW), { f1.loads(it, NOW) }, { f2.loads(it, NOW) })
        g.shows("FlaskCookie", f1)
        for (kd in listOf("concat", "django-concat", "hmac", "none")) {
            val a = Signer(listOf(s1), keyDerivation = kd)
            val b = Signer(listOf(s2), keyDerivation = kd)
            val v = String(a.sign("value".toByteArray()))
            g.rejected("Signer $kd", v, { a.unsign(it.toByteArray()) }, { b.unsign(it.toByteArray()) })
            g.shows("Signer", a)
            val ta = TimestampSigner(listOf(s2, s1), keyDerivation = kd)
            val tb = TimestampSigner(listOf(s2 + 1.toByte()), keyDerivation = kd)
            val tv = String(ta.sign("value".toByteArray(), NOW))
            g.rejected("TimestampSigner $kd", tv, { ta.unsign(it.toByteArray(), 60, NOW) }, { tb.unsign(it.toByteArray(), 60, NOW) })
            g.fails("TimestampSigner expired") { ta.unsign(tv.toByteArray(), 60, NOW + 61) }
            g.shows("TimestampSigner", ta)
        }
        val sa = UrlSafeTimedSerializer(listOf(s1))
        val sb = UrlSafeTimedSerializer(listOf(s2))
        g.rejected("UrlSafeTimedSerializer", sa.dumps(data, NOW), { sa.loads(it, null, NOW) }, { sb.loads(it, null, NOW) })
        g.shows("UrlSafeTimedSerializer", sa)
        val e1 = ExpressCookieSession(listOf(s1))
        val e2 = ExpressCookieSession(listOf(s2))
        val signed = e1.sign(data)
        g.text(signed.value.value)
        g.text(signed.sig.value)
        g.rejected("cookie-session sig", signed.sig.value, { e1.verify(signed.value.value, it) }, { e2.verify(signed.value.value, it) })
        g.rejected("cookie-session value", signed.value.value, { e1.verify(it, signed.sig.value) }, { e2.verify(it, signed.sig.value) })
        g.record("ExpressSignedCookie", signed)
        g.shows("ExpressCookieSession", e1)
        val sid = randText(32)
        g.text(sid)
        val x1 = ExpressSessionId(listOf(s1))
        val x2 = ExpressSessionId(listOf(s2))
        val xv = x1.sign(sid)
        g.rejected("express-session", xv, { x1.unsign(it) }, { x2.unsign(it) })
        g.fails("express-session load") { x1.load("connect.sid=" + xv.replace('.', 'x')) }
        g.record("UnsignedSessionId", x1.unsignInfo(xv))
        g.record("UnsignedSessionId (load)", x1.loadInfo("connect.sid=$xv"))
        g.shows("ExpressSessionId", x1)
        val base1 = randText(128).toByteArray()
        val base2 = randBytes(64)
        g.secret(base1)
        g.secret(base2)
        for (digest in listOf("sha256", "sha1")) {
            val r1 = RailsCookie(base1, "_app_session", digest)
            val rotation = RailsRotation(base2 + 1.toByte(), "sha1")
            g.shows("RailsRotation", rotation)
            val r2 = RailsCookie(base2, "_app_session", digest, listOf(rotation))
            val rv = r1.encrypt(data, (NOW + 60) * 1000)
            g.rejected("rails $digest", rv, { r1.decrypt(it, NOW * 1000) }, { r2.decrypt(it, NOW * 1000) })
            g.fails("rails expired") { r1.decrypt(rv, (NOW + 120) * 1000) }
            g.shows("RailsCookie", r2)
        }
        g.fails("rails empty") { RailsCookie(ByteArray(0), "_s") }
        val session = randText(43)
        g.text(session)
        val k1 = CsrfTokens(listOf(s1))
        val k2 = CsrfTokens(listOf(s2))
        val t = k1.generate(session)
        g.rejected("csrf", t, { k1.verify(session, it) }, { k2.verify(session, it) })
        g.fails("csrf other session") { k1.verify(randText(43), t) }
        g.fails("csrf short secret") { CsrfTokens(listOf(s1.copyOf(20))) }
        g.shows("CsrfTokens", k1)
        g.done(4000)
    }

    @Test
    fun sessionFailuresAndServiceObjectsHoldNoIdOrToken() {
        val g = Guard()
        val memory = MemoryStore()
        val store = SessionStore.Memory(memory)
        val m = SessionManager(store, 600_000, 60_000)
        val sid = m.create("""{"a":1}""", "alice")
        g.text(sid)
        g.text(sha256Hex(sid))
        val s = m.load(sid)!!
        g.record("Session", s)
        m.save(sid, """{"a":2}""", s.version)
        g.record("Session (saveChanges)", m.saveChanges(sid, """{"a":2}""", """{"a":2,"b":1}"""))
        g.fails("stale save") { m.save(sid, """{"a":3}""", s.version) }
        g.fails("stale save, id from the record") { m.save(s.id.value, """{"a":3}""", s.version) }
        val unknown = randText(43)
        g.text(unknown)
        g.fails("unknown save") { m.save(unknown, "{}", 0) }
        g.fails("unknown merge") { m.merge(unknown, "{}") }
        val rotated = m.rotate(sid, null)!!
        g.text(rotated)
        g.shows("SessionManager", m)
        g.shows("MemoryStore", memory)
        g.shows("SessionStore", store)
        val rt = RefreshTokens(store, 600_000)
        val t0 = rt.issue("bob", """{"scope":"x"}""")
        g.text(t0)
        val r1 = rt.rotate(t0)
        g.text(r1.token.value)
        g.record("Rotated", r1)
        g.fails("reused") { rt.rotate(t0) }
        g.fails("revoked family") { rt.rotate(r1.token.value) }
        g.fails("unknown refresh") { rt.rotate(unknown) }
        val odd = randText(30) + "!".repeat(13)
        g.text(odd)
        g.fails("not a token") { rt.rotate(odd) }
        g.shows("RefreshTokens", rt)
        val deny = Denylist(store)
        val jti = randText(40)
        g.text(jti)
        deny.revoke(jti, NOW * 10)
        val key = Key.generate("HS256")
        g.key(key)
        val token = jwtEncode("""{"jti":"$jti","exp":${NOW + 60}}""", key)
        g.text(token)
        val v = Verifier(KeySet(listOf(key)), Validation(now = NOW), deny)
        g.fails("revoked") { v.verify(token) }
        g.shows("Denylist", deny)
        g.shows("Verifier with denylist", v)
        val password = randText(32)
        g.text(password)
        for (url in listOf("redis://user:$password@127.0.0.1:1/0", "redis+unix:///tmp/tessera-none.sock?pass=$password")) {
            val r = RedisStore(listOf(url), connectTimeoutMs = 200, ioTimeoutMs = 200)
            g.shows("RedisStore", r)
            g.fails("redis unreachable") { r.ping() }
        }
        g.fails("redis bad URL") { RedisStore(listOf("nope://:$password@host")) }
        g.done(40)
    }
}
