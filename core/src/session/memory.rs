//! `MemoryStore`: the embedded default store (one process).
//!
//! Sixteen shards, each a mutex over a hash map plus an expiry index ordered
//! by deadline. Expired entries are invisible at once and are removed
//! whenever their shard is written (oldest deadlines first), so churn never
//! leaks. Memory is bounded: at most `max_entries` entries and `max_bytes`
//! bytes (keys, values and a fixed per-entry overhead). A write that would
//! pass either limit, after expired entries are purged, is refused with
//! `STORE_UNAVAILABLE` ("memory store is full"): live sessions are never
//! evicted silently.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::now_ms;
use super::store::SessionStore;
use crate::error::{Error, ErrorCode, Result};

/// Default entry limit.
pub const DEFAULT_MAX_ENTRIES: usize = 1_000_000;
/// Default byte limit (256 MiB).
pub const DEFAULT_MAX_BYTES: usize = 256 << 20;
/// Bytes counted per entry beyond its key and value (map and index nodes).
const OVERHEAD: usize = 96;
const SHARDS: usize = 16;

enum Data {
    Bytes(Vec<u8>),
    Set(HashSet<String>),
}

struct Entry {
    data: Data,
    deadline: i64,
    size: usize,
}

#[derive(Default)]
struct Shard {
    map: HashMap<String, Entry>,
    by_deadline: BTreeSet<(i64, String)>,
}

/// The embedded, thread-safe store (see the module docs).
pub struct MemoryStore {
    shards: Vec<Mutex<Shard>>,
    entries: AtomicUsize,
    bytes: AtomicUsize,
    max_entries: usize,
    max_bytes: usize,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("entries", &self.len())
            .field("bytes", &self.bytes())
            .field("max_entries", &self.max_entries)
            .field("max_bytes", &self.max_bytes)
            .finish()
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::new(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES)
    }
}

fn fnv(key: &str) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h as usize
}

fn full() -> Error {
    Error::new(
        ErrorCode::StoreUnavailable,
        "memory store is full (max_entries / max_bytes); live entries are never evicted",
    )
}

fn deadline(now: i64, ttl_ms: u64) -> i64 {
    now.saturating_add(i64::try_from(ttl_ms.max(1)).unwrap_or(i64::MAX))
}

impl MemoryStore {
    /// A store holding at most `max_entries` entries and `max_bytes` bytes.
    pub fn new(max_entries: usize, max_bytes: usize) -> MemoryStore {
        MemoryStore {
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            entries: AtomicUsize::new(0),
            bytes: AtomicUsize::new(0),
            max_entries,
            max_bytes,
        }
    }

    /// Live and not-yet-purged entries.
    pub fn len(&self) -> usize {
        self.entries.load(Ordering::Relaxed)
    }

    /// `true` when no entry is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes accounted for (keys, values, per-entry overhead).
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Removes every expired entry now (writes do this shard by shard anyway).
    pub fn purge_expired(&self) {
        let now = now_ms();
        for shard in &self.shards {
            let mut s = shard.lock().unwrap_or_else(|p| p.into_inner());
            self.purge(&mut s, now);
        }
    }

    fn with_shard<T>(&self, key: &str, f: impl FnOnce(&mut Shard, i64) -> Result<T>) -> Result<T> {
        let mut s = self.shards[fnv(key) % SHARDS]
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        f(&mut s, now_ms())
    }

    fn purge(&self, s: &mut Shard, now: i64) {
        while let Some((d, _)) = s.by_deadline.first() {
            if *d > now {
                break;
            }
            if let Some((_, key)) = s.by_deadline.pop_first() {
                if let Some(e) = s.map.remove(&key) {
                    self.account(-1, -(e.size as isize));
                }
            }
        }
    }

    fn account(&self, entries: isize, bytes: isize) {
        if entries >= 0 {
            self.entries.fetch_add(entries as usize, Ordering::Relaxed);
        } else {
            self.entries
                .fetch_sub((-entries) as usize, Ordering::Relaxed);
        }
        if bytes >= 0 {
            self.bytes.fetch_add(bytes as usize, Ordering::Relaxed);
        } else {
            self.bytes.fetch_sub((-bytes) as usize, Ordering::Relaxed);
        }
    }

