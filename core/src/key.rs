//! Keys: parsed once, bound to exactly one algorithm, immutable, `Send + Sync`.
//!
//! ```
//! use tessera::{Algorithm, Key};
//! let key = Key::hmac(b"0123456789abcdef0123456789abcdef", Algorithm::HS256)?;
//! assert_eq!(key.alg(), Algorithm::HS256);
//! let ec = Key::generate(Algorithm::ES256)?;
//! let public = ec.public()?;
//! let sig = ec.sign(b"message")?;
//! public.verify(b"message", &sig)?;
//! # Ok::<(), tessera::Error>(())
//! ```

use std::fmt;
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::alg::{Algorithm, KeyFamily};
use crate::b64;
use crate::crypto::{self, Material};
use crate::der::{self, Reader};
use crate::error::{invalid_key, Error, ErrorCode, Result};
use crate::jwk;

/// Options for loading a key. Every field defaults to "not given".
#[derive(Clone, Debug, Default)]
pub struct KeyOptions {
    /// The algorithm to bind the key to. Defaults to the JWK's `alg`, or the
    /// only algorithm the key type allows (P-256 → ES256, Ed25519 → EdDSA),
    /// RS256 for RSA and HS256 for HMAC secrets.
    pub alg: Option<Algorithm>,
    /// The key id (`kid`). Defaults to the JWK's `kid`, else none.
    pub kid: Option<String>,
    /// Accept HMAC secrets shorter than the hash output and RSA moduli of
    /// 1024–2047 bits (verification with RS256/RS512 only). Defaults to `false`.
    pub allow_weak: bool,
}

impl KeyOptions {
    /// Options with only `alg` set.
    pub fn alg(alg: Algorithm) -> Self {
        KeyOptions {
            alg: Some(alg),
            ..Default::default()
        }
    }
}

/// The exportable parts of a key, kept for `to_jwk` and `thumbprint`.
pub(crate) enum Parts {
    Oct {
        secret: Zeroizing<Vec<u8>>,
    },
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
        private: Option<Box<RsaPrivate>>,
    },
    Ec {
        crv: &'static str,
        x: Vec<u8>,
        y: Vec<u8>,
        d: Option<Zeroizing<Vec<u8>>>,
    },
    Okp {
        x: [u8; 32],
        d: Option<Zeroizing<Vec<u8>>>,
    },
}

pub(crate) struct RsaPrivate {
    pub d: Zeroizing<Vec<u8>>,
    pub p: Zeroizing<Vec<u8>>,
    pub q: Zeroizing<Vec<u8>>,
    pub dp: Zeroizing<Vec<u8>>,
    pub dq: Zeroizing<Vec<u8>>,
    pub qi: Zeroizing<Vec<u8>>,
}

struct Prepared {
    material: Material,
    parts: Parts,
    allow_weak: bool,
}

/// A key bound to one [`Algorithm`]. Cloning is cheap (shared, immutable).
#[derive(Clone)]
pub struct Key {
    alg: Algorithm,
    kid: Option<Arc<str>>,
    inner: Arc<Prepared>,
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .field("private", &self.is_private())
            .finish_non_exhaustive()
    }
}

fn bits(be: &[u8]) -> usize {
    match be.iter().position(|&b| b != 0) {
        None => 0,
        Some(i) => (be.len() - i - 1) * 8 + (8 - be[i].leading_zeros() as usize),
    }
}

fn strip_zeros(be: &[u8]) -> &[u8] {
    let i = be.iter().position(|&b| b != 0).unwrap_or(be.len());
    &be[i..]
}

fn family_alg(opts: &KeyOptions, family: KeyFamily, default: Algorithm) -> Result<Algorithm> {
    match opts.alg {
        None => Ok(default),
        Some(a) if a.family() == family && (family != KeyFamily::Ec || a == default) => Ok(a),
        Some(a) => Err(invalid_key(format!(
            "this key cannot be used with {a}: the algorithm must match the key type"
        ))),
    }
}

