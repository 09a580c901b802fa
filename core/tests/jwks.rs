//! The remote JWKS client against a real HTTP(S) server on loopback, whose
//! answers the tests change and whose requests they count.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use tessera::jwks::{Freshness, RemoteKeySet, RemoteOptions};
use tessera::jwt::{self, Validation, Verifier};
use tessera::{Algorithm, ErrorCode, Key, KeySet};

// ---------------------------------------------------------------- the server

/// What the server answers on one path.
#[derive(Clone)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Send `Content-Length` (else the body ends when the connection closes).
    content_length: bool,
    /// Wait this long before the status line.
    delay: Duration,
    /// Send the body one byte per this interval.
    drip: Option<Duration>,
}

impl Reply {
    fn json(body: &str) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
            content_length: true,
            delay: Duration::ZERO,
            drip: None,
        }
    }

    fn status(status: u16) -> Reply {
        Reply {
            status,
            ..Reply::json("{}")
        }
    }

    fn redirect(location: &str) -> Reply {
        let mut r = Reply::status(302);
        r.headers.push(("Location".into(), location.into()));
        r
    }

    fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

#[derive(Default)]
struct Routes {
    replies: HashMap<String, Reply>,
    seen: Vec<String>,
}

/// A threaded HTTP/1.1 server (TLS when given a config); `Connection: close`.
struct Server {
    addr: SocketAddr,
    routes: Arc<Mutex<Routes>>,
    requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    tls: Option<Arc<rustls::ServerConfig>>,
    accept: Option<thread::JoinHandle<()>>,
}

impl Server {
    fn start() -> Server {
        Server::start_on("127.0.0.1:0".parse().unwrap(), None)
    }

    fn start_on(addr: SocketAddr, tls: Option<Arc<rustls::ServerConfig>>) -> Server {
        let mut server = Server {
            addr,
            routes: Arc::default(),
            requests: Arc::default(),
            stop: Arc::default(),
            tls,
            accept: None,
        };
        server.listen();
        server
    }

    fn listen(&mut self) {
        let listener = TcpListener::bind(self.addr).expect("bind");
        self.addr = listener.local_addr().unwrap();
        self.stop.store(false, Ordering::SeqCst);
        let (routes, requests, stop, tls) = (
            self.routes.clone(),
            self.requests.clone(),
            self.stop.clone(),
            self.tls.clone(),
        );
        self.accept = Some(thread::spawn(move || {
            for conn in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (routes, requests, tls) = (routes.clone(), requests.clone(), tls.clone());
                thread::spawn(move || {
                    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
                    match tls {
                        None => serve(conn, &routes, &requests),
                        Some(cfg) => {
                            let Ok(session) = rustls::ServerConnection::new(cfg) else {
                                return;
                            };
                            serve(rustls::StreamOwned::new(session, conn), &routes, &requests)
                        }
                    }
                });
            }
        }));
    }

    /// Stops listening: connections are refused until [`Server::restart`].
    fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.accept.take() {
            t.join().unwrap();
        }
    }

    fn restart(&mut self) {
        self.listen();
    }

    fn set(&self, path: &str, reply: Reply) {
        self.routes
            .lock()
            .unwrap()
            .replies
            .insert(path.into(), reply);
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn seen(&self) -> Vec<String> {
        self.routes.lock().unwrap().seen.clone()
    }

    fn url(&self, path: &str) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}{path}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve<S: Read + Write>(stream: S, routes: &Mutex<Routes>, requests: &AtomicUsize) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() || line.is_empty() {
        return;
    }
    loop {
        let mut h = String::new();
        match reader.read_line(&mut h) {
            Ok(0) | Err(_) => return,
            Ok(_) if h == "\r\n" || h == "\n" => break,
            Ok(_) => {}
        }
    }
    let path = line.split(' ').nth(1).unwrap_or("").to_owned();
    requests.fetch_add(1, Ordering::SeqCst);
    let reply = {
        let mut r = routes.lock().unwrap();
        r.seen.push(path.clone());
        r.replies.get(&path).cloned()
    }
    .unwrap_or_else(|| Reply::status(404));
    thread::sleep(reply.delay);
    let mut head = format!("HTTP/1.1 {} X\r\nConnection: close\r\n", reply.status);
    for (n, v) in &reply.headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    if reply.content_length {
        head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    head.push_str("\r\n");
    let stream = reader.get_mut();
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    match reply.drip {
        None => {
            let _ = stream.write_all(&reply.body);
        }
        Some(every) => {
            for b in &reply.body {
                if stream
                    .write_all(&[*b])
                    .and_then(|_| stream.flush())
                    .is_err()
                {
                    return;
                }
                thread::sleep(every);
            }
        }
    }
    let _ = stream.flush();
}

