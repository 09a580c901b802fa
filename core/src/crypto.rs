//! The one place Tessera calls a cryptographic library.
//!
//! Everything else in the crate goes through these functions and types.
//! Signatures (RSA, ECDSA, Ed25519) run on aws-lc-rs with the `aws-lc` cargo
//! feature (on by default: it signs Ed25519 about 3x faster and verifies RSA
//! and Ed25519 faster) or on ring without it (the mobile build); the two have
//! the same API. HMAC and the cookie primitives always run on ring.
//!
//! Key material is prepared once ([`Material`]): parsed key pairs and
//! precomputed HMAC keys. Verification hands the library the stored public
//! components, exactly as the raw floors in `bench/` do.
//!
//! RSA key *generation* is the one operation ring lacks; it uses the `rsa`
//! crate only to produce a PKCS#1 document that is then loaded into ring.

// The signature backend: aws-lc-rs with the `aws-lc` feature (the default),
// ring without it. Their APIs are the same apart from the few places marked
// `cfg(feature = "aws-lc")`. HMAC, digests, HKDF, PBKDF2 and AES-GCM stay on
// ring in both builds: ring's HMAC measured faster than aws-lc-rs's (0.35 µs
// against 0.48 µs for an HS256 verification, bench/README.md), and the
// symmetric primitives have nothing to gain. See docs/crypto-backends.md.
#[cfg(feature = "aws-lc")]
use aws_lc_rs as backend;
#[cfg(not(feature = "aws-lc"))]
use ring as backend;

use backend::rand::{SecureRandom, SystemRandom};
use backend::signature::{self, KeyPair};
use ring::{digest, hmac};

/// The library this build signs and verifies RSA, ECDSA and Ed25519 with.
#[cfg(feature = "aws-lc")]
pub const BACKEND: &str = "aws-lc-rs";
/// The library this build signs and verifies RSA, ECDSA and Ed25519 with.
#[cfg(not(feature = "aws-lc"))]
pub const BACKEND: &str = "ring";

use crate::alg::Algorithm;
use crate::error::{invalid_key, Error, ErrorCode, Result};

/// Prepared key material, parsed once and immutable (`Send + Sync`).
pub(crate) enum Material {
    /// HMAC key with its precomputed inner/outer state.
    Hmac(hmac::Key),
    /// RSA key pair (can sign and verify).
    RsaPrivate {
        pair: signature::RsaKeyPair,
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// RSA public key: big-endian modulus and exponent without leading zeros.
    RsaPublic { n: Vec<u8>, e: Vec<u8> },
    /// ECDSA key pair.
    EcPrivate(signature::EcdsaKeyPair),
    /// ECDSA public key: the uncompressed SEC1 point (0x04 || x || y).
    EcPublic(Vec<u8>),
    /// Ed25519 key pair.
    EdPrivate(signature::Ed25519KeyPair),
    /// Ed25519 public key.
    EdPublic([u8; 32]),
}

impl Material {
    pub(crate) fn is_private(&self) -> bool {
        matches!(
            self,
            Material::Hmac(_)
                | Material::RsaPrivate { .. }
                | Material::EcPrivate(_)
                | Material::EdPrivate(_)
        )
    }
}

fn rng() -> &'static SystemRandom {
    static RNG: std::sync::OnceLock<SystemRandom> = std::sync::OnceLock::new();
    RNG.get_or_init(SystemRandom::new)
}

/// Fills a fresh buffer of `len` bytes from the OS CSPRNG.
pub(crate) fn random_bytes(len: usize) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; len];
    rng()
        .fill(&mut buf)
        .map_err(|_| Error::new(ErrorCode::Internal, "the OS random generator failed"))?;
    Ok(buf)
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    let d = digest::digest(&digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

fn hmac_alg(alg: Algorithm) -> hmac::Algorithm {
    match alg {
        Algorithm::HS384 => hmac::HMAC_SHA384,
        Algorithm::HS512 => hmac::HMAC_SHA512,
        _ => hmac::HMAC_SHA256,
    }
}

fn ec_signing_alg(alg: Algorithm) -> &'static signature::EcdsaSigningAlgorithm {
    match alg {
        Algorithm::ES384 => &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
        _ => &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
    }
}

/// Builds an HMAC key (the precomputed pads live inside ring's `Key`).
pub(crate) fn hmac_key(alg: Algorithm, secret: &[u8]) -> Material {
    Material::Hmac(hmac::Key::new(hmac_alg(alg), secret))
}