    fn live<'a>(s: &'a mut Shard, key: &str, now: i64) -> Option<&'a mut Entry> {
        s.map.get_mut(key).filter(|e| e.deadline > now)
    }

    fn remove(&self, s: &mut Shard, key: &str) -> Option<Entry> {
        let e = s.map.remove(key)?;
        s.by_deadline.remove(&(e.deadline, key.to_owned()));
        self.account(-1, -(e.size as isize));
        Some(e)
    }

    /// Inserts or replaces `key`, within the limits.
    fn put(&self, s: &mut Shard, now: i64, key: &str, data: Data, ttl_ms: u64) -> Result<()> {
        self.purge(s, now);
        let size = key.len() * 2 + OVERHEAD + data_len(&data);
        let old = s.map.get(key).map(|e| e.size);
        let (grow_entries, grow_bytes) = match old {
            Some(old) => (0, size as isize - old as isize),
            None => (1, size as isize),
        };
        if self.len() + grow_entries as usize > self.max_entries
            || (grow_bytes > 0 && self.bytes() + grow_bytes as usize > self.max_bytes)
        {
            return Err(full());
        }
        self.remove(s, key);
        let d = deadline(now, ttl_ms);
        s.by_deadline.insert((d, key.to_owned()));
        s.map.insert(
            key.to_owned(),
            Entry {
                data,
                deadline: d,
                size,
            },
        );
        self.account(1, size as isize);
        Ok(())
    }

    fn retime(s: &mut Shard, key: &str, new_deadline: i64) {
        if let Some(e) = s.map.get_mut(key) {
            s.by_deadline.remove(&(e.deadline, key.to_owned()));
            e.deadline = new_deadline;
            s.by_deadline.insert((new_deadline, key.to_owned()));
        }
    }
}

fn data_len(d: &Data) -> usize {
    match d {
        Data::Bytes(b) => b.len(),
        Data::Set(m) => m.iter().map(|x| x.len() + 32).sum(),
    }
}

fn wrong_type() -> Error {
    Error::new(
        ErrorCode::Malformed,
        "memory store: key holds the other kind of value",
    )
}

