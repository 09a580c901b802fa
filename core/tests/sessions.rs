//! Store-independent session behaviour on the embedded MemoryStore: the JWT
//! denylist wired into a Verifier, and the scenario vectors every binding runs
//! (`tests/vectors/sessions/scenarios.json`).

use std::sync::Arc;
use std::time::Duration;

use tessera::jwt::{self, Validation, Verifier};
use tessera::session::{Denylist, MemoryStore, RefreshTokens, SessionManager, SessionStore};
use tessera::{Algorithm, ErrorCode, Key, KeySet};

#[test]
fn verifier_with_denylist() {
    let store: Arc<dyn SessionStore> = Arc::new(MemoryStore::default());
    let deny = Arc::new(Denylist::new(store));
    let key = Key::hmac(&[7u8; 32], Algorithm::HS256).unwrap();
    let verifier = Verifier::new(KeySet::from(key.clone()), Validation::default())
        .unwrap()
        .with_denylist(deny.clone());
    let token = jwt::encode(r#"{"sub":"u","exp":4102444800,"jti":"t-1"}"#, &key, None).unwrap();
    assert_eq!(
        verifier.verify(&token).unwrap().registered().jti.as_deref(),
        Some("t-1")
    );
    deny.revoke("t-1", 4_102_444_800).unwrap();
    let err = verifier.verify(&token).unwrap_err();
    assert_eq!((err.code(), err.claim()), (ErrorCode::Revoked, Some("jti")));
    let no_jti = jwt::encode(r#"{"sub":"u","exp":4102444800}"#, &key, None).unwrap();
    assert_eq!(
        verifier.verify(&no_jti).unwrap_err().code(),
        ErrorCode::MissingClaim
    );
    // An expired entry is not stored at all (the token is dead anyway).
    deny.revoke("old", 1_000).unwrap();
    assert!(!deny.is_revoked("old").unwrap());
    // A bad signature is reported before the denylist is consulted.
    let forged = format!("{}x", &token[..token.len() - 1]);
    assert_ne!(
        verifier.verify(&forged).unwrap_err().code(),
        ErrorCode::Revoked
    );
}

#[test]
fn managers_reject_bad_arguments() {
    let store: Arc<dyn SessionStore> = Arc::new(MemoryStore::default());
    assert_eq!(
        SessionManager::new(store.clone(), Duration::ZERO, None)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        SessionManager::new(
            store.clone(),
            Duration::from_secs(1_000_000_000_000_000),
            None
        )
        .unwrap_err()
        .code(),
        ErrorCode::InvalidArgument
    );
    let m = SessionManager::new(store.clone(), Duration::from_secs(1), None).unwrap();
    assert_eq!(
        m.create("{}", Some("")).unwrap_err().code(),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        m.create("{}", Some("a\nb")).unwrap_err().code(),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        m.destroy_user(&"x".repeat(257)).unwrap_err().code(),
        ErrorCode::InvalidArgument
    );
    let rt = RefreshTokens::new(store, Duration::from_secs(1)).unwrap();
    assert_eq!(
        rt.issue("u", Some("[]")).unwrap_err().code(),
        ErrorCode::InvalidArgument
    );
}

/// Runs `tests/vectors/sessions/scenarios.json` (every binding runs the same file).
#[test]
fn scenario_vectors() {
    use serde_json::Value;
    use std::collections::HashMap;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/sessions/scenarios.json"
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let scenarios = v["scenarios"].as_array().unwrap();
    assert!(scenarios.len() >= 6);
    for sc in scenarios {
        let name = sc["name"].as_str().unwrap();
        let store: Arc<dyn SessionStore> = Arc::new(MemoryStore::default());
        let ms = |k: &str| sc[k].as_u64().map(Duration::from_millis);
        let m = SessionManager::new(store.clone(), ms("ttl_ms").unwrap(), ms("idle_ms")).unwrap();
        let deny = Denylist::new(store.clone());
        let rt = RefreshTokens::new(store, ms("refresh_ttl_ms").unwrap()).unwrap();
        let mut names: HashMap<String, String> = HashMap::new();
        for (i, step) in sc["steps"].as_array().unwrap().iter().enumerate() {
            let at = format!("{name} step {i} {step}");
            let s = |k: &str| step[k].as_str().unwrap_or_else(|| panic!("{at}: no {k}"));
            let resolve = |k: &str| -> String {
                if step["literal"] == true {
                    s(k).to_owned()
                } else {
                    names
                        .get(s(k))
                        .cloned()
                        .unwrap_or_else(|| panic!("{at}: unbound {}", s(k)))
                }
            };
            let expect = &step["expect"];
            let err_of = |r: tessera::Error| {
                assert_eq!(
                    Some(r.code().as_str()),
                    expect["error"].as_str(),
                    "{at}: {r}"
                );
            };
            let json = |k: &str| step[k].to_string();
            match s("op") {
                "create" => {
                    let id = m.create(&json("data"), step["user"].as_str()).unwrap();
                    names.insert(s("as").to_owned(), id);
                }
                "load" => match (m.load(&resolve("id")).unwrap(), expect.is_null()) {
                    (None, true) => {}
                    (Some(got), false) => {
                        let data: Value = serde_json::from_str(&got.data).unwrap();
                        assert_eq!(data, expect["data"], "{at}");
                        assert_eq!(got.version, expect["version"].as_u64().unwrap(), "{at}");
                        assert_eq!(got.user_id.as_deref(), expect["user"].as_str(), "{at}");
                    }
                    (got, _) => panic!("{at}: got {got:?}"),
                },
                "save" => match m.save(
                    &resolve("id"),
                    &json("data"),
                    step["version"].as_u64().unwrap(),
                ) {
                    Ok(v) => assert_eq!(Some(v), expect["version"].as_u64(), "{at}"),
                    Err(e) => err_of(e),
                },
                "merge" => match m.merge(&resolve("id"), &json("patch")) {
                    Ok(v) => assert_eq!(Some(v), expect["version"].as_u64(), "{at}"),
                    Err(e) => err_of(e),
                },
                "touch" => assert_eq!(
                    Value::Bool(m.touch(&resolve("id")).unwrap()),
                    *expect,
                    "{at}"
                ),
                "destroy" => assert_eq!(
                    Value::Bool(m.destroy(&resolve("id")).unwrap()),
                    *expect,
                    "{at}"
                ),
                "rotate" => match m.rotate(&resolve("id")).unwrap() {
                    Some(new) => {
                        assert!(!expect.is_null() || step.get("expect").is_none(), "{at}");
                        names.insert(s("as").to_owned(), new);
                    }
                    None => assert!(step.get("expect").is_some() && expect.is_null(), "{at}"),
                },
                "destroy_user" => assert_eq!(
                    m.destroy_user(s("user")).unwrap(),
                    expect.as_u64().unwrap(),
                    "{at}"
                ),
                "sleep" => std::thread::sleep(Duration::from_millis(step["ms"].as_u64().unwrap())),
                "revoke" => {
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap()
                        .as_secs() as i64;
                    deny.revoke(s("jti"), now + step["exp_in"].as_i64().unwrap())
                        .unwrap();
                }
                "is_revoked" => assert_eq!(
                    Value::Bool(deny.is_revoked(s("jti")).unwrap()),
                    *expect,
                    "{at}"
                ),
                "issue" => {
                    let data = step.get("data").map(|d| d.to_string());
                    let t = rt.issue(s("user"), data.as_deref()).unwrap();
                    names.insert(s("as").to_owned(), t);
                }
                "rotate_refresh" => match rt.rotate(&resolve("token")) {
                    Ok(r) => {
                        assert_eq!(Some(r.user_id.as_str()), expect["user"].as_str(), "{at}");
                        let data = r
                            .data
                            .map(|d| serde_json::from_str::<Value>(&d).unwrap())
                            .unwrap_or(Value::Null);
                        assert_eq!(data, expect["data"], "{at}");
                        names.insert(s("as").to_owned(), r.token);
                    }
                    Err(e) => err_of(e),
                },
                "revoke_family" => assert_eq!(
                    Value::Bool(rt.revoke_family(&resolve("token")).unwrap()),
                    *expect,
                    "{at}"
                ),
                op => panic!("{at}: unknown op {op}"),
            }
        }
    }
}
