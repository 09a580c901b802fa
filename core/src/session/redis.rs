//! `RedisStore`: sessions in Redis, standalone or Cluster (redis crate, sync
//! connections in an r2d2 pool).
//!
//! - URLs: `redis://[user:pass@]host:port/db`, `rediss://…` for TLS (rustls
//!   with the platform's root certificates), `redis+unix:///path`. Cluster mode
//!   takes one or more node URLs.
//! - Every key is `<prefix><logical key>` (prefix default `tessera:`); the
//!   layout is in `docs/sessions.md` and is shared by every language.
//! - Timeouts: `connect_timeout` bounds establishing a connection and waiting
//!   for a free one in the pool; `io_timeout` bounds each command. A store
//!   that does not answer in time is `STORE_UNAVAILABLE`, never "absent".
//! - Reconnect: the store is created without connecting. A connection that
//!   fails is dropped from the pool; a command that fails because its
//!   connection was dropped or refused (e.g. Redis restarted) is sent once
//!   more on a fresh connection outside the pool, except compare-and-swap, whose outcome would
//!   be unknown. Timeouts are never retried.
//! - Replies of the wrong type (`WRONGTYPE`, unparseable) are `MALFORMED`.

use std::time::Duration;

use redis::cluster::{ClusterClient, ClusterConnection};
use redis::{Client, ConnectionLike, RedisError, Script};

use super::store::SessionStore;
use crate::error::{invalid_argument, Error, ErrorCode, Result};

/// How a [`RedisStore`] connects.
#[derive(Clone, Debug)]
pub struct RedisOptions {
    /// Prepended to every key (default `tessera:`).
    pub prefix: String,
    /// Most connections kept (default 16).
    pub pool_size: u32,
    /// Connecting, and waiting for a pooled connection (default 2 s).
    pub connect_timeout: Duration,
    /// Each command's read/write (default 2 s).
    pub io_timeout: Duration,
    /// Redis Cluster: the URLs are seed nodes (default false).
    pub cluster: bool,
}

impl Default for RedisOptions {
    fn default() -> Self {
        RedisOptions {
            prefix: "tessera:".to_owned(),
            pool_size: 16,
            connect_timeout: Duration::from_secs(2),
            io_timeout: Duration::from_secs(2),
            cluster: false,
        }
    }
}

#[derive(Clone)]
struct Single {
    client: Client,
    connect_timeout: Duration,
    io_timeout: Duration,
}

impl r2d2::ManageConnection for Single {
    type Connection = redis::Connection;
    type Error = RedisError;

    fn connect(&self) -> std::result::Result<redis::Connection, RedisError> {
        let conn = self
            .client
            .get_connection_with_timeout(self.connect_timeout)?;
        conn.set_read_timeout(Some(self.io_timeout))?;
        conn.set_write_timeout(Some(self.io_timeout))?;
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut redis::Connection) -> std::result::Result<(), RedisError> {
        redis::cmd("PING").query::<String>(conn).map(|_| ())
    }

    fn has_broken(&self, conn: &mut redis::Connection) -> bool {
        !conn.is_open()
    }
}

#[derive(Clone)]
struct Cluster(ClusterClient);

impl r2d2::ManageConnection for Cluster {
    type Connection = ClusterConnection;
    type Error = RedisError;

    fn connect(&self) -> std::result::Result<ClusterConnection, RedisError> {
        self.0.get_connection()
    }

    fn is_valid(&self, conn: &mut ClusterConnection) -> std::result::Result<(), RedisError> {
        if conn.check_connection() {
            Ok(())
        } else {
            Err(RedisError::from((
                redis::ErrorKind::Io,
                "cluster connection check failed",
            )))
        }
    }

    fn has_broken(&self, conn: &mut ClusterConnection) -> bool {
        !conn.is_open()
    }
}

/// The pool, and its connection manager kept aside for fresh, unpooled
/// connections (the retry after a dropped connection must not draw another
/// stale one from the pool).
enum Pool {
    Single(r2d2::Pool<Single>, Single),
    Cluster(r2d2::Pool<Cluster>, Cluster),
}

/// The Redis-backed store (see the module docs).
pub struct RedisStore {
    pool: Pool,
    prefix: String,
    describe: String,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("servers", &self.describe)
            .field("prefix", &self.prefix)
            .finish()
    }
}

fn unavailable(e: &RedisError) -> Error {
    Error::new(ErrorCode::StoreUnavailable, format!("redis: {e}"))
}

fn map_err(e: RedisError) -> Error {
    match e.kind() {
        redis::ErrorKind::UnexpectedReturnType | redis::ErrorKind::Parse => Error::new(
            ErrorCode::Malformed,
            format!("redis returned an unexpected reply: {e}"),
        ),
        _ if e.code() == Some("WRONGTYPE") => Error::new(
            ErrorCode::Malformed,
            format!("redis key holds the wrong type: {e}"),
        ),
        _ => unavailable(&e),
    }
}