impl Key {
    fn build(alg: Algorithm, opts: &KeyOptions, material: Material, parts: Parts) -> Key {
        Key {
            alg,
            kid: opts.kid.as_deref().map(Arc::from),
            inner: Arc::new(Prepared {
                material,
                parts,
                allow_weak: opts.allow_weak,
            }),
        }
    }

    /// An HMAC key from a raw secret. Secrets shorter than the hash output
    /// (32/48/64 bytes) are `INVALID_KEY`; see [`Key::hmac_with`] to allow them.
    pub fn hmac(secret: &[u8], alg: Algorithm) -> Result<Key> {
        Key::hmac_with(secret, &KeyOptions::alg(alg))
    }

    /// An HMAC key from a raw secret with options (alg defaults to HS256).
    pub fn hmac_with(secret: &[u8], opts: &KeyOptions) -> Result<Key> {
        let alg = family_alg(opts, KeyFamily::Hmac, Algorithm::HS256)?;
        let min = alg.hmac_min_secret_len().unwrap_or(32);
        if secret.is_empty() {
            return Err(invalid_key("HMAC secret is empty"));
        }
        if secret.len() < min && !opts.allow_weak {
            return Err(invalid_key(format!(
                "HMAC secret for {alg} must be at least {min} bytes (RFC 7518 §3.2); \
                 pass allow_weak to accept a shorter one"
            )));
        }
        Ok(Key::build(
            alg,
            opts,
            crypto::hmac_key(alg, secret),
            Parts::Oct {
                secret: Zeroizing::new(secret.to_vec()),
            },
        ))
    }

    /// A key from PEM text: PKCS#8 (`PRIVATE KEY`), SPKI (`PUBLIC KEY`),
    /// PKCS#1 (`RSA PRIVATE KEY`, `RSA PUBLIC KEY`), SEC1 (`EC PRIVATE KEY`)
    /// or an X.509 `CERTIFICATE` (its public key). `alg` as in [`KeyOptions`].
    pub fn from_pem(pem: &str, alg: Option<Algorithm>) -> Result<Key> {
        Key::from_pem_with(
            pem,
            &KeyOptions {
                alg,
                ..Default::default()
            },
        )
    }

    /// [`Key::from_pem`] with options.
    pub fn from_pem_with(pem: &str, opts: &KeyOptions) -> Result<Key> {
        let (label, der) = decode_pem(pem)?;
        let der = Zeroizing::new(der);
        match label.as_str() {
            "PRIVATE KEY" => from_pkcs8(&der, opts),
            "PUBLIC KEY" => from_spki(&der, opts),
            "RSA PRIVATE KEY" => from_pkcs1_private(&der, opts),
            "RSA PUBLIC KEY" => from_pkcs1_public(&der, opts),
            "EC PRIVATE KEY" => from_sec1(&der, None, opts),
            "CERTIFICATE" => from_certificate(&der, opts),
            "ENCRYPTED PRIVATE KEY" => Err(invalid_key(
                "encrypted private keys are not supported; decrypt it first",
            )),
            _ => Err(invalid_key("unsupported PEM block type")),
        }
    }

    /// A key from DER bytes in any of the containers [`Key::from_pem`] accepts.
    pub fn from_der(der: &[u8], alg: Option<Algorithm>) -> Result<Key> {
        Key::from_der_with(
            der,
            &KeyOptions {
                alg,
                ..Default::default()
            },
        )
    }

    /// [`Key::from_der`] with options.
    pub fn from_der_with(der: &[u8], opts: &KeyOptions) -> Result<Key> {
        let mut top = der::top_sequence(der)?;
        let mut probe = top.clone();
        match probe.peek_tag() {
            Some(der::INTEGER) => {
                let version = probe.unsigned()?;
                match probe.peek_tag() {
                    Some(der::SEQUENCE) => from_pkcs8(der, opts),
                    Some(der::OCTET_STRING) => from_sec1(der, None, opts),
                    Some(der::INTEGER) if version.is_empty() => {
                        // RSAPrivateKey (version 0, n, e, …) vs RSAPublicKey (n, e)
                        let _ = probe.unsigned()?;
                        if probe.is_empty() {
                            from_pkcs1_public(der, opts)
                        } else {
                            from_pkcs1_private(der, opts)
                        }
                    }
                    Some(der::INTEGER) => from_pkcs1_public(der, opts),
                    _ => Err(invalid_key("unrecognised DER key")),
                }
            }
            Some(der::SEQUENCE) => {
                let _ = top.expect(der::SEQUENCE)?;
                if top.peek_tag() == Some(der::BIT_STRING) {
                    from_spki(der, opts)
                } else {
                    from_certificate(der, opts)
                }
            }
            _ => Err(invalid_key("unrecognised DER key")),
        }
    }

