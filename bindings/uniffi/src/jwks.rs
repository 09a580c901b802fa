//! Remote JWKS: [`RemoteKeySet`] (a key set fetched from an identity
//! provider's `jwks_uri` and cached), its options ([`RemoteOptions`]) and its
//! report ([`JwksStatus`]). Conversion only: the fetching and caching policy
//! is the core's `tessera::jwks` (docs/jwks.md).
//!
//! - **Blocking.** `keys`, `refresh` and a `Verifier`'s `verify` on a remote
//!   set may fetch, blocking the calling thread for at most about `timeout`.
//!   Call them off the main thread (Kotlin: `withContext(Dispatchers.IO)`;
//!   Swift: a background queue or `Task.detached`). Every object is
//!   thread-safe; concurrent callers share one request.
//! - **Numbers.** Durations are seconds as `Double` (fractions allowed, like
//!   the Python and Node options), times are Unix seconds as `Double` (like
//!   `Claims.exp`), counts and sizes signed 64-bit (`Long`/`Int64`). A
//!   negative or non-finite value is `INVALID_ARGUMENT`.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tessera::jwks as core;
use tessera::ErrorCode;

use crate::keyset::KeySet;
use crate::{Result, TesseraError};

/// The caching policy of a [`RemoteKeySet`]. Every field is optional:
/// `null`/`nil` means the core's default, stated next to each field (so no
/// default lives in a binding). Durations are seconds.
#[derive(Clone, Debug, Default, uniffi::Record)]
pub struct RemoteOptions {
    /// How long a fetched set is fresh when the response has no
    /// `Cache-Control: max-age`, and the most a response's `max-age` can ask
    /// for. Default: 300.
    #[uniffi(default)]
    pub max_age: Option<f64>,
    /// The least a response's `max-age` (or `no-cache`) can ask for.
    /// Default: 30.
    #[uniffi(default)]
    pub min_age: Option<f64>,
    /// The least time between two fetches caused by unknown kids, and between
    /// a failed fetch and the next attempt. Default: 30.
    #[uniffi(default)]
    pub cooldown: Option<f64>,
    /// The whole budget of one fetch (connect, TLS, redirects, body).
    /// Default: 5.
    #[uniffi(default)]
    pub timeout: Option<f64>,
    /// The largest response body accepted, in bytes. Default: 524288 (512 KiB).
    #[uniffi(default)]
    pub max_bytes: Option<i64>,
    /// How long a kid still unknown after a refetch is answered
    /// `KEY_NOT_FOUND` without fetching. Default: 300.
    #[uniffi(default)]
    pub negative_ttl: Option<f64>,
    /// How long past its freshness a set may still be served while fetches
    /// fail. Default: for as long as they fail.
    #[uniffi(default)]
    pub max_stale: Option<f64>,
    /// Redirects followed per fetch (same scheme, same URL rules; more than
    /// 100 counts as 100). Default: 3.
    #[uniffi(default)]
    pub max_redirects: Option<i64>,
    /// Trust only these CA certificates (PEM) instead of the built-in roots.
    /// Default: the built-in Mozilla roots.
    #[uniffi(default)]
    pub ca_pem: Option<String>,
}

/// Seconds as the core's `RemoteOptions::from_json` takes them: finite,
/// 0 to 1e9; otherwise `INVALID_ARGUMENT`. Zero where the core needs a
/// positive duration is the core's `INVALID_ARGUMENT`.
fn seconds(name: &str, s: f64) -> Result<Duration> {
    if s.is_finite() && (0.0..=1e9).contains(&s) {
        Ok(Duration::from_secs_f64(s))
    } else {
        Err(TesseraError::invalid_argument(format!(
            "JWKS option {name} must be a number of seconds (0 to 1e9)"
        )))
    }
}

fn non_negative(name: &str, n: i64) -> Result<u64> {
    u64::try_from(n).map_err(|_| {
        TesseraError::invalid_argument(format!("JWKS option {name} must not be negative"))
    })
}

impl TryFrom<RemoteOptions> for core::RemoteOptions {
    type Error = TesseraError;

    fn try_from(o: RemoteOptions) -> Result<Self> {
        let mut out = core::RemoteOptions::default();
        let secs = |name, v: Option<f64>, d: Duration| v.map_or(Ok(d), |s| seconds(name, s));
        out.max_age = secs("maxAge", o.max_age, out.max_age)?;
        out.min_age = secs("minAge", o.min_age, out.min_age)?;
        out.cooldown = secs("cooldown", o.cooldown, out.cooldown)?;
        out.timeout = secs("timeout", o.timeout, out.timeout)?;
        out.negative_ttl = secs("negativeTtl", o.negative_ttl, out.negative_ttl)?;
        if let Some(s) = o.max_stale {
            out.max_stale = Some(seconds("maxStale", s)?);
        }
        if let Some(n) = o.max_bytes {
            out.max_bytes = usize::try_from(non_negative("maxBytes", n)?).unwrap_or(usize::MAX);
        }
        if let Some(n) = o.max_redirects {
            // As the core's from_json: at most 100.
            out.max_redirects = non_negative("maxRedirects", n)?.min(100) as u32;
        }
        out.ca_pem = o.ca_pem.or(out.ca_pem);
        Ok(out)
    }
}

