//! Tessera's native session cookie (`cookie::native::SessionCookie`).
//!
//! Input: byte 0 = flags, the rest the data. Bit 0: encrypted (AES-256-GCM)
//! instead of signed; bit 1: a second, older secret that also opens; bit 2:
//! max_age 3600 s; bits 3-4: the operation:
//! - 0: `open(data)`;
//! - 1: `load(data)` as a `Cookie` header, chunks allowed;
//! - 2: `seal(data)` (data = session JSON) then `open`;
//! - 3: `seal_chunks(data)` then `load` of the header they make.
//!
//! Invariants: no panic, no `INTERNAL`; anything that opens re-seals with the
//! same secret and opens to the same JSON and issued-at; a signed cookie
//! opened with the current secret re-seals byte for byte; anything sealed
//! opens to exactly the JSON sealed (without whitespace around the object).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tessera::cookie::native::{Opened, SessionCookie, SessionCookieOptions};
use tessera::ErrorCode;
use tessera_fuzz::{ok, text, NOW};

const CURRENT: &str = "tessera-native-cookie-secret-2026-current-0001";
const PREVIOUS: &str = "tessera-native-cookie-secret-2025-previous-0000";

fn codecs() -> &'static Vec<SessionCookie> {
    static C: OnceLock<Vec<SessionCookie>> = OnceLock::new();
    C.get_or_init(|| {
        (0..8u8)
            .map(|flags| {
                let secrets: &[&str] = if flags & 2 != 0 {
                    &[CURRENT, PREVIOUS]
                } else {
                    &[CURRENT]
                };
                SessionCookie::new(
                    secrets,
                    SessionCookieOptions {
                        encrypted: flags & 1 != 0,
                        max_age: (flags & 4 != 0).then_some(3600),
                        chunked: true,
                        ..SessionCookieOptions::default()
                    },
                )
                .expect("codec")
            })
            .collect()
    })
}

/// Re-seals what opened, with the current secret at the same issued-at.
fn reseal(c: &SessionCookie, opened: &Opened, original: Option<&str>, encrypted: bool) {
    let again = c.seal_chunks(&opened.json, opened.issued_at);
    let again = match again {
        Ok(v) => v,
        // Opening accepts up to 64 KiB; sealing stops at MAX_CHUNKS cookies.
        Err(e) if e.code() == ErrorCode::CookieTooLarge => return,
        Err(e) => panic!("opened {:?} but cannot re-seal: {e:?}", opened.json),
    };
    let header = again
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let back = c.load(&header, NOW).expect("re-sealed cookie loads");
    assert_eq!(back.json, opened.json);
    assert_eq!(back.issued_at, opened.issued_at);
    assert!(!back.needs_reissue);
    if let (Some(original), false, false, [(_, value)]) =
        (original, encrypted, opened.needs_reissue, again.as_slice())
    {
        assert_eq!(value, original, "signed re-seal is not byte-identical");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let c = &codecs()[usize::from(flags & 7)];
    let encrypted = flags & 1 != 0;
    let s = text(rest);
    match (flags >> 3) & 3 {
        0 => {
            if let Some(o) = ok(c.open(&s, NOW), rest) {
                reseal(c, &o, Some(&s), encrypted);
            }
        }
        1 => {
            if let Some(o) = ok(c.load(&s, NOW), rest) {
                reseal(c, &o, None, encrypted);
            }
        }
        2 => {
            if let Some(v) = ok(c.seal(&s, NOW), rest) {
                let o = c.open(&v, NOW).expect("a sealed value opens");
                // Whitespace around the object is not sealed.
                assert_eq!(o.json, s.trim_matches([' ', '\t', '\n', '\r']));
                assert_eq!(o.issued_at, NOW);
            }
        }
        _ => {
            if let Some(chunks) = ok(c.seal_chunks(&s, NOW), rest) {
                let header = chunks
                    .iter()
                    .map(|(n, v)| format!("{n}={v}"))
                    .collect::<Vec<_>>()
                    .join("; ");
                let o = c.load(&header, NOW).expect("sealed chunks load");
                assert_eq!(o.json, s.trim_matches([' ', '\t', '\n', '\r']));
            }
        }
    }
});