    /// A key from a JWK (JSON text).
    pub fn from_jwk(jwk: &str) -> Result<Key> {
        jwk::parse(jwk, &KeyOptions::default())
    }

    /// [`Key::from_jwk`] with options: `alg` must agree with the JWK's `alg`
    /// when both are given; `kid` replaces the JWK's.
    pub fn from_jwk_with(jwk: &str, opts: &KeyOptions) -> Result<Key> {
        jwk::parse(jwk, opts)
    }

    /// Generates a fresh private key for `alg` from the OS CSPRNG: a secret as
    /// long as the hash for HMAC, a 2048-bit RSA key, a P-256/P-384 or Ed25519 key.
    pub fn generate(alg: Algorithm) -> Result<Key> {
        Key::generate_with(alg, None)
    }

    /// [`Key::generate`] with a `kid`.
    pub fn generate_with(alg: Algorithm, kid: Option<&str>) -> Result<Key> {
        let opts = KeyOptions {
            alg: Some(alg),
            kid: kid.map(str::to_owned),
            allow_weak: false,
        };
        match alg.family() {
            KeyFamily::Hmac => {
                let secret = Zeroizing::new(crypto::random_bytes(
                    alg.hmac_min_secret_len().unwrap_or(32),
                )?);
                Key::hmac_with(&secret, &opts)
            }
            KeyFamily::Rsa => {
                let der = Zeroizing::new(crypto::generate_rsa_pkcs1(2048)?);
                from_pkcs1_private(&der, &opts)
            }
            KeyFamily::Ec => {
                let der = Zeroizing::new(crypto::generate_ec_pkcs8(alg)?);
                from_pkcs8(&der, &opts)
            }
            KeyFamily::Okp => {
                let seed = Zeroizing::new(crypto::generate_ed25519_seed()?);
                ed25519_key(&seed, None, &opts)
            }
        }
    }

    /// The same key with a different `kid` (cheap: the material is shared).
    pub fn with_kid(&self, kid: Option<&str>) -> Key {
        Key {
            alg: self.alg,
            kid: kid.map(Arc::from),
            inner: self.inner.clone(),
        }
    }

    /// The one algorithm this key is bound to.
    pub fn alg(&self) -> Algorithm {
        self.alg
    }

    /// The key id, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// Whether the key can sign (HMAC keys and private keys).
    pub fn is_private(&self) -> bool {
        self.inner.material.is_private()
    }

    /// The public half of an asymmetric key (same alg and kid).
    /// HMAC keys have none: `INVALID_KEY`.
    pub fn public(&self) -> Result<Key> {
        let opts = KeyOptions {
            alg: Some(self.alg),
            kid: self.kid().map(str::to_owned),
            allow_weak: self.inner.allow_weak,
        };
        match &self.inner.parts {
            Parts::Oct { .. } => Err(invalid_key("an HMAC key has no public part")),
            Parts::Rsa { n, e, .. } => rsa_public_key(n, e, &opts),
            Parts::Ec { x, y, .. } => {
                let mut point = Vec::with_capacity(1 + x.len() * 2);
                point.push(4);
                point.extend_from_slice(x);
                point.extend_from_slice(y);
                ec_public_key(self.alg, &point, &opts)
            }
            Parts::Okp { x, .. } => Ok(Key::build(
                self.alg,
                &opts,
                crypto::ed_public(*x),
                Parts::Okp { x: *x, d: None },
            )),
        }
    }

