//! Remote JWKS: a key set fetched from an identity provider's `jwks_uri`,
//! cached so that the provider being slow or down never becomes an outage.
//!
//! ```no_run
//! use tessera::jwks::{RemoteKeySet, RemoteOptions};
//! use tessera::jwt::{Validation, Verifier};
//!
//! let jwks = RemoteKeySet::new("https://issuer.example/.well-known/jwks.json", RemoteOptions::default())?;
//! let verifier = Verifier::remote(jwks.clone(), Validation::default())?;
//! # let token = "";
//! let claims = verifier.verify(token)?; // keys selected by kid, fetched as needed
//! # Ok::<(), tessera::Error>(())
//! ```
//!
//! The policy, in full (also in `docs/jwks.md`):
//!
//! - **Where from.** Only `https` URLs, or `http` to a loopback host
//!   (`127.0.0.0/8`, `::1`, `localhost`) for tests and sidecars. A redirect is
//!   followed (at most [`RemoteOptions::max_redirects`]) only to a URL that
//!   passes the same check with the same scheme. `jku` and `x5u` in tokens are
//!   never fetched: the URL is the one given here, nothing else.
//! - **Bounded.** Each fetch, redirects and body included, has one deadline
//!   ([`RemoteOptions::timeout`]); a body over [`RemoteOptions::max_bytes`] is
//!   refused, by its `Content-Length` before reading when it has one.
//! - **Fresh for max age.** A fetched set is fresh for the response's
//!   `Cache-Control: max-age`, clamped to `[min_age, max_age]` (`no-cache` and
//!   `no-store` count as `min_age`), or `max_age` when it has none.
//! - **Stale while error.** When a refresh fails, the last good set keeps
//!   being served (for [`RemoteOptions::max_stale`] at most, unlimited by
//!   default), [`RemoteKeySet::status`] says `Stale` with the error, and the
//!   next attempt waits `cooldown`. A response that is not a usable JWKS (bad
//!   JSON, no usable key) is a failed refresh: it never replaces good keys.
//!   With no set at all, the error is `JWKS_UNAVAILABLE`, naming the URL.
//! - **Unknown kid.** A `kid` missing from the set triggers at most one fetch
//!   per `cooldown` (none when the set was fetched while the caller waited
//!   for it); if the kid is still unknown afterwards it is remembered
//!   (the negative cache, `negative_ttl`, at most 1,024 kids, forgotten on
//!   every change of the set) and answered `KEY_NOT_FOUND` without fetching.
//! - **Single flight.** Concurrent callers share one request: a caller that
//!   needs the answer (no set yet, an unknown kid) waits for the request in
//!   flight; a caller holding a stale set is served it at once.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::error::{invalid_argument, Error, ErrorCode, Result};
use crate::jws::HeaderCache;
use crate::keyset::KeySet;

/// The policy of a [`RemoteKeySet`]. Durations must be positive, except
/// `max_stale`.
#[derive(Clone, PartialEq, Eq)]
pub struct RemoteOptions {
    /// How long a fetched set is fresh when the response has no
    /// `Cache-Control: max-age`, and the most a response's `max-age` can ask
    /// for. Default 300 s.
    pub max_age: Duration,
    /// The least a response's `max-age` (or `no-cache`) can ask for, so a
    /// provider cannot make every verification fetch. Default 30 s (at most
    /// `max_age`: the smaller of the two applies).
    pub min_age: Duration,
    /// The least time between two fetches caused by unknown kids, and
    /// between a failed fetch and the next attempt. Default 30 s.
    pub cooldown: Duration,
    /// The whole budget of one fetch: connect, TLS, redirects, headers and
    /// body. Default 5 s.
    pub timeout: Duration,
    /// The largest response body accepted. Default 512 KiB.
    pub max_bytes: usize,
    /// How long a kid that stayed unknown after a fetch is answered
    /// `KEY_NOT_FOUND` without fetching. Default 300 s.
    pub negative_ttl: Duration,
    /// How long past its freshness a set may still be served while fetches
    /// fail; `None` (the default) is for as long as they fail.
    pub max_stale: Option<Duration>,
    /// Redirects followed per fetch (same scheme, same URL rules). Default 3.
    pub max_redirects: u32,
    /// Trust only these CA certificates (PEM) instead of the built-in
    /// Mozilla roots: for a provider behind a private CA.
    pub ca_pem: Option<String>,
}

impl Default for RemoteOptions {
    fn default() -> Self {
        RemoteOptions {
            max_age: Duration::from_secs(300),
            min_age: Duration::from_secs(30),
            cooldown: Duration::from_secs(30),
            timeout: Duration::from_secs(5),
            max_bytes: 512 * 1024,
            negative_ttl: Duration::from_secs(300),
            max_stale: None,
            max_redirects: 3,
            ca_pem: None,
        }
    }
}

