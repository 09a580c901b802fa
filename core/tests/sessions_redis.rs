//! Sessions, denylist and refresh tokens on a real Redis (standalone and a
//! 3-master Cluster) started by the test on free loopback ports, plus faults:
//! Redis killed mid-test, restarted, and garbage in the store.

mod support;

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::redis::{available, Cluster, Server};
use tessera::session::{
    Denylist, RedisOptions, RedisStore, RefreshTokens, SessionManager, SessionStore,
};
use tessera::ErrorCode;

fn store(urls: &[String], cluster: bool) -> Arc<RedisStore> {
    Arc::new(
        RedisStore::new(
            urls,
            RedisOptions {
                cluster,
                connect_timeout: Duration::from_millis(500),
                io_timeout: Duration::from_millis(500),
                prefix: "tessera:".into(),
                ..RedisOptions::default()
            },
        )
        .unwrap(),
    )
}

fn cli(port: u16, args: &[&str]) -> String {
    let out = Command::new("redis-cli")
        .arg("-p")
        .arg(port.to_string())
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn sha256_hex(s: &str) -> String {
    let out = Command::new("python3")
        .args([
            "-c",
            "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())",
            s,
        ])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Everything a user of the three APIs does, on any store.
fn exercise(store: Arc<RedisStore>) {
    let m = SessionManager::new(
        store.clone(),
        Duration::from_secs(600),
        Some(Duration::from_secs(60)),
    )
    .unwrap();
    let id = m.create(r#"{"cart":[1,2]}"#, Some("alice")).unwrap();
    let s = m.load(&id).unwrap().unwrap();
    assert_eq!((s.data.as_str(), s.version), (r#"{"cart":[1,2]}"#, 0));
    assert_eq!(m.save(&id, r#"{"cart":[]}"#, 0).unwrap(), 1);
    assert_eq!(
        m.save(&id, r#"{"x":1}"#, 0).unwrap_err().code(),
        ErrorCode::SessionConflict
    );
    assert_eq!(m.merge(&id, r#"{"x":1}"#).unwrap(), 2);
    let new = m.rotate(&id).unwrap().unwrap();
    assert!(m.load(&id).unwrap().is_none());
    assert_eq!(m.load(&new).unwrap().unwrap().data, r#"{"cart":[],"x":1}"#);
    let second = m.create("{}", Some("alice")).unwrap();
    assert_eq!(m.destroy_user("alice").unwrap(), 2);
    assert!(m.load(&new).unwrap().is_none() && m.load(&second).unwrap().is_none());

    let deny = Denylist::new(store.clone());
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + 60;
    deny.revoke("jti-1", exp).unwrap();
    assert!(deny.is_revoked("jti-1").unwrap());
    assert!(!deny.is_revoked("jti-2").unwrap());

    let rt = Arc::new(RefreshTokens::new(store, Duration::from_secs(600)).unwrap());
    let t = rt.issue("bob", Some(r#"{"device":"phone"}"#)).unwrap();
    let r = rt.rotate(&t).unwrap();
    assert_eq!(r.data.as_deref(), Some(r#"{"device":"phone"}"#));
    // Concurrent presentation of one token: exactly one winner, family revoked.
    let results: Vec<_> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..8).map(|_| s.spawn(|| rt.rotate(&r.token))).collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let wins: Vec<_> = results.iter().filter_map(|x| x.as_ref().ok()).collect();
    assert_eq!(wins.len(), 1, "{results:?}");
    assert_eq!(
        rt.rotate(&wins[0].token).unwrap_err().code(),
        ErrorCode::RefreshTokenReused
    );

    // Many sessions created concurrently: no collisions, nothing lost.
    let ids: Vec<String> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..4)
            .map(|t| {
                let m = &m;
                s.spawn(move || {
                    (0..100)
                        .map(|i| m.create(&format!(r#"{{"t":{t},"i":{i}}}"#), None).unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), 400);
    for (n, id) in ids.iter().enumerate() {
        let s = m.load(id).unwrap().unwrap();
        assert_eq!(s.data, format!(r#"{{"t":{},"i":{}}}"#, n / 100, n % 100));
    }
}

#[test]
fn standalone_layout_and_behaviour() {
    if !available() {
        return;
    }
    let server = Server::start();
    let store = store(&[server.url()], false);
    store.ping().unwrap();
    // The documented layout: key = prefix + "s:" + hex sha256(id), value = the JSON record.
    let m = SessionManager::new(store.clone(), Duration::from_secs(600), None).unwrap();
    let id = m.create(r#"{"n":1}"#, Some("carol")).unwrap();
    let key = format!("tessera:s:{}", sha256_hex(&id));
    let raw = cli(server.port, &["get", &key]);
    let rec: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(rec["v"], 1);
    assert_eq!(rec["data"], serde_json::json!({"n": 1}));
    assert_eq!(rec["user"], "carol");
    assert_eq!(rec["version"], 0);
    let ttl: i64 = cli(server.port, &["pttl", &key]).parse().unwrap();
    assert!((590_000..=600_000).contains(&ttl), "{ttl}");
    assert_eq!(
        cli(server.port, &["smembers", "tessera:u:carol"]),
        key["tessera:s:".len()..]
    );
    assert!(raw.find(&id).is_none(), "the id itself is never stored");
    exercise(store);
}

#[test]
fn cluster_behaviour() {
    if !available() {
        return;
    }
    let cluster = Cluster::start();
    exercise(store(&cluster.urls(), true));
}

#[test]
fn faults_fail_closed_and_recover() {
    if !available() {
        return;
    }
    let mut server = Server::start();
    let store = store(&[server.url()], false);
    let m = SessionManager::new(store.clone(), Duration::from_secs(600), None).unwrap();
    let id = m.create(r#"{"a":1}"#, None).unwrap();
    let deny = Denylist::new(store.clone());

    server.stop();
    for _ in 0..3 {
        let t = Instant::now();
        let err = m.load(&id).unwrap_err();
        assert_eq!(err.code(), ErrorCode::StoreUnavailable, "{err}");
        assert!(
            t.elapsed() < Duration::from_secs(3),
            "took {:?}",
            t.elapsed()
        );
        assert_eq!(
            deny.is_revoked("x").unwrap_err().code(),
            ErrorCode::StoreUnavailable
        );
        assert_eq!(
            m.create("{}", None).unwrap_err().code(),
            ErrorCode::StoreUnavailable
        );
    }
    server.restart();
    // The data is gone (no persistence), but the same store object works again at once.
    assert!(m.load(&id).unwrap().is_none());
    let id = m.create(r#"{"b":2}"#, None).unwrap();
    assert_eq!(m.load(&id).unwrap().unwrap().data, r#"{"b":2}"#);

    // A restart while several connections sit in the pool: the next call
    // still works (its retry must not draw another stale pooled connection).
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..50 {
                    m.load(&id).unwrap();
                }
            });
        }
    });
    server.stop();
    server.restart();
    assert!(m.load(&id).unwrap().is_none());
    for _ in 0..8 {
        assert!(m.load(&id).unwrap().is_none());
    }
    assert!(!m.destroy(&id).unwrap());

    // Garbage under a session key is MALFORMED, not "no session".
    let id = m.create("{}", None).unwrap();
    let key = format!("tessera:s:{}", sha256_hex(&id));
    cli(server.port, &["set", &key, "{not json"]);
    assert_eq!(m.load(&id).unwrap_err().code(), ErrorCode::Malformed);
    cli(server.port, &["del", &key]);
    cli(server.port, &["sadd", &key, "x"]);
    assert_eq!(m.load(&id).unwrap_err().code(), ErrorCode::Malformed);
    assert_eq!(
        store.get(&key["tessera:".len()..]).unwrap_err().code(),
        ErrorCode::Malformed
    );

    // A server that accepts connections but never answers: a timeout, not a hang.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "redis://127.0.0.1:{}/0",
        silent.local_addr().unwrap().port()
    );
    let hung =
        SessionManager::new(self::store(&[url], false), Duration::from_secs(60), None).unwrap();
    let t = Instant::now();
    assert_eq!(
        hung.load(&id).unwrap_err().code(),
        ErrorCode::StoreUnavailable
    );
    assert!(
        t.elapsed() < Duration::from_secs(3),
        "took {:?}",
        t.elapsed()
    );
}

#[test]
fn bad_configuration() {
    let err = RedisStore::new(&["not a url"], RedisOptions::default()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidArgument);
    let zero = RedisOptions {
        connect_timeout: Duration::ZERO,
        ..RedisOptions::default()
    };
    assert_eq!(
        RedisStore::new(&["redis://127.0.0.1:1/0"], zero)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidArgument
    );
    let none: [&str; 0] = [];
    assert!(RedisStore::new(&none, RedisOptions::default()).is_err());
    let debug = format!(
        "{:?}",
        RedisStore::new(
            &["redis://user:hunter2@127.0.0.1:1/0"],
            RedisOptions::default()
        )
        .unwrap()
    );
    assert!(!debug.contains("hunter2"), "{debug}");
}
