//! Runs `tests/vectors/mutations/mutations.json`: every single-bit flip,
//! every truncation and the listed extensions of valid JWTs and cookies, and
//! the mixed-up cookie names, each through the same call as the source
//! vector. The unmutated input must succeed; every mutant must fail with one
//! of the case's `errors`. The format and the runner rules are in
//! `tests/vectors/README.md`; the Python, Node, C and Kotlin runners port this
//! file.
//!
//! Text APIs receive a mutant's bytes decoded as ISO-8859-1 (each byte one
//! code point); the byte APIs (itsdangerous `Signer`/`TimestampSigner`
//! `unsign`) receive the raw bytes *and* that text's UTF-8, and both must
//! fail. A mutant holding a NUL byte is skipped (C strings cannot carry it),
//! as in every binding.

use std::any::Any;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::time::Instant;

use serde_json::{json, Value};
use tessera::cookie::express::{ExpressCookieSession, ExpressSessionId};
use tessera::cookie::flask::{FlaskCookie, DEFAULT_MAX_AGE};
use tessera::cookie::header::CookieAttributes;
use tessera::cookie::itsdangerous::{
    Digest, KeyDerivation, Signer, SignerOptions, TimestampSigner, URLSafeTimedSerializer,
};
use tessera::cookie::native::{SessionCookie, SessionCookieOptions};
use tessera::cookie::rails::{RailsCookie, RailsDigest};
use tessera::{jwt, ErrorCode};

#[path = "support/vector_keys.rs"]
mod vector_keys;
use vector_keys::{key_set, validation, Obj};

const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/vectors/mutations/mutations.json"
);
const FILE_FIELDS: &str = "suite schema description keys cases";
const CASE_FIELDS: &str = "id target input field mutations suffixes renames errors comment";
const MUTATIONS: &str = "bitflip truncate extend";

/// The input members of each target: (required, optional).
fn target_members(target: &str) -> Option<(&'static str, &'static str)> {
    Some(match target {
        "jwt" => ("keys token", "validation"),
        "native" => ("secrets cookie_name encrypted max_age now value", ""),
        "flask" => ("secret_key fallbacks open_now cookie", ""),
        "itsdangerous" => (
            "kind secret_keys salt key_derivation digest sep open_now max_age cookie",
            "",
        ),
        "express_cookie_session" => ("keys name value sig", ""),
        "express_session_id" => ("secrets value", ""),
        "rails" => ("secret_key_base digest cookie_name now_ms cookie", ""),
        _ => return None,
    })
}

fn listed(list: &str, word: &str) -> bool {
    list.split_whitespace().any(|w| w == word)
}

fn field<'a>(o: &'a Obj, name: &str) -> &'a Value {
    o.get(name).unwrap_or_else(|| panic!("missing \"{name}\""))
}

fn text<'a>(o: &'a Obj, name: &str) -> &'a str {
    let v = field(o, name).as_str();
    v.unwrap_or_else(|| panic!("\"{name}\" must be a string"))
}

fn int(o: &Obj, name: &str) -> i64 {
    let v = field(o, name).as_i64();
    v.unwrap_or_else(|| panic!("\"{name}\" must be an integer"))
}

fn strings<'a>(o: &'a Obj, name: &str) -> Vec<&'a str> {
    let v = field(o, name).as_array();
    let v = v.unwrap_or_else(|| panic!("\"{name}\" must be a list"));
    let s = |x: &'a Value| x.as_str().unwrap_or_else(|| panic!("\"{name}\": strings"));
    v.iter().map(s).collect()
}

/// `max_age`: a non-negative integer or null.
fn max_age(o: &Obj) -> Option<u64> {
    match field(o, "max_age") {
        Value::Null => None,
        v => Some(v.as_u64().expect("\"max_age\" must be an integer or null")),
    }
}