impl fmt::Debug for RemoteOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteOptions")
            .field("max_age", &self.max_age)
            .field("min_age", &self.min_age)
            .field("cooldown", &self.cooldown)
            .field("timeout", &self.timeout)
            .field("max_bytes", &self.max_bytes)
            .field("negative_ttl", &self.negative_ttl)
            .field("max_stale", &self.max_stale)
            .field("max_redirects", &self.max_redirects)
            .field("ca_pem", &self.ca_pem.as_ref().map(|_| "…"))
            .finish()
    }
}

/// The most kids the negative cache remembers.
const NEGATIVE_MAX: usize = 1024;
/// Kids longer than this are never looked up remotely (no provider uses them).
const KID_MAX: usize = 256;
/// With no set at all, a failed fetch is retried after at most this long.
const EMPTY_RETRY: Duration = Duration::from_secs(1);

impl RemoteOptions {
    /// Options from JSON text (every member optional): `max_age`, `min_age`,
    /// `cooldown`, `timeout`, `negative_ttl`, `max_stale` (seconds, numbers;
    /// `max_stale` may be `null`), `max_bytes`, `max_redirects` (integers),
    /// `ca_pem` (string). Unknown members are `INVALID_ARGUMENT`.
    pub fn from_json(json: &str) -> Result<RemoteOptions> {
        let v: Value = serde_json::from_str(json)
            .map_err(|_| invalid_argument("JWKS options: not valid JSON"))?;
        let Value::Object(map) = v else {
            return Err(invalid_argument("JWKS options must be a JSON object"));
        };
        let mut o = RemoteOptions::default();
        for (name, value) in &map {
            match name.as_str() {
                "max_age" => o.max_age = seconds(name, value)?,
                "min_age" => o.min_age = seconds(name, value)?,
                "cooldown" => o.cooldown = seconds(name, value)?,
                "timeout" => o.timeout = seconds(name, value)?,
                "negative_ttl" => o.negative_ttl = seconds(name, value)?,
                "max_stale" if value.is_null() => o.max_stale = None,
                "max_stale" => o.max_stale = Some(seconds(name, value)?),
                "max_bytes" => o.max_bytes = integer(name, value)? as usize,
                "max_redirects" => o.max_redirects = integer(name, value)?.min(100) as u32,
                "ca_pem" => match value {
                    Value::String(s) => o.ca_pem = Some(s.clone()),
                    Value::Null => o.ca_pem = None,
                    _ => return Err(invalid_argument("JWKS option ca_pem must be a string")),
                },
                _ => {
                    return Err(invalid_argument(format!(
                        "unknown JWKS option {}",
                        crate::error::echo(name)
                    )))
                }
            }
        }
        o.check()?;
        Ok(o)
    }

    fn check(&self) -> Result<()> {
        for (name, d) in [
            ("max_age", self.max_age),
            ("cooldown", self.cooldown),
            ("timeout", self.timeout),
        ] {
            if d.is_zero() {
                return Err(invalid_argument(format!(
                    "JWKS option {name} must be positive"
                )));
            }
        }
        if self.max_bytes == 0 {
            return Err(invalid_argument("JWKS option max_bytes must be positive"));
        }
        Ok(())
    }
}

fn seconds(name: &str, value: &Value) -> Result<Duration> {
    value
        .as_f64()
        .filter(|s| s.is_finite() && *s >= 0.0 && *s <= 1e9)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            invalid_argument(format!(
                "JWKS option {name} must be a number of seconds (0 to 1e9)"
            ))
        })
}

fn integer(name: &str, value: &Value) -> Result<u64> {
    value.as_u64().ok_or_else(|| {
        invalid_argument(format!("JWKS option {name} must be a non-negative integer"))
    })
}

/// Whether the cached set is fresh.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// Nothing fetched (or imported) yet.
    Empty,
    /// Within its max age.
    Fresh,
    /// Past its max age: served while a refresh is pending or failing.
    Stale,
}

impl Freshness {
    /// `"empty"`, `"fresh"` or `"stale"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Freshness::Empty => "empty",
            Freshness::Fresh => "fresh",
            Freshness::Stale => "stale",
        }
    }
}

/// A report on a [`RemoteKeySet`]'s cache.
#[derive(Clone, Debug)]
pub struct Status {
    /// The URL (without any user info).
    pub url: String,
    /// Fresh, stale or empty.
    pub state: Freshness,
    /// When the set served now was fetched.
    pub fetched_at: Option<SystemTime>,
    /// When it stops (or stopped) being fresh.
    pub fresh_until: Option<SystemTime>,
    /// The error of the last attempt, if it failed (cleared by a success).
    pub last_error: Option<Error>,
    /// When that attempt failed.
    pub last_error_at: Option<SystemTime>,
    /// How many keys the set has.
    pub keys: usize,
    /// HTTP requests made (redirects not counted separately).
    pub requests: u64,
    /// Changes of the set (a refetch of the same keys is not one).
    pub generation: u64,
}