/// RSA private components, big-endian, no leading zeros required.
pub(crate) struct RsaComponents<'a> {
    pub n: &'a [u8],
    pub e: &'a [u8],
    pub d: &'a [u8],
    pub p: &'a [u8],
    pub q: &'a [u8],
    pub dp: &'a [u8],
    pub dq: &'a [u8],
    pub qi: &'a [u8],
}

/// Builds an RSA key pair from its components (the backend validates them:
/// moduli of 2048 to 4096 bits; aws-lc-rs also checks `d` and the CRT
/// parameters here, ring when signing, hence the checks below).
pub(crate) fn rsa_private(c: &RsaComponents<'_>) -> Result<Material> {
    let pair = signature::RsaKeyPair::from_components(&backend::rsa::KeyPairComponents {
        public_key: backend::rsa::PublicKeyComponents { n: c.n, e: c.e },
        d: c.d,
        p: c.p,
        q: c.q,
        dP: c.dp,
        dQ: c.dq,
        qInv: c.qi,
    })
    .map_err(|e| invalid_key(format!("RSA private key rejected: {e}")))?;
    // ring never uses `d` and checks dP/dQ only when signing, but `d` is
    // exported by `to_jwk(true)` and used by other libraries: check that it is
    // consistent with the CRT parameters, then make one test signature.
    if !rsa_exponent_consistent(c) {
        return Err(invalid_key(
            "RSA private key is inconsistent: d does not match dp/dq",
        ));
    }
    let material = Material::RsaPrivate {
        pair,
        n: c.n.to_vec(),
        e: c.e.to_vec(),
    };
    let probe = b"tessera RSA key self-test";
    let ok = sign(&material, Algorithm::RS256, probe)
        .is_ok_and(|sig| verify(&material, Algorithm::RS256, probe, &sig, false).is_ok());
    if !ok {
        return Err(invalid_key("RSA private key failed its signing self-test"));
    }
    Ok(material)
}

/// `d mod (p-1) == dP` and `d mod (q-1) == dQ` (the definition of dP, dQ).
/// Every number here is private key material: each is wiped when dropped.
fn rsa_exponent_consistent(c: &RsaComponents<'_>) -> bool {
    use rsa::BigUint;
    use zeroize::Zeroizing;
    let one = BigUint::from(1u8);
    let n = |b: &[u8]| Zeroizing::new(BigUint::from_bytes_be(b));
    let (d, p, q) = (n(c.d), n(c.p), n(c.q));
    if *p <= one || *q <= one {
        return false;
    }
    let check = |prime: &BigUint, want: &[u8]| {
        let prime_1 = Zeroizing::new(prime - &one);
        let got = Zeroizing::new(&*d % &*prime_1);
        *got == *n(want)
    };
    check(&p, c.dp) && check(&q, c.dq)
}

/// An RSA public key from its modulus and exponent.
pub(crate) fn rsa_public(n: &[u8], e: &[u8]) -> Material {
    Material::RsaPublic {
        n: n.to_vec(),
        e: e.to_vec(),
    }
}

/// An ECDSA key pair from the private scalar and the uncompressed public point.
pub(crate) fn ec_private(alg: Algorithm, d: &[u8], point: &[u8]) -> Result<Material> {
    #[cfg(not(feature = "aws-lc"))]
    let pair = signature::EcdsaKeyPair::from_private_key_and_public_key(
        ec_signing_alg(alg),
        d,
        point,
        rng(),
    );
    #[cfg(feature = "aws-lc")]
    let pair =
        signature::EcdsaKeyPair::from_private_key_and_public_key(ec_signing_alg(alg), d, point);
    pair.map(Material::EcPrivate)
        .map_err(|e| invalid_key(format!("EC private key rejected: {e}")))
}

/// An ECDSA public key (uncompressed point).
pub(crate) fn ec_public(point: &[u8]) -> Material {
    Material::EcPublic(point.to_vec())
}

/// An Ed25519 key pair from its seed and public key (checked for consistency).
pub(crate) fn ed_private(seed: &[u8], public: Option<&[u8]>) -> Result<Material> {
    let pair = match public {
        Some(public) => signature::Ed25519KeyPair::from_seed_and_public_key(seed, public),
        None => signature::Ed25519KeyPair::from_seed_unchecked(seed),
    }
    .map_err(|e| invalid_key(format!("Ed25519 private key rejected: {e}")))?;
    Ok(Material::EdPrivate(pair))
}

