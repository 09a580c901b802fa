//! itsdangerous: `Signer::unsign`, `TimestampSigner::unsign`,
//! `URLSafeTimedSerializer::loads` (with the timestamp).
//!
//! Input: byte 0 = configuration: bits 0-1 the operation (0 signer, 1
//! timestamp signer, 2 serializer, 3 serializer over an arbitrary payload
//! the target signs first, so the fuzzer reaches base64/zlib/JSON decoding
//! behind a valid MAC); bits 2-3 the digest (sha1/256/384/512); bits 4-5 the
//! key derivation (concat, django-concat, hmac, none); bit 6 the salt
//! `custom-salt` instead of the class default; bit 7 the separator `~`
//! instead of `.`. Byte 1 selects the secrets (those of
//! tests/vectors/cookies/itsdangerous.json). The rest is the signed value.
//!
//! Invariants: no panic, no `INTERNAL`; anything that unsigns/loads re-signs
//! with the newest secret and unsigns/loads to the same value (and
//! timestamp); with the newest secret and the default separator, a signer's
//! re-signature is byte-identical.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera::cookie::itsdangerous::{
    Digest, KeyDerivation, Signer, SignerOptions, TimestampSigner, URLSafeTimedSerializer,
};
use tessera_fuzz::{ok, same_json, text, NOW};

const SECRETS: [&[&str]; 4] = [&["secret-a", "secret-b"], &["new"], &["old", "new"], &["k"]];

fuzz_target!(|data: &[u8]| {
    let [cfg, sel, rest @ ..] = data else {
        return;
    };
    let op = cfg & 3;
    let digest =
        [Digest::Sha1, Digest::Sha256, Digest::Sha384, Digest::Sha512][usize::from(cfg >> 2 & 3)];
    let key_derivation = [
        KeyDerivation::Concat,
        KeyDerivation::DjangoConcat,
        KeyDerivation::Hmac,
        KeyDerivation::None,
    ][usize::from(cfg >> 4 & 3)];
    let default_salt: &[u8] = if op >= 2 {
        b"itsdangerous"
    } else {
        b"itsdangerous.Signer"
    };
    let opts = SignerOptions {
        salt: if cfg & 0x40 != 0 {
            b"custom-salt".to_vec()
        } else {
            default_salt.to_vec()
        },
        sep: if cfg & 0x80 != 0 {
            b"~".to_vec()
        } else {
            b".".to_vec()
        },
        key_derivation,
        digest,
    };
    let secrets = SECRETS[usize::from(sel & 3)];
    match op {
        0 => {
            let s = Signer::new(secrets, &opts).expect("signer");
            if let Some(v) = ok(s.unsign(rest), rest) {
                let again = s.sign(v);
                assert_eq!(s.unsign(&again).expect("re-signed unsigns"), v);
            }
        }
        1 => {
            let s = TimestampSigner::new(secrets, &opts).expect("signer");
            if let Some((v, ts)) = ok(s.unsign(rest, None, NOW), rest) {
                let again = s
                    .sign(v, ts)
                    .unwrap_or_else(|e| panic!("unsigned at {ts} but cannot re-sign: {e:?}"));
                assert_eq!(s.unsign(&again, None, NOW).expect("re-signed"), (v, ts));
            }
        }
        _ => {
            let ser = URLSafeTimedSerializer::new(secrets, &opts).expect("serializer");
            let cookie = if op == 2 {
                text(rest)
            } else {
                // A valid signature over an arbitrary payload and timestamp.
                let ts = TimestampSigner::new(secrets, &opts).expect("signer");
                match ts.sign(rest, NOW) {
                    Ok(v) => text(&v),
                    Err(_) => return,
                }
            };
            if let Some((json, ts)) = ok(ser.loads_with_timestamp(&cookie, None, NOW), rest) {
                let again = ser
                    .dumps(&json, ts)
                    .unwrap_or_else(|e| panic!("loaded {json:?} at {ts} but cannot dump: {e:?}"));
                let (json2, ts2) = ser
                    .loads_with_timestamp(&again, None, NOW)
                    .expect("dumped cookie loads");
                // `loads` returns the payload as signed; `dumps` writes it as
                // Python's json.dumps would: the same data, maybe other text.
                assert_eq!(ts2, ts);
                assert!(same_json(&json2, &json), "{json:?} re-opens as {json2:?}");
                let third = ser.dumps(&json2, ts).expect("re-dumps");
                assert_eq!(third, again, "dumps . loads is not a fixed point");
            }
        }
    }
});
