//! PEM and DER key parsing: `Key::from_pem_with` (byte 0 even) or
//! `Key::from_der_with` (byte 0 odd) on the rest, with `alg` none or one of
//! the twelve algorithms (byte 0 / 2 mod 13) and `allow_weak` (byte 0 ≥ 128).
//!
//! Invariants: no panic, no `INTERNAL`; a key that loads is bound to the
//! requested algorithm (when one was given), exports as a JWK and re-imports
//! to the same thumbprint, algorithm and privateness; a private key's public
//! half has the same thumbprint.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera::{Algorithm, Key, KeyOptions};
use tessera_fuzz::{ok, text};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let alg = match usize::from(mode & 0x7f) / 2 % (Algorithm::ALL.len() + 1) {
        0 => None,
        i => Some(Algorithm::ALL[i - 1]),
    };
    let opts = KeyOptions {
        alg,
        kid: None,
        allow_weak: mode & 0x80 != 0,
    };
    let key = if mode & 1 == 0 {
        ok(Key::from_pem_with(&text(rest), &opts), rest)
    } else {
        ok(Key::from_der_with(rest, &opts), rest)
    };
    let Some(key) = key else { return };
    if let Some(a) = alg {
        assert_eq!(key.alg(), a);
    }
    let t = key.thumbprint();
    let jwk = key.to_jwk(key.is_private()).expect("a loaded key exports");
    let back = Key::from_jwk_with(
        &jwk,
        &KeyOptions {
            allow_weak: opts.allow_weak,
            ..KeyOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{jwk} re-imports: {e:?}"));
    assert_eq!(back.thumbprint(), t);
    assert_eq!(back.alg(), key.alg());
    assert_eq!(back.is_private(), key.is_private());
    if let Ok(public) = key.public() {
        assert_eq!(public.thumbprint(), t);
    }
});
