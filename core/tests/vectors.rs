//! Runs every language-neutral vector in `tests/vectors/*.json` through the
//! public `tessera` API. The format (schema 1) is documented in
//! `tests/vectors/README.md`; the C, Python, Node and Kotlin tests port this file.
//!
//! A case passes when the library's result matches `expect`. A vector that is
//! itself broken (unknown op, field, key name, validation option…) panics; the
//! panic is caught and reported as a failure of that case.

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use serde_json::{json, Value};
use tessera::{b64, jws, jwt, ErrorCode};

#[path = "support/vector_keys.rs"]
mod vector_keys;
use vector_keys::{key, key_set, unhex, validation, Obj};

type Result<T, E = tessera::Error> = std::result::Result<T, E>;

/// Every file together must expect at least these error codes.
const REQUIRED_CODES: &str = "MALFORMED TOO_LARGE UNSUPPORTED_ALGORITHM ALGORITHM_NOT_ALLOWED
    KEY_NOT_FOUND INVALID_KEY INVALID_SIGNATURE EXPIRED NOT_YET_VALID ISSUED_IN_FUTURE TOO_OLD
    INVALID_ISSUER INVALID_AUDIENCE INVALID_SUBJECT INVALID_TYPE MISSING_CLAIM INVALID_CLAIM
    UNSUPPORTED_CRITICAL_HEADER";
const FILE_FIELDS: &str = "suite schema description source license keys cases";
const CASE_FIELDS: &str = "id op expect comment source key keys verify_keys msg_hex msg_utf8
    sig_hex token detached_payload_hex claims_json header_json validation";

/// The `expect` members an op may use besides `error` and `claim` (None: unknown op).
fn expect_fields(op: &str) -> Option<&'static str> {
    Some(match op {
        "load_key" => "alg kid private thumbprint",
        "verify_signature" => "valid",
        "sign_signature" => "sig_b64u",
        "jws_verify" => "payload_hex",
        "jwt_encode" => "token",
        "jwt_decode" | "jwt_roundtrip" => "claims registered",
        "decode_unverified" => "header claims",
        _ => return None,
    })
}

fn listed(list: &str, word: &str) -> bool {
    list.split_whitespace().any(|w| w == word)
}

fn field<'a>(c: &'a Obj, name: &str) -> &'a Value {
    c.get(name).unwrap_or_else(|| panic!("missing \"{name}\""))
}

