//! Express: cookie-session + keygrip (`ExpressCookieSession::verify`/`load`)
//! and express-session ids (`ExpressSessionId::unsign`/`load`).
//!
//! Input: byte 0 = mode (mod 6), the rest the data:
//! - 0 `verify(value, sig)`, data = `value 0xFF sig`;
//! - 1 `verify(value, sign_value(value))`: a valid keygrip signature over
//!   arbitrary data, so the fuzzer reaches the base64/JSON decoding;
//! - 2 `load(data)` as a `Cookie` header (`session` and `session.sig`);
//! - 3 express-session `unsign(data)`;
//! - 4 express-session `load(data, "connect.sid")`;
//! - 5 express-session `unsign(encodeURIComponent(sign(data)))`.
//!
//! Invariants: no panic, no `INTERNAL`; a cookie-session value that verifies
//! re-signs (`sign`) with the same keys and verifies to the same JSON; a
//! session id that unsigns re-signs and unsigns to the same id, as written
//! on the wire (percent-encoded) and as the logical value.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tessera::cookie::express::{ExpressCookieSession, ExpressSessionId};
use tessera_fuzz::{ok, split2, text};

struct Fixture {
    cs: ExpressCookieSession,
    sid: ExpressSessionId,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| Fixture {
        cs: ExpressCookieSession::new(
            &[
                "keygrip-key-new-2026",
                "keygrip-key-old-2025",
                "keygrip-key-older",
            ],
            "session",
        )
        .expect("cookie-session"),
        sid: ExpressSessionId::new(&["express-secret-new", "express-secret-old"])
            .expect("express-session"),
    })
}

/// JavaScript's `encodeURIComponent` (what `cookie.serialize` applies).
fn encode_uri_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn cs_roundtrip(json: &str) {
    let cs = &fixture().cs;
    let (value, sig) = cs
        .sign(json)
        .unwrap_or_else(|e| panic!("verified {json:?} but cannot sign it: {e:?}"));
    assert_eq!(cs.verify(&value, &sig).expect("re-signed verifies"), json);
    let header = format!("session={value}; session.sig={sig}");
    assert_eq!(cs.load(&header).expect("re-signed loads"), json);
}

fn sid_roundtrip(id: &str) {
    let s = &fixture().sid;
    let signed = s.sign(id);
    let wire = encode_uri_component(&signed);
    assert_eq!(s.unsign(&wire).expect("wire value unsigns"), id);
    let header = format!("connect.sid={wire}");
    assert_eq!(s.load(&header, "connect.sid").expect("loads"), id);
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let f = fixture();
    match mode % 6 {
        0 => {
            let (value, sig) = split2(rest);
            if let Some(json) = ok(f.cs.verify(&text(value), &text(sig)), rest) {
                cs_roundtrip(&json);
            }
        }
        1 => {
            let value = text(rest);
            let sig = f.cs.sign_value(&value);
            if let Some(json) = ok(f.cs.verify(&value, &sig), rest) {
                cs_roundtrip(&json);
            }
        }
        2 => {
            if let Some(json) = ok(f.cs.load(&text(rest)), rest) {
                cs_roundtrip(&json);
            }
        }
        3 => {
            if let Some(id) = ok(f.sid.unsign(&text(rest)), rest) {
                sid_roundtrip(&id);
            }
        }
        4 => {
            if let Some(id) = ok(f.sid.load(&text(rest), "connect.sid"), rest) {
                sid_roundtrip(&id);
            }
        }
        _ => sid_roundtrip(&text(rest)),
    }
});