impl Status {
    /// The status as JSON: `url`, `state`, `fetched_at`, `fresh_until`,
    /// `last_error_at` (Unix seconds, fractional, or `null`), `last_error`
    /// (`{"code","message"}` or `null`), `keys`, `requests`, `generation`.
    pub fn to_json(&self) -> String {
        let t = |s: Option<SystemTime>| s.map(unix_seconds);
        serde_json::json!({
            "url": self.url,
            "state": self.state.as_str(),
            "fetched_at": t(self.fetched_at),
            "fresh_until": t(self.fresh_until),
            "last_error": self.last_error.as_ref().map(|e| serde_json::json!({
                "code": e.code().as_str(),
                "message": e.message(),
            })),
            "last_error_at": t(self.last_error_at),
            "keys": self.keys,
            "requests": self.requests,
            "generation": self.generation,
        })
        .to_string()
    }
}

fn unix_seconds(t: SystemTime) -> f64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64(),
        Err(e) => -e.duration().as_secs_f64(),
    }
}

/// One fetched set, shared by everyone verifying with it.
#[derive(Debug)]
pub struct Snapshot {
    keys: KeySet,
    headers: HeaderCache,
    fetched_at: SystemTime,
    generation: u64,
}

impl Snapshot {
    /// The keys.
    pub fn keys(&self) -> &KeySet {
        &self.keys
    }

    /// When they were fetched.
    pub fn fetched_at(&self) -> SystemTime {
        self.fetched_at
    }

    /// Which version of the set this is (see [`Status::generation`]).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub(crate) fn headers(&self) -> &HeaderCache {
        &self.headers
    }
}

/// A JWKS fetched from a URL and cached (see the module documentation for the
/// policy). Cloning is cheap; clones share the cache. Every method blocks for
/// at most about [`RemoteOptions::timeout`].
#[derive(Clone)]
pub struct RemoteKeySet {
    inner: Arc<Shared>,
}

struct Shared {
    url: Url,
    opts: RemoteOptions,
    agent: ureq::Agent,
    state: Mutex<State>,
    done: Condvar,
}

#[derive(Default)]
struct State {
    current: Option<Arc<Snapshot>>,
    fresh_until: Option<Instant>,
    /// No attempt before this (after a failure, or a kid-driven fetch).
    retry_at: Option<Instant>,
    kid_fetch_at: Option<Instant>,
    in_flight: bool,
    /// Finished attempts; a waiter watches it change.
    attempts: u64,
    last_result: Option<Result<()>>,
    last_error: Option<(Error, SystemTime)>,
    requests: u64,
    generation: u64,
    negative: HashMap<String, Instant>,
}

impl fmt::Debug for RemoteKeySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteKeySet")
            .field("url", &self.inner.url.display)
            .field("opts", &self.inner.opts)
            .finish_non_exhaustive()
    }
}

impl RemoteKeySet {
    /// A key set for `url`. Nothing is fetched until keys are needed.
    /// `INVALID_ARGUMENT` for a URL that is not `https` (or `http` to a
    /// loopback host), or for bad options.
    pub fn new(url: &str, opts: RemoteOptions) -> Result<RemoteKeySet> {
        opts.check()?;
        let url = Url::parse(url)?;
        let agent = build_agent(&url, &opts)?;
        Ok(RemoteKeySet {
            inner: Arc::new(Shared {
                url,
                opts,
                agent,
                state: Mutex::new(State::default()),
                done: Condvar::new(),
            }),
        })
    }

    /// The URL (without any user info).
    pub fn url(&self) -> &str {
        &self.inner.url.display
    }

    /// The options.
    pub fn options(&self) -> &RemoteOptions {
        &self.inner.opts
    }

    /// The current set: the cached one while fresh; otherwise it is
    /// refetched (single flight), and if that fails the stale set is served.
    /// `JWKS_UNAVAILABLE` when there is no usable set at all.
    pub fn keys(&self) -> Result<KeySet> {
        Ok(self.snapshot()?.keys.clone())
    }

    /// [`RemoteKeySet::keys`], as the shared snapshot.
    pub fn snapshot(&self) -> Result<Arc<Snapshot>> {
        let now = Instant::now();
        let st = self.lock();
        if let (Some(snap), Some(until)) = (&st.current, st.fresh_until) {
            if now < until {
                return Ok(snap.clone());
            }
            // Stale: serve it at once when a fetch is in flight or not due.
            if st.in_flight || st.retry_at.is_some_and(|r| now < r) {
                return self.usable(&st, now);
            }
        } else if !st.in_flight && st.retry_at.is_some_and(|r| now < r) {
            return self.usable(&st, now);
        }
        let (st, _) = self.fetch(st);
        self.usable(&st, Instant::now())
    }

