//! Flask's session cookie (`cookie::flask::FlaskCookie::loads`).
//!
//! Input: byte 0 = mode: 0 `loads(data)`; 1 `loads` of the data signed by the
//! target with Flask's signer settings (salt `cookie-session`, HMAC key
//! derivation, SHA-1), so the fuzzer reaches the payload decoding (base64,
//! zlib, tagged JSON) behind a valid MAC; 2 `dumps(data)` then `loads`.
//! Bit 2 of byte 0 adds the fallback secrets of the vectors.
//!
//! Invariants: no panic, no `INTERNAL`; anything that loads re-dumps with the
//! same secret (unless it holds a tagged value Flask never writes: see
//! `reopen1`) and loads to the same data (JSON values; the text may differ:
//! Flask writes `ensure_ascii`), and one more round gives the same text; `loads(dumps(x))` is a fixed point
//! of `loads ∘ dumps`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tessera::cookie::flask::{FlaskCookie, DEFAULT_MAX_AGE, DEFAULT_SALT};
use tessera::cookie::itsdangerous::{Digest, KeyDerivation, SignerOptions, TimestampSigner};
use tessera::ErrorCode;
use tessera_fuzz::{ok, same_json, text, NOW};

const SECRET: &[u8] = b"flask-interop-secret-key-1";
const FALLBACKS: &[&str] = &["older-secret-00", "old-secret-0"];

struct Fixture {
    plain: FlaskCookie,
    with_fallbacks: FlaskCookie,
    signer: TimestampSigner,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| Fixture {
        plain: FlaskCookie::new(SECRET).expect("flask"),
        with_fallbacks: FlaskCookie::with_options(
            SECRET,
            FALLBACKS,
            DEFAULT_SALT,
            Some(DEFAULT_MAX_AGE),
        )
        .expect("flask"),
        signer: TimestampSigner::new(
            &[SECRET],
            &SignerOptions {
                salt: DEFAULT_SALT.to_vec(),
                sep: b".".to_vec(),
                key_derivation: KeyDerivation::Hmac,
                digest: Digest::Sha1,
            },
        )
        .expect("signer"),
    })
}

/// `loads` returns tagged values as signed (as Flask's reader does), and
/// `dumps` writes only the tags Flask writes: a session holding a tagged value
/// Flask never writes (a `" b"` that is not base64, say) loads and does not
/// re-dump. That is the one allowed exception: INVALID_ARGUMENT, and only
/// when the text can hold a tag (tag names start with a space, maybe escaped).
fn reopen1(c: &FlaskCookie, json: &str) -> Option<String> {
    let again = match c.dumps(json, NOW) {
        Ok(again) => again,
        Err(e)
            if e.code() == ErrorCode::InvalidArgument
                && (json.contains("\" ") || json.contains("\\u")) =>
        {
            return None
        }
        Err(e) => panic!("loaded {json:?} but cannot dump it: {e:?}"),
    };
    Some(c.loads(&again, NOW).expect("dumped cookie loads"))
}

/// Re-dumps what loaded: the same data, and after one round the same text.
fn reopen(c: &FlaskCookie, json: &str) {
    let Some(once) = reopen1(c, json) else {
        return;
    };
    assert!(same_json(&once, json), "{json:?} re-opens as {once:?}");
    assert_eq!(
        reopen1(c, &once).as_deref(),
        Some(once.as_str()),
        "loads . dumps is not a fixed point"
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let f = fixture();
    let c = if mode & 4 != 0 {
        &f.with_fallbacks
    } else {
        &f.plain
    };
    match mode & 3 {
        0 | 3 => {
            if let Some(json) = ok(c.loads(&text(rest), NOW), rest) {
                reopen(c, &json);
            }
        }
        1 => {
            let cookie = text(&f.signer.sign(rest, NOW).expect("sign"));
            if let Some(json) = ok(c.loads(&cookie, NOW), rest) {
                reopen(c, &json);
            }
        }
        _ => {
            if let Some(cookie) = ok(c.dumps(&text(rest), NOW), rest) {
                let json = c.loads(&cookie, NOW).expect("dumped cookie loads");
                reopen(c, &json);
            }
        }
    }
});
