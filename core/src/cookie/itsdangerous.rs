//! itsdangerous 2.x: `Signer`, `TimestampSigner` and `URLSafeTimedSerializer`,
//! byte-compatible with the Python library (see COOKIE_FORMATS.md, part B).
//!
//! Secrets are ordered oldest → newest: the newest signs, every one verifies.
//! Values handed to the serializer are JSON text; the payload JSON is written
//! compactly (`,`/`:`), in the input's member order, non-ASCII kept raw, as
//! itsdangerous' `_CompactJSON` does. Numbers are copied verbatim.
//!
//! Deliberate strictness: signatures and payloads must be canonical unpadded
//! base64url (Python also accepts malleated forms no real writer emits).

use crate::b64;
use crate::crypto::prims::{digest, Hash, Mac};
use crate::error::{Error, ErrorCode, Result};
use zeroize::Zeroizing;

/// Largest inflated payload accepted (a cookie is at most 4 KB; this bounds zlib bombs).
const MAX_INFLATED: u64 = 1 << 20;

/// The digest used for key derivation and the HMAC (`digest_method`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Digest {
    /// SHA-1, itsdangerous' and Flask's default.
    #[default]
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Digest {
    fn hash(self) -> Hash {
        match self {
            Digest::Sha1 => Hash::Sha1,
            Digest::Sha256 => Hash::Sha256,
            Digest::Sha384 => Hash::Sha384,
            Digest::Sha512 => Hash::Sha512,
        }
    }
    /// Parses `sha1`, `sha256`, `sha384` or `sha512` (`INVALID_ARGUMENT` otherwise).
    pub fn parse(name: &str) -> Result<Digest> {
        Ok(match name.to_ascii_lowercase().as_str() {
            "sha1" => Digest::Sha1,
            "sha256" => Digest::Sha256,
            "sha384" => Digest::Sha384,
            "sha512" => Digest::Sha512,
            _ => return Err(Error::new(ErrorCode::InvalidArgument, "unknown digest")),
        })
    }
}

/// How the signing key is derived from each secret (`key_derivation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum KeyDerivation {
    /// `H(salt || secret)`.
    Concat,
    /// `H(salt || "signer" || secret)`: the default.
    #[default]
    DjangoConcat,
    /// `HMAC-H(key=secret, msg=salt)`: what Flask uses.
    Hmac,
    /// The secret itself.
    None,
}

impl KeyDerivation {
    /// Parses itsdangerous' names: `concat`, `django-concat`, `hmac`, `none`.
    pub fn parse(name: &str) -> Result<KeyDerivation> {
        Ok(match name {
            "concat" => KeyDerivation::Concat,
            "django-concat" => KeyDerivation::DjangoConcat,
            "hmac" => KeyDerivation::Hmac,
            "none" => KeyDerivation::None,
            _ => {
                return Err(Error::new(
                    ErrorCode::InvalidArgument,
                    "unknown key derivation",
                ))
            }
        })
    }
}

/// Options of a [`Signer`]; `Default` is itsdangerous' `Signer` default.
#[derive(Clone, Debug)]
pub struct SignerOptions {
    /// The salt (default `b"itsdangerous.Signer"`).
    pub salt: Vec<u8>,
    /// The separator (default `b"."`); may not contain base64url characters or `=`.
    pub sep: Vec<u8>,
    /// Key derivation mode (default `django-concat`).
    pub key_derivation: KeyDerivation,
    /// Digest (default SHA-1).
    pub digest: Digest,
}

impl Default for SignerOptions {
    fn default() -> Self {
        SignerOptions {
            salt: b"itsdangerous.Signer".to_vec(),
            sep: b".".to_vec(),
            key_derivation: KeyDerivation::DjangoConcat,
            digest: Digest::Sha1,
        }
    }
}

pub(crate) fn malformed(msg: &'static str) -> Error {
    Error::new(ErrorCode::Malformed, msg)
}

fn bad_sig() -> Error {
    Error::new(ErrorCode::InvalidSignature, "signature does not match")
}

/// The position of the last occurrence of `sep` in `data`.
fn rfind(data: &[u8], sep: &[u8]) -> Option<usize> {
    if sep.len() > data.len() {
        return None;
    }
    (0..=data.len() - sep.len())
        .rev()
        .find(|&i| &data[i..i + sep.len()] == sep)
}

/// itsdangerous' `Signer`: `value || sep || b64url(HMAC(derived_key, value))`.
pub struct Signer {
    /// Prepared MACs, newest first (verification order).
    macs: Vec<Mac>,
    sep: Vec<u8>,
}

