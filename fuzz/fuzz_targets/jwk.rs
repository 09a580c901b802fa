//! JWK and JWKS parsing: `Key::from_jwk` and `KeySet::from_jwks` on the same
//! text (a JWK is not a JWKS and vice versa, so each refuses the other's
//! seeds cleanly).
//!
//! Invariants: no panic, no `INTERNAL`; a key that loads exports
//! (`to_jwk`, with its private part if it has one) and re-imports to the same
//! thumbprint, algorithm, kid and privateness; its public half has the same
//! thumbprint; a JWKS that loads exports (`to_jwks`, public keys only) and
//! re-imports to the same public keys, in order.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera::{Key, KeySet};
use tessera_fuzz::{ok, text};

fn roundtrip(key: &Key) {
    let t = key.thumbprint();
    let exported = key.to_jwk(key.is_private()).expect("a loaded key exports");
    let back = Key::from_jwk(&exported).unwrap_or_else(|e| panic!("{exported} re-imports: {e:?}"));
    assert_eq!(back.thumbprint(), t);
    assert_eq!(back.alg(), key.alg());
    assert_eq!(back.kid(), key.kid());
    assert_eq!(back.is_private(), key.is_private());
    if let Ok(public) = key.public() {
        assert_eq!(public.thumbprint(), t);
        assert!(!public.is_private());
        let p = public.to_jwk(false).expect("public export");
        assert_eq!(Key::from_jwk(&p).expect("public re-import").thumbprint(), t);
    }
}

fuzz_target!(|data: &[u8]| {
    let s = text(data);
    if let Some(key) = ok(Key::from_jwk(&s), data) {
        roundtrip(&key);
    }
    if let Some(set) = ok(KeySet::from_jwks(&s), data) {
        for k in set.keys() {
            roundtrip(k);
        }
        let exported = set.to_jwks();
        let back =
            KeySet::from_jwks(&exported).unwrap_or_else(|e| panic!("{exported} re-imports: {e:?}"));
        let public: Vec<String> = set
            .keys()
            .iter()
            .filter(|k| k.public().is_ok())
            .map(Key::thumbprint)
            .collect();
        let again: Vec<String> = back.keys().iter().map(Key::thumbprint).collect();
        assert_eq!(public, again);
        assert_eq!(back.skipped(), 0);
    }
});