/// An Ed25519 public key.
pub(crate) fn ed_public(public: [u8; 32]) -> Material {
    Material::EdPublic(public)
}

/// The Ed25519 public key of a key pair.
pub(crate) fn ed_public_of(m: &Material) -> Option<[u8; 32]> {
    match m {
        Material::EdPrivate(pair) => pair.public_key().as_ref().try_into().ok(),
        Material::EdPublic(p) => Some(*p),
        _ => None,
    }
}

/// The uncompressed point of an EC key.
pub(crate) fn ec_point_of(m: &Material) -> Option<&[u8]> {
    match m {
        Material::EcPrivate(pair) => Some(pair.public_key().as_ref()),
        Material::EcPublic(p) => Some(p),
        _ => None,
    }
}

/// The length of a raw JWS signature by `m` under `alg`: the HMAC output,
/// the RSA modulus, twice an EC coordinate (fixed-width r || s), or 64 for
/// Ed25519.
pub(crate) fn signature_len(m: &Material, alg: Algorithm) -> usize {
    match m {
        Material::Hmac(key) => key.algorithm().digest_algorithm().output_len(),
        Material::RsaPrivate { n, .. } | Material::RsaPublic { n, .. } => n.len(),
        Material::EcPrivate(_) | Material::EcPublic(_) => match alg {
            Algorithm::ES384 => 96,
            _ => 64,
        },
        Material::EdPrivate(_) | Material::EdPublic(_) => 64,
    }
}

/// Signs `msg`. The caller guarantees `alg` matches the material's family.
pub(crate) fn sign(m: &Material, alg: Algorithm, msg: &[u8]) -> Result<Vec<u8>> {
    let internal = |what: &str| Error::new(ErrorCode::Internal, format!("{what} signing failed"));
    match m {
        Material::Hmac(key) => Ok(hmac::sign(key, msg).as_ref().to_vec()),
        Material::RsaPrivate { pair, n, .. } => {
            let padding: &'static dyn signature::RsaEncoding = match alg {
                Algorithm::RS256 => &signature::RSA_PKCS1_SHA256,
                Algorithm::RS384 => &signature::RSA_PKCS1_SHA384,
                Algorithm::RS512 => &signature::RSA_PKCS1_SHA512,
                Algorithm::PS256 => &signature::RSA_PSS_SHA256,
                Algorithm::PS384 => &signature::RSA_PSS_SHA384,
                _ => &signature::RSA_PSS_SHA512,
            };
            // `n` has no leading zero bytes: its length is the modulus length.
            let mut sig = vec![0u8; n.len()];
            pair.sign(padding, rng(), msg, &mut sig)
                .map_err(|_| internal("RSA"))?;
            Ok(sig)
        }
        Material::EcPrivate(pair) => pair
            .sign(rng(), msg)
            .map(|s| s.as_ref().to_vec())
            .map_err(|_| internal("ECDSA")),
        Material::EdPrivate(pair) => Ok(pair.sign(msg).as_ref().to_vec()),
        Material::RsaPublic { .. } | Material::EcPublic(_) | Material::EdPublic(_) => Err(
            Error::new(ErrorCode::InvalidKey, "a public key cannot sign"),
        ),
    }
}