impl Signer {
    /// A signer for `secret_keys` (oldest → newest; at least one).
    pub fn new<S: AsRef<[u8]>>(secret_keys: &[S], opts: &SignerOptions) -> Result<Signer> {
        if secret_keys.is_empty() {
            return Err(Error::new(ErrorCode::InvalidKey, "no secret key"));
        }
        if secret_keys.iter().any(|k| k.as_ref().is_empty()) {
            // Flask turns sessions off for an empty SECRET_KEY; signing with
            // an empty key would let anyone forge cookies.
            return Err(Error::new(ErrorCode::InvalidKey, "empty secret key"));
        }
        if opts.sep.is_empty()
            || opts
                .sep
                .iter()
                .any(|c| c.is_ascii_alphanumeric() || b"-_=".contains(c))
        {
            return Err(Error::new(ErrorCode::InvalidArgument, "invalid separator"));
        }
        let h = opts.digest.hash();
        let macs = secret_keys
            .iter()
            .rev()
            .map(|s| {
                let s = s.as_ref();
                // The derived key and the concatenations holding the secret
                // are wiped when dropped.
                let concat = |parts: &[&[u8]]| Zeroizing::new(parts.concat());
                let key = Zeroizing::new(match opts.key_derivation {
                    KeyDerivation::Concat => digest(h, &concat(&[&opts.salt[..], s])),
                    KeyDerivation::DjangoConcat => {
                        digest(h, &concat(&[&opts.salt[..], b"signer", s]))
                    }
                    KeyDerivation::Hmac => Mac::new(h, s).sign(&[&opts.salt]),
                    KeyDerivation::None => s.to_vec(),
                });
                Mac::new(h, &key)
            })
            .collect();
        Ok(Signer {
            macs,
            sep: opts.sep.clone(),
        })
    }

    /// `value || sep || signature`, signed with the newest secret.
    pub fn sign(&self, value: &[u8]) -> Vec<u8> {
        let tag = self.macs[0].sign(&[value]);
        let mut out = Vec::with_capacity(value.len() + self.sep.len() + 43);
        out.extend_from_slice(value);
        out.extend_from_slice(&self.sep);
        b64::encode_to_vec(&tag, &mut out);
        out
    }

    /// The value if the signature verifies under any secret (`INVALID_SIGNATURE`
    /// otherwise; `MALFORMED` when there is no separator or the signature is not base64url).
    pub fn unsign<'a>(&self, signed: &'a [u8]) -> Result<&'a [u8]> {
        let at = rfind(signed, &self.sep).ok_or_else(|| malformed("no separator found"))?;
        let (value, sig) = (&signed[..at], &signed[at + self.sep.len()..]);
        let not_b64 = |_| malformed("signature is not base64url");
        // Tags are at most 64 bytes (SHA-512): decoded on the stack.
        let mut buf = [0u8; 64];
        let heap;
        let tag = match b64::decoded_len(sig.len()).map_err(not_b64)? {
            n if n <= buf.len() => {
                b64::decode_slice(sig, &mut buf[..n]).map_err(not_b64)?;
                &buf[..n]
            }
            _ => {
                heap = b64::decode_bytes(sig).map_err(not_b64)?;
                &heap[..]
            }
        };
        if self.macs.iter().any(|m| m.verify(&[value], tag)) {
            Ok(value)
        } else {
            Err(bad_sig())
        }
    }
}

/// `int_to_bytes(n)`: big-endian with leading zero bytes stripped, as base64url.
fn encode_ts(now: i64) -> Result<String> {
    let n = u64::try_from(now)
        .map_err(|_| Error::new(ErrorCode::InvalidArgument, "negative timestamp"))?;
    let be = n.to_be_bytes();
    let skip = be.iter().take_while(|&&b| b == 0).count();
    Ok(b64::encode(&be[skip..]))
}

fn decode_ts(ts: &[u8]) -> Result<i64> {
    let not_b64 = |_| malformed("timestamp is not base64url");
    let mut buf = [0u8; 8];
    let heap;
    let raw = match b64::decoded_len(ts.len()).map_err(not_b64)? {
        n if n <= buf.len() => {
            b64::decode_slice(ts, &mut buf[..n]).map_err(not_b64)?;
            &buf[..n]
        }
        _ => {
            heap = b64::decode_bytes(ts).map_err(not_b64)?;
            &heap[..]
        }
    };
    if raw.len() > 8 {
        return Err(malformed("invalid timestamp"));
    }
    let mut be = [0u8; 8];
    be[8 - raw.len()..].copy_from_slice(raw);
    i64::try_from(u64::from_be_bytes(be)).map_err(|_| malformed("invalid timestamp"))
}

/// itsdangerous' `TimestampSigner`: `value || sep || ts || sep || sig`.
pub struct TimestampSigner {
    signer: Signer,
}

impl TimestampSigner {
    /// A timestamp signer (same arguments as [`Signer::new`]).
    pub fn new<S: AsRef<[u8]>>(secret_keys: &[S], opts: &SignerOptions) -> Result<Self> {
        Ok(TimestampSigner {
            signer: Signer::new(secret_keys, opts)?,
        })
    }

    /// Signs `value` with the timestamp `now` (seconds since the epoch, ≥ 0).
    pub fn sign(&self, value: &[u8], now: i64) -> Result<Vec<u8>> {
        let mut v = Vec::with_capacity(value.len() + 12);
        v.extend_from_slice(value);
        v.extend_from_slice(&self.signer.sep);
        v.extend_from_slice(encode_ts(now)?.as_bytes());
        Ok(self.signer.sign(&v))
    }

