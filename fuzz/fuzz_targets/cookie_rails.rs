//! Rails encrypted cookies (`cookie::rails::RailsCookie::decrypt`), Rails ≥ 6
//! `_rails` envelope, AES-256-GCM, SHA-256 key derivation.
//!
//! Input: byte 0 = mode: 0 `decrypt(data)`; 1 `decrypt` of the data encrypted
//! by the target itself (PBKDF2-SHA256 + AES-256-GCM with ring, exactly what
//! Rails does), so the fuzzer reaches the envelope parsing (JSON, `pur`,
//! `exp`, base64 message) behind a valid tag; 2 `encrypt(data)` then
//! `decrypt`.
//!
//! Invariants: no panic, no `INTERNAL`; anything that decrypts re-encrypts
//! with the same secret_key_base and decrypts to the same data (JSON
//! values; Rails escapes `<>&` and U+2028/9, so the text may differ);
//! `decrypt ∘ encrypt` reaches a fixed point after one round.
#![no_main]

use std::num::NonZeroU32;
use std::sync::OnceLock;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use libfuzzer_sys::fuzz_target;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use tessera::cookie::rails::{RailsCookie, RailsDigest, DEFAULT_SALT, ITERATIONS};
use tessera::ErrorCode;
use tessera_fuzz::{ok, same_json, text, NOW};

const SECRET_KEY_BASE: &[u8] =
    b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-rails-interop-secret-key-base-0123456789abcdef";
const NOW_MS: i64 = NOW * 1000;

struct Fixture {
    cookie: RailsCookie,
    key: LessSafeKey,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let mut k = [0u8; 32];
        ring::pbkdf2::derive(
            ring::pbkdf2::PBKDF2_HMAC_SHA256,
            NonZeroU32::new(ITERATIONS).expect("iterations"),
            DEFAULT_SALT.as_bytes(),
            SECRET_KEY_BASE,
            &mut k,
        );
        Fixture {
            cookie: RailsCookie::new(SECRET_KEY_BASE, "_app_session", RailsDigest::Sha256)
                .expect("rails"),
            key: LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &k).expect("aes key")),
        }
    })
}

/// `plain` encrypted as Rails writes it (`ct--iv--tag`, strict base64).
fn encrypt_raw(plain: &[u8]) -> String {
    let iv = [7u8; 12];
    let mut buf = plain.to_vec();
    let tag = fixture()
        .key
        .seal_in_place_separate_tag(Nonce::assume_unique_for_key(iv), Aad::empty(), &mut buf)
        .expect("seal");
    format!(
        "{}--{}--{}",
        STANDARD.encode(&buf),
        STANDARD.encode(iv),
        STANDARD.encode(tag.as_ref())
    )
}

/// `None` when the value is too large to write as a cookie (decrypting
/// accepts up to 64 KiB, writing stops at 4096 bytes: `COOKIE_TOO_LARGE`).
fn reopen1(json: &str) -> Option<String> {
    let c = &fixture().cookie;
    let again = match c.encrypt(json, None) {
        Ok(v) => v,
        Err(e) if e.code() == ErrorCode::CookieTooLarge => return None,
        Err(e) => panic!("decrypted {json:?} but cannot encrypt it: {e:?}"),
    };
    Some(
        c.decrypt(&again, NOW_MS)
            .expect("re-encrypted cookie decrypts"),
    )
}

/// Re-encrypts what decrypted: the same data, and after one round the same text.
fn reopen(json: &str) {
    let Some(once) = reopen1(json) else { return };
    assert!(same_json(&once, json), "{json:?} re-opens as {once:?}");
    assert_eq!(
        reopen1(&once).as_deref(),
        Some(once.as_str()),
        "decrypt . encrypt is not a fixed point"
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let c = &fixture().cookie;
    match mode % 3 {
        0 => {
            if let Some(json) = ok(c.decrypt(&text(rest), NOW_MS), rest) {
                reopen(&json);
            }
        }
        1 => {
            if let Some(json) = ok(c.decrypt(&encrypt_raw(rest), NOW_MS), rest) {
                reopen(&json);
            }
        }
        _ => {
            if let Some(cookie) = ok(c.encrypt(&text(rest), None), rest) {
                let json = c
                    .decrypt(&cookie, NOW_MS)
                    .expect("encrypted cookie decrypts");
                reopen(&json);
            }
        }
    }
});
