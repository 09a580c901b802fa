//! Server-side sessions in Rust on the embedded MemoryStore: load (the hot
//! path; target under 1 µs), save, create, and refresh-token rotation; and
//! with `TESSERA_REDIS_URL` set (bench/sessions/run starts a redis-server),
//! the same on a RedisStore next to a bare redis-rs `GET` of the same key
//! (the floor: one round trip). The peer libraries run from bench/sessions/.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;
use tessera::session::{
    MemoryStore, RedisOptions, RedisStore, RefreshTokens, SessionManager, SessionStore,
};

const DATA: &str = r#"{"user_id":1234567,"username":"alice@example.com","roles":["admin","editor","viewer"],"csrf":"Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4","theme":"dark","last_seen":1763000000,"flags":{"beta":true,"mfa":true}}"#;

fn benches(c: &mut Criterion) {
    let store: Arc<dyn SessionStore> = Arc::new(MemoryStore::default());
    let mut g = c.benchmark_group("session/memory");
    for idle in [None, Some(Duration::from_secs(1800))] {
        let m = SessionManager::new(store.clone(), Duration::from_secs(86_400), idle).unwrap();
        let id = m.create(DATA, Some("alice")).unwrap();
        let name = if idle.is_some() {
            "load (idle timeout: touch)"
        } else {
            "load"
        };
        g.bench_function(name, |b| {
            b.iter(|| m.load(black_box(&id)).unwrap().unwrap())
        });
    }
    let m = SessionManager::new(store.clone(), Duration::from_secs(86_400), None).unwrap();
    let id = m.create(DATA, None).unwrap();
    g.bench_function("save", |b| {
        b.iter(|| {
            let v = m.load(&id).unwrap().unwrap().version;
            m.save(&id, DATA, v).unwrap()
        })
    });
    g.bench_function("create + destroy", |b| {
        b.iter(|| {
            let id = m.create(DATA, None).unwrap();
            m.destroy(&id).unwrap()
        })
    });
    // A short life, so the retired tokens every rotation leaves behind expire
    // and are purged: a bounded store never fills up during the run.
    let rt = RefreshTokens::new(store, Duration::from_secs(2)).unwrap();
    let mut token = rt.issue("alice", None).unwrap();
    g.bench_function("refresh rotate", |b| {
        b.iter(|| {
            token = rt.rotate(&token).unwrap().token;
        })
    });
    g.finish();

    let Ok(url) = std::env::var("TESSERA_REDIS_URL") else {
        eprintln!("TESSERA_REDIS_URL not set: Redis rows skipped (bench/sessions/run sets it)");
        return;
    };
    let redis: Arc<dyn SessionStore> =
        Arc::new(RedisStore::new(&[url.as_str()], RedisOptions::default()).unwrap());
    let m = SessionManager::new(redis.clone(), Duration::from_secs(86_400), None).unwrap();
    let id = m.create(DATA, Some("alice")).unwrap();
    let mut g = c.benchmark_group("session/redis");
    g.bench_function("load", |b| {
        b.iter(|| m.load(black_box(&id)).unwrap().unwrap())
    });
    let idle = SessionManager::new(
        redis.clone(),
        Duration::from_secs(86_400),
        Some(Duration::from_secs(1800)),
    )
    .unwrap();
    g.bench_function("load (idle timeout: touch)", |b| {
        b.iter(|| idle.load(black_box(&id)).unwrap().unwrap())
    });
    let client = ::redis::Client::open(url.as_str()).unwrap();
    let mut conn = client.get_connection().unwrap();
    let key = format!("tessera:s:{}", hex_sha256(&id));
    g.bench_function("floor: redis-rs GET", |b| {
        b.iter(|| {
            let v: Vec<u8> = ::redis::cmd("GET").arg(&key).query(&mut conn).unwrap();
            v
        })
    });
    let rt = RefreshTokens::new(redis, Duration::from_secs(86_400)).unwrap();
    let mut token = rt.issue("alice", None).unwrap();
    g.bench_function("refresh rotate", |b| {
        b.iter(|| {
            token = rt.rotate(&token).unwrap().token;
        })
    });
    g.finish();
}

fn hex_sha256(s: &str) -> String {
    ring::digest::digest(&ring::digest::SHA256, s.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

criterion_group!(session_benches, benches);
criterion_main!(session_benches);