    /// Verifies and returns `(value, timestamp)`. With `max_age`, an age over it
    /// is `EXPIRED` and a timestamp after `now` is `ISSUED_IN_FUTURE`.
    pub fn unsign<'a>(
        &self,
        signed: &'a [u8],
        max_age: Option<u64>,
        now: i64,
    ) -> Result<(&'a [u8], i64)> {
        let inner = self.signer.unsign(signed)?;
        let sep = &self.signer.sep;
        let at = rfind(inner, sep).ok_or_else(|| malformed("timestamp missing"))?;
        let ts = decode_ts(&inner[at + sep.len()..])?;
        if let Some(max_age) = max_age {
            let age = (now as i128) - (ts as i128);
            if age < 0 {
                return Err(Error::new(ErrorCode::IssuedInFuture, "signature age < 0"));
            }
            if age > max_age as i128 {
                return Err(Error::new(ErrorCode::Expired, "signature expired"));
            }
        }
        Ok((&inner[..at], ts))
    }
}

/// How the JSON payload is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// `_CompactJSON`: input member order, non-ASCII raw.
    Compact,
    /// Flask's provider: keys sorted, `ensure_ascii=True`.
    Flask,
    /// `ActiveSupport::JSON.encode`: input order, non-ASCII raw, `<` `>` `&`
    /// U+2028 U+2029 as `\u` escapes.
    Rails,
}

/// itsdangerous' `URLSafeTimedSerializer` (JSON payload, optional zlib, timestamp).
pub struct URLSafeTimedSerializer {
    signer: TimestampSigner,
    style: Style,
}

impl URLSafeTimedSerializer {
    /// `opts.salt` should be `b"itsdangerous"` for the library default
    /// (see [`URLSafeTimedSerializer::default_options`]).
    pub fn new<S: AsRef<[u8]>>(secret_keys: &[S], opts: &SignerOptions) -> Result<Self> {
        Ok(URLSafeTimedSerializer {
            signer: TimestampSigner::new(secret_keys, opts)?,
            style: Style::Compact,
        })
    }

    /// The serializer defaults: salt `b"itsdangerous"`, django-concat, SHA-1, `.`.
    pub fn default_options() -> SignerOptions {
        SignerOptions {
            salt: b"itsdangerous".to_vec(),
            ..SignerOptions::default()
        }
    }

    pub(crate) fn with_style(mut self, style: Style) -> Self {
        self.style = style;
        self
    }

    /// Serializes the JSON text `json` and signs it at time `now`.
    pub fn dumps(&self, json: &str, now: i64) -> Result<String> {
        let tree = super::flask::pyjson::parse(json.as_bytes()).map_err(super::flask::bad_input)?;
        self.dumps_tree(&tree, now)
    }

    /// [`URLSafeTimedSerializer::dumps`] of an already parsed document.
    pub(crate) fn dumps_tree(
        &self,
        tree: &super::flask::pyjson::Value,
        now: i64,
    ) -> Result<String> {
        let mut text = String::with_capacity(256);
        super::flask::pyjson::write(tree, self.style, &mut text);
        let payload = compress_payload(text.as_bytes());
        let signed = self.signer.sign(payload.as_bytes(), now)?;
        String::from_utf8(signed).map_err(|_| Error::new(ErrorCode::Internal, "non-UTF-8 cookie"))
    }

    /// Verifies `cookie` (with `max_age` as in [`TimestampSigner::unsign`]) and
    /// returns its payload as compact JSON text (member order kept, non-ASCII raw).
    pub fn loads(&self, cookie: &str, max_age: Option<u64>, now: i64) -> Result<String> {
        self.loads_with_timestamp(cookie, max_age, now)
            .map(|(json, _)| json)
    }

    /// [`loads`](Self::loads), also returning the signing timestamp (Unix seconds),
    /// as itsdangerous' `loads(..., return_timestamp=True)`.
    pub fn loads_with_timestamp(
        &self,
        cookie: &str,
        max_age: Option<u64>,
        now: i64,
    ) -> Result<(String, i64)> {
        let (payload, ts) = self.signer.unsign(cookie.as_bytes(), max_age, now)?;
        let json = decompress_payload(payload)?;
        if json.first() == Some(&b'{') {
            // An object (every session): validated by the strict scanner and
            // handed back as written, without building a tree.
            // (`crate::json::utf8`'s error, without checking the UTF-8 twice.)
            let json = String::from_utf8(json)
                .map_err(|_| Error::new(ErrorCode::Malformed, "payload: not UTF-8"))?;
            crate::json::validate_object(&json, "payload")?;
            return Ok((json, ts));
        }
        let tree = super::flask::pyjson::parse(&json)?;
        let mut out = String::with_capacity(json.len());
        super::flask::pyjson::write(&tree, Style::Compact, &mut out);
        Ok((out, ts))
    }
}

thread_local! {
    // zlib streams are reset between uses instead of re-created: creating one
    // allocates and clears ~300 KB (deflate) / 40 KB (inflate), which costs
    // more than compressing a cookie. Reset streams give identical output.
    static DEFLATE: std::cell::RefCell<flate2::Compress> =
        std::cell::RefCell::new(flate2::Compress::new(flate2::Compression::new(6), true));
    static INFLATE: std::cell::RefCell<flate2::Decompress> =
        std::cell::RefCell::new(flate2::Decompress::new(true));
}