    /// Fetches now, whatever the cache holds (sharing a request already in
    /// flight). On failure the error is returned (`JWKS_UNAVAILABLE`) and the
    /// cached set stays.
    pub fn refresh(&self) -> Result<KeySet> {
        let st = self.lock();
        let (st, result) = self.fetch(st);
        result?;
        Ok(st
            .current
            .as_ref()
            .map(|s| s.keys.clone())
            .unwrap_or_default())
    }

    /// The snapshot that has `kid`, refetching when it is unknown and the
    /// cooldown allows; `KEY_NOT_FOUND` when it stays unknown.
    pub fn snapshot_for_kid(&self, kid: &str) -> Result<Arc<Snapshot>> {
        let before = self.lock().attempts;
        let snap = self.snapshot()?;
        if snap.keys.get(kid).is_some() {
            return Ok(snap);
        }
        let mut st = self.lock();
        let now = Instant::now();
        // Another caller may have fetched since.
        if let Some(found) = self.with_kid(&st, kid) {
            return Ok(found);
        }
        // A fetch finished while this call waited for the set (a cold cache,
        // or one past max age): the set is as new as a refetch would make
        // it, so 100 concurrent misses on a cold cache are still one request.
        let fetched_meanwhile = st.attempts != before && matches!(st.last_result, Some(Ok(())));
        let not_found = |detail: &str| {
            Err(Error::new(
                ErrorCode::KeyNotFound,
                format!("no key with this kid in the JWKS ({detail})"),
            ))
        };
        if kid.len() > KID_MAX {
            return not_found("kid too long to look up");
        }
        if st.negative.get(kid).is_some_and(|until| now < *until) {
            return not_found("still unknown after a refetch");
        }
        if fetched_meanwhile {
            // Counts as the refetch for this kid: remembered as unknown, so
            // misses queued behind the cold fetch (a Node pool of 4 threads
            // runs 100 of them 4 at a time) do not make a second request.
            let until = now + self.inner.opts.negative_ttl;
            remember_unknown(&mut st.negative, kid, until);
            return not_found("unknown in the set just fetched");
        }
        if st.in_flight {
            let seen = st.attempts;
            st = self.wait(st, seen);
        } else if st
            .kid_fetch_at
            .is_some_and(|t| now < t + self.inner.opts.cooldown)
            || st.retry_at.is_some_and(|r| now < r)
        {
            return not_found("refetch is cooling down");
        } else {
            st.kid_fetch_at = Some(now);
            st = self.fetch(st).0;
        }
        if let Some(found) = self.with_kid(&st, kid) {
            return Ok(found);
        }
        let outcome = match &st.last_result {
            Some(Err(e)) => format!("refetch failed: {}", e.message()),
            _ => "still unknown after a refetch".to_owned(),
        };
        if matches!(st.last_result, Some(Ok(()))) {
            let until = Instant::now() + self.inner.opts.negative_ttl;
            remember_unknown(&mut st.negative, kid, until);
        }
        not_found(&outcome)
    }

    /// The cache's state.
    pub fn status(&self) -> Status {
        let st = self.lock();
        let now = Instant::now();
        let state = match (&st.current, st.fresh_until) {
            (Some(_), Some(until)) if now < until => Freshness::Fresh,
            (Some(_), _) => Freshness::Stale,
            (None, _) => Freshness::Empty,
        };
        Status {
            url: self.inner.url.display.clone(),
            state,
            fetched_at: st.current.as_ref().map(|s| s.fetched_at),
            fresh_until: st.fresh_until.map(|u| to_system(u, now)),
            last_error: st.last_error.as_ref().map(|(e, _)| e.clone()),
            last_error_at: st.last_error.as_ref().map(|(_, t)| *t),
            keys: st.current.as_ref().map_or(0, |s| s.keys.len()),
            requests: st.requests,
            generation: st.generation,
        }
    }

    /// The cache as JSON text, to [`RemoteKeySet::import_cache`] in another
    /// process (a serverless cold start): `url`, `fetched_at` and
    /// `fresh_until` (Unix seconds) and the public `jwks`. `None` while
    /// nothing is cached.
    pub fn export_cache(&self) -> Option<String> {
        let st = self.lock();
        let snap = st.current.as_ref()?;
        let now = Instant::now();
        let jwks: Value = serde_json::from_str(&snap.keys.to_jwks()).ok()?;
        Some(
            serde_json::json!({
                "url": self.inner.url.display,
                "fetched_at": unix_seconds(snap.fetched_at),
                "fresh_until": st.fresh_until.map(|u| unix_seconds(to_system(u, now))),
                "jwks": jwks,
            })
            .to_string(),
        )
    }