/// Worth one more attempt on a fresh connection: dropped or refused, not a timeout.
fn retryable(e: &RedisError) -> bool {
    !e.is_timeout() && (e.is_connection_dropped() || e.is_connection_refusal())
}

fn ttl(ms: u64) -> u64 {
    ms.max(1)
}

impl RedisStore {
    /// A store on `urls` (one URL standalone; seed nodes in Cluster mode).
    /// Nothing connects yet: a URL that does not parse is `INVALID_ARGUMENT`,
    /// an unreachable server is `STORE_UNAVAILABLE` on first use.
    pub fn new<S: AsRef<str>>(urls: &[S], opts: RedisOptions) -> Result<RedisStore> {
        let urls: Vec<&str> = urls.iter().map(|u| u.as_ref()).collect();
        if urls.is_empty() {
            return Err(invalid_argument("RedisStore needs a URL"));
        }
        if opts.pool_size == 0 {
            return Err(invalid_argument("pool_size must be at least 1"));
        }
        if opts.connect_timeout.is_zero() || opts.io_timeout.is_zero() {
            return Err(invalid_argument(
                "connect_timeout and io_timeout must be positive",
            ));
        }
        let bad_url = |e: RedisError| invalid_argument(format!("bad Redis URL: {e}"));
        fn builder<M: r2d2::ManageConnection>(opts: &RedisOptions) -> r2d2::Builder<M> {
            r2d2::Pool::builder()
                .max_size(opts.pool_size)
                .min_idle(Some(0))
                .connection_timeout(opts.connect_timeout)
                .test_on_check_out(false)
        }
        let pool = if opts.cluster {
            let client = redis::cluster::ClusterClientBuilder::new(urls.clone())
                .connection_timeout(opts.connect_timeout)
                .response_timeout(opts.io_timeout)
                .retries(2)
                .build()
                .map_err(bad_url)?;
            let manager = Cluster(client);
            Pool::Cluster(builder(&opts).build_unchecked(manager.clone()), manager)
        } else {
            if urls.len() != 1 {
                return Err(invalid_argument(
                    "standalone Redis takes exactly one URL (set cluster for several)",
                ));
            }
            let client = Client::open(urls[0]).map_err(bad_url)?;
            let manager = Single {
                client,
                connect_timeout: opts.connect_timeout,
                io_timeout: opts.io_timeout,
            };
            Pool::Single(builder(&opts).build_unchecked(manager.clone()), manager)
        };
        let describe = urls
            .iter()
            .map(|u| {
                // Never keep a password in Debug output: not the user:pass@
                // part, not a query (`redis+unix:///sock?pass=…`).
                let (u, query) = match u.split_once('?') {
                    Some((u, _)) => (u, "?…"),
                    None => (*u, ""),
                };
                match u.rsplit_once('@') {
                    Some((scheme_user, host)) => {
                        let scheme = scheme_user.split("://").next().unwrap_or("redis");
                        format!("{scheme}://…@{host}{query}")
                    }
                    None => format!("{u}{query}"),
                }
            })
            .collect::<Vec<_>>()
            .join(",");
        Ok(RedisStore {
            pool,
            prefix: opts.prefix,
            describe,
        })
    }

    fn key(&self, key: &str) -> String {
        let mut k = String::with_capacity(self.prefix.len() + key.len());
        k.push_str(&self.prefix);
        k.push_str(key);
        k
    }

    /// Runs `f` on a pooled connection; if that failed because the
    /// connection was dropped or refused (Redis restarted) and `retry`
    /// allows, once more on a fresh connection outside the pool. The failed
    /// connection reports itself closed and is not returned to the pool.
    fn run<T>(
        &self,
        retry: bool,
        f: impl Fn(&mut dyn ConnectionLike) -> redis::RedisResult<T>,
    ) -> Result<T> {
        use r2d2::ManageConnection as _;
        let pooled = || -> std::result::Result<T, (RedisError, bool)> {
            let pool_err = |e: r2d2::Error| {
                (
                    RedisError::from((redis::ErrorKind::Io, "pool", e.to_string())),
                    false,
                )
            };
            match &self.pool {
                Pool::Single(p, _) => f(&mut *p.get().map_err(pool_err)?).map_err(|e| (e, true)),
                Pool::Cluster(p, _) => f(&mut *p.get().map_err(pool_err)?).map_err(|e| (e, true)),
            }
        };
        let fresh = || -> redis::RedisResult<T> {
            match &self.pool {
                Pool::Single(_, m) => f(&mut m.connect()?),
                Pool::Cluster(_, m) => f(&mut m.connect()?),
            }
        };
        match pooled() {
            Ok(v) => Ok(v),
            Err((e, true)) if retry && retryable(&e) => fresh().map_err(map_err),
            Err((e, true)) => Err(map_err(e)),
            Err((e, false)) => Err(no_connection(e)),
        }
    }