/// Verifies `sig` over `msg`; `Err(())` on any mismatch (detail-free on purpose).
///
/// `allow_weak_rsa` lets 1024–2047-bit RSA moduli verify RS256/RS512 (ring's
/// legacy parameters; ring has none for RS384 or PSS).
pub(crate) fn verify(
    m: &Material,
    alg: Algorithm,
    msg: &[u8],
    sig: &[u8],
    allow_weak_rsa: bool,
) -> std::result::Result<(), ()> {
    match m {
        Material::Hmac(key) => hmac::verify(key, msg, sig).map_err(|_| ()),
        Material::RsaPrivate { n, e, .. } | Material::RsaPublic { n, e } => {
            let params: &'static signature::RsaParameters = match (alg, allow_weak_rsa) {
                (Algorithm::RS256, false) => &signature::RSA_PKCS1_2048_8192_SHA256,
                (Algorithm::RS256, true) => {
                    &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY
                }
                (Algorithm::RS384, _) => &signature::RSA_PKCS1_2048_8192_SHA384,
                (Algorithm::RS512, false) => &signature::RSA_PKCS1_2048_8192_SHA512,
                (Algorithm::RS512, true) => {
                    &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY
                }
                (Algorithm::PS256, _) => &signature::RSA_PSS_2048_8192_SHA256,
                (Algorithm::PS384, _) => &signature::RSA_PSS_2048_8192_SHA384,
                (Algorithm::PS512, _) => &signature::RSA_PSS_2048_8192_SHA512,
                _ => return Err(()),
            };
            signature::RsaPublicKeyComponents { n, e }
                .verify(params, msg, sig)
                .map_err(|_| ())
        }
        Material::EcPrivate(_) | Material::EcPublic(_) => {
            let point = ec_point_of(m).ok_or(())?;
            let va: &'static signature::EcdsaVerificationAlgorithm = match alg {
                Algorithm::ES384 => &signature::ECDSA_P384_SHA384_FIXED,
                _ => &signature::ECDSA_P256_SHA256_FIXED,
            };
            signature::UnparsedPublicKey::new(va, point)
                .verify(msg, sig)
                .map_err(|_| ())
        }
        Material::EdPrivate(_) | Material::EdPublic(_) => {
            let public = ed_public_of(m).ok_or(())?;
            signature::UnparsedPublicKey::new(&signature::ED25519, &public)
                .verify(msg, sig)
                .map_err(|_| ())
        }
    }
}

/// A new PKCS#8 document for an EC (P-256/P-384) key.
pub(crate) fn generate_ec_pkcs8(alg: Algorithm) -> Result<Vec<u8>> {
    signature::EcdsaKeyPair::generate_pkcs8(ec_signing_alg(alg), rng())
        .map(|d| d.as_ref().to_vec())
        .map_err(|_| Error::new(ErrorCode::Internal, "EC key generation failed"))
}

/// A new Ed25519 seed (32 bytes).
pub(crate) fn generate_ed25519_seed() -> Result<Vec<u8>> {
    random_bytes(32)
}

/// A new RSA private key as a PKCS#1 `RSAPrivateKey` DER document.
pub(crate) fn generate_rsa_pkcs1(bits: usize) -> Result<Vec<u8>> {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    let key = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, bits)
        .map_err(|_| Error::new(ErrorCode::Internal, "RSA key generation failed"))?;
    let der = key
        .to_pkcs1_der()
        .map_err(|_| Error::new(ErrorCode::Internal, "RSA key encoding failed"))?;
    Ok(der.as_bytes().to_vec())
}

/// Whether `point` is a valid uncompressed public point on the curve of `alg`
/// (checked with an ECDH agreement, which validates the point fully).
pub(crate) fn ec_point_is_valid(alg: Algorithm, point: &[u8]) -> bool {
    use backend::agreement;
    let curve = match alg {
        Algorithm::ES384 => &agreement::ECDH_P384,
        _ => &agreement::ECDH_P256,
    };
    let Ok(private) = agreement::EphemeralPrivateKey::generate(curve, rng()) else {
        return false;
    };
    let peer = agreement::UnparsedPublicKey::new(curve, point);
    #[cfg(not(feature = "aws-lc"))]
    let agreed = agreement::agree_ephemeral(private, &peer, |_| ()).is_ok();
    #[cfg(feature = "aws-lc")]
    let agreed = agreement::agree_ephemeral(private, peer, (), |_| Ok(())).is_ok();
    agreed
}

/// Primitives for cookies and sessions: framework formats need SHA-1 HMAC
/// and PBKDF2; Tessera's own sealed cookies use HKDF and AES-256-GCM.
pub(crate) mod prims {
    use ring::{digest, hmac};
    use zeroize::Zeroizing;

    use crate::error::{invalid_argument, invalid_key, Result};

