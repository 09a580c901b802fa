// Concurrency checks on one store shared by many threads, run on a
// MemoryStore by SessionApiTest and on Redis and a Redis Cluster by
// RedisTest (the same checks as bindings/c/tests/concurrency.h).
package dev.tessera

import java.util.concurrent.CyclicBarrier
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue

/**
 * `threads` threads share one SessionManager: each creates `rounds` sessions
 * (no id may repeat, none may be lost) and all increment one counter by
 * load + versioned save, reloading on SESSION_CONFLICT: the final count is
 * exact, so no save was silently lost.
 */
internal fun noLostSaves(store: SessionStore, threads: Int, rounds: Int, user: String) {
    val manager = SessionManager(store, 600_000)
    val counter = manager.create("""{"n":0}""")
    val pool = Executors.newFixedThreadPool(threads)
    val created = (0 until threads).map {
        pool.submit<List<String>> {
            (0 until rounds).map { r ->
                val id = manager.create("""{"round":$r}""", user)
                while (true) {
                    val s = manager.load(counter)!!
                    val n = (parseJson(s.data) as org.json.JSONObject).getInt("n")
                    try {
                        assertEquals(s.version + 1, manager.save(counter, """{"n":${n + 1}}""", s.version))
                        break
                    } catch (e: TesseraException) {
                        assertEquals(ErrorCode.SESSION_CONFLICT, e.code)
                    }
                }
                id
            }
        }
    }.flatMap { it.get(120, TimeUnit.SECONDS) }
    pool.shutdown()
    val total = threads * rounds
    val final = manager.load(counter)!!
    assertEquals("""{"n":$total}""", final.data)
    assertEquals(total.toLong(), final.version)
    assertEquals(total, created.toSet().size) // no collisions
    for (id in created.filterIndexed { i, _ -> i % 16 == 0 }) assertNotNull(manager.load(id))
    assertEquals(total.toLong(), manager.destroyUser(user)) // none lost
    assertTrue(manager.destroy(counter))
}

/**
 * `threads` threads present one refresh token at the same moment, `rounds`
 * times: exactly one gets a new token, the others REFRESH_TOKEN_REUSED, and
 * the winner's token is dead afterwards (the family is revoked).
 */
internal fun oneRefreshWinner(store: SessionStore, threads: Int, rounds: Int) {
    val tokens = RefreshTokens(store, 600_000)
    val pool = Executors.newFixedThreadPool(threads)
    repeat(rounds) {
        val token = tokens.issue("racer", """{"r":1}""")
        val start = CyclicBarrier(threads)
        val outcomes = (0 until threads).map {
            pool.submit<Any> {
                start.await()
                try {
                    tokens.rotate(token)
                } catch (e: TesseraException) {
                    e.code
                }
            }
        }.map { it.get(60, TimeUnit.SECONDS) }
        val winners = outcomes.filterIsInstance<Rotated>()
        assertEquals(1, winners.size, "outcomes: $outcomes")
        assertEquals(List(threads - 1) { ErrorCode.REFRESH_TOKEN_REUSED }, outcomes.filterIsInstance<ErrorCode>())
        assertEquals("racer", winners[0].userId)
        assertEquals("""{"r":1}""", winners[0].data)
        val e = runCatching { tokens.rotate(winners[0].token.value) }.exceptionOrNull() as? TesseraException
        assertEquals(ErrorCode.REFRESH_TOKEN_REUSED, e?.code)
        assertNull(runCatching { tokens.rotate(token) }.getOrNull())
    }
    pool.shutdown()
}