// ---------------------------------------------------------------- fixtures

struct Issuer {
    key: Key,
}

impl Issuer {
    fn new(kid: &str) -> Issuer {
        Issuer {
            key: Key::generate_with(Algorithm::ES256, Some(kid)).unwrap(),
        }
    }

    fn token(&self) -> String {
        jwt::encode(r#"{"sub":"u1","exp":4102444800}"#, &self.key, None).unwrap()
    }
}

fn jwks(issuers: &[&Issuer]) -> String {
    KeySet::new(issuers.iter().map(|i| i.key.public().unwrap()).collect())
        .unwrap()
        .to_jwks()
}

fn opts(max_age: f64, cooldown: f64) -> RemoteOptions {
    RemoteOptions {
        max_age: Duration::from_secs_f64(max_age),
        min_age: Duration::from_millis(100),
        cooldown: Duration::from_secs_f64(cooldown),
        timeout: Duration::from_secs(1),
        ..RemoteOptions::default()
    }
}

fn verifier(set: &RemoteKeySet) -> Verifier {
    Verifier::remote(set.clone(), Validation::default()).unwrap()
}

fn code<T: std::fmt::Debug>(r: tessera::Result<T>) -> ErrorCode {
    r.unwrap_err().code()
}

/// `n` threads verify `token` at the same moment; their results.
fn at_once(n: usize, v: &Verifier, token: &str) -> Vec<tessera::Result<()>> {
    let barrier = Arc::new(Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|_| {
            let (v, token, barrier) = (v.clone(), token.to_owned(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                v.verify(&token).map(|_| ())
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

fn sleep(secs: f64) {
    thread::sleep(Duration::from_secs_f64(secs));
}

// ---------------------------------------------------------------- tests

#[test]
fn fetches_once_then_serves_the_cache() {
    let (a, b) = (Issuer::new("a"), Issuer::new("b"));
    let server = Server::start();
    server.set("/jwks", Reply::json(&jwks(&[&a, &b])));
    let set = RemoteKeySet::new(&server.url("/jwks"), opts(300.0, 30.0)).unwrap();
    assert_eq!(set.status().state, Freshness::Empty);
    assert_eq!(server.requests(), 0, "construction fetches nothing");

    assert_eq!(set.keys().unwrap().len(), 2);
    let v = verifier(&set);
    for _ in 0..20 {
        v.verify(&a.token()).unwrap();
        v.verify(&b.token()).unwrap();
    }
    assert_eq!(server.requests(), 1);
    let st = set.status();
    assert_eq!(st.state, Freshness::Fresh);
    assert_eq!((st.keys, st.requests, st.generation), (2, 1, 1));
    assert!(st.last_error.is_none());
    assert!(st.fetched_at.is_some() && st.fresh_until > st.fetched_at);
    assert!(st.to_json().contains(r#""state":"fresh""#));
}

#[test]
fn rotation_is_picked_up_after_max_age() {
    let (a, b) = (Issuer::new("a"), Issuer::new("b"));
    let server = Server::start();
    server.set("/jwks", Reply::json(&jwks(&[&a])));
    // A long cooldown: only max age can bring the new key.
    let set = RemoteKeySet::new(&server.url("/jwks"), opts(1.0, 300.0)).unwrap();
    let v = verifier(&set);
    v.verify(&a.token()).unwrap();
    // Use up the kid-driven fetch of this cooldown on a kid nobody has.
    assert_eq!(
        code(v.verify(&Issuer::new("x").token())),
        ErrorCode::KeyNotFound
    );
    assert_eq!(server.requests(), 2);

    server.set("/jwks", Reply::json(&jwks(&[&b])));
    assert_eq!(code(v.verify(&b.token())), ErrorCode::KeyNotFound);
    assert_eq!(server.requests(), 2, "no fetch within the cooldown");
    sleep(1.2);
    v.verify(&b.token()).unwrap();
    assert_eq!(server.requests(), 3, "one fetch once max age passed");
    // The retired key is gone.
    assert_eq!(code(v.verify(&a.token())), ErrorCode::KeyNotFound);
}

#[test]
fn unknown_kid_refetches_at_most_once_per_cooldown() {
    let (a, b) = (Issuer::new("a"), Issuer::new("b"));
    let server = Server::start();
    server.set("/jwks", Reply::json(&jwks(&[&a])));
    let set = RemoteKeySet::new(&server.url("/jwks"), opts(300.0, 1.0)).unwrap();
    let v = verifier(&set);
    v.verify(&a.token()).unwrap();
    assert_eq!(server.requests(), 1);

    // A new key is published: the first token with its kid fetches at once.
    server.set("/jwks", Reply::json(&jwks(&[&a, &b])));
    v.verify(&b.token()).unwrap();
    assert_eq!(server.requests(), 2);

    // Unknown kids within the cooldown: no request.
    let stranger = Issuer::new("stranger");
    for _ in 0..50 {
        assert_eq!(code(v.verify(&stranger.token())), ErrorCode::KeyNotFound);
    }
    assert_eq!(server.requests(), 2);

    // After the cooldown: exactly one refetch, then the kid is negatively cached.
    sleep(1.1);
    for _ in 0..50 {
        assert_eq!(code(v.verify(&stranger.token())), ErrorCode::KeyNotFound);
    }
    assert_eq!(server.requests(), 3);
    sleep(1.1);
    assert_eq!(code(v.verify(&stranger.token())), ErrorCode::KeyNotFound);
    assert_eq!(
        server.requests(),
        3,
        "still unknown: negative cache, no fetch"
    );
    // Another unknown kid may still refetch once the cooldown has passed.
    let other = Issuer::new("other");
    assert_eq!(code(v.verify(&other.token())), ErrorCode::KeyNotFound);
    assert_eq!(server.requests(), 4);
    // Known keys never waited on any of this.
    v.verify(&a.token()).unwrap();
    assert_eq!(server.requests(), 4);
}

#[test]
fn negative_cache_forgets_a_kid_once_the_set_changes() {
    let (a, late) = (Issuer::new("a"), Issuer::new("late"));
    let server = Server::start();
    server.set("/jwks", Reply::json(&jwks(&[&a])));
    let set = RemoteKeySet::new(&server.url("/jwks"), opts(1.0, 0.2)).unwrap();
    let v = verifier(&set);
    v.verify(&a.token()).unwrap();
    sleep(0.3);
    assert_eq!(code(v.verify(&late.token())), ErrorCode::KeyNotFound);
    assert_eq!(server.requests(), 2);
    server.set("/jwks", Reply::json(&jwks(&[&a, &late])));
    sleep(1.1); // max age: the next verification refreshes the set
    v.verify(&late.token()).unwrap();
    assert_eq!(server.requests(), 3);
}

#[test]
fn single_flight_on_a_cold_cache() {
    let a = Issuer::new("a");
    let server = Server::start();
    let mut reply = Reply::json(&jwks(&[&a]));
    reply.delay = Duration::from_millis(300);
    server.set("/jwks", reply);
    let set = RemoteKeySet::new(&server.url("/jwks"), opts(300.0, 30.0)).unwrap();
    let v = verifier(&set);
    for result in at_once(100, &v, &a.token()) {
        result.unwrap();
    }
    assert_eq!(server.requests(), 1, "100 concurrent misses, one request");
}

#[test]
fn single_flight_on_an_unknown_kid() {
    let (a, b) = (Issuer::new("a"), Issuer::new("b"));
    let server = Server::start();
    server.set("/jwks", Reply::json(&jwks(&[&a])));
    let set = RemoteKeySet::new(&server.url("/jwks"), opts(300.0, 30.0)).unwrap();
    let v = verifier(&set);
    v.verify(&a.token()).unwrap();
    let mut reply = Reply::json(&jwks(&[&a, &b]));
    reply.delay = Duration::from_millis(300);
    server.set("/jwks", reply);
    for result in at_once(100, &v, &b.token()) {
        result.unwrap();
    }
    assert_eq!(server.requests(), 2, "one request for the 100 misses");
}

#[test]
fn server_down_keeps_the_last_good_keys() {
    let a = Issuer::new("a");
    let mut server = Server::start();
    server.set("/jwks", Reply::json(&jwks(&[&a])));
    let url = server.url("/jwks");
    let set = RemoteKeySet::new(&url, opts(0.5, 0.5)).unwrap();
    let v = verifier(&set);
    v.verify(&a.token()).unwrap();

    server.stop();
    sleep(0.6);
    let started = Instant::now();
    v.verify(&a.token()).unwrap();
    assert!(started.elapsed() < Duration::from_secs(3));
    let st = set.status();
    assert_eq!(st.state, Freshness::Stale);
    let err = st.last_error.expect("the failed refresh is reported");
    assert_eq!(err.code(), ErrorCode::JwksUnavailable);
    assert!(err.message().contains(&url), "{}", err.message());
    assert!(st.last_error_at.is_some());
    // An explicit refresh says so, and the keys stay.
    let e = set.refresh().unwrap_err();
    assert_eq!(e.code(), ErrorCode::JwksUnavailable);
    for _ in 0..100 {
        v.verify(&a.token()).unwrap();
    }
    assert_eq!(set.keys().unwrap().len(), 1);

    // Back up: the next attempt after the cooldown refreshes.
    server.restart();
    sleep(0.6);
    v.verify(&a.token()).unwrap();
    let st = set.status();
    assert_eq!(st.state, Freshness::Fresh);
    assert!(st.last_error.is_none());
}

#[test]
fn server_errors_keep_the_last_good_keys() {
    let a = Issuer::new("a");
    let server = Server::start();
    server.set("/jwks", Reply::json(&jwks(&[&a])));
    let set = RemoteKeySet::new(&server.url("/jwks"), opts(0.3, 0.3)).unwrap();
    let v = verifier(&set);
    v.verify(&a.token()).unwrap();
    server.set("/jwks", Reply::status(503));
    sleep(0.4);
    v.verify(&a.token()).unwrap();
    let st = set.status();
    assert_eq!(st.state, Freshness::Stale);
    assert!(st.last_error.unwrap().message().contains("HTTP 503"));
}

#[test]
fn no_keys_and_no_server_is_jwks_unavailable() {
    let mut server = Server::start();
    let url = server.url("/jwks");
    server.stop();
    let set = RemoteKeySet::new(&url, opts(300.0, 30.0)).unwrap();
    let e = set.keys().unwrap_err();
    assert_eq!(e.code(), ErrorCode::JwksUnavailable);
    assert!(e.message().contains(&url), "{}", e.message());
    let e = verifier(&set)
        .verify(&Issuer::new("a").token())
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::JwksUnavailable);
    assert_eq!(set.status().state, Freshness::Empty);
}

#[test]
fn max_stale_bounds_how_long_stale_keys_serve() {
    let a = Issuer::new("a");
    let mut server = Server::start();
    server.set("/jwks", Reply::json(&jwks(&[&a])));
    let mut o = opts(0.3, 0.2);
    o.max_stale = Some(Duration::from_secs(1));
    let set = RemoteKeySet::new(&server.url("/jwks"), o).unwrap();
    let v = verifier(&set);
    v.verify(&a.token()).unwrap();
    server.stop();
    sleep(0.4);
    v.verify(&a.token()).unwrap();
    sleep(1.2);
    assert_eq!(code(v.verify(&a.token())), ErrorCode::JwksUnavailable);
}

/// Each bad answer: a clear `JWKS_UNAVAILABLE`, within the timeout, and the
/// good keys stay.
#[test]
fn bad_answers_are_clear_errors_in_bounded_time() {
    let a = Issuer::new("a");
    let server = Server::start();
    server.set("/jwks", Reply::json(&jwks(&[&a])));
    let mut o = opts(300.0, 30.0);
    o.max_bytes = 64 * 1024;
    let set = RemoteKeySet::new(&server.url("/jwks"), o).unwrap();
    let v = verifier(&set);
    v.verify(&a.token()).unwrap();

    let huge = format!(r#"{{"keys":[],"pad":"{}"}}"#, "x".repeat(1 << 20));
    let mut huge_unframed = Reply::json(&huge);
    huge_unframed.content_length = false;
    let mut slow_headers = Reply::json(&jwks(&[&a]));
    slow_headers.delay = Duration::from_secs(4);
    let mut slow_body = Reply::json(&jwks(&[&a]));
    slow_body.drip = Some(Duration::from_millis(50));
    let cases: Vec<(&str, Reply, &str)> = vec![
        (
            "garbage",
            Reply::json("<html>not json</html>"),
            "not a usable JWKS",
        ),
        (
            "not a jwks",
            Reply::json(r#"{"issuer":"x"}"#),
            "not a usable JWKS",
        ),
        (
            "no usable key",
            Reply::json(r#"{"keys":[]}"#),
            "no usable key",
        ),
        (
            "unusable keys",
            Reply::json(r#"{"keys":[{"kty":"oct","k":"AA","use":"enc"}]}"#),
            "not a usable JWKS",
        ),
        (
            "binary",
            Reply::json("\u{0}\u{1}\u{2}"),
            "not a usable JWKS",
        ),
        ("huge", Reply::json(&huge), "max_bytes"),
        ("huge without length", huge_unframed, "max_bytes"),
        ("slow headers", slow_headers, "timed out"),
        ("slow body", slow_body, "timed out"),
        ("404", Reply::status(404), "HTTP 404"),
        ("redirect without location", Reply::status(302), "Location"),
    ];
    for (name, reply, says) in cases {
        server.set("/jwks", reply);
        let started = Instant::now();
        let e = set.refresh().unwrap_err();
        let took = started.elapsed();
        assert_eq!(e.code(), ErrorCode::JwksUnavailable, "{name}");
        assert!(e.message().contains(says), "{name}: {}", e.message());
        assert!(took < Duration::from_secs(3), "{name} took {took:?}");
        v.verify(&a.token()).unwrap();
        assert_eq!(set.keys().unwrap().len(), 1, "{name}: old keys kept");
    }
}

#[test]
fn a_body_of_exactly_max_bytes_is_accepted() {
    let a = Issuer::new("a");
    let doc = jwks(&[&a]);
    let server = Server::start();
    for framed in [true, false] {
        let mut reply = Reply::json(&doc);
        reply.content_length = framed;
        server.set("/jwks", reply);
        let mut o = opts(300.0, 30.0);
        o.max_bytes = doc.len();
        let set = RemoteKeySet::new(&server.url("/jwks"), o.clone()).unwrap();
        assert_eq!(set.keys().unwrap().len(), 1, "framed: {framed}");
        o.max_bytes = doc.len() - 1;
        let set = RemoteKeySet::new(&server.url("/jwks"), o).unwrap();
        let e = set.keys().unwrap_err();
        assert!(e.message().contains("max_bytes"), "{}", e.message());
    }
}

#[test]
fn redirects_stay_on_allowed_urls() {
    let a = Issuer::new("a");
    let server = Server::start();
    server.set("/jwks", Reply::json(&jwks(&[&a])));
    server.set("/moved", Reply::redirect("/jwks"));
    server.set("/moved-abs", Reply::redirect(&server.url("/jwks")));
    server.set(
        "/to-https",
        Reply::redirect(&format!("https://{}/jwks", server.addr)),
    );
    server.set(
        "/to-remote-http",
        Reply::redirect("http://example.com/jwks"),
    );
    server.set("/to-file", Reply::redirect("file:///etc/passwd"));
    server.set("/loop", Reply::redirect("/loop"));

    for path in ["/moved", "/moved-abs"] {
        let set = RemoteKeySet::new(&server.url(path), opts(300.0, 30.0)).unwrap();
        assert_eq!(set.keys().unwrap().len(), 1, "{path}");
    }
    for (path, says) in [
        ("/to-https", "another scheme"),
        ("/to-remote-http", "not allowed"),
        ("/to-file", "not allowed"),
        ("/loop", "too many redirects"),
    ] {
        let set = RemoteKeySet::new(&server.url(path), opts(300.0, 30.0)).unwrap();
        let e = set.keys().unwrap_err();
        assert_eq!(e.code(), ErrorCode::JwksUnavailable, "{path}");
        assert!(e.message().contains(says), "{path}: {}", e.message());
    }
    let seen = server.seen();
    assert_eq!(seen.iter().filter(|p| *p == "/loop").count(), 4, "{seen:?}");
}

#[test]
fn only_https_or_loopback_urls_and_never_jku() {
    for bad in [
        "http://issuer.example/jwks",
        "http://192.168.1.1/jwks",
        "ftp://issuer.example/jwks",
        "file:///etc/jwks.json",
        "not a url",
    ] {
        assert_eq!(
            code(RemoteKeySet::new(bad, RemoteOptions::default())),
            ErrorCode::InvalidArgument,
            "{bad}"
        );
    }
    let bad_opts = RemoteOptions {
        timeout: Duration::ZERO,
        ..RemoteOptions::default()
    };
    assert_eq!(
        code(RemoteKeySet::new("https://issuer.example/jwks", bad_opts)),
        ErrorCode::InvalidArgument
    );

    // A token pointing at a key URL of its own: never fetched.
    let (a, evil) = (Issuer::new("a"), Issuer::new("evil"));
    let server = Server::start();
    server.set("/jwks", Reply::json(&jwks(&[&a])));
    server.set("/evil", Reply::json(&jwks(&[&evil])));
    let set = RemoteKeySet::new(&server.url("/jwks"), opts(300.0, 30.0)).unwrap();
    let header = format!(
        r#"{{"jku":"{}","x5u":"{}"}}"#,
        server.url("/evil"),
        server.url("/evil")
    );
    let token = jwt::encode(r#"{"sub":"x","exp":4102444800}"#, &evil.key, Some(&header)).unwrap();
    assert_eq!(code(verifier(&set).verify(&token)), ErrorCode::KeyNotFound);
    assert!(
        server.seen().iter().all(|p| p == "/jwks"),
        "{:?}",
        server.seen()
    );
}

#[test]
fn cache_control_max_age_within_bounds() {
    let a = Issuer::new("a");
    let server = Server::start();
    server.set(
        "/jwks",
        Reply::json(&jwks(&[&a])).header("Cache-Control", "public, max-age=1"),
    );
    let set = RemoteKeySet::new(&server.url("/jwks"), opts(300.0, 30.0)).unwrap();
    set.keys().unwrap();
    set.keys().unwrap();
    assert_eq!(server.requests(), 1);
    sleep(1.1);
    set.keys().unwrap();
    assert_eq!(
        server.requests(),
        2,
        "the server's shorter max-age is honoured"
    );

    // A longer max-age is capped at the configured max_age.
    server.set(
        "/jwks",
        Reply::json(&jwks(&[&a])).header("Cache-Control", "max-age=86400"),
    );
    let set = RemoteKeySet::new(&server.url("/jwks"), opts(0.5, 30.0)).unwrap();
    set.keys().unwrap();
    sleep(0.6);
    set.keys().unwrap();
    assert_eq!(server.requests(), 4);

    // no-store cannot make every call fetch: min_age applies.
    server.set(
        "/jwks",
        Reply::json(&jwks(&[&a])).header("Cache-Control", "no-store"),
    );
    let mut o = opts(300.0, 30.0);
    o.min_age = Duration::from_secs(60);
    let set = RemoteKeySet::new(&server.url("/jwks"), o).unwrap();
    for _ in 0..10 {
        set.keys().unwrap();
    }
    assert_eq!(server.requests(), 5);
}

#[test]
fn export_and_import_for_cold_starts() {
    let a = Issuer::new("a");
    let mut server = Server::start();
    server.set("/jwks", Reply::json(&jwks(&[&a])));
    let url = server.url("/jwks");
    let warm = RemoteKeySet::new(&url, opts(300.0, 30.0)).unwrap();
    assert!(warm.export_cache().is_none());
    warm.keys().unwrap();
    let exported = warm.export_cache().unwrap();
    assert!(!exported.contains("\"d\""), "public keys only");
    server.stop();

    let cold = RemoteKeySet::new(&url, opts(300.0, 30.0)).unwrap();
    cold.import_cache(&exported).unwrap();
    assert_eq!(cold.status().state, Freshness::Fresh);
    verifier(&cold).verify(&a.token()).unwrap();
    assert_eq!(server.requests(), 1, "the import needed no request");

    let other = RemoteKeySet::new("https://elsewhere.example/jwks", opts(300.0, 30.0)).unwrap();
    assert_eq!(
        code(other.import_cache(&exported)),
        ErrorCode::InvalidArgument
    );
    for bad in ["", "{}", "[]", r#"{"url":1}"#] {
        assert_eq!(code(cold.import_cache(bad)), ErrorCode::InvalidArgument);
    }
    // An old export is imported stale: still usable while the server is down.
    let old = exported.replace("\"fetched_at\":", "\"fetched_at\":1000,\"x\":");
    let stale = RemoteKeySet::new(&url, opts(300.0, 30.0)).unwrap();
    stale.import_cache(&old).unwrap();
    assert_eq!(stale.status().state, Freshness::Stale);
    verifier(&stale).verify(&a.token()).unwrap();
}

#[test]
fn cached_verifications_end_when_the_key_leaves_the_set() {
    let (a, b) = (Issuer::new("a"), Issuer::new("b"));
    let server = Server::start();
    server.set("/jwks", Reply::json(&jwks(&[&a, &b])));
    let set = RemoteKeySet::new(&server.url("/jwks"), opts(0.5, 30.0)).unwrap();
    let validation = Validation {
        cache_size: 100,
        ..Validation::default()
    };
    let v = Verifier::remote(set.clone(), validation).unwrap();
    let token = a.token();
    v.verify(&token).unwrap();
    v.verify(&token).unwrap();
    assert_eq!(v.cache_len(), 1);
    server.set("/jwks", Reply::json(&jwks(&[&b])));
    sleep(0.6);
    assert_eq!(code(v.verify(&token)), ErrorCode::KeyNotFound);
    v.verify(&b.token()).unwrap();
}

#[test]
fn verifier_policy_applies_to_remote_keys() {
    let a = Issuer::new("a");
    let hs = Key::hmac(&[7u8; 32], Algorithm::HS256)
        .unwrap()
        .with_kid(Some("a"));
    let server = Server::start();
    server.set("/jwks", Reply::json(&jwks(&[&a])));
    let set = RemoteKeySet::new(&server.url("/jwks"), opts(300.0, 30.0)).unwrap();
    let v = verifier(&set);
    // Same kid, another algorithm: alg stays bound to the key.
    let forged = jwt::encode(r#"{"exp":4102444800}"#, &hs, None).unwrap();
    assert_eq!(code(v.verify(&forged)), ErrorCode::AlgorithmNotAllowed);
    let expired = jwt::encode(r#"{"exp":1}"#, &a.key, None).unwrap();
    assert_eq!(code(v.verify(&expired)), ErrorCode::Expired);
    assert_eq!(code(v.verify("x.y")), ErrorCode::Malformed);
    let only_rs = Validation {
        algorithms: Some(vec![Algorithm::RS256]),
        ..Validation::default()
    };
    let v = Verifier::remote(set, only_rs).unwrap();
    assert_eq!(code(v.verify(&a.token())), ErrorCode::AlgorithmNotAllowed);
    assert_eq!(server.requests(), 1);
}

// ---------------------------------------------------------------- HTTPS

struct Pki {
    ca_pem: String,
    server: Arc<rustls::ServerConfig>,
}

fn pki() -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &ca_cert, &ca_key)
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
        )
        .unwrap();
    Pki {
        ca_pem: ca_cert.pem(),
        server: Arc::new(server),
    }
}

#[test]
fn https_with_a_private_ca() {
    let a = Issuer::new("a");
    let pki = pki();
    let server = Server::start_on("127.0.0.1:0".parse().unwrap(), Some(pki.server.clone()));
    server.set("/jwks", Reply::json(&jwks(&[&a])));
    server.set(
        "/to-http",
        Reply::redirect(&format!("http://{}/jwks", server.addr)),
    );
    let url = server.url("/jwks");
    assert!(url.starts_with("https://127.0.0.1:"));

    let mut o = opts(300.0, 30.0);
    o.ca_pem = Some(pki.ca_pem.clone());
    let set = RemoteKeySet::new(&url, o.clone()).unwrap();
    verifier(&set).verify(&a.token()).unwrap();

    // The same server is not trusted by the built-in roots.
    let untrusted = RemoteKeySet::new(&url, opts(300.0, 30.0)).unwrap();
    let e = untrusted.keys().unwrap_err();
    assert_eq!(e.code(), ErrorCode::JwksUnavailable);
    assert!(e.message().contains("TLS"), "{}", e.message());

    // https never downgrades to http, even on loopback.
    let down = RemoteKeySet::new(&server.url("/to-http"), o).unwrap();
    let e = down.keys().unwrap_err();
    assert!(e.message().contains("another scheme"), "{}", e.message());

    let bad_ca = RemoteOptions {
        ca_pem: Some("not pem".into()),
        ..RemoteOptions::default()
    };
    assert_eq!(
        code(RemoteKeySet::new(&url, bad_ca)),
        ErrorCode::InvalidArgument
    );
}

#[test]
fn single_flight_of_unknown_kids_on_a_cold_cache() {
    let (a, stranger) = (Issuer::new("a"), Issuer::new("stranger"));
    let server = Server::start();
    let mut reply = Reply::json(&jwks(&[&a]));
    reply.delay = Duration::from_millis(300);
    server.set("/jwks", reply);
    let set = RemoteKeySet::new(&server.url("/jwks"), opts(300.0, 30.0)).unwrap();
    let v = verifier(&set);
    for result in at_once(100, &v, &stranger.token()) {
        assert_eq!(code(result), ErrorCode::KeyNotFound);
    }
    assert_eq!(server.requests(), 1, "the cold fetch answers the kid too");
    // The kid counts as refetched for: later misses make no request either.
    assert_eq!(code(v.verify(&stranger.token())), ErrorCode::KeyNotFound);
    assert_eq!(server.requests(), 1);
}