/// zlib (level 6, as Python's `zlib.compress`) of `data`; `None` on a zlib error.
fn deflate(data: &[u8]) -> Option<Vec<u8>> {
    DEFLATE.with(|cell| {
        let mut z = cell.borrow_mut();
        z.reset();
        // zlib's bound for one-shot compression of `data`.
        let mut out = Vec::with_capacity(data.len() + data.len() / 1000 + 64);
        loop {
            let consumed = z.total_in() as usize;
            let status = z
                .compress_vec(&data[consumed..], &mut out, flate2::FlushCompress::Finish)
                .ok()?;
            match status {
                flate2::Status::StreamEnd => return Some(out),
                _ => out.reserve(out.capacity().max(64)),
            }
        }
    })
}

/// Inflates a zlib stream, at most [`MAX_INFLATED`] bytes.
fn inflate(data: &[u8]) -> Result<Vec<u8>> {
    let capacity = (data.len() * 4).clamp(256, 16_384);
    let mut out = Vec::with_capacity(capacity);
    if fast::inflate(data, &mut out).is_some() {
        return Ok(out);
    }
    inflate_zlib(data, capacity)
}

/// [`inflate`] by zlib, into a buffer of `capacity` to start with.
fn inflate_zlib(data: &[u8], capacity: usize) -> Result<Vec<u8>> {
    INFLATE.with(|cell| {
        let mut z = cell.borrow_mut();
        z.reset(true);
        // A fresh buffer, so that zlib sees the same capacities as always.
        let mut out = Vec::with_capacity(capacity);
        loop {
            let (consumed, produced) = (z.total_in(), z.total_out());
            let status = z
                .decompress_vec(
                    &data[consumed as usize..],
                    &mut out,
                    flate2::FlushDecompress::Finish,
                )
                .map_err(|_| malformed("payload does not inflate"))?;
            match status {
                flate2::Status::StreamEnd => return Ok(out),
                _ if out.len() as u64 >= MAX_INFLATED => {
                    return Err(Error::new(
                        ErrorCode::TooLarge,
                        "inflated payload too large",
                    ))
                }
                _ if (z.total_in() as usize >= data.len() && out.len() < out.capacity())
                    || (z.total_in(), z.total_out()) == (consumed, produced) =>
                {
                    return Err(malformed("payload does not inflate (truncated)"))
                }
                _ => out.reserve(out.capacity().min(MAX_INFLATED as usize)),
            }
        }
    })
}

/// A small inflater for the short zlib streams cookies carry, tried before
/// zlib itself. For a ~200-byte session zlib spends more time setting up a
/// dynamic block (`inflate_table` builds 9-bit tables and histograms every
/// code length through memory) than decoding it; this decoder sizes its
/// tables by the longest code, keeps them between calls, and visits only the
/// symbols that have a code.
///
/// It answers only for streams zlib accepts, with zlib's output (inflate is
/// deterministic): anything unusual — a header zlib would refuse or that
/// names a preset dictionary, an over-subscribed or incomplete code (zlib
/// accepts a few of those), codes longer than [`fast::TABLE_BITS`], symbols
/// zlib calls invalid, a distance before the start, a truncated stream, a bad
/// checksum, or more than [`fast::LIMIT`] bytes of output — returns `None`,
/// and zlib decodes (or refuses) the stream exactly as before, with its
/// errors and its size limit.
mod fast {
    use std::cell::RefCell;

    /// Largest output produced here; larger payloads are zlib's.
    pub(super) const LIMIT: usize = 64 * 1024;
    /// Longest Huffman code the lookup tables hold (2^10 entries).
    pub(super) const TABLE_BITS: usize = 10;
    const TABLE: usize = 1 << TABLE_BITS;

