//! The one place Tessera calls a cryptographic library.
//!
//! Everything else in the crate goes through these functions and types, so a
//! second backend (aws-lc-rs, whose API mirrors ring's: faster RSA signing,
//! P-521, FIPS) can become a cargo feature by re-implementing this module alone.
//!
//! Key material is prepared once ([`Material`]): ring's parsed key pairs and
//! precomputed HMAC keys. ring offers no pre-parsed RSA/EC *public* key type,
//! so verification hands ring the stored public components, exactly as the
//! raw-ring floor in `bench/` does.
//!
//! RSA key *generation* is the one operation ring lacks; it uses the `rsa`
//! crate only to produce a PKCS#1 document that is then loaded into ring.

use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{self, KeyPair};
use ring::{digest, hmac};

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

/// Builds an RSA key pair from its components (ring validates them; it
/// accepts moduli of 2048 to 4096 bits and e ≥ 65537).
pub(crate) fn rsa_private(c: &RsaComponents<'_>) -> Result<Material> {
    let pair = signature::RsaKeyPair::from_components(&ring::rsa::KeyPairComponents {
        public_key: ring::rsa::PublicKeyComponents { n: c.n, e: c.e },
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
fn rsa_exponent_consistent(c: &RsaComponents<'_>) -> bool {
    use rsa::BigUint;
    let one = BigUint::from(1u8);
    let n = |b: &[u8]| BigUint::from_bytes_be(b);
    let (d, p, q) = (n(c.d), n(c.p), n(c.q));
    if p <= one || q <= one {
        return false;
    }
    &d % (&p - &one) == n(c.dp) && &d % (&q - &one) == n(c.dq)
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
    signature::EcdsaKeyPair::from_private_key_and_public_key(ec_signing_alg(alg), d, point, rng())
        .map(Material::EcPrivate)
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

/// Signs `msg`. The caller guarantees `alg` matches the material's family.
pub(crate) fn sign(m: &Material, alg: Algorithm, msg: &[u8]) -> Result<Vec<u8>> {
    let internal = |what: &str| Error::new(ErrorCode::Internal, format!("{what} signing failed"));
    match m {
        Material::Hmac(key) => Ok(hmac::sign(key, msg).as_ref().to_vec()),
        Material::RsaPrivate { pair, .. } => {
            let padding: &'static dyn signature::RsaEncoding = match alg {
                Algorithm::RS256 => &signature::RSA_PKCS1_SHA256,
                Algorithm::RS384 => &signature::RSA_PKCS1_SHA384,
                Algorithm::RS512 => &signature::RSA_PKCS1_SHA512,
                Algorithm::PS256 => &signature::RSA_PSS_SHA256,
                Algorithm::PS384 => &signature::RSA_PSS_SHA384,
                _ => &signature::RSA_PSS_SHA512,
            };
            let mut sig = vec![0u8; pair.public().modulus_len()];
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
    use ring::agreement;
    let curve = match alg {
        Algorithm::ES384 => &agreement::ECDH_P384,
        _ => &agreement::ECDH_P256,
    };
    let Ok(private) = agreement::EphemeralPrivateKey::generate(curve, rng()) else {
        return false;
    };
    agreement::agree_ephemeral(
        private,
        &agreement::UnparsedPublicKey::new(curve, point),
        |_| (),
    )
    .is_ok()
}