    /// The key as JWK JSON text, with `alg` and `kid`. Private members are
    /// included only when `private` is true; an HMAC key can only be exported
    /// with `private = true`.
    pub fn to_jwk(&self, private: bool) -> Result<String> {
        jwk::to_jwk(self, private)
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url).
    pub fn thumbprint(&self) -> String {
        // For an HMAC key the input holds the secret: wiped when dropped.
        let input = Zeroizing::new(jwk::thumbprint_input(self));
        b64::encode(&crypto::sha256(input.as_bytes()))
    }

    /// Signs `msg` with this key's algorithm (the raw JWS signature bytes).
    pub fn sign(&self, msg: &[u8]) -> Result<Vec<u8>> {
        crypto::sign(&self.inner.material, self.alg, msg)
    }

    /// The length of this key's raw JWS signatures, in bytes.
    pub(crate) fn signature_len(&self) -> usize {
        crypto::signature_len(&self.inner.material, self.alg)
    }

    /// Verifies a raw JWS signature over `msg`; `INVALID_SIGNATURE` if it
    /// does not verify. Comparisons of MACs are constant-time.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<()> {
        crypto::verify(
            &self.inner.material,
            self.alg,
            msg,
            sig,
            self.inner.allow_weak,
        )
        .map_err(|()| Error::new(ErrorCode::InvalidSignature, "signature does not verify"))
    }

    pub(crate) fn parts(&self) -> &Parts {
        &self.inner.parts
    }
}

// ---------------------------------------------------------------------------
// Constructors shared by PEM/DER/JWK loading.

pub(crate) fn rsa_public_key(n: &[u8], e: &[u8], opts: &KeyOptions) -> Result<Key> {
    let alg = family_alg(opts, KeyFamily::Rsa, Algorithm::RS256)?;
    let (n, e) = (strip_zeros(n), strip_zeros(e));
    check_rsa(n, e, alg, opts.allow_weak, false)?;
    Ok(Key::build(
        alg,
        opts,
        crypto::rsa_public(n, e),
        Parts::Rsa {
            n: n.to_vec(),
            e: e.to_vec(),
            private: None,
        },
    ))
}

fn check_rsa(n: &[u8], e: &[u8], alg: Algorithm, allow_weak: bool, private: bool) -> Result<()> {
    let n_bits = bits(n);
    if n_bits > 8192 {
        return Err(invalid_key("RSA modulus larger than 8192 bits"));
    }
    let e_ok = !e.is_empty() && e.len() <= 8 && e[e.len() - 1] & 1 == 1 && bits(e) >= 2;
    if !e_ok {
        return Err(invalid_key("invalid RSA public exponent"));
    }
    if n_bits < 2048 {
        if !allow_weak {
            return Err(invalid_key(format!(
                "RSA modulus of {n_bits} bits is below the 2048-bit minimum"
            )));
        }
        if n_bits < 1024 || private || !matches!(alg, Algorithm::RS256 | Algorithm::RS512) {
            return Err(invalid_key(
                "weak RSA keys (1024-2047 bits) can only verify RS256 or RS512",
            ));
        }
    }
    Ok(())
}

pub(crate) fn rsa_private_key(c: &crypto::RsaComponents<'_>, opts: &KeyOptions) -> Result<Key> {
    let alg = family_alg(opts, KeyFamily::Rsa, Algorithm::RS256)?;
    let s = strip_zeros;
    let (n, e) = (s(c.n), s(c.e));
    check_rsa(n, e, alg, opts.allow_weak, true)?;
    let material = crypto::rsa_private(&crypto::RsaComponents {
        n,
        e,
        d: s(c.d),
        p: s(c.p),
        q: s(c.q),
        dp: s(c.dp),
        dq: s(c.dq),
        qi: s(c.qi),
    })?;
    let z = |v: &[u8]| Zeroizing::new(s(v).to_vec());
    Ok(Key::build(
        alg,
        opts,
        material,
        Parts::Rsa {
            n: n.to_vec(),
            e: e.to_vec(),
            private: Some(Box::new(RsaPrivate {
                d: z(c.d),
                p: z(c.p),
                q: z(c.q),
                dp: z(c.dp),
                dq: z(c.dq),
                qi: z(c.qi),
            })),
        },
    ))
}