/// Whether the cached set is fresh: Kotlin `JwksState.FRESH`, Swift `.fresh`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum JwksState {
    /// Nothing fetched (or imported) yet.
    Empty,
    /// Within its max age.
    Fresh,
    /// Past its max age: served while a refresh is pending or failing.
    Stale,
}

impl From<core::Freshness> for JwksState {
    fn from(f: core::Freshness) -> Self {
        match f {
            core::Freshness::Empty => JwksState::Empty,
            core::Freshness::Fresh => JwksState::Fresh,
            core::Freshness::Stale => JwksState::Stale,
        }
    }
}

/// A report on a [`RemoteKeySet`]'s cache (times in Unix seconds).
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct JwksStatus {
    /// The URL (without any user info).
    pub url: String,
    /// Empty, fresh or stale.
    pub state: JwksState,
    /// When the set served now was fetched.
    pub fetched_at: Option<f64>,
    /// When it stops (or stopped) being fresh.
    pub fresh_until: Option<f64>,
    /// The code of the last attempt's error, if it failed (cleared by a
    /// success): `JWKS_UNAVAILABLE`.
    pub last_error_code: Option<ErrorCode>,
    /// That error's message (it names the URL).
    pub last_error_message: Option<String>,
    /// When that attempt failed.
    pub last_error_at: Option<f64>,
    /// How many keys the set has.
    pub keys: i64,
    /// HTTP requests made (redirects not counted separately).
    pub requests: i64,
    /// Changes of the set (a refetch of the same keys is not one).
    pub generation: i64,
}

fn unix_seconds(t: SystemTime) -> f64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64(),
        Err(e) => -e.duration().as_secs_f64(),
    }
}

fn long<T: TryInto<i64>>(n: T) -> i64 {
    n.try_into().unwrap_or(i64::MAX)
}

impl From<core::Status> for JwksStatus {
    fn from(s: core::Status) -> Self {
        JwksStatus {
            url: s.url,
            state: s.state.into(),
            fetched_at: s.fetched_at.map(unix_seconds),
            fresh_until: s.fresh_until.map(unix_seconds),
            last_error_code: s.last_error.as_ref().map(|e| e.code()),
            last_error_message: s.last_error.as_ref().map(|e| e.message().to_owned()),
            last_error_at: s.last_error_at.map(unix_seconds),
            keys: long(s.keys),
            requests: long(s.requests),
            generation: long(s.generation),
        }
    }
}

/// A JWKS fetched from a URL and cached, so that the provider being slow or
/// down never becomes an outage: fresh for the response's `max-age` (within
/// `minAge`..`maxAge`), the last good set served while refreshes fail
/// (`status().state` is then `STALE`), an unknown kid refetched at most once
/// per `cooldown` with concurrent callers sharing one request. Only `https`
/// URLs, or `http` to a loopback host (tests, sidecars); redirects only to
/// the same scheme; a token's `jku`/`x5u` is never fetched.
///
/// Thread-safe. **Blocking**: `keys`, `refresh` (and a remote `Verifier`'s
/// `verify`) may wait for the network up to about `timeout`: call them off the
/// main thread (Kotlin `withContext(Dispatchers.IO)`).
#[derive(Debug, uniffi::Object)]
pub struct RemoteKeySet {
    pub(crate) inner: core::RemoteKeySet,
}

#[uniffi::export]
impl RemoteKeySet {
    /// A key set for `url`; nothing is fetched until keys are needed.
    /// `INVALID_ARGUMENT` for a URL that is not `https` (or `http` to a
    /// loopback host) or for bad options.
    #[uniffi::constructor(default(options))]
    pub fn new(url: String, options: RemoteOptions) -> Result<Arc<Self>> {
        Ok(Arc::new(RemoteKeySet {
            inner: core::RemoteKeySet::new(&url, options.try_into()?)?,
        }))
    }

    /// The URL (without any user info).
    pub fn url(&self) -> String {
        self.inner.url().to_owned()
    }

    /// The current set: the cached one while fresh; otherwise it is refetched
    /// (one request for all concurrent callers), and if that fails the stale
    /// set is served. `JWKS_UNAVAILABLE` (naming the URL) when there is no
    /// usable set at all. Blocks.
    pub fn keys(&self) -> Result<Arc<KeySet>> {
        Ok(Arc::new(KeySet {
            inner: self.inner.keys()?,
        }))
    }