    /// Loads an exported cache. It must be for the same URL
    /// (`INVALID_ARGUMENT` otherwise) and is ignored when the cache already
    /// holds a set fetched later. The imported set is fresh until its
    /// `fresh_until` (never beyond `max_age` from its `fetched_at`).
    pub fn import_cache(&self, json: &str) -> Result<()> {
        let v: Value = serde_json::from_str(json)
            .map_err(|_| invalid_argument("JWKS cache: not valid JSON"))?;
        let url = v.get("url").and_then(Value::as_str);
        if url != Some(self.inner.url.display.as_str()) {
            return Err(invalid_argument("JWKS cache is for another URL"));
        }
        let time = |name: &str| {
            v.get(name)
                .and_then(Value::as_f64)
                .filter(|s| s.is_finite() && *s >= 0.0 && *s < 1e11)
                .map(|s| UNIX_EPOCH + Duration::from_secs_f64(s))
        };
        let fetched_at = time("fetched_at")
            .ok_or_else(|| invalid_argument("JWKS cache: fetched_at missing or invalid"))?;
        let jwks = v
            .get("jwks")
            .ok_or_else(|| invalid_argument("JWKS cache: jwks missing"))?
            .to_string();
        let keys = usable_set(&jwks)?;
        let now_sys = SystemTime::now();
        let now = Instant::now();
        let age = now_sys.duration_since(fetched_at).unwrap_or(Duration::ZERO);
        let lifetime = time("fresh_until")
            .and_then(|u| u.duration_since(fetched_at).ok())
            .unwrap_or(self.inner.opts.max_age)
            .min(self.inner.opts.max_age);
        let fresh_until = match lifetime.checked_sub(age) {
            Some(left) => now + left,
            None => now.checked_sub(age - lifetime).unwrap_or(now),
        };
        let mut st = self.lock();
        if st
            .current
            .as_ref()
            .is_some_and(|s| s.fetched_at >= fetched_at)
        {
            return Ok(());
        }
        self.install(&mut st, keys, fetched_at, fresh_until);
        Ok(())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the state inconsistent
        // (every update is a plain assignment), so poisoning is ignored.
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn wait<'a>(&self, st: MutexGuard<'a, State>, seen: u64) -> MutexGuard<'a, State> {
        self.inner
            .done
            .wait_while(st, |s| s.in_flight && s.attempts == seen)
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn with_kid(&self, st: &State, kid: &str) -> Option<Arc<Snapshot>> {
        st.current
            .as_ref()
            .filter(|s| s.keys.get(kid).is_some())
            .cloned()
    }

    /// The set to serve now, stale or not, or why there is none.
    fn usable(&self, st: &State, now: Instant) -> Result<Arc<Snapshot>> {
        if let (Some(snap), Some(until)) = (&st.current, st.fresh_until) {
            let too_stale = self
                .inner
                .opts
                .max_stale
                .is_some_and(|max| now.saturating_duration_since(until) > max);
            if !too_stale {
                return Ok(snap.clone());
            }
        }
        let why = match &st.last_error {
            Some((e, _)) => e.message().to_owned(),
            None if st.current.is_some() => "the cached keys are past max_stale".to_owned(),
            None => "no keys fetched yet".to_owned(),
        };
        Err(Error::new(ErrorCode::JwksUnavailable, why))
    }

    /// One fetch, shared: joins the request in flight or makes it. Returns
    /// the relocked state and the attempt's result.
    fn fetch<'a>(&'a self, mut st: MutexGuard<'a, State>) -> (MutexGuard<'a, State>, Result<()>) {
        if st.in_flight {
            let seen = st.attempts;
            st = self.wait(st, seen);
            let result = st.last_result.clone().unwrap_or(Ok(()));
            return (st, result);
        }
        st.in_flight = true;
        st.requests += 1;
        drop(st);
        let mut flight = Flight {
            owner: self,
            finished: false,
        };
        let fetched = self.inner.fetch_document();
        let mut st = self.lock();
        flight.finished = true;
        let now = Instant::now();
        let result = match fetched {
            Ok((keys, max_age)) => {
                let fresh_for = self.freshness(max_age);
                self.install(&mut st, keys, SystemTime::now(), now + fresh_for);
                st.last_error = None;
                st.retry_at = None;
                Ok(())
            }
            Err(e) => {
                let backoff = if st.current.is_some() {
                    self.inner.opts.cooldown
                } else {
                    self.inner.opts.cooldown.min(EMPTY_RETRY)
                };
                st.retry_at = Some(now + backoff);
                st.last_error = Some((e.clone(), SystemTime::now()));
                Err(e)
            }
        };
        st.in_flight = false;
        st.attempts += 1;
        st.last_result = Some(result.clone());
        self.inner.done.notify_all();
        (st, result)
    }

    fn freshness(&self, max_age: Option<CacheAge>) -> Duration {
        let o = &self.inner.opts;
        let floor = o.min_age.min(o.max_age);
        match max_age {
            None => o.max_age,
            Some(CacheAge::NoCache) => floor,
            Some(CacheAge::Seconds(s)) => Duration::from_secs(s).clamp(floor, o.max_age),
        }
    }

    fn install(&self, st: &mut State, keys: KeySet, fetched_at: SystemTime, until: Instant) {
        let changed = st
            .current
            .as_ref()
            .is_none_or(|s| s.keys.to_jwks() != keys.to_jwks());
        let generation = if changed {
            st.generation += 1;
            st.negative.clear();
            st.generation
        } else {
            st.generation
        };
        st.current = Some(Arc::new(Snapshot {
            headers: HeaderCache::for_keys(&keys),
            keys,
            fetched_at,
            generation,
        }));
        st.fresh_until = Some(until);
    }
}

