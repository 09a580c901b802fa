//! Flask and itsdangerous cookies: vectors minted by the real libraries
//! (tests/vectors/cookies/{flask,itsdangerous}.json, see tools/mint_flask.py)
//! and property tests.

use serde_json::Value;
use tessera::cookie::flask::{FlaskCookie, DEFAULT_MAX_AGE};
use tessera::cookie::itsdangerous::{
    Digest, KeyDerivation, Signer, SignerOptions, TimestampSigner, URLSafeTimedSerializer,
};

fn load(name: &str) -> Vec<Value> {
    let path = format!(
        "{}/../tests/vectors/cookies/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn check<T>(name: &str, got: tessera::Result<T>, expect: &Value, mut ok: impl FnMut(T)) {
    match (got, expect.get("error")) {
        (Ok(v), None) => ok(v),
        (Err(e), Some(code)) => assert_eq!(e.code().as_str(), s(code), "{name}"),
        (Ok(_), Some(code)) => panic!("{name}: accepted, expected {code}"),
        (Err(e), None) => panic!("{name}: rejected with {e:?}"),
    }
}

fn json_eq(name: &str, text: &str, expect: &Value) {
    let got: Value = serde_json::from_str(text).unwrap();
    assert_eq!(&got, expect, "{name}");
}

#[test]
fn flask_vectors() {
    let cases = load("flask.json");
    assert!(cases.len() >= 25);
    let (mut identical, mut opened) = (0, 0);
    for c in &cases {
        let name = s(&c["name"]);
        let fallbacks: Vec<&str> = c["fallbacks"].as_array().unwrap().iter().map(s).collect();
        let fc = FlaskCookie::with_options(
            s(&c["secret_key"]).as_bytes(),
            &fallbacks,
            b"cookie-session",
            Some(DEFAULT_MAX_AGE),
        )
        .unwrap();
        let cookie = s(&c["cookie"]);
        if let Some(now) = c["now"].as_i64() {
            let ours = fc.dumps(s(&c["json"]), now).unwrap();
            // zlib itself, so compressed cookies are byte-identical too.
            assert_eq!(ours, cookie, "{name}: not byte-identical");
            identical += 1;
        }
        let open_now = c["open_now"].as_i64().unwrap();
        check(name, fc.loads(cookie, open_now), &c["expect"], |j| {
            json_eq(name, &j, &c["expect"]["json"]);
            opened += 1;
        });
    }
    assert!(identical >= 15 && opened >= 15, "{identical} {opened}");
}

fn options(c: &Value) -> SignerOptions {
    let default_salt = if s(&c["kind"]) == "serializer" {
        "itsdangerous"
    } else {
        "itsdangerous.Signer"
    };
    SignerOptions {
        salt: c["salt"]
            .as_str()
            .unwrap_or(default_salt)
            .as_bytes()
            .to_vec(),
        sep: s(&c["sep"]).as_bytes().to_vec(),
        key_derivation: KeyDerivation::parse(s(&c["key_derivation"])).unwrap(),
        digest: Digest::parse(s(&c["digest"])).unwrap(),
    }
}

#[test]
fn itsdangerous_vectors() {
    let cases = load("itsdangerous.json");
    assert!(cases.len() >= 50);
    for c in &cases {
        let name = s(&c["name"]);
        let keys: Vec<&str> = c["secret_keys"].as_array().unwrap().iter().map(s).collect();
        let keys: Vec<&[u8]> = keys.iter().map(|k| k.as_bytes()).collect();
        let opts = options(c);
        let cookie = s(&c["cookie"]);
        let now = c["now"].as_i64();
        let open_now = c["open_now"].as_i64().unwrap();
        let max_age = c["max_age"].as_u64();
        let expect = &c["expect"];
        let as_text = |v: &[u8]| {
            assert_eq!(
                std::str::from_utf8(v).unwrap(),
                s(&expect["value"]),
                "{name}"
            );
        };
        match s(&c["kind"]) {
            "signer" => {
                let sg = Signer::new(&keys, &opts).unwrap();
                if let Some(v) = c.get("value").filter(|_| now.is_some()) {
                    assert_eq!(sg.sign(s(v).as_bytes()), cookie.as_bytes(), "{name}");
                }
                check(name, sg.unsign(cookie.as_bytes()), expect, as_text);
            }
            "timestamp_signer" => {
                let sg = TimestampSigner::new(&keys, &opts).unwrap();
                if let (Some(v), Some(now)) = (c.get("value"), now) {
                    assert_eq!(
                        sg.sign(s(v).as_bytes(), now).unwrap(),
                        cookie.as_bytes(),
                        "{name}"
                    );
                }
                check(
                    name,
                    sg.unsign(cookie.as_bytes(), max_age, open_now),
                    expect,
                    |(v, _)| as_text(v),
                );
            }
            _ => {
                let ser = URLSafeTimedSerializer::new(&keys, &opts).unwrap();
                if let (Some(j), Some(now)) = (c.get("json"), now) {
                    let ours = ser.dumps(s(j), now).unwrap();
                    assert_eq!(ours, cookie, "{name}");
                }
                check(name, ser.loads(cookie, max_age, open_now), expect, |j| {
                    json_eq(name, &j, &expect["json"])
                });
            }
        }
    }
}

/// xorshift64*: deterministic.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn string(&mut self) -> String {
        const CH: &[char] = &[
            'a', 'Z', '0', ' ', '"', '\\', '\n', '/', 'é', '€', '🍪', '\u{1}', '<',
        ];
        (0..self.below(12))
            .map(|_| CH[self.below(CH.len() as u64) as usize])
            .collect()
    }
    fn value(&mut self, depth: u32) -> Value {
        match self.below(if depth > 2 { 4 } else { 6 }) {
            0 => Value::Null,
            1 => Value::Bool(self.below(2) == 1),
            2 => Value::from(self.next() as i64 >> self.below(64)),
            3 => Value::String(self.string()),
            4 => Value::Array((0..self.below(5)).map(|_| self.value(depth + 1)).collect()),
            _ => self.object(depth + 1),
        }
    }
    fn object(&mut self, depth: u32) -> Value {
        let mut m = serde_json::Map::new();
        for _ in 0..self.below(6) {
            let k = self.string();
            let v = self.value(depth);
            m.insert(k, v);
        }
        Value::Object(m)
    }
}