    /// A hash for HMAC, digests and key derivation.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(crate) enum Hash {
        /// SHA-1: only where a framework format requires it (itsdangerous, Flask,
        /// keygrip's default, Rails' legacy key generator).
        Sha1,
        /// SHA-256.
        Sha256,
        /// SHA-384.
        Sha384,
        /// SHA-512.
        Sha512,
    }

    impl Hash {
        fn hmac(self) -> hmac::Algorithm {
            match self {
                Hash::Sha1 => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
                Hash::Sha256 => hmac::HMAC_SHA256,
                Hash::Sha384 => hmac::HMAC_SHA384,
                Hash::Sha512 => hmac::HMAC_SHA512,
            }
        }
        fn digest(self) -> &'static digest::Algorithm {
            match self {
                Hash::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
                Hash::Sha256 => &digest::SHA256,
                Hash::Sha384 => &digest::SHA384,
                Hash::Sha512 => &digest::SHA512,
            }
        }
    }

    /// A prepared HMAC key (precomputed pads), reusable across calls.
    ///
    /// HMAC-SHA1 (only ever for framework formats: itsdangerous, Flask,
    /// keygrip) runs on RustCrypto's `sha1`, which uses the CPU's SHA
    /// extensions when present; ring's SHA-1 is portable code and about three
    /// times slower, which showed in every Flask and cookie-session cookie.
    /// Everything else is ring.
    pub(crate) enum Mac {
        Ring(hmac::Key),
        Sha1(Box<::hmac::Hmac<sha1::Sha1>>),
    }

    impl Mac {
        pub(crate) fn new(hash: Hash, key: &[u8]) -> Mac {
            use ::hmac::digest::KeyInit as _;
            match hash {
                // Any key length is valid for HMAC; the fallback is unreachable.
                Hash::Sha1 => match ::hmac::Hmac::<sha1::Sha1>::new_from_slice(key) {
                    Ok(m) => Mac::Sha1(Box::new(m)),
                    Err(_) => Mac::Ring(hmac::Key::new(hash.hmac(), key)),
                },
                _ => Mac::Ring(hmac::Key::new(hash.hmac(), key)),
            }
        }
        /// The full tag over the concatenation of `parts`.
        pub(crate) fn sign(&self, parts: &[&[u8]]) -> Vec<u8> {
            match self {
                Mac::Ring(key) => {
                    let mut ctx = hmac::Context::with_key(key);
                    for p in parts {
                        ctx.update(p);
                    }
                    ctx.sign().as_ref().to_vec()
                }
                Mac::Sha1(m) => {
                    use ::hmac::Mac as _;
                    let mut m = (**m).clone();
                    for p in parts {
                        m.update(p);
                    }
                    m.finalize().into_bytes().to_vec()
                }
            }
        }
        /// Constant-time check of a full-length `tag` over the concatenation of `parts`.
        pub(crate) fn verify(&self, parts: &[&[u8]], tag: &[u8]) -> bool {
            ct_eq(&self.sign(parts), tag)
        }
    }

    /// The digest of `data`.
    pub(crate) fn digest(hash: Hash, data: &[u8]) -> Vec<u8> {
        digest::digest(hash.digest(), data).as_ref().to_vec()
    }

    /// Constant-time equality (the length is not secret): `subtle`'s, whose
    /// result passes an optimisation barrier, so the compiler cannot turn the
    /// byte loop into an early exit.
    pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
        use subtle::ConstantTimeEq as _;
        bool::from(a.ct_eq(b))
    }

    /// HKDF-SHA256 (RFC 5869): `len` bytes (at most 255 × 32) from `secret`;
    /// a longer request is `INVALID_ARGUMENT`, never a short or zeroed key.
    pub(crate) fn hkdf_sha256(
        secret: &[u8],
        salt: &[u8],
        info: &[u8],
        len: usize,
    ) -> Result<Zeroizing<Vec<u8>>> {
        struct Len(usize);
        impl ring::hkdf::KeyType for Len {
            fn len(&self) -> usize {
                self.0
            }
        }
        let mut out = Zeroizing::new(vec![0u8; len]);
        let prk = ring::hkdf::Salt::new(ring::hkdf::HKDF_SHA256, salt).extract(secret);
        let info = [info];
        prk.expand(&info, Len(len))
            .and_then(|okm| okm.fill(&mut out))
            .map_err(|_| invalid_argument("HKDF output too long"))?;
        Ok(out)
    }

    /// PBKDF2-HMAC (`iterations` ≥ 1) into `len` bytes.
    pub(crate) fn pbkdf2(
        hash: Hash,
        secret: &[u8],
        salt: &[u8],
        iterations: u32,
        len: usize,
    ) -> Zeroizing<Vec<u8>> {
        let alg = match hash {
            Hash::Sha1 => ring::pbkdf2::PBKDF2_HMAC_SHA1,
            Hash::Sha256 => ring::pbkdf2::PBKDF2_HMAC_SHA256,
            Hash::Sha384 => ring::pbkdf2::PBKDF2_HMAC_SHA384,
            Hash::Sha512 => ring::pbkdf2::PBKDF2_HMAC_SHA512,
        };
        let mut out = Zeroizing::new(vec![0u8; len]);
        let n = std::num::NonZeroU32::new(iterations.max(1)).unwrap_or(std::num::NonZeroU32::MIN);
        ring::pbkdf2::derive(alg, n, salt, secret, &mut out);
        out
    }

    /// An AES-256-GCM key.
    pub(crate) struct Aead(ring::aead::LessSafeKey);

    impl Aead {
        /// `key` must be 32 bytes (`INVALID_KEY` otherwise).
        pub(crate) fn new(key: &[u8]) -> Result<Aead> {
            ring::aead::UnboundKey::new(&ring::aead::AES_256_GCM, key)
                .map(|k| Aead(ring::aead::LessSafeKey::new(k)))
                .map_err(|_| invalid_key("AES-256-GCM needs a 32-byte key"))
        }
        /// Encrypts `plaintext` with a 12-byte `nonce`; returns ciphertext || 16-byte tag.
        pub(crate) fn seal(
            &self,
            nonce: &[u8; 12],
            aad: &[u8],
            plaintext: &[u8],
        ) -> Result<Vec<u8>> {
            let mut buf = plaintext.to_vec();
            let nonce = ring::aead::Nonce::assume_unique_for_key(*nonce);
            self.0
                .seal_in_place_append_tag(nonce, ring::aead::Aad::from(aad), &mut buf)
                .map_err(|_| invalid_argument("plaintext too long for AES-GCM"))?;
            Ok(buf)
        }
        /// Decrypts ciphertext || tag; `None` if authentication fails.
        pub(crate) fn open(&self, nonce: &[u8; 12], aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
            let mut buf = sealed.to_vec();
            let nonce = ring::aead::Nonce::assume_unique_for_key(*nonce);
            let len = self
                .0
                .open_in_place(nonce, ring::aead::Aad::from(aad), &mut buf)
                .ok()?
                .len();
            buf.truncate(len);
            Some(buf)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::b64;

        #[test]
        fn rfc_vectors_for_cookie_primitives() {
            // RFC 4231 test case 2 (HMAC-SHA256, key "Jefe").
            let tag = Mac::new(Hash::Sha256, b"Jefe").sign(&[b"what do ya want ", b"for nothing?"]);
            assert_eq!(
                b64::encode(&tag),
                "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM"
            );
            assert!(
                Mac::new(Hash::Sha256, b"Jefe").verify(&[b"what do ya want for nothing?"], &tag)
            );
            // RFC 5869 test case 1 (HKDF-SHA256).
            let ikm = [0x0bu8; 22];
            let salt: Vec<u8> = (0u8..=0x0c).collect();
            let info: Vec<u8> = (0xf0u8..=0xf9).collect();
            let okm = hkdf_sha256(&ikm, &salt, &info, 42).unwrap();
            assert!(hkdf_sha256(&ikm, &salt, &info, 255 * 32 + 1).is_err());
            assert_eq!(
                b64::encode(&okm),
                "PLJfJfqs1XqQQ09k0DYvKi0tCpDPGlpMXbAtVuzExb80AHII1biHGFhl"
            );
            // RFC 6070 test 2 (PBKDF2-HMAC-SHA1, 2 iterations).
            let dk = pbkdf2(Hash::Sha1, b"password", b"salt", 2, 20);
            assert_eq!(b64::encode(&dk), "6mwBTcctb4zNHtkqzh1B8NjeiVc");
            let aead = Aead::new(&[7u8; 32]).unwrap();
            let sealed = aead.seal(&[1u8; 12], b"aad", b"hello").unwrap();
            assert_eq!(aead.open(&[1u8; 12], b"aad", &sealed).unwrap(), b"hello");
            assert!(aead.open(&[1u8; 12], b"aaD", &sealed).is_none());
            assert!(ct_eq(b"abc", b"abc") && !ct_eq(b"abc", b"abd") && !ct_eq(b"ab", b"abc"));
            assert_eq!(digest(Hash::Sha1, b"abc").len(), 20);
        }
    }
}
