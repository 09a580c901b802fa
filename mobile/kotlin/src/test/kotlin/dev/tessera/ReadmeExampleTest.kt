// The Kotlin example of mobile/README.md, verbatim between the markers, so
// the documented code compiles and runs. Keep the two in sync.
package dev.tessera

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

class ReadmeExampleTest {
    @Test
    fun readmeExample() {
        val out = StringBuilder()
        fun println(x: Any?) { out.append(x).append('\n') }
        // --- README example start
        // The server's public keys (e.g. fetched from its JWKS endpoint).
        val signer = Key.generate("ES256", kid = "2026-11")            // normally on the server
        val jwks = KeySet(listOf(signer)).toJwks()                      // public parts only

        // One Verifier per app: keys + policy, built once, thread-safe.
        val verifier = Verifier(
            KeySet.fromJwks(jwks),
            Validation(issuer = listOf("https://issuer.example"), audience = listOf("app"), leeway = 30),
        )

        val token = jwtEncode("""{"sub":"u1","iss":"https://issuer.example","aud":"app","exp":4102444800}""", signer)
        val claims = verifier.verifyClaims(token)
        println(claims.sub)                  // u1
        println(claims.json)                 // exactly the signed JSON: decode with kotlinx.serialization

        try {
            verifier.verify(token.dropLast(4) + "AAAA")
        } catch (e: TesseraException) {
            println(e.code)                  // INVALID_SIGNATURE (ErrorCode enum; e.code.name is the string)
            println(e.detail)                // for humans; compare codes, not text
        }

        // Inspection only, never for authorization:
        println(jwtDecodeUnverified(token).headerJson)  // {"alg":"ES256","typ":"JWT","kid":"2026-11"}
        // --- README example end
        val lines = out.lines()
        assertEquals("u1", lines[0])
        assertEquals("""{"sub":"u1","iss":"https://issuer.example","aud":"app","exp":4102444800}""", lines[1])
        assertEquals("INVALID_SIGNATURE", lines[2])
        assertEquals("""{"alg":"ES256","typ":"JWT","kid":"2026-11"}""", lines[4])
    }
}