    /// Fetches now, whatever the cache holds. On failure throws
    /// `JWKS_UNAVAILABLE` and the cached set stays. Blocks.
    pub fn refresh(&self) -> Result<Arc<KeySet>> {
        Ok(Arc::new(KeySet {
            inner: self.inner.refresh()?,
        }))
    }

    /// The cache's state (never blocks on the network).
    pub fn status(&self) -> JwksStatus {
        self.inner.status().into()
    }

    /// The cache as JSON text, for `importCache` in another process (a cold
    /// start): the URL, fetch times and the public JWKS. `null`/`nil` while
    /// nothing is cached.
    pub fn export_cache(&self) -> Option<String> {
        self.inner.export_cache()
    }

    /// Loads an exported cache. `INVALID_ARGUMENT` when it is for another URL
    /// or not an export; ignored when the cache already holds a newer set.
    pub fn import_cache(&self, data: String) -> Result<()> {
        Ok(self.inner.import_cache(&data)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_fields_are_the_core_defaults() {
        let got: core::RemoteOptions = RemoteOptions::default().try_into().unwrap();
        assert_eq!(got, core::RemoteOptions::default());
    }

    #[test]
    fn fields_map_one_to_one() {
        let o = RemoteOptions {
            max_age: Some(60.5),
            min_age: Some(2.0),
            cooldown: Some(0.5),
            timeout: Some(1.25),
            max_bytes: Some(1000),
            negative_ttl: Some(7.0),
            max_stale: Some(3600.0),
            max_redirects: Some(1000),
            ca_pem: Some("pem".into()),
        };
        let got: core::RemoteOptions = o.try_into().unwrap();
        let want = core::RemoteOptions::from_json(
            r#"{"max_age":60.5,"min_age":2,"cooldown":0.5,"timeout":1.25,"max_bytes":1000,
                "negative_ttl":7,"max_stale":3600,"max_redirects":1000,"ca_pem":"pem"}"#,
        )
        .unwrap();
        assert_eq!(got, want);
    }

    #[test]
    fn bad_values_are_invalid_argument() {
        let bad = [
            RemoteOptions {
                max_age: Some(-1.0),
                ..Default::default()
            },
            RemoteOptions {
                timeout: Some(f64::NAN),
                ..Default::default()
            },
            RemoteOptions {
                cooldown: Some(f64::INFINITY),
                ..Default::default()
            },
            RemoteOptions {
                max_stale: Some(2e9),
                ..Default::default()
            },
            RemoteOptions {
                max_bytes: Some(-1),
                ..Default::default()
            },
            RemoteOptions {
                max_redirects: Some(-1),
                ..Default::default()
            },
        ];
        for o in bad {
            let e = core::RemoteOptions::try_from(o.clone()).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidArgument, "{o:?}");
        }
        // Zero where the core needs a positive value: the core's error.
        for o in [
            RemoteOptions {
                timeout: Some(0.0),
                ..Default::default()
            },
            RemoteOptions {
                max_bytes: Some(0),
                ..Default::default()
            },
        ] {
            let e = RemoteKeySet::new("http://127.0.0.1:1/jwks".into(), o).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidArgument);
        }
    }

    #[test]
    fn urls_are_checked_and_nothing_is_fetched() {
        for url in ["http://example.com/jwks", "ftp://127.0.0.1/", "not a url"] {
            let e = RemoteKeySet::new(url.into(), RemoteOptions::default()).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidArgument, "{url}");
        }
        let set =
            RemoteKeySet::new("http://127.0.0.1:1/jwks".into(), RemoteOptions::default()).unwrap();
        assert_eq!(set.url(), "http://127.0.0.1:1/jwks");
        let s = set.status();
        assert_eq!(s.state, JwksState::Empty);
        assert_eq!((s.keys, s.requests, s.generation), (0, 0, 0));
        assert_eq!((s.fetched_at, s.last_error_code), (None, None));
        assert_eq!(set.export_cache(), None);
    }

    #[test]
    fn unreachable_without_cache_is_jwks_unavailable() {
        // Port 1 on loopback: refused at once.
        let opts = RemoteOptions {
            timeout: Some(2.0),
            ..Default::default()
        };
        let set = RemoteKeySet::new("http://127.0.0.1:1/jwks".into(), opts).unwrap();
        let e = set.keys().unwrap_err();
        assert_eq!(e.code(), ErrorCode::JwksUnavailable);
        let TesseraError::Failed { detail, .. } = &e;
        assert!(detail.contains("http://127.0.0.1:1/jwks"), "{detail}");
        let s = set.status();
        assert_eq!(s.last_error_code, Some(ErrorCode::JwksUnavailable));
        assert!(s.last_error_at.is_some());
        assert_eq!(s.requests, 1);
    }
}