    const LEN_BASE: [u16; 29] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
        131, 163, 195, 227, 258,
    ];
    const LEN_EXTRA: [u8; 29] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ];
    const DIST_BASE: [u16; 30] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
        2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
    ];
    const DIST_EXTRA: [u8; 30] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12,
        13, 13,
    ];
    /// The order of the code-length code lengths in a dynamic block header.
    const CL_ORDER: [usize; 19] = [
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
    ];

    /// LSB-first bit reader over a 64-bit buffer.
    #[derive(Clone, Copy)]
    struct Bits<'a> {
        d: &'a [u8],
        /// Next byte not yet in `buf`.
        pos: usize,
        buf: u64,
        /// Valid bits in `buf` (< 64; bits above may repeat the next bytes' bits).
        cnt: u32,
    }

    impl Bits<'_> {
        /// At least 56 valid bits, or every remaining one near the end.
        #[inline(always)]
        fn refill(&mut self) {
            if let Some(w) = self.d.get(self.pos..self.pos + 8) {
                let w = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
                // Bits already held above `cnt` are these same bits: OR is idempotent.
                self.buf |= w << self.cnt;
                self.pos += ((63 - self.cnt) >> 3) as usize;
                self.cnt |= 56;
            } else {
                while self.cnt < 56 {
                    let Some(&b) = self.d.get(self.pos) else {
                        break;
                    };
                    self.buf |= u64::from(b) << self.cnt;
                    self.pos += 1;
                    self.cnt += 8;
                }
            }
        }

        /// `n` (≤ 32) bits, `None` past the end of the input.
        #[inline(always)]
        fn bits(&mut self, n: u32) -> Option<u32> {
            if self.cnt < n {
                self.refill();
                if self.cnt < n {
                    return None;
                }
            }
            let v = (self.buf & ((1u64 << n) - 1)) as u32;
            self.buf >>= n;
            self.cnt -= n;
            Some(v)
        }

        /// One symbol of `t`.
        #[inline(always)]
        fn decode<const N: usize>(&mut self, t: &Table<N>) -> Option<usize> {
            if self.cnt < 15 {
                self.refill();
            }
            let e = t.t[(self.buf as usize) & t.mask];
            let len = u32::from(e & 15);
            if len > self.cnt {
                return None;
            }
            self.buf >>= len;
            self.cnt -= len;
            Some(usize::from(e >> 4))
        }

        /// Drops the bits up to the next byte boundary and hands back the
        /// position of that byte (the buffer is emptied).
        fn align(&mut self) -> usize {
            let at = self.pos - (self.cnt / 8) as usize;
            self.buf = 0;
            self.cnt = 0;
            self.pos = at;
            at
        }
    }

    /// A direct lookup table of a complete prefix code, indexed by the next
    /// bits of the stream: entry = symbol << 4 | code length.
    pub(super) struct Table<const N: usize> {
        t: [u16; N],
        mask: usize,
    }

    impl<const N: usize> Table<N> {
        const fn new() -> Self {
            Table { t: [0; N], mask: 0 }
        }

        /// Fills the table for the coded symbols `syms` (`symbol << 4 | length`,
        /// in symbol order; `count[l]` of them have length `l`). `None` unless
        /// the code is complete and fits in `N` entries.
        fn build(&mut self, syms: &[u16], count: &[u16; 16]) -> Option<()> {
            let mut left: i32 = 1;
            let mut max = 0;
            for (len, &c) in count.iter().enumerate().skip(1) {
                left = (left << 1) - i32::from(c);
                if left < 0 {
                    return None;
                }
                if c != 0 {
                    max = len;
                }
            }
            if left != 0 || (1usize << max) > N {
                return None;
            }
            let mut next = [0u16; 16];
            let mut code = 0u16;
            for len in 1..=max {
                code = (code + if len > 1 { count[len - 1] } else { 0 }) << 1;
                next[len] = code;
            }
            let size = 1usize << max;
            self.mask = size - 1;
            for &entry in syms {
                let l = usize::from(entry & 15);
                let c = next[l];
                next[l] = c + 1;
                let mut i = usize::from(c.reverse_bits() >> (16 - l));
                while i < size {
                    self.t[i] = entry;
                    i += 1 << l;
                }
            }
            Some(())
        }
    }

    /// The coded symbols of `lens` and their length counts.
    fn coded(lens: &[u8], syms: &mut [u16]) -> (usize, [u16; 16]) {
        let (mut n, mut count) = (0, [0u16; 16]);
        for (sym, &l) in lens.iter().enumerate() {
            if l != 0 {
                syms[n] = (sym as u16) << 4 | u16::from(l);
                n += 1;
                count[usize::from(l)] += 1;
            }
        }
        (n, count)
    }

    /// The fixed-code tables (symbols 286, 287 and distances 30, 31 are coded
    /// but invalid, as in zlib).
    fn fixed() -> &'static (Table<512>, Table<32>) {
        static FIXED: std::sync::OnceLock<Box<(Table<512>, Table<32>)>> =
            std::sync::OnceLock::new();
        FIXED.get_or_init(|| {
            let mut lens = [0u8; 288];
            lens[..144].fill(8);
            lens[144..256].fill(9);
            lens[256..280].fill(7);
            lens[280..].fill(8);
            let mut syms = [0u16; 288];
            let mut tables = Box::new((Table::new(), Table::new()));
            let (n, count) = coded(&lens, &mut syms);
            let ok = tables.0.build(&syms[..n], &count).is_some();
            let (n, count) = coded(&[5; 32], &mut syms);
            let ok = ok && tables.1.build(&syms[..n], &count).is_some();
            debug_assert!(ok);
            tables
        })
    }

    fn adler32(d: &[u8]) -> u32 {
        let (mut a, mut b) = (1u32, 0u32);
        // 5552 bytes keep `b` within 32 bits (zlib's NMAX); 8 bytes at a time
        // reach the same sums as one at a time, with shorter dependency chains.
        for chunk in d.chunks(5552) {
            let mut quads = chunk.chunks_exact(8);
            for q in &mut quads {
                let x = q.iter().map(|&x| u32::from(x));
                let weighted: u32 = x.clone().zip((1..=8u32).rev()).map(|(x, w)| x * w).sum();
                b += 8 * a + weighted;
                a += x.sum::<u32>();
            }
            for &x in quads.remainder() {
                a += u32::from(x);
                b += a;
            }
            a %= 65521;
            b %= 65521;
        }
        (b << 16) | a
    }

    /// Tables kept per thread between calls (building overwrites what it uses).
    struct Scratch {
        lit: Table<TABLE>,
        dist: Table<TABLE>,
        cl: Table<128>,
        syms: [u16; 286 + 30],
    }

    thread_local! {
        static SCRATCH: RefCell<Scratch> = const {
            RefCell::new(Scratch {
                lit: Table::new(),
                dist: Table::new(),
                cl: Table::new(),
                syms: [0; 286 + 30],
            })
        };
    }

    /// Reads a dynamic block's code definitions into `s.lit` and `s.dist`.
    fn dynamic(b: &mut Bits<'_>, s: &mut Scratch) -> Option<()> {
        // A local copy, so that the reader stays in registers.
        let mut local = Bits { ..*b };
        let result = code_lengths(&mut local, s);
        *b = local;
        result
    }

    #[inline(always)]
    fn code_lengths(b: &mut Bits<'_>, s: &mut Scratch) -> Option<()> {
        let nlen = b.bits(5)? as usize + 257;
        let ndist = b.bits(5)? as usize + 1;
        let ncode = b.bits(4)? as usize + 4;
        if nlen > 286 || ndist > 30 {
            return None;
        }
        let mut cl = [0u8; 19];
        for &at in &CL_ORDER[..ncode] {
            cl[at] = b.bits(3)? as u8;
        }
        let mut cl_syms = [0u16; 19];
        let (n, count) = coded(&cl, &mut cl_syms);
        s.cl.build(&cl_syms[..n], &count)?;
        // Coded symbols, literal/lengths first, then distances (renumbered from 0).
        let syms = &mut s.syms;
        let (mut lit_count, mut dist_count) = ([0u16; 16], [0u16; 16]);
        let mut nsyms = 0;
        let total = nlen + ndist;
        let mut i = 0;
        let mut prev = 0u8;
        while i < total {
            let sym = b.decode(&s.cl)?;
            let (value, rep) = match sym {
                0..=15 => (sym as u8, 1),
                16 if i > 0 => (prev, 3 + b.bits(2)? as usize),
                16 => return None,
                17 => (0, 3 + b.bits(3)? as usize),
                _ => (0, 11 + b.bits(7)? as usize),
            };
            if i + rep > total {
                return None;
            }
            prev = value;
            if value != 0 {
                let lits = (i + rep).min(nlen).saturating_sub(i);
                lit_count[usize::from(value)] += lits as u16;
                dist_count[usize::from(value)] += (rep - lits) as u16;
                for at in i..i + rep {
                    let sym = if at < nlen { at } else { at - nlen };
                    syms[nsyms] = (sym as u16) << 4 | u16::from(value);
                    nsyms += 1;
                }
            }
            i += rep;
        }
        // The literal/length symbols come first; 256 (end of block) must have a code.
        let nlit: u16 = lit_count.iter().sum();
        let nlit = usize::from(nlit);
        let below_lengths = syms[..nlit].iter().rev().find(|&&e| e >> 4 <= 256);
        if below_lengths.map(|&e| e >> 4) != Some(256) {
            return None;
        }
        s.lit.build(&syms[..nlit], &lit_count)?;
        s.dist.build(&syms[nlit..nsyms], &dist_count)
    }

    /// Decodes one Huffman-coded block into `out`.
    fn block<const L: usize, const D: usize>(
        b: &mut Bits<'_>,
        lit: &Table<L>,
        dist: &Table<D>,
        out: &mut Vec<u8>,
    ) -> Option<()> {
        // Local copies, so that the reader and the output stay in registers.
        let mut local = Bits { ..*b };
        let mut o = std::mem::take(out);
        let result = symbols(&mut local, lit, dist, &mut o);
        *b = local;
        *out = o;
        result
    }

    #[inline(always)]
    fn symbols<const L: usize, const D: usize>(
        b: &mut Bits<'_>,
        lit: &Table<L>,
        dist: &Table<D>,
        out: &mut Vec<u8>,
    ) -> Option<()> {
        loop {
            let sym = b.decode(lit)?;
            if sym < 256 {
                if out.len() >= LIMIT {
                    return None;
                }
                out.push(sym as u8);
                continue;
            }
            if sym == 256 {
                return Some(());
            }
            let s = sym - 257;
            let len = usize::from(*LEN_BASE.get(s)?) + b.bits(u32::from(LEN_EXTRA[s]))? as usize;
            let ds = b.decode(dist)?;
            let d = usize::from(*DIST_BASE.get(ds)?) + b.bits(u32::from(DIST_EXTRA[ds]))? as usize;
            if d > out.len() || out.len() + len > LIMIT {
                return None;
            }
            let start = out.len() - d;
            if d >= len {
                out.extend_from_within(start..start + len);
            } else {
                for k in start..start + len {
                    let c = out[k];
                    out.push(c);
                }
            }
        }
    }

    /// Inflates the zlib stream `data` into `out`, or `None` to leave it to zlib.
    pub(super) fn inflate(data: &[u8], out: &mut Vec<u8>) -> Option<()> {
        let (&cmf, &flg) = (data.first()?, data.get(1)?);
        if (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0
            || cmf & 15 != 8
            || cmf >> 4 > 7
            || flg & 0x20 != 0
        {
            return None;
        }
        let at = blocks(data, 2, out)?;
        let check = data.get(at..at + 4)?;
        (u32::from_be_bytes([check[0], check[1], check[2], check[3]]) == adler32(out)).then_some(())
    }

    /// Decodes the deflate blocks starting at `data[start]` into `out`; the
    /// position of the byte after the final block.
    pub(super) fn blocks(data: &[u8], start: usize, out: &mut Vec<u8>) -> Option<usize> {
        SCRATCH.with(|cell| {
            let mut s = cell.try_borrow_mut().ok()?;
            let mut b = Bits {
                d: data,
                pos: start,
                buf: 0,
                cnt: 0,
            };
            loop {
                let last = b.bits(1)? == 1;
                match b.bits(2)? {
                    0 => {
                        let at = b.align();
                        let hdr = data.get(at..at + 4)?;
                        let len = usize::from(u16::from_le_bytes([hdr[0], hdr[1]]));
                        if len as u16 != !u16::from_le_bytes([hdr[2], hdr[3]]) {
                            return None;
                        }
                        let stored = data.get(at + 4..at + 4 + len)?;
                        if out.len() + len > LIMIT {
                            return None;
                        }
                        out.extend_from_slice(stored);
                        b.pos = at + 4 + len;
                    }
                    1 => {
                        let (lit, dist) = fixed();
                        block(&mut b, lit, dist, out)?;
                    }
                    2 => {
                        dynamic(&mut b, &mut s)?;
                        block(&mut b, &s.lit, &s.dist, out)?;
                    }
                    _ => return None,
                }
                if last {
                    return Some(b.align());
                }
            }
        })
    }
}

