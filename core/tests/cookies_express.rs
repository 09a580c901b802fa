//! Runs `tests/vectors/cookies/express.json` (minted by the real Express
//! libraries, see `tests/vectors/cookies/tools/mint_express.js`) through the
//! Express codecs, plus a deterministic property test: random sessions round
//! trip and every single-byte change to a value or signature is rejected.

use serde_json::Value;
use tessera::cookie::express::{ExpressCookieSession, ExpressSessionId};
use tessera::ErrorCode;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/cookies/express.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("express.json")).expect("JSON")
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|s| s.as_str().expect("string").to_owned())
        .collect()
}

fn s<'a>(c: &'a Value, k: &str) -> &'a str {
    c[k].as_str()
        .unwrap_or_else(|| panic!("{}: missing {k}", c["id"]))
}

fn codec(c: &Value) -> ExpressCookieSession {
    ExpressCookieSession::new(&strs(&c["keys"]), s(c, "name")).expect("codec")
}

#[test]
fn cookie_session_valid() {
    let v = vectors();
    let cases = v["cookie_session"].as_array().expect("cases");
    assert!(cases.len() >= 15);
    for c in cases {
        let id = &c["id"];
        let cs = codec(c);
        let want_json = s(c, "expected_json");
        let want_index = c["expected_index"].as_u64().expect("index") as usize;
        if let Some(value) = c["value"].as_str() {
            let got = cs
                .verify_index(value, s(c, "sig"))
                .unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(got.json, want_json, "{id}");
            assert_eq!(got.key_index, want_index, "{id}");
            assert_eq!(got.needs_resign(), want_index > 0, "{id}");
            if c["sign_identical"] == Value::Bool(true) {
                let (val, sig) = cs.sign(want_json).expect("sign");
                assert_eq!((val.as_str(), sig.as_str()), (value, s(c, "sig")), "{id}");
            }
            if let Some(resigned) = c["resigned_sig"].as_str() {
                assert_eq!(cs.sign_value(value), resigned, "{id}");
            }
            if let Some(lines) = c["set_cookie"].as_array() {
                let name = s(c, "name");
                assert_eq!(
                    lines[0],
                    format!("{name}={value}; path=/; httponly"),
                    "{id}"
                );
                assert_eq!(
                    lines[1],
                    format!("{name}.sig={}; path=/; httponly", s(c, "sig"))
                );
            }
        }
        if let Some(header) = c["cookie_header"].as_str() {
            let got = cs
                .load_index(header)
                .unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(
                (got.json.as_str(), got.key_index),
                (want_json, want_index),
                "{id}"
            );
            assert_eq!(cs.load(header).unwrap(), want_json, "{id}");
        }
    }
}

#[test]
fn cookie_session_rejected() {
    let v = vectors();
    let cases = v["cookie_session_rejected"].as_array().expect("cases");
    assert!(cases.len() >= 15);
    for c in cases {
        let id = &c["id"];
        let cs = codec(c);
        let want = ErrorCode::from_str_code(s(c, "error")).expect("known code");
        let err = match c["cookie_header"].as_str() {
            Some(h) => cs.load(h).expect_err(&id.to_string()),
            None => cs
                .verify(s(c, "value"), s(c, "sig"))
                .expect_err(&id.to_string()),
        };
        assert_eq!(err.code(), want, "{id}: {err}");
    }
}

#[test]
fn session_id_valid() {
    let v = vectors();
    let cases = v["session_id"].as_array().expect("cases");
    assert!(cases.len() >= 5);
    for c in cases {
        let id = &c["id"];
        let ids = ExpressSessionId::new(&strs(&c["secrets"])).expect("codec");
        let want = (
            s(c, "sid").to_owned(),
            c["expected_index"].as_u64().unwrap() as usize,
        );
        for form in ["signed", "wire"] {
            let got = ids
                .unsign_index(s(c, form))
                .unwrap_or_else(|e| panic!("{id} {form}: {e}"));
            assert_eq!(got, want, "{id} {form}");
        }
        let quoted = format!("\"{}\"", s(c, "wire"));
        assert_eq!(ids.unsign(&quoted).unwrap(), want.0, "{id} quoted");
        if c["sign_identical"] == Value::Bool(true) {
            assert_eq!(ids.sign(&want.0), s(c, "signed"), "{id}");
        }
    }
}

#[test]
fn session_id_rejected() {
    let v = vectors();
    let cases = v["session_id_rejected"].as_array().expect("cases");
    assert!(cases.len() >= 8);
    for c in cases {
        let ids = ExpressSessionId::new(&strs(&c["secrets"])).expect("codec");
        let want = ErrorCode::from_str_code(s(c, "error")).expect("known code");
        let err = ids.unsign(s(c, "value")).expect_err(&c["id"].to_string());
        assert_eq!(err.code(), want, "{}: {err}", c["id"]);
    }
}