/// The curve's JWK name and coordinate length for an EC algorithm.
pub(crate) fn ec_curve(alg: Algorithm) -> (&'static str, usize) {
    match alg {
        Algorithm::ES384 => ("P-384", 48),
        _ => ("P-256", 32),
    }
}

fn ec_alg_for_oid(oid: &[u8]) -> Result<Algorithm> {
    match oid {
        der::OID_P256 => Ok(Algorithm::ES256),
        der::OID_P384 => Ok(Algorithm::ES384),
        _ => Err(Error::new(
            ErrorCode::UnsupportedAlgorithm,
            "unsupported elliptic curve (only P-256 and P-384)",
        )),
    }
}

fn split_point(alg: Algorithm, point: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    let (_, len) = ec_curve(alg);
    if point.len() != 1 + 2 * len || point[0] != 4 {
        return Err(invalid_key(
            "EC public key must be an uncompressed point on the key's curve",
        ));
    }
    Ok((point[1..1 + len].to_vec(), point[1 + len..].to_vec()))
}

pub(crate) fn ec_public_key(curve_alg: Algorithm, point: &[u8], opts: &KeyOptions) -> Result<Key> {
    let alg = family_alg(opts, KeyFamily::Ec, curve_alg)?;
    let (x, y) = split_point(alg, point)?;
    if !crypto::ec_point_is_valid(alg, point) {
        return Err(invalid_key("EC public key is not a point on the curve"));
    }
    Ok(Key::build(
        alg,
        opts,
        crypto::ec_public(point),
        Parts::Ec {
            crv: ec_curve(alg).0,
            x,
            y,
            d: None,
        },
    ))
}

pub(crate) fn ec_private_key(
    curve_alg: Algorithm,
    d: &[u8],
    point: &[u8],
    opts: &KeyOptions,
) -> Result<Key> {
    let alg = family_alg(opts, KeyFamily::Ec, curve_alg)?;
    let (x, y) = split_point(alg, point)?;
    let (_, len) = ec_curve(alg);
    if d.len() != len {
        return Err(invalid_key("EC private scalar has the wrong length"));
    }
    let material = crypto::ec_private(alg, d, point)?;
    Ok(Key::build(
        alg,
        opts,
        material,
        Parts::Ec {
            crv: ec_curve(alg).0,
            x,
            y,
            d: Some(Zeroizing::new(d.to_vec())),
        },
    ))
}

pub(crate) fn ed25519_key(seed: &[u8], public: Option<&[u8]>, opts: &KeyOptions) -> Result<Key> {
    let alg = family_alg(opts, KeyFamily::Okp, Algorithm::EdDSA)?;
    if seed.len() != 32 {
        return Err(invalid_key("Ed25519 private key must be 32 bytes"));
    }
    let material = crypto::ed_private(seed, public)?;
    let x = crypto::ed_public_of(&material).ok_or_else(|| invalid_key("Ed25519 key"))?;
    Ok(Key::build(
        alg,
        opts,
        material,
        Parts::Okp {
            x,
            d: Some(Zeroizing::new(seed.to_vec())),
        },
    ))
}

pub(crate) fn ed25519_public_key(public: &[u8], opts: &KeyOptions) -> Result<Key> {
    let alg = family_alg(opts, KeyFamily::Okp, Algorithm::EdDSA)?;
    let x: [u8; 32] = public
        .try_into()
        .map_err(|_| invalid_key("Ed25519 public key must be 32 bytes"))?;
    Ok(Key::build(
        alg,
        opts,
        crypto::ed_public(x),
        Parts::Okp { x, d: None },
    ))
}

// ---------------------------------------------------------------------------
// Containers.