fn compress_payload(json: &[u8]) -> String {
    match deflate(json) {
        Some(c) if c.len() + 1 < json.len() => {
            let mut s = String::with_capacity(1 + c.len() * 4 / 3 + 4);
            s.push('.');
            b64::encode_into(&c, &mut s);
            s
        }
        _ => b64::encode(json),
    }
}

fn decompress_payload(payload: &[u8]) -> Result<Vec<u8>> {
    let (compressed, body) = match payload.first() {
        Some(b'.') => (true, &payload[1..]),
        _ => (false, payload),
    };
    let raw = b64::decode_bytes(body).map_err(|_| malformed("payload is not base64url"))?;
    if compressed {
        inflate(&raw)
    } else {
        Ok(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_secrets_are_refused() {
        let opts = SignerOptions::default();
        let none: [&[u8]; 0] = [];
        assert_eq!(
            Signer::new(&none, &opts).err().map(|e| e.code()),
            Some(ErrorCode::InvalidKey)
        );
        let empty: [&[u8]; 2] = [b"old", b""];
        assert_eq!(
            Signer::new(&empty, &opts).err().map(|e| e.code()),
            Some(ErrorCode::InvalidKey)
        );
        assert!(crate::cookie::flask::FlaskCookie::new(b"").is_err());
    }

    /// Zlib at `level` of `data`, as a cookie writer would compress it.
    fn zlib(data: &[u8], level: u32) -> Vec<u8> {
        let mut z = flate2::Compress::new(flate2::Compression::new(level), true);
        let mut out = Vec::with_capacity(data.len() + 64);
        loop {
            let at = z.total_in() as usize;
            match z.compress_vec(&data[at..], &mut out, flate2::FlushCompress::Finish) {
                Ok(flate2::Status::StreamEnd) => return out,
                Ok(_) => out.reserve(out.capacity().max(64)),
                Err(e) => panic!("{e}"),
            }
        }
    }

    /// The fast inflater answers only for streams zlib accepts, with zlib's
    /// output: compressed texts of many shapes at every level, and thousands
    /// of damaged variants (bit flips, changed bytes, truncations, trailers).
    #[test]
    fn fast_inflate_agrees_with_zlib() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut rnd = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        let words: [&[u8]; 12] = [
            b"{\"user_id\":",
            b"1234567",
            b",\"roles\":[",
            b"\"admin\"",
            b"true",
            b"}",
            b"\"csrf\":\"Zm9vYmFyYmF6\"",
            b"\\u00e9",
            b"null",
            b"]",
            b",",
            b"\"theme\":\"dark\"",
        ];
        let (mut fast_hits, mut cases) = (0, 0);
        for round in 0..400 {
            let len = match round % 4 {
                0 => rnd(64),
                1 => rnd(600),
                2 => rnd(5000),
                _ => rnd(90_000),
            };
            let mut text = Vec::with_capacity(len);
            let shape = rnd(4);
            while text.len() < len {
                match shape {
                    0 => text.extend_from_slice(words[rnd(words.len())]),
                    1 => text.push(rnd(256) as u8),
                    2 => text.extend(std::iter::repeat_n(b'a' + rnd(3) as u8, rnd(300))),
                    _ => {
                        if rnd(2) == 0 {
                            text.extend_from_slice(words[rnd(words.len())]);
                        } else {
                            text.push(rnd(256) as u8);
                        }
                    }
                }
            }
            let level = rnd(10) as u32;
            let stream = zlib(&text, level);
            let cap = (stream.len() * 4).clamp(256, 16_384);
            let mut out = Vec::new();
            if fast::inflate(&stream, &mut out).is_some() {
                assert_eq!(out, text, "round {round}");
                fast_hits += 1;
            } else {
                assert!(
                    text.len() > 500 || shape == 1,
                    "fast path skipped round {round}"
                );
            }
            assert_eq!(inflate(&stream).unwrap(), text);
            for _ in 0..40 {
                let mut m = stream.clone();
                match rnd(5) {
                    0 | 1 => {
                        let at = rnd(m.len());
                        m[at] ^= 1 << rnd(8);
                    }
                    2 => {
                        let at = rnd(m.len());
                        m[at] = rnd(256) as u8;
                    }
                    3 => m.truncate(rnd(m.len())),
                    _ => m.extend((0..rnd(8)).map(|_| rnd(256) as u8)),
                }
                let mut out = Vec::new();
                cases += 1;
                if fast::inflate(&m, &mut out).is_some() {
                    assert_eq!(inflate_zlib(&m, cap).ok(), Some(out), "round {round}");
                }
            }
        }
        assert!(fast_hits > 150, "{fast_hits}");
        assert!(cases > 0);
    }

    /// Raw deflate by zlib (no header, no checksum): `None` unless it ends.
    fn zlib_raw(data: &[u8]) -> Option<Vec<u8>> {
        let mut z = flate2::Decompress::new(false);
        let mut out = Vec::with_capacity(1 << 17);
        match z.decompress_vec(data, &mut out, flate2::FlushDecompress::Finish) {
            Ok(flate2::Status::StreamEnd) => Some(out),
            _ => None,
        }
    }

    /// The block decoder alone (no checksum to catch its mistakes) on
    /// damaged deflate data: whatever it decodes, zlib decodes the same.
    #[test]
    fn fast_blocks_agree_with_raw_zlib() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut rnd = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        let (mut agree, mut refused) = (0, 0);
        for round in 0..300 {
            let len = rnd(if round % 3 == 0 { 4000 } else { 400 });
            let text: Vec<u8> = (0..len)
                .map(|i| match round % 3 {
                    0 => b"{\"abc\":[1,2,3],\"x\":true}"[i % 24],
                    1 => b'a' + rnd(20) as u8,
                    _ => rnd(256) as u8,
                })
                .collect();
            let stream = zlib(&text, rnd(10) as u32);
            let body = &stream[2..stream.len() - 4];
            for k in 0..60 {
                let mut m = body.to_vec();
                if k > 0 {
                    for _ in 0..1 + rnd(3) {
                        let at = rnd(m.len());
                        m[at] ^= 1 << rnd(8);
                    }
                }
                let mut out = Vec::new();
                match fast::blocks(&m, 0, &mut out) {
                    Some(_) => {
                        assert_eq!(zlib_raw(&m), Some(out), "round {round} k {k}");
                        agree += 1;
                    }
                    None => refused += 1,
                }
            }
        }
        assert!(agree > 1000 && refused > 1000, "{agree} {refused}");
    }

    /// Payloads past the fast path's limit still go through zlib, and the
    /// bomb limit still holds.
    #[test]
    fn large_payloads_fall_back_to_zlib_and_bombs_are_refused() {
        let ser = URLSafeTimedSerializer::new(&[b"secret"], &SignerOptions::default()).unwrap();
        let cookie = |json: &str| {
            let mut payload = String::from(".");
            b64::encode_into(&zlib(json.as_bytes(), 9), &mut payload);
            String::from_utf8(ser.signer.sign(payload.as_bytes(), 100).unwrap()).unwrap()
        };
        let big = format!("{{\"a\":\"{}\"}}", "x".repeat(200_000));
        let mut out = Vec::new();
        assert!(fast::inflate(&zlib(big.as_bytes(), 9), &mut out).is_none());
        assert_eq!(ser.loads(&cookie(&big), None, 100).unwrap(), big);
        let bomb = format!("{{\"a\":\"{}\"}}", "x".repeat(3 << 20));
        let e = ser.loads(&cookie(&bomb), None, 100).unwrap_err();
        assert_eq!(e.code(), ErrorCode::TooLarge);
    }

    #[test]
    fn flask_sized_session_takes_the_fast_path() {
        let json = br#"{"csrf":"Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4","flags":{"beta":true,"mfa":true},"last_seen":1763000000,"roles":["admin","editor","viewer"],"theme":"dark","user_id":1234567,"username":"alice@example.com"}"#;
        let stream = zlib(json, 6);
        assert_eq!(stream[2] & 7, 0b101, "a final dynamic block");
        let mut out = Vec::new();
        assert!(fast::inflate(&stream, &mut out).is_some());
        assert_eq!(out, json);
    }
}