#[test]
fn session_id_headers() {
    let v = vectors();
    let cases = v["session_id_headers"].as_array().expect("cases");
    assert!(cases.len() >= 8);
    for c in cases {
        let id = &c["id"];
        let ids = ExpressSessionId::new(&strs(&c["secrets"])).expect("codec");
        let got = ids.load_index(s(c, "cookie_header"), s(c, "name"));
        match c["error"].as_str() {
            Some(code) => {
                let err = got.expect_err(&id.to_string());
                assert_eq!(err.code().as_str(), code, "{id}: {err}");
            }
            None => {
                let (sid, index) = got.unwrap_or_else(|e| panic!("{id}: {e}"));
                assert_eq!(sid, s(c, "expected_sid"), "{id}");
                assert_eq!(index as u64, c["expected_index"].as_u64().unwrap(), "{id}");
                assert_eq!(ids.load(s(c, "cookie_header"), s(c, "name")).unwrap(), sid);
            }
        }
    }
}

#[test]
fn constructor_errors() {
    let none: [&str; 0] = [];
    let code = |r: tessera::Result<ExpressCookieSession>| r.unwrap_err().code();
    assert_eq!(
        code(ExpressCookieSession::new(&none, "s")),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        code(ExpressCookieSession::new(&[""], "s")),
        ErrorCode::InvalidKey
    );
    for bad in ["", "a b", "a=b", "a;b", "a\"b"] {
        assert_eq!(
            code(ExpressCookieSession::new(&["k"], bad)),
            ErrorCode::InvalidArgument
        );
    }
    assert_eq!(
        ExpressSessionId::new(&none).unwrap_err().code(),
        ErrorCode::InvalidArgument
    );
    let cs = ExpressCookieSession::with_default_name(&["k"]).unwrap();
    assert_eq!(cs.name(), "session");
    assert_eq!(
        cs.sign("[1]").unwrap_err().code(),
        ErrorCode::InvalidArgument
    );
    assert_eq!(cs.sign("{").unwrap_err().code(), ErrorCode::InvalidArgument);
}

/// splitmix64: a deterministic PRNG for the property test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn text(&mut self, max: usize) -> String {
        const POOL: &[char] = &[
            'a', 'Z', '0', ' ', '"', '\\', '/', '+', '=', 'é', '☕', '🍪', '\n',
        ];
        (0..self.below(max + 1))
            .map(|_| POOL[self.below(POOL.len())])
            .collect()
    }
}

/// Every single-byte change of `s` (each position replaced by a few others).
fn mutations(s: &str, rng: &mut Rng) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..s.len() {
        for _ in 0..3 {
            let mut b = s.as_bytes().to_vec();
            let r = b"AZaz09+/=-_.:%\" ;x"[rng.below(18)];
            if b[i] == r {
                continue;
            }
            b[i] = r;
            if let Ok(m) = String::from_utf8(b) {
                out.push(m);
            }
        }
    }
    out
}

#[test]
fn property_round_trip_and_tamper() {
    let mut rng = Rng(0x7e55_e7a0_c00c_1e55);
    for round in 0..60 {
        let keys: Vec<String> = (0..1 + rng.below(3))
            .map(|i| format!("key-{round}-{i}-{}", rng.next()))
            .collect();
        let cs = ExpressCookieSession::new(&keys, "session").unwrap();
        let mut obj = serde_json::Map::new();
        for _ in 0..rng.below(5) {
            obj.insert(rng.text(6), Value::String(rng.text(12)));
        }
        obj.insert("n".into(), Value::from(rng.next() >> 12));
        let json = serde_json::to_string(&obj).unwrap();
        let (value, sig) = cs.sign(&json).unwrap();
        assert_eq!(cs.verify(&value, &sig).unwrap(), json);
        let header = format!("a=1; session={value}; session.sig={sig}");
        assert_eq!(cs.load(&header).unwrap(), json);
        // Older key still verifies with its index.
        if keys.len() > 1 {
            let old = ExpressCookieSession::new(&keys[1..], "session").unwrap();
            let (v2, s2) = old.sign(&json).unwrap();
            assert_eq!(cs.verify_index(&v2, &s2).unwrap().key_index, 1);
        }
        for m in mutations(&value, &mut rng) {
            assert!(cs.verify(&m, &sig).is_err(), "value mutation {m}");
        }
        for m in mutations(&sig, &mut rng) {
            let e = cs.verify(&value, &m).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidSignature, "sig mutation {m}");
        }

        let ids = ExpressSessionId::new(&keys).unwrap();
        let sid = rng.text(20);
        let signed = ids.sign(&sid);
        assert_eq!(ids.unsign(&signed).unwrap(), sid);
        for m in mutations(&signed, &mut rng) {
            // `%` may percent-decode into the same string only if it is a
            // valid escape; such a value is then a different string anyway.
            if let Ok(got) = ids.unsign(&m) {
                panic!("sid mutation {m:?} accepted as {got:?}");
            }
        }
    }
}
