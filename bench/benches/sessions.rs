//! Server-side sessions in Rust on the embedded MemoryStore: load (the hot
//! path; target under 1 µs), save, create, and refresh-token rotation. The
//! Redis and peer-library comparisons run from bench/sessions/.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;
use tessera::session::{MemoryStore, RefreshTokens, SessionManager, SessionStore};

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
    let rt = RefreshTokens::new(store, Duration::from_secs(86_400)).unwrap();
    let mut token = rt.issue("alice", None).unwrap();
    g.bench_function("refresh rotate", |b| {
        b.iter(|| {
            token = rt.rotate(&token).unwrap().token;
        })
    });
    g.finish();
}

criterion_group!(session_benches, benches);
criterion_main!(session_benches);