/// Clears `in_flight` if the fetching thread unwinds, so waiters never hang.
struct Flight<'a> {
    owner: &'a RemoteKeySet,
    finished: bool,
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        if !self.finished {
            let mut st = self.owner.lock();
            st.in_flight = false;
            st.attempts += 1;
            st.last_result = Some(Err(Error::new(
                ErrorCode::Internal,
                "the JWKS fetch panicked",
            )));
            self.owner.inner.done.notify_all();
        }
    }
}

fn remember_unknown(negative: &mut HashMap<String, Instant>, kid: &str, until: Instant) {
    if negative.len() >= NEGATIVE_MAX {
        let now = Instant::now();
        negative.retain(|_, u| now < *u);
        if negative.len() >= NEGATIVE_MAX {
            negative.clear();
        }
    }
    negative.insert(kid.to_owned(), until);
}

fn to_system(t: Instant, now: Instant) -> SystemTime {
    let sys = SystemTime::now();
    if t >= now {
        sys + (t - now)
    } else {
        sys - (now - t)
    }
}

/// A JWKS that may replace a cached one: parses, and has a usable key.
fn usable_set(jwks: &str) -> Result<KeySet> {
    let keys = KeySet::from_jwks(jwks)?;
    if keys.is_empty() {
        return Err(Error::new(
            ErrorCode::InvalidKey,
            "JWKS contains no usable key",
        ));
    }
    Ok(keys)
}

enum CacheAge {
    NoCache,
    Seconds(u64),
}

/// `max-age` (or `no-cache` / `no-store`) of a `Cache-Control` value.
fn cache_age(header: &str) -> Option<CacheAge> {
    let mut age = None;
    for directive in header.split(',') {
        let d = directive.trim();
        let (name, value) = match d.split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim().trim_matches('"'))),
            None => (d, None),
        };
        if name.eq_ignore_ascii_case("no-cache") || name.eq_ignore_ascii_case("no-store") {
            return Some(CacheAge::NoCache);
        }
        if name.eq_ignore_ascii_case("max-age") {
            if let Some(Ok(s)) = value.map(str::parse::<u64>) {
                age = Some(CacheAge::Seconds(s));
            }
        }
    }
    age
}

/// A URL Tessera may fetch from.
#[derive(Clone, Debug)]
struct Url {
    /// As given (user info included: it may carry credentials).
    full: String,
    /// Without user info, for messages and the cache.
    display: String,
    https: bool,
    host: String,
}

