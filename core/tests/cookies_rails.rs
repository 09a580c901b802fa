//! Runs `tests/vectors/cookies/rails.json` (minted by Ruby's ActiveSupport,
//! see `tests/vectors/cookies/tools/mint_rails.rb`) through `RailsCookie`, and
//! checks the reverse direction: cookies Tessera encrypts are read by
//! ActiveSupport itself (`tools/check_rails.rb`). That half needs `ruby` with
//! ActiveSupport (Debian: ruby-activesupport); `scripts/test.sh` installs it
//! and sets `TESSERA_REQUIRE_RUBY=1`, which turns its absence into a failure.

use serde_json::{json, Value};
use tessera::cookie::rails::{RailsCookie, RailsDigest};
use tessera::ErrorCode;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/cookies");

fn codec(c: &Value) -> RailsCookie {
    RailsCookie::new(
        c["secret_key_base"].as_str().unwrap().as_bytes(),
        c["cookie_name"].as_str().unwrap(),
        RailsDigest::parse(c["digest"].as_str().unwrap()).unwrap(),
    )
    .unwrap()
}

#[test]
fn activesupport_cookies_open() {
    let text = std::fs::read_to_string(format!("{DIR}/rails.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 20);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let got = codec(c).decrypt(c["cookie"].as_str().unwrap(), c["now_ms"].as_i64().unwrap());
        match (&c["expect"]["json"], c["expect"]["error"].as_str()) {
            (want, None) => {
                let json = got.unwrap_or_else(|e| panic!("{name}: {e}"));
                let got: Value =
                    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}: {json}"));
                assert_eq!(&got, want, "{name}");
            }
            (_, Some(code)) => {
                let err = got.err().unwrap_or_else(|| panic!("{name}: accepted"));
                assert_eq!(err.code().as_str(), code, "{name}: {err}");
            }
        }
    }
}

#[test]
fn every_single_byte_change_is_rejected() {
    let c = RailsCookie::new(
        b"k".repeat(64).as_slice(),
        "_app_session",
        RailsDigest::Sha256,
    )
    .unwrap();
    let cookie = c
        .encrypt(r#"{"session_id":"abc","user_id":7}"#, None)
        .unwrap();
    for i in 0..cookie.len() {
        for flip in [1u8, 0x10] {
            let mut b = cookie.clone().into_bytes();
            b[i] ^= flip;
            let Ok(m) = String::from_utf8(b) else {
                continue;
            };
            // Rack decoding treats some distinct spellings as equal (`%2b` vs
            // `%2B`); only a change that alters the decoded message must fail.
            if m.eq_ignore_ascii_case(&cookie) {
                continue;
            }
            assert!(c.decrypt(&m, 0).is_err(), "byte {i} ^ {flip} accepted");
        }
    }
    assert_eq!(
        c.encrypt(&format!(r#"{{"b":"{}"}}"#, "x".repeat(3200)), None)
            .unwrap_err()
            .code(),
        ErrorCode::CookieTooLarge
    );
    assert_eq!(
        c.encrypt("{", None).unwrap_err().code(),
        ErrorCode::InvalidArgument
    );
}

#[test]
fn activesupport_reads_tessera_cookies() {
    let ruby_ok = std::process::Command::new("ruby")
        .args(["-e", "require 'active_support'"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ruby_ok {
        assert!(
            std::env::var_os("TESSERA_REQUIRE_RUBY").is_none(),
            "ruby with ActiveSupport is required (apt-get install ruby-activesupport)"
        );
        eprintln!("skipped: no ruby with ActiveSupport (apt-get install ruby-activesupport)");
        return;
    }
    let skb = "s".repeat(64);
    let far = 4_102_444_800_500; // 2100-01-01T00:00:00.500Z
    let values = [
        json!({"session_id": "0123456789abcdef0123456789abcdef", "_csrf_token": "t", "user_id": 42}),
        json!({"html": "<b>&</b>", "u": "Jürgen 🍪 \u{2028}", "n": [1, 2.5, -3, null, true]}),
        json!("just a string"),
        json!([1, {"a": []}]),
    ];
    let mut input = Vec::new();
    let mut want = Vec::new();
    for (digest, name) in [("sha256", "_app_session"), ("sha1", "remember")] {
        let c =
            RailsCookie::new(skb.as_bytes(), name, RailsDigest::parse(digest).unwrap()).unwrap();
        for (i, v) in values.iter().enumerate() {
            let exp = if i % 2 == 0 { None } else { Some(far) };
            let cookie = c.encrypt(&v.to_string(), exp).unwrap();
            input.push(json!({"secret_key_base": skb, "digest": digest, "cookie_name": name, "cookie": cookie}));
            want.push(json!({"value": v}));
        }
        // An expired cookie and one for another name read as nil in Rails too.
        let expired = c
            .encrypt(&values[0].to_string(), Some(1_000_000_000_000))
            .unwrap();
        input.push(json!({"secret_key_base": skb, "digest": digest, "cookie_name": name, "cookie": expired}));
        want.push(json!({"nil": true}));
        input.push(json!({"secret_key_base": skb, "digest": digest, "cookie_name": "other", "cookie": c.encrypt("1", None).unwrap()}));
        want.push(json!({"nil": true}));
    }
    let mut child = std::process::Command::new("ruby")
        .arg(format!("{DIR}/tools/check_rails.rb"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(Value::from(input).to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let got: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(
            g.get("value").or(g.get("nil")),
            w.get("value").or(w.get("nil")),
            "case {i}: {g}"
        );
    }
    // Tessera writes the value JSON exactly as ActiveSupport::JSON.encode does.
    assert_eq!(
        got[1]["json"],
        json!(
            r#"{"html":"\u003cb\u003e\u0026\u003c/b\u003e","n":[1,2.5,-3,null,true],"u":"Jürgen 🍪 \u2028"}"#
        )
    );
}