    /// Checks that Redis answers (`PING`): `STORE_UNAVAILABLE` otherwise.
    pub fn ping(&self) -> Result<()> {
        self.run(true, |c| redis::cmd("PING").query::<String>(c).map(|_| ()))
    }
}

fn no_connection(e: RedisError) -> Error {
    Error::new(
        ErrorCode::StoreUnavailable,
        format!("redis: no connection: {e}"),
    )
}

fn get_touch_script() -> &'static Script {
    static S: std::sync::OnceLock<Script> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        Script::new(
            "local v = redis.call('GET', KEYS[1])\n\
             if v then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end\n\
             return v",
        )
    })
}

fn set_add_script() -> &'static Script {
    static S: std::sync::OnceLock<Script> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        Script::new(
            "redis.call('SADD', KEYS[1], ARGV[1])\n\
             redis.call('PEXPIRE', KEYS[1], ARGV[2])\n\
             return 1",
        )
    })
}

fn cas_script() -> &'static Script {
    static S: std::sync::OnceLock<Script> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        Script::new(
            "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end\n\
             if ARGV[2] == 'del' then redis.call('DEL', KEYS[1])\n\
             else redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4]) end\n\
             return 1",
        )
    })
}

impl SessionStore for RedisStore {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let k = self.key(key);
        self.run(true, |c| redis::cmd("GET").arg(&k).query(c))
    }

    fn get_touch(&self, key: &str, ttl_ms: u64) -> Result<Option<Vec<u8>>> {
        let k = self.key(key);
        self.run(true, |c| {
            get_touch_script().key(&k).arg(ttl(ttl_ms)).invoke(c)
        })
    }

    fn set(&self, key: &str, value: &[u8], ttl_ms: u64) -> Result<()> {
        let k = self.key(key);
        self.run(true, |c| {
            redis::cmd("SET")
                .arg(&k)
                .arg(value)
                .arg("PX")
                .arg(ttl(ttl_ms))
                .query(c)
        })
    }

    fn set_nx(&self, key: &str, value: &[u8], ttl_ms: u64) -> Result<bool> {
        let k = self.key(key);
        self.run(true, |c| {
            let r: Option<String> = redis::cmd("SET")
                .arg(&k)
                .arg(value)
                .arg("NX")
                .arg("PX")
                .arg(ttl(ttl_ms))
                .query(c)?;
            Ok(r.is_some())
        })
    }

    fn compare_and_swap(
        &self,
        key: &str,
        expected: &[u8],
        new: Option<(&[u8], u64)>,
    ) -> Result<bool> {
        let k = self.key(key);
        self.run(false, |c| {
            let mut inv = cas_script().key(&k);
            inv.arg(expected);
            match new {
                Some((v, t)) => inv.arg("set").arg(v).arg(ttl(t)),
                None => inv.arg("del").arg("").arg(0),
            };
            let n: i64 = inv.invoke(c)?;
            Ok(n == 1)
        })
    }

    fn delete(&self, key: &str) -> Result<bool> {
        let k = self.key(key);
        self.run(true, |c| {
            let n: i64 = redis::cmd("DEL").arg(&k).query(c)?;
            Ok(n > 0)
        })
    }

    fn expire(&self, key: &str, ttl_ms: u64) -> Result<bool> {
        let k = self.key(key);
        self.run(true, |c| {
            let n: i64 = redis::cmd("PEXPIRE").arg(&k).arg(ttl(ttl_ms)).query(c)?;
            Ok(n == 1)
        })
    }

    fn set_add(&self, key: &str, member: &str, ttl_ms: u64) -> Result<()> {
        let k = self.key(key);
        self.run(true, |c| {
            set_add_script()
                .key(&k)
                .arg(member)
                .arg(ttl(ttl_ms))
                .invoke::<i64>(c)
                .map(|_| ())
        })
    }

    fn set_remove(&self, key: &str, member: &str) -> Result<()> {
        let k = self.key(key);
        self.run(true, |c| {
            redis::cmd("SREM")
                .arg(&k)
                .arg(member)
                .query::<i64>(c)
                .map(|_| ())
        })
    }

    fn set_members(&self, key: &str) -> Result<Vec<String>> {
        let k = self.key(key);
        self.run(true, |c| redis::cmd("SMEMBERS").arg(&k).query(c))
    }
}