/// The codec (or key set) built from `key`'s inputs, built once: the call on
/// it is the same call, and a Rails codec's PBKDF2 or an RSA key's parsing per
/// mutant would dominate the run. A construction error is not kept.
fn memo<T: 'static>(
    key: String,
    make: impl FnOnce() -> tessera::Result<T>,
) -> tessera::Result<Rc<T>> {
    thread_local!(static MEMO: RefCell<HashMap<String, Rc<dyn Any>>> = RefCell::default());
    if let Some(v) = MEMO.with(|m| m.borrow().get(&key).cloned()) {
        return Ok(v.downcast::<T>().expect("one type per memo key"));
    }
    let v = Rc::new(make()?);
    MEMO.with(|m| m.borrow_mut().insert(key, v.clone()));
    Ok(v)
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Runs a target's call on `input` with `input[mutated]` replaced by `mutant`:
/// one outcome per API form (two for byte APIs). A broken vector panics.
fn call(
    target: &str,
    input: &Obj,
    keys: &Obj,
    mutated: &str,
    mutant: &[u8],
) -> Vec<tessera::Result<()>> {
    let s = latin1(mutant);
    // The value of a string member: the mutant for the mutated field.
    let get = |name: &str| -> &str {
        if name == mutated {
            &s
        } else {
            text(input, name)
        }
    };
    let one = |r: tessera::Result<()>| vec![r];
    match target {
        "jwt" => one((|| {
            let (names, v) = (field(input, "keys"), input.get("validation"));
            let set = memo(format!("jwt {names} {v:?}"), || {
                Ok((key_set(keys, names)?, validation(v)?))
            })?;
            jwt::decode(get("token"), &set.0, &set.1).map(drop)
        })()),
        "native" => one((|| {
            let (secrets, name) = (strings(input, "secrets"), get("cookie_name"));
            let encrypted = field(input, "encrypted")
                .as_bool()
                .expect("encrypted: bool");
            let max_age = max_age(input);
            let key = format!("native {secrets:?} {name:?} {encrypted} {max_age:?}");
            let cs = memo(key, || {
                let opts = SessionCookieOptions {
                    name: name.to_owned(),
                    encrypted,
                    max_age,
                    chunked: false,
                    attributes: CookieAttributes::default(),
                };
                SessionCookie::new(&secrets, opts)
            })?;
            cs.open(get("value"), int(input, "now")).map(drop)
        })()),
        "flask" => one((|| {
            let (secret, fallbacks) = (get("secret_key"), strings(input, "fallbacks"));
            let fc = memo(format!("flask {secret:?} {fallbacks:?}"), || {
                let salt = b"cookie-session";
                FlaskCookie::with_options(
                    secret.as_bytes(),
                    &fallbacks,
                    salt,
                    Some(DEFAULT_MAX_AGE),
                )
            })?;
            fc.loads(get("cookie"), int(input, "open_now")).map(drop)
        })()),
        "itsdangerous" => {
            let kind = get("kind");
            let default_salt = match kind {
                "serializer" => "itsdangerous",
                _ => "itsdangerous.Signer",
            };
            let salt = match field(input, "salt") {
                Value::Null => default_salt,
                _ => get("salt"),
            };
            let keys: Vec<&[u8]> = strings(input, "secret_keys")
                .iter()
                .map(|k| k.as_bytes())
                .collect();
            let opts = || -> tessera::Result<SignerOptions> {
                Ok(SignerOptions {
                    salt: salt.as_bytes().to_vec(),
                    sep: get("sep").as_bytes().to_vec(),
                    key_derivation: KeyDerivation::parse(get("key_derivation"))?,
                    digest: Digest::parse(get("digest"))?,
                })
            };
            let (open_now, max_age) = (int(input, "open_now"), max_age(input));
            // The byte APIs get the raw bytes and the ISO-8859-1 text's UTF-8.
            let forms: Vec<&[u8]> = if mutated == "cookie" {
                vec![mutant, s.as_bytes()]
            } else {
                vec![get("cookie").as_bytes()]
            };
            match kind {
                "signer" => forms
                    .iter()
                    .map(|c| Signer::new(&keys, &opts()?)?.unsign(c).map(drop))
                    .collect(),
                "timestamp_signer" => forms
                    .iter()
                    .map(|c| {
                        let sg = TimestampSigner::new(&keys, &opts()?)?;
                        sg.unsign(c, max_age, open_now).map(drop)
                    })
                    .collect(),
                "serializer" => one((|| {
                    let ser = URLSafeTimedSerializer::new(&keys, &opts()?)?;
                    ser.loads(get("cookie"), max_age, open_now).map(drop)
                })()),
                _ => panic!("unknown itsdangerous kind \"{kind}\""),
            }
        }
        "express_cookie_session" => one((|| {
            let cs = ExpressCookieSession::new(&strings(input, "keys"), get("name"))?;
            cs.verify(get("value"), get("sig")).map(drop)
        })()),
        "express_session_id" => one((|| {
            let ids = ExpressSessionId::new(&strings(input, "secrets"))?;
            ids.unsign(get("value")).map(drop)
        })()),
        "rails" => one((|| {
            let (skb, name, digest) = (get("secret_key_base"), get("cookie_name"), get("digest"));
            let c = memo(format!("rails {skb:?} {name:?} {digest:?}"), || {
                RailsCookie::new(skb.as_bytes(), name, RailsDigest::parse(digest)?)
            })?;
            c.decrypt(get("cookie"), int(input, "now_ms")).map(drop)
        })()),
        _ => panic!("unknown target \"{target}\""),
    }
}

/// One mutant: how it was made, and the bytes.
struct Mutant {
    label: String,
    bytes: Vec<u8>,
}

/// Every mutant of `original` the case asks for, in order.
fn mutants(original: &[u8], kinds: &[&str], suffixes: &[&str]) -> Vec<Mutant> {
    let mut out = Vec::new();
    for kind in kinds {
        match *kind {
            "bitflip" => {
                for i in 0..original.len() {
                    for b in 0..8 {
                        let mut m = original.to_vec();
                        m[i] ^= 1 << b;
                        out.push(Mutant {
                            label: format!("bitflip i={i} b={b}"),
                            bytes: m,
                        });
                    }
                }
            }
            "truncate" => {
                for n in 0..original.len() {
                    out.push(Mutant {
                        label: format!("truncate len={n}"),
                        bytes: original[..n].to_vec(),
                    });
                }
            }
            "extend" => {
                for s in suffixes {
                    out.push(Mutant {
                        label: format!("extend {s:?}"),
                        bytes: [original, s.as_bytes()].concat(),
                    });
                }
            }
            _ => panic!("unknown mutation \"{kind}\""),
        }
    }
    out
}

/// The mutant count the case implies, from the input lengths alone.
fn expected_count(c: &Obj) -> usize {
    let input = field(c, "input").as_object().expect("input: object");
    let n = text(input, text(c, "field")).len();
    let suffixes = c
        .get("suffixes")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let renames = c
        .get("renames")
        .and_then(|r| r["values"].as_array())
        .map_or(0, Vec::len);
    let per_kind = |k: &Value| match k.as_str() {
        Some("bitflip") => 8 * n,
        Some("truncate") => n,
        Some("extend") => suffixes,
        _ => 0,
    };
    let kinds = c.get("mutations").and_then(Value::as_array);
    kinds.map_or(0, |k| k.iter().map(per_kind).sum::<usize>()) + renames
}

#[derive(Default)]
struct Tally {
    checked: usize,
    skipped: usize,
    /// Codes seen per case id (printed, so `errors` can be kept tight).
    codes: BTreeMap<String, BTreeSet<&'static str>>,
    failures: Vec<String>,
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    let s = p.downcast_ref::<&str>().map(|s| s.to_string());
    s.or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// Checks one mutant's outcomes against `errors`.
fn judge(
    id: &str,
    label: &str,
    outcomes: std::thread::Result<Vec<tessera::Result<()>>>,
    errors: &BTreeSet<String>,
    t: &mut Tally,
) {
    let outcomes = match outcomes {
        Ok(o) => o,
        Err(p) => {
            t.failures
                .push(format!("{id}: {label}: panicked: {}", panic_text(&*p)));
            return;
        }
    };
    for (form, outcome) in outcomes.iter().enumerate() {
        let form = if outcomes.len() > 1 {
            [" (bytes)", " (ISO-8859-1 text)"][form]
        } else {
            ""
        };
        match outcome {
            Ok(()) => t.failures.push(format!("{id}: {label}{form}: accepted")),
            Err(e) => {
                let code = e.code().as_str();
                t.codes.entry(id.to_owned()).or_default().insert(code);
                if !errors.contains(code) {
                    t.failures
                        .push(format!("{id}: {label}{form}: {code} not in errors ({e})"));
                }
            }
        }
    }
}

/// Runs one case; a broken vector panics (caught by the caller).
fn run_case(c: &Obj, keys: &Obj, t: &mut Tally) {
    if let Some(k) = c.keys().find(|k| !listed(CASE_FIELDS, k)) {
        panic!("unknown case member \"{k}\"");
    }
    let id = text(c, "id");
    let target = text(c, "target");
    let (required, optional) =
        target_members(target).unwrap_or_else(|| panic!("unknown target \"{target}\""));
    let input = field(c, "input").as_object().expect("input: object");
    if let Some(k) = input
        .keys()
        .find(|k| !listed(required, k) && !listed(optional, k))
    {
        panic!("unknown input member \"{k}\" for {target}");
    }
    if let Some(k) = required
        .split_whitespace()
        .find(|k| !input.contains_key(*k))
    {
        panic!("missing input member \"{k}\" for {target}");
    }
    let fname = text(c, "field");
    let original = text(input, fname).as_bytes();
    let kinds = strings(c, "mutations");
    assert!(!kinds.is_empty(), "no mutations");
    if let Some(k) = kinds.iter().find(|k| !listed(MUTATIONS, k)) {
        panic!("unknown mutation \"{k}\"");
    }
    let suffixes = match c.get("suffixes") {
        Some(_) => strings(c, "suffixes"),
        None => Vec::new(),
    };
    assert_eq!(
        kinds.contains(&"extend"),
        c.contains_key("suffixes"),
        "suffixes must be present iff extend is listed"
    );
    let errors: BTreeSet<String> = strings(c, "errors").iter().map(|s| s.to_string()).collect();
    assert!(!errors.is_empty(), "no errors listed");
    for e in &errors {
        assert!(ErrorCode::from_str_code(e).is_some(), "unknown code {e}");
    }

    // Control: the unmutated input succeeds.
    let control = catch_unwind(AssertUnwindSafe(|| {
        call(target, input, keys, fname, original)
    }));
    match control {
        Ok(outcomes) => {
            for o in outcomes {
                if let Err(e) = o {
                    t.failures.push(format!("{id}: control rejected: {e:?}"));
                }
            }
        }
        Err(p) => t
            .failures
            .push(format!("{id}: control panicked: {}", panic_text(&*p))),
    }

    for m in mutants(original, &kinds, &suffixes) {
        if m.bytes.contains(&0) {
            t.skipped += 1;
            continue;
        }
        t.checked += 1;
        let got = catch_unwind(AssertUnwindSafe(|| {
            call(target, input, keys, fname, &m.bytes)
        }));
        judge(id, &m.label, got, &errors, t);
    }

    if let Some(r) = c.get("renames") {
        let r = r.as_object().expect("renames: object");
        if let Some(k) = r.keys().find(|k| !listed("field values", k)) {
            panic!("unknown renames member \"{k}\"");
        }
        let rfield = text(r, "field");
        assert!(rfield != fname, "renames.field is the mutated field");
        assert!(input.contains_key(rfield), "renames.field not in input");
        for v in strings(r, "values") {
            let mut renamed = input.clone();
            renamed.insert(rfield.to_owned(), json!(v));
            t.checked += 1;
            let got = catch_unwind(AssertUnwindSafe(|| {
                call(target, &renamed, keys, fname, original)
            }));
            judge(id, &format!("rename {rfield}={v:?}"), got, &errors, t);
        }
    }
}

#[test]
fn mutations() {
    let started = Instant::now();
    let doc: Obj = serde_json::from_str(&std::fs::read_to_string(PATH).expect(PATH)).expect(PATH);
    let mut t = Tally::default();
    if let Some(k) = doc.keys().find(|k| !listed(FILE_FIELDS, k)) {
        t.failures.push(format!("unknown file member \"{k}\""));
    }
    if doc.get("schema") != Some(&json!(1)) || doc.get("suite") != Some(&json!("mutations")) {
        t.failures
            .push("suite must be \"mutations\", schema 1".to_owned());
    }
    let keys = doc["keys"].as_object().cloned().unwrap_or_default();
    let cases = doc["cases"].as_array().cloned().unwrap_or_default();
    assert!(!cases.is_empty(), "no cases");
    std::panic::set_hook(Box::new(|_| {})); // panics are reported as failures
    let (mut ids, mut expected) = (BTreeSet::new(), 0);
    for c in &cases {
        let c = c.as_object().cloned().unwrap_or_default();
        let id = c.get("id").and_then(Value::as_str).unwrap_or("<no id>");
        if !ids.insert(id.to_owned()) {
            t.failures.push(format!("{id}: duplicate id"));
        }
        let (before, clock) = ((t.checked, t.skipped), Instant::now());
        match catch_unwind(AssertUnwindSafe(|| expected_count(&c))) {
            Ok(n) => expected += n,
            Err(p) => t
                .failures
                .push(format!("{id}: broken vector: {}", panic_text(&*p))),
        }
        if let Err(p) = catch_unwind(AssertUnwindSafe(|| run_case(&c, &keys, &mut t))) {
            t.failures
                .push(format!("{id}: broken vector: {}", panic_text(&*p)));
        }
        let codes: Vec<_> = t.codes.get(id).into_iter().flatten().collect();
        println!(
            "{id}: {} mutants ({} skipped for a NUL byte) in {:.1?}; codes {codes:?}",
            t.checked - before.0 + t.skipped - before.1,
            t.skipped - before.1,
            clock.elapsed()
        );
    }
    let _ = std::panic::take_hook();
    println!(
        "{} cases, {} mutants checked, {} skipped (NUL), expected {expected}, {:.1?}",
        cases.len(),
        t.checked,
        t.skipped,
        started.elapsed()
    );
    assert!(t.checked > 0, "no mutants checked");
    if t.checked + t.skipped != expected {
        t.failures.push(format!(
            "{} mutants run or skipped, the input lengths imply {expected}",
            t.checked + t.skipped
        ));
    }
    let (n, list) = (t.failures.len(), t.failures.join("\n"));
    assert!(n == 0, "{n} mutation failures:\n{list}");
}