fn text<'a>(c: &'a Obj, name: &str) -> &'a str {
    let v = field(c, name).as_str();
    v.unwrap_or_else(|| panic!("\"{name}\" must be a string"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse(s: &str) -> Value {
    serde_json::from_str(s).expect("the library returned invalid JSON")
}

/// Runs one op; returns what it observed as an object named like `expect`.
fn execute(op: &str, c: &Obj, keys: &Obj) -> Result<Value> {
    let header = || c.get("header_json").map(|_| text(c, "header_json"));
    Ok(match op {
        "load_key" => {
            let k = key(keys, field(c, "key"))?;
            let (alg, kid, private) = (k.alg().as_str(), k.kid(), k.is_private());
            json!({"alg": alg, "kid": kid, "private": private, "thumbprint": k.thumbprint()})
        }
        "verify_signature" => {
            let k = key(keys, field(c, "key"))?;
            k.verify(&unhex(text(c, "msg_hex")), &unhex(text(c, "sig_hex")))?;
            json!({"valid": true})
        }
        "sign_signature" => {
            let k = key(keys, field(c, "key"))?;
            let msg = match c.get("msg_utf8") {
                Some(_) => text(c, "msg_utf8").as_bytes().to_vec(),
                None => unhex(text(c, "msg_hex")),
            };
            json!({"sig_b64u": b64::encode(&k.sign(&msg)?)})
        }
        "jws_verify" => {
            let (set, token) = (key_set(keys, field(c, "keys"))?, text(c, "token"));
            let payload = match c.get("detached_payload_hex") {
                None => jws::verify(token, &set)?,
                Some(_) => {
                    let payload = unhex(text(c, "detached_payload_hex"));
                    jws::verify_detached(token, &payload, &set)?;
                    payload
                }
            };
            json!({"payload_hex": hex(&payload)})
        }
        "jwt_encode" => {
            let k = key(keys, field(c, "key"))?;
            json!({"token": jwt::encode(text(c, "claims_json"), &k, header())?})
        }
        "jwt_decode" | "jwt_roundtrip" => {
            let (token, names) = match op {
                "jwt_decode" => (text(c, "token").to_owned(), field(c, "keys")),
                _ => {
                    let k = key(keys, field(c, "key"))?;
                    let token = jwt::encode(text(c, "claims_json"), &k, header())?;
                    (token, field(c, "verify_keys"))
                }
            };
            let set = key_set(keys, names)?;
            let claims = jwt::decode(&token, &set, &validation(c.get("validation"))?)?;
            let r = claims.registered();
            let registered = json!({"exp": r.exp, "nbf": r.nbf, "iat": r.iat, "iss": r.iss,
                                    "sub": r.sub, "aud": r.aud, "jti": r.jti});
            json!({"claims": parse(claims.json()), "registered": registered})
        }
        "decode_unverified" => {
            let u = jwt::decode_unverified(text(c, "token"))?;
            json!({"header": parse(&u.header_json), "claims": parse(&u.claims_json)})
        }
        _ => unreachable!("checked by run_case"),
    })
}

/// JSON equality where numbers compare by value (as doubles), as in every language.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Runs one case. `Err` is a mismatch; a broken vector panics.
fn run_case(c: &Obj, keys: &Obj, codes: &mut BTreeSet<String>) -> Result<(), String> {
    if let Some(k) = c.keys().find(|k| !listed(CASE_FIELDS, k)) {
        panic!("unknown case field \"{k}\"");
    }
    let op = text(c, "op");
    let allowed = expect_fields(op).unwrap_or_else(|| panic!("unknown op \"{op}\""));
    let expect = field(c, "expect").as_object().expect("expect: object");
    let want_error = expect
        .get("error")
        .map(|e| e.as_str().expect("error: string"));
    let allowed = want_error.map_or(allowed, |_| "error claim");
    if let Some(k) = expect.keys().find(|k| !listed(allowed, k)) {
        panic!("unexpected expect member \"{k}\" for {op}");
    }
    assert!(!expect.is_empty(), "empty expect");
    let outcome = execute(op, c, keys);
    let Some(code) = want_error else {
        let got = outcome.map_err(|e| format!("unexpected error {e:?}"))?;
        for (k, want) in expect {
            let got = &got[k];
            let ok = match want {
                // "registered" lists only the members to check.
                Value::Object(w) if k == "registered" => w.iter().all(|(n, v)| same(v, &got[n])),
                _ => same(want, got),
            };
            if !ok {
                return Err(format!("{k}: expected {want}, got {got}"));
            }
        }
        return Ok(());
    };
    assert!(ErrorCode::from_str_code(code).is_some(), "unknown code");
    codes.insert(code.to_owned());
    let want_claim = expect
        .get("claim")
        .map(|v| v.as_str().expect("claim: string"));
    match outcome {
        Ok(got) => Err(format!("expected {code}, got success {got}")),
        Err(e) if e.code().as_str() != code => Err(format!("expected {code}, got {e:?}")),
        Err(e) if want_claim.is_some() && e.claim() != want_claim => {
            Err(format!("expected claim {want_claim:?}, got {e:?}"))
        }
        Err(_) => Ok(()),
    }
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    let s = p.downcast_ref::<&str>().map(|s| s.to_string());
    s.or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

#[test]
fn vectors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let entries = std::fs::read_dir(&dir).expect("tests/vectors");
    let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    paths.retain(|p| p.extension().is_some_and(|e| e == "json"));
    paths.sort();
    assert!(!paths.is_empty(), "no vector files in {}", dir.display());
    std::panic::set_hook(Box::new(|_| {})); // broken vectors are reported below
    let (mut failures, mut codes, mut total) = (Vec::new(), BTreeSet::new(), 0);
    for path in &paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let doc: Obj = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).expect(&name);
        if let Some(k) = doc.keys().find(|k| !listed(FILE_FIELDS, k)) {
            failures.push(format!("{name}: unknown file field \"{k}\""));
        }
        if doc.get("schema") != Some(&json!(1)) {
            failures.push(format!("{name}: schema must be 1"));
        }
        let keys = doc["keys"].as_object().cloned().unwrap_or_default();
        let cases = doc["cases"].as_array().cloned().unwrap_or_default();
        let mut ids = BTreeSet::new();
        for c in &cases {
            let id = c["id"].as_str().unwrap_or("<no id>");
            total += 1;
            if !ids.insert(id) {
                failures.push(format!("{name}: {id}: duplicate id"));
            }
            let c = c.as_object().cloned().unwrap_or_default();
            match catch_unwind(AssertUnwindSafe(|| run_case(&c, &keys, &mut codes))) {
                Ok(Ok(())) => {}
                Ok(Err(m)) => failures.push(format!("{name}: {id}: {m}")),
                Err(p) => {
                    failures.push(format!("{name}: {id}: broken vector: {}", panic_text(&*p)))
                }
            }
        }
        println!("{name}: {} cases", cases.len());
    }
    let _ = std::panic::take_hook();
    let missing = REQUIRED_CODES
        .split_whitespace()
        .filter(|c| !codes.contains(*c));
    failures.extend(missing.map(|code| format!("no vector expects {code}")));
    let (n, list) = (failures.len(), failures.join("\n"));
    assert!(n == 0, "{n} of {total} vector cases failed:\n{list}");
}