impl Url {
    fn parse(url: &str) -> Result<Url> {
        let bad = |why: &str| {
            Err(invalid_argument(format!(
                "JWKS URL {}: {why}",
                crate::error::echo(url)
            )))
        };
        if url.len() > 4096 || url.chars().any(|c| c.is_control() || c == ' ') {
            return bad("too long or has spaces or control characters");
        }
        let (https, rest) = if let Some(r) = strip_prefix_ci(url, "https://") {
            (true, r)
        } else if let Some(r) = strip_prefix_ci(url, "http://") {
            (false, r)
        } else {
            return bad("only https:// URLs are fetched (http:// for loopback hosts)");
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(end);
        if path.contains('#') {
            return bad("a fragment is not allowed");
        }
        let (userinfo, hostport) = match authority.rfind('@') {
            Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
            None => (None, authority),
        };
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            match v6.split_once(']') {
                Some((h, "")) => (h, None),
                Some((h, p)) if p.starts_with(':') => (h, Some(&p[1..])),
                _ => return bad("malformed IPv6 host"),
            }
        } else {
            match hostport.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hostport, None),
            }
        };
        if host.is_empty() {
            return bad("no host");
        }
        if port.is_some_and(|p| p.is_empty() || p.parse::<u16>().is_err()) {
            return bad("malformed port");
        }
        if !https && !is_loopback(host) {
            return bad("http:// is allowed only for loopback hosts; use https://");
        }
        let scheme = if https { "https://" } else { "http://" };
        let display = format!("{scheme}{hostport}{path}");
        if userinfo.is_some_and(|u| u.contains(['/', '?'])) {
            return bad("malformed user info");
        }
        let full = if path.is_empty() {
            format!("{url}/")
        } else {
            url.to_owned()
        };
        Ok(Url {
            full,
            display: if path.is_empty() {
                format!("{display}/")
            } else {
                display
            },
            https,
            host: host.to_ascii_lowercase(),
        })
    }

    /// A redirect's target: absolute (same scheme, same rules) or
    /// absolute-path (same origin).
    fn redirect(&self, location: &str) -> Result<Url> {
        let next = if location.starts_with('/') && !location.starts_with("//") {
            let origin_end = self.full.find("://").map_or(0, |i| i + 3);
            let path_start = self.full[origin_end..]
                .find('/')
                .map_or(self.full.len(), |i| origin_end + i);
            Url::parse(&format!("{}{location}", &self.full[..path_start]))?
        } else {
            Url::parse(location).map_err(|_| {
                Error::new(
                    ErrorCode::JwksUnavailable,
                    format!(
                        "JWKS {}: redirect to a URL that is not allowed",
                        self.display
                    ),
                )
            })?
        };
        if next.https != self.https {
            return Err(Error::new(
                ErrorCode::JwksUnavailable,
                format!("JWKS {}: redirect to another scheme refused", self.display),
            ));
        }
        Ok(next)
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn build_agent(url: &Url, opts: &RemoteOptions) -> Result<ureq::Agent> {
    use ureq::tls::{Certificate, RootCerts, TlsConfig, TlsProvider};
    let mut tls = TlsConfig::builder().provider(TlsProvider::Rustls);
    if let Some(pem) = &opts.ca_pem {
        let certs: Vec<Certificate<'static>> = ureq::tls::parse_pem(pem.as_bytes())
            .filter_map(|item| match item {
                Ok(ureq::tls::PemItem::Certificate(c)) => Some(Ok(c)),
                Ok(_) => None,
                Err(_) => Some(Err(())),
            })
            .collect::<std::result::Result<_, ()>>()
            .map_err(|_| invalid_argument("JWKS option ca_pem: not valid PEM"))?;
        if certs.is_empty() {
            return Err(invalid_argument(
                "JWKS option ca_pem holds no CERTIFICATE block",
            ));
        }
        tls = tls.root_certs(RootCerts::new_with_certs(&certs));
    }
    let mut config = ureq::Agent::config_builder()
        .tls_config(tls.build())
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .user_agent(concat!("tessera/", env!("CARGO_PKG_VERSION")))
        .accept("application/jwk-set+json, application/json")
        .max_response_header_size(64 * 1024)
        .max_idle_connections(4)
        .max_idle_connections_per_host(2);
    if is_loopback(&url.host) {
        config = config.proxy(None);
    }
    Ok(config.build().into())
}

impl Shared {
    fn unavailable(&self, why: impl fmt::Display) -> Error {
        Error::new(
            ErrorCode::JwksUnavailable,
            format!("JWKS {} unavailable: {why}", self.url.display),
        )
    }

    /// GETs the document (following allowed redirects) within one deadline;
    /// returns the set and the response's cache age.
    fn fetch_document(&self) -> Result<(KeySet, Option<CacheAge>)> {
        let deadline = Instant::now() + self.opts.timeout;
        let mut url = self.url.clone();
        let mut hops = 0;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(self.unavailable("timed out"));
            }
            let mut response = self
                .agent
                .get(&url.full)
                .config()
                .timeout_global(Some(left))
                .build()
                .call()
                .map_err(|e| self.unavailable(describe(&e)))?;
            let status = response.status().as_u16();
            if (300..400).contains(&status) {
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .map(str::to_owned);
                hops += 1;
                match location {
                    Some(l) if hops <= self.opts.max_redirects => {
                        url = url.redirect(&l).map_err(|e| {
                            if e.code() == ErrorCode::JwksUnavailable {
                                e
                            } else {
                                self.unavailable("redirect to a URL that is not allowed")
                            }
                        })?;
                        continue;
                    }
                    Some(_) => return Err(self.unavailable("too many redirects")),
                    None => {
                        return Err(self.unavailable(format!("HTTP {status} without a Location")))
                    }
                }
            }
            if status != 200 {
                return Err(self.unavailable(format!("HTTP {status}")));
            }
            let max_age = response
                .headers()
                .get_all("cache-control")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(cache_age);
            let limit = self.opts.max_bytes as u64;
            if response.body().content_length().is_some_and(|n| n > limit) {
                return Err(self.unavailable(over(limit)));
            }
            // ureq's limit refuses a body that reaches it: one byte of slack
            // lets a body of exactly max_bytes through.
            let body = response
                .body_mut()
                .with_config()
                .limit(limit + 1)
                .read_to_vec()
                .map_err(|e| match e {
                    ureq::Error::BodyExceedsLimit(_) => self.unavailable(over(limit)),
                    e => self.unavailable(describe(&e)),
                })?;
            if body.len() as u64 > limit {
                return Err(self.unavailable(over(limit)));
            }
            let text = String::from_utf8(body)
                .map_err(|_| self.unavailable("response body is not UTF-8"))?;
            let keys = usable_set(&text)
                .map_err(|e| self.unavailable(format!("not a usable JWKS: {}", e.message())))?;
            return Ok((keys, max_age));
        }
    }
}