/// Decodes the first PEM block that is not `EC PARAMETERS`: (label, DER).
fn decode_pem(pem: &str) -> Result<(String, Vec<u8>)> {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    let mut rest = pem;
    loop {
        let start = rest
            .find("-----BEGIN ")
            .ok_or_else(|| invalid_key("no PEM block found"))?;
        let after = &rest[start + 11..];
        let label_end = after
            .find("-----")
            .ok_or_else(|| invalid_key("malformed PEM header"))?;
        let label = &after[..label_end];
        let body = &after[label_end + 5..];
        let end_marker = format!("-----END {label}-----");
        let end = body
            .find(&end_marker)
            .ok_or_else(|| invalid_key("PEM block has no matching END line"))?;
        let text = &body[..end];
        rest = &body[end + end_marker.len()..];
        if label == "EC PARAMETERS" {
            continue;
        }
        if text.contains(':') {
            return Err(invalid_key(
                "encrypted (Proc-Type) PEM is not supported; decrypt it first",
            ));
        }
        // The base64 of a private key: wiped when dropped, like the DER.
        let b64: Zeroizing<String> =
            Zeroizing::new(text.chars().filter(|c| !c.is_ascii_whitespace()).collect());
        let der = STANDARD
            .decode(b64.as_bytes())
            .map_err(|_| invalid_key("PEM body is not valid base64"))?;
        return Ok((label.to_owned(), der));
    }
}

fn from_pkcs8(der: &[u8], opts: &KeyOptions) -> Result<Key> {
    let mut r = der::top_sequence(der)?;
    let version = r.small_int()?;
    if version > 1 {
        return Err(invalid_key("unsupported PKCS#8 version"));
    }
    let mut alg_id = Reader::new(r.expect(der::SEQUENCE)?);
    let oid = alg_id.expect(der::OID)?;
    let private = r.expect(der::OCTET_STRING)?;
    // Optional [0] attributes and [1] public key (PKCS#8 v2 / OneAsymmetricKey).
    let mut public = None;
    while !r.is_empty() {
        match r.any()? {
            (der::CONTEXT_0, _) => {}
            (0x81, v) => public = Some(v.get(1..).ok_or_else(|| invalid_key("bad public key"))?),
            _ => return Err(invalid_key("invalid PKCS#8 document")),
        }
    }
    match oid {
        der::OID_RSA => from_pkcs1_private(private, opts),
        der::OID_EC => {
            let curve = alg_id.expect(der::OID)?;
            from_sec1(private, Some(ec_alg_for_oid(curve)?), opts)
        }
        der::OID_ED25519 => {
            let seed = Reader::new(private).expect(der::OCTET_STRING)?;
            ed25519_key(seed, public, opts)
        }
        _ => Err(unsupported_key_type()),
    }
}

fn unsupported_key_type() -> Error {
    Error::new(
        ErrorCode::UnsupportedAlgorithm,
        "unsupported key type (RSA, P-256, P-384 and Ed25519 are supported)",
    )
}

fn from_spki(der: &[u8], opts: &KeyOptions) -> Result<Key> {
    let mut r = der::top_sequence(der)?;
    let mut alg_id = Reader::new(r.expect(der::SEQUENCE)?);
    let oid = alg_id.expect(der::OID)?;
    let key = r.bit_string()?;
    r.finish()?;
    match oid {
        der::OID_RSA => from_pkcs1_public(key, opts),
        der::OID_EC => {
            let curve = alg_id.expect(der::OID)?;
            ec_public_key(ec_alg_for_oid(curve)?, key, opts)
        }
        der::OID_ED25519 => ed25519_public_key(key, opts),
        _ => Err(unsupported_key_type()),
    }
}

fn from_pkcs1_public(der: &[u8], opts: &KeyOptions) -> Result<Key> {
    let mut r = der::top_sequence(der)?;
    let n = r.unsigned()?;
    let e = r.unsigned()?;
    r.finish()?;
    rsa_public_key(n, e, opts)
}

fn from_pkcs1_private(der: &[u8], opts: &KeyOptions) -> Result<Key> {
    let mut r = der::top_sequence(der)?;
    if r.small_int()? != 0 {
        return Err(invalid_key("multi-prime RSA keys are not supported"));
    }
    let mut next = || r.unsigned();
    let (n, e, d, p, q, dp, dq, qi) = (
        next()?,
        next()?,
        next()?,
        next()?,
        next()?,
        next()?,
        next()?,
        next()?,
    );
    rsa_private_key(
        &crypto::RsaComponents {
            n,
            e,
            d,
            p,
            q,
            dp,
            dq,
            qi,
        },
        opts,
    )
}