#[test]
fn property_round_trip_and_every_byte_change_rejected() {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    for i in 0..200 {
        let secret: Vec<u8> = (0..1 + rng.below(40)).map(|_| rng.next() as u8).collect();
        let fc = FlaskCookie::new(&secret).unwrap();
        let data = rng.object(0);
        let now = 1_600_000_000 + rng.below(100_000_000) as i64;
        let cookie = fc.dumps(&data.to_string(), now).unwrap();
        let back: Value = serde_json::from_str(&fc.loads(&cookie, now).unwrap()).unwrap();
        assert_eq!(back, data, "case {i}");
        if i % 10 == 0 {
            let bytes = cookie.as_bytes();
            for p in 0..bytes.len() {
                for delta in [1u8, 0x20] {
                    let mut m = bytes.to_vec();
                    m[p] ^= delta;
                    if let Ok(m) = String::from_utf8(m) {
                        assert!(fc.loads(&m, now).is_err(), "case {i}: byte {p} ^ {delta}");
                    }
                }
            }
        }
    }
}

#[test]
fn garbage_never_panics() {
    let fc = FlaskCookie::new(b"k").unwrap();
    let mut rng = Rng(7);
    for _ in 0..2000 {
        let n = rng.below(60) as usize;
        let t: String = (0..n)
            .map(|_| b"a.-_Z9=!.eJ"[rng.below(11) as usize] as char)
            .collect();
        assert!(fc.loads(&t, 0).is_err());
    }
    assert!(fc.dumps("not json", 0).is_err());
    assert!(fc.dumps("{\"a\":1,\"a\":2}", 0).is_err());
    assert!(fc.dumps("{}", -1).is_err());
    assert!(fc.dumps("[1]", 0).is_err());
    // Python's int_to_bytes(0) is b"": an empty timestamp means 0.
    let zero = fc.dumps("{}", 0).unwrap();
    assert_eq!(fc.loads(&zero, 10).unwrap(), "{}");
    for bad in [
        r#"{"a":{" t":1}}"#,
        r#"{"a":{" b":"!!"}}"#,
        r#"{"a":[{" u":"xyz"}]}"#,
        r#"{"a":{" d":5}}"#,
        r#"{"a":{" di":{"x__":1,"y__":2}}}"#,
    ] {
        let e = fc.dumps(bad, 0).unwrap_err();
        assert_eq!(e.code().as_str(), "INVALID_ARGUMENT", "{bad}");
    }
    let ok = r#"{"a":{" u":"12345678-1234-5678-1234-567812345678"},"b":{" t":"x","y":1}}"#;
    assert!(fc.dumps(ok, 0).is_ok());
    // A verified payload that is not an object (only a key holder can make one).
    let ser = URLSafeTimedSerializer::new(
        &[b"k"],
        &SignerOptions {
            salt: b"cookie-session".to_vec(),
            key_derivation: KeyDerivation::Hmac,
            ..SignerOptions::default()
        },
    )
    .unwrap();
    let c = ser.dumps("[1,2]", 5).unwrap();
    assert_eq!(fc.loads(&c, 5).unwrap_err().code().as_str(), "MALFORMED");
}