fn over(limit: u64) -> String {
    format!("response body over {limit} bytes (max_bytes)")
}

/// A short, input-free description of a transport error.
fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "timed out".to_owned(),
        ureq::Error::HostNotFound => "host not found".to_owned(),
        ureq::Error::ConnectionFailed => "connection failed".to_owned(),
        ureq::Error::Io(io) if io.get_ref().is_some_and(|e| e.is::<rustls::Error>()) => {
            format!(
                "TLS error: {}",
                io.get_ref().map(ToString::to_string).unwrap_or_default()
            )
        }
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => "timed out".to_owned(),
            kind => format!("I/O error ({kind})"),
        },
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => format!("TLS error: {e}"),
        other => format!("{other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        for ok in [
            "https://issuer.example/.well-known/jwks.json",
            "https://issuer.example:8443/jwks",
            "https://issuer.example",
            "http://127.0.0.1:8080/jwks",
            "http://127.8.9.10/jwks",
            "http://[::1]:9000/jwks",
            "http://localhost:1234/x?y=1",
            "HTTPS://Issuer.Example/jwks",
        ] {
            assert!(Url::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://issuer.example/jwks",
            "http://10.0.0.1/jwks",
            "http://localhost.evil.example/jwks",
            "http://127.0.0.1.evil.example/jwks",
            "ftp://issuer.example/jwks",
            "file:///etc/passwd",
            "https:///jwks",
            "https://issuer.example/jwks#frag",
            "https://issuer.example:99999/jwks",
            "https://issuer.example/a b",
            "//issuer.example/jwks",
            "",
        ] {
            let e = Url::parse(bad).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidArgument, "{bad}");
        }
        let u = Url::parse("https://user:pw@issuer.example/jwks").unwrap();
        assert_eq!(u.display, "https://issuer.example/jwks");
        assert!(!format!("{u:?}").is_empty());
    }

    #[test]
    fn redirects_keep_scheme_and_rules() {
        let https = Url::parse("https://a.example/jwks").unwrap();
        assert_eq!(
            https.redirect("/other").unwrap().full,
            "https://a.example/other"
        );
        assert_eq!(
            https.redirect("https://b.example/k").unwrap().display,
            "https://b.example/k"
        );
        for bad in [
            "http://127.0.0.1/k",
            "http://b.example/k",
            "file:///etc/passwd",
            "//b.example/k",
        ] {
            assert_eq!(
                https.redirect(bad).unwrap_err().code(),
                ErrorCode::JwksUnavailable,
                "{bad}"
            );
        }
        let local = Url::parse("http://127.0.0.1:1/jwks").unwrap();
        assert!(local.redirect("/b").is_ok());
        assert!(local.redirect("http://localhost:2/b").is_ok());
        assert!(local.redirect("https://a.example/k").is_err());
        assert!(local.redirect("http://a.example/k").is_err());
    }

    #[test]
    fn cache_control() {
        let age = |h| match cache_age(h) {
            None => None,
            Some(CacheAge::NoCache) => Some(-1),
            Some(CacheAge::Seconds(s)) => Some(s as i64),
        };
        assert_eq!(age("public, max-age=15, stale-if-error=86400"), Some(15));
        assert_eq!(age("MAX-AGE=\"60\""), Some(60));
        assert_eq!(age("no-cache"), Some(-1));
        assert_eq!(age("private, no-store, max-age=9"), Some(-1));
        assert_eq!(age("max-age=abc"), None);
        assert_eq!(age("public"), None);
    }

    #[test]
    fn options_json() {
        let o = RemoteOptions::from_json(
            r#"{"max_age": 10, "cooldown": 0.5, "timeout": 2, "max_bytes": 1000, "max_stale": null, "max_redirects": 0}"#,
        )
        .unwrap();
        assert_eq!(o.max_age, Duration::from_secs(10));
        assert_eq!(o.cooldown, Duration::from_millis(500));
        assert_eq!(o.max_bytes, 1000);
        assert_eq!(o.max_redirects, 0);
        for bad in [
            r#"{"max_age": 0}"#,
            r#"{"timeout": -1}"#,
            r#"{"cooldown": "30"}"#,
            r#"{"bogus": 1}"#,
            r#"{"max_bytes": 0}"#,
            r#"[]"#,
            "nope",
        ] {
            assert_eq!(
                RemoteOptions::from_json(bad).unwrap_err().code(),
                ErrorCode::InvalidArgument,
                "{bad}"
            );
        }
    }
}