/// SEC1 `ECPrivateKey`; `curve` comes from the PKCS#8 wrapper when there is one.
fn from_sec1(der: &[u8], curve: Option<Algorithm>, opts: &KeyOptions) -> Result<Key> {
    let mut r = der::top_sequence(der)?;
    if r.small_int()? != 1 {
        return Err(invalid_key("invalid EC private key version"));
    }
    let d = r.expect(der::OCTET_STRING)?;
    let mut curve = curve;
    let mut point = None;
    while !r.is_empty() {
        match r.any()? {
            (der::CONTEXT_0, v) => {
                let inner = Reader::new(v).expect(der::OID)?;
                let named = ec_alg_for_oid(inner)?;
                if curve.is_some_and(|c| c != named) {
                    return Err(invalid_key("EC key names two different curves"));
                }
                curve = Some(named);
            }
            (der::CONTEXT_1, v) => point = Some(Reader::new(v).bit_string()?),
            _ => return Err(invalid_key("invalid EC private key")),
        }
    }
    let curve = curve.ok_or_else(|| invalid_key("EC private key does not name its curve"))?;
    let point = point
        .ok_or_else(|| invalid_key("EC private key without its public key is not supported"))?;
    ec_private_key(curve, d, point, opts)
}

fn from_certificate(der: &[u8], opts: &KeyOptions) -> Result<Key> {
    let mut cert = der::top_sequence(der)?;
    let mut tbs = Reader::new(cert.expect(der::SEQUENCE)?);
    if tbs.peek_tag() == Some(der::CONTEXT_0) {
        tbs.any()?; // version
    }
    tbs.expect(der::INTEGER)?; // serial number
    for _ in 0..4 {
        tbs.expect(der::SEQUENCE)?; // signature algorithm, issuer, validity, subject
    }
    let spki = tbs.element(der::SEQUENCE)?;
    from_spki(spki, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn key_is_send_sync() {
        assert_send_sync::<Key>();
    }

    #[test]
    fn weak_hmac() {
        assert_eq!(
            Key::hmac(b"short", Algorithm::HS256).unwrap_err().code(),
            ErrorCode::InvalidKey
        );
        assert_eq!(
            Key::hmac(&[7u8; 32], Algorithm::HS384).unwrap_err().code(),
            ErrorCode::InvalidKey
        );
        let opts = KeyOptions {
            allow_weak: true,
            ..Default::default()
        };
        assert_eq!(
            Key::hmac_with(b"short", &opts).unwrap().alg(),
            Algorithm::HS256
        );
        assert!(Key::hmac_with(b"", &opts).is_err());
    }

    #[test]
    fn generate_sign_verify_all() {
        for &alg in Algorithm::ALL {
            let key = Key::generate_with(alg, Some("k1")).unwrap();
            assert_eq!(key.alg(), alg);
            assert_eq!(key.kid(), Some("k1"));
            assert!(key.is_private());
            let sig = key.sign(b"hello").unwrap();
            key.verify(b"hello", &sig).unwrap();
            assert_eq!(
                key.verify(b"hellO", &sig).unwrap_err().code(),
                ErrorCode::InvalidSignature
            );
            if alg.family() != KeyFamily::Hmac {
                let public = key.public().unwrap();
                assert!(!public.is_private());
                public.verify(b"hello", &sig).unwrap();
                assert_eq!(public.sign(b"x").unwrap_err().code(), ErrorCode::InvalidKey);
                assert_eq!(public.thumbprint(), key.thumbprint());
            }
        }
    }

    #[test]
    fn alg_must_match_key_type() {
        let ec = Key::generate(Algorithm::ES256).unwrap();
        let jwk = ec.to_jwk(true).unwrap();
        let opts = KeyOptions::alg(Algorithm::ES384);
        assert_eq!(
            Key::from_jwk_with(&jwk, &opts).unwrap_err().code(),
            ErrorCode::InvalidKey
        );
    }
}