impl SessionStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        self.with_shard(key, |s, now| match Self::live(s, key, now) {
            None => Ok(None),
            Some(Entry {
                data: Data::Bytes(b),
                ..
            }) => Ok(Some(b.clone())),
            Some(_) => Err(wrong_type()),
        })
    }

    fn get_touch(&self, key: &str, ttl_ms: u64) -> Result<Option<Vec<u8>>> {
        self.with_shard(key, |s, now| {
            let value = match Self::live(s, key, now) {
                None => return Ok(None),
                Some(Entry {
                    data: Data::Bytes(b),
                    ..
                }) => b.clone(),
                Some(_) => return Err(wrong_type()),
            };
            Self::retime(s, key, deadline(now, ttl_ms));
            Ok(Some(value))
        })
    }

    fn set(&self, key: &str, value: &[u8], ttl_ms: u64) -> Result<()> {
        self.with_shard(key, |s, now| {
            self.put(s, now, key, Data::Bytes(value.to_vec()), ttl_ms)
        })
    }

    fn set_nx(&self, key: &str, value: &[u8], ttl_ms: u64) -> Result<bool> {
        self.with_shard(key, |s, now| {
            if Self::live(s, key, now).is_some() {
                return Ok(false);
            }
            self.put(s, now, key, Data::Bytes(value.to_vec()), ttl_ms)?;
            Ok(true)
        })
    }

    fn compare_and_swap(
        &self,
        key: &str,
        expected: &[u8],
        new: Option<(&[u8], u64)>,
    ) -> Result<bool> {
        self.with_shard(key, |s, now| {
            match Self::live(s, key, now) {
                Some(Entry {
                    data: Data::Bytes(b),
                    ..
                }) if b.as_slice() == expected => {}
                Some(Entry {
                    data: Data::Set(_), ..
                }) => return Err(wrong_type()),
                _ => return Ok(false),
            }
            match new {
                Some((value, ttl_ms)) => {
                    self.put(s, now, key, Data::Bytes(value.to_vec()), ttl_ms)?
                }
                None => {
                    self.remove(s, key);
                }
            }
            Ok(true)
        })
    }

    fn delete(&self, key: &str) -> Result<bool> {
        self.with_shard(key, |s, now| {
            let live = Self::live(s, key, now).is_some();
            self.remove(s, key);
            Ok(live)
        })
    }

    fn expire(&self, key: &str, ttl_ms: u64) -> Result<bool> {
        self.with_shard(key, |s, now| {
            if Self::live(s, key, now).is_none() {
                return Ok(false);
            }
            Self::retime(s, key, deadline(now, ttl_ms));
            Ok(true)
        })
    }

    fn set_add(&self, key: &str, member: &str, ttl_ms: u64) -> Result<()> {
        self.with_shard(key, |s, now| {
            let mut members = match Self::live(s, key, now) {
                Some(Entry {
                    data: Data::Set(m), ..
                }) => std::mem::take(m),
                Some(_) => return Err(wrong_type()),
                None => HashSet::new(),
            };
            members.insert(member.to_owned());
            self.put(s, now, key, Data::Set(members), ttl_ms)
        })
    }

    fn set_remove(&self, key: &str, member: &str) -> Result<()> {
        self.with_shard(key, |s, now| {
            let empty = match Self::live(s, key, now) {
                Some(Entry {
                    data: Data::Set(m),
                    size,
                    ..
                }) => {
                    if m.remove(member) {
                        *size -= member.len() + 32;
                        self.account(0, -((member.len() + 32) as isize));
                    }
                    m.is_empty()
                }
                Some(_) => return Err(wrong_type()),
                None => false,
            };
            if empty {
                self.remove(s, key);
            }
            Ok(())
        })
    }

    fn set_members(&self, key: &str) -> Result<Vec<String>> {
        self.with_shard(key, |s, now| match Self::live(s, key, now) {
            None => Ok(Vec::new()),
            Some(Entry {
                data: Data::Set(m), ..
            }) => Ok(m.iter().cloned().collect()),
            Some(_) => Err(wrong_type()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_ops_ttl_and_cas() {
        let m = MemoryStore::default();
        assert!(m.set_nx("a", b"1", 60_000).unwrap());
        assert!(!m.set_nx("a", b"2", 60_000).unwrap());
        assert_eq!(m.get("a").unwrap().as_deref(), Some(&b"1"[..]));
        assert!(!m.compare_and_swap("a", b"x", Some((b"3", 1000))).unwrap());
        assert!(m.compare_and_swap("a", b"1", Some((b"3", 1000))).unwrap());
        assert_eq!(m.get("a").unwrap().as_deref(), Some(&b"3"[..]));
        assert!(m.compare_and_swap("a", b"3", None).unwrap());
        assert_eq!(m.get("a").unwrap(), None);
        m.set("t", b"v", 1).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(m.get("t").unwrap(), None);
        assert!(!m.expire("t", 1000).unwrap());
        m.set_add("u", "x", 60_000).unwrap();
        m.set_add("u", "y", 60_000).unwrap();
        let mut got = m.set_members("u").unwrap();
        got.sort();
        assert_eq!(got, ["x", "y"]);
        m.set_remove("u", "x").unwrap();
        m.set_remove("u", "y").unwrap();
        assert!(m.set_members("u").unwrap().is_empty());
        assert_eq!(m.get("u").unwrap(), None);
        assert!(m.get_touch("missing", 10).unwrap().is_none());
    }

    #[test]
    fn bounded_and_purged_under_churn() {
        let m = MemoryStore::new(1000, 1 << 20);
        for i in 0..20_000 {
            m.set(&format!("k{i}"), &[0u8; 64], 1).unwrap();
            if i % 1000 == 999 {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
        m.purge_expired();
        assert_eq!(m.len(), 0);
        assert_eq!(m.bytes(), 0);
        for i in 0..1000 {
            m.set(&format!("live{i}"), b"v", 60_000).unwrap();
        }
        let err = m.set("one-more", b"v", 60_000).unwrap_err();
        assert_eq!(err.code(), ErrorCode::StoreUnavailable);
        // Replacing an existing key is not growth.
        m.set("live1", b"w", 60_000).unwrap();
        assert_eq!(m.len(), 1000);
    }
}
