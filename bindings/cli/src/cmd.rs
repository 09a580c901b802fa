//! The subcommands: convert arguments, call the core, print the result.

use tessera::jwks::{RemoteKeySet, RemoteOptions};
use tessera::jwt::{self, Validation, Verifier};
use tessera::{Algorithm, ErrorCode, Key, KeySet};

use crate::cli::{Command, InspectArgs, JwksArgs, KeygenArgs, SignArgs, VerifyArgs};
use crate::fail::{Failure, OrUsage};
use crate::input::{self, print_line};
use crate::keys::{self, KeyFile, Loaded};

pub fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Keygen(a) => keygen(a),
        Command::Jwks(a) => jwks(a),
        Command::Sign(a) => sign(a),
        Command::Verify(a) => verify(a),
        Command::Inspect(a) => inspect(a),
    }
}

fn keygen(a: KeygenArgs) -> Result<(), Failure> {
    let alg = input::alg(&a.alg)?;
    let key = Key::generate_with(alg, a.kid.as_deref()).or_usage()?;
    print_line(&key.to_jwk(true).or_usage()?)
}

fn jwks(a: JwksArgs) -> Result<(), Failure> {
    print_line(&keys::load_all(&a.files)?.to_jwks())
}

fn sign(a: SignArgs) -> Result<(), Failure> {
    let alg = a.alg.as_deref().map(input::alg).transpose()?;
    let file = KeyFile::read(&a.key)?;
    let opts = keys::options(a.kid.as_deref(), alg, a.allow_weak);
    let key = if a.secret {
        file.secret(&opts)?
    } else {
        match file.parse(&opts)? {
            Loaded::One(k) => k,
            Loaded::Set(set) => {
                let k = set.signing_key(a.kid.as_deref()).or_usage()?.clone();
                match alg {
                    Some(alg) if alg != k.alg() => {
                        return Err(Failure::new(
                            ErrorCode::InvalidKey,
                            format!("the JWKS signing key is for {}, not {alg}", k.alg()),
                        ))
                    }
                    _ => k,
                }
            }
        }
    };
    let claims = input::text_arg(a.claims)?;
    let token = jwt::encode(&claims, &key, a.header.as_deref()).or_usage()?;
    print_line(&token)
}

fn verify(a: VerifyArgs) -> Result<(), Failure> {
    let algs = a
        .algs
        .iter()
        .map(|n| input::alg(n))
        .collect::<Result<Vec<_>, _>>()?;
    let keys = match &a.jwks_url {
        Some(_) => KeySet::default(),
        None => verify_keys(&a, &algs)?,
    };

    let mut v = Validation::default();
    if !algs.is_empty() {
        v.algorithms = Some(algs);
    }
    if !a.issuers.is_empty() {
        v.issuer = Some(a.issuers);
    }
    if !a.audiences.is_empty() {
        v.audience = Some(a.audiences);
    }
    if a.no_require {
        v.required = Vec::new();
    } else if !a.required.is_empty() {
        v.required = a.required;
    }
    if let Some(leeway) = a.leeway {
        v.leeway = leeway;
    }
    v.subject = a.sub.or(v.subject);
    v.max_age = a.max_age.or(v.max_age);
    v.typ = a.typ.or(v.typ);
    v.now = a.now.or(v.now);
    let verifier = match a.jwks_url {
        Some(url) => {
            let remote = RemoteKeySet::new(&url, RemoteOptions::default()).or_usage()?;
            Verifier::remote(remote, v).or_usage()?
        }
        None => Verifier::new(keys, v).or_usage()?,
    };

    let token = input::token_bytes(a.token)?;
    let claims = verifier
        .verify_bytes(&token)
        .map_err(|e| Failure::rejected(&e))?;
    print_line(claims.json())
}

/// The verification keys. `--jwks` is a JWKS; `--key` is any key file. A
/// single key whose alg is not among `--alg` is bound to the first `--alg`
/// of its family if it can take it (an RSA PEM with `--alg PS256`); else it
/// keeps its alg and the token is rejected (`ALGORITHM_NOT_ALLOWED`). A
/// `--secret` is bound the same way but strictly: a secret too short for
/// the chosen HMAC alg is exit 2.
fn verify_keys(a: &VerifyArgs, algs: &[Algorithm]) -> Result<KeySet, Failure> {
    let kid = a.kid.as_deref();
    let opts = |alg| keys::options(kid, alg, a.allow_weak);
    let (path, jwks) = match (&a.key, &a.jwks) {
        (Some(p), None) => (p, false),
        (None, Some(p)) => (p, true),
        _ => {
            return Err(Failure::new(
                ErrorCode::InvalidArgument,
                "give exactly one of --key and --jwks",
            ))
        }
    };
    let file = KeyFile::read(path)?;
    if jwks {
        return file
            .select(Loaded::Set(file.jwks()?), kid)
            .map(keys::into_set);
    }
    if a.secret {
        let alg = bind(Algorithm::HS256, algs).unwrap_or(Algorithm::HS256);
        return Ok(KeySet::from(file.secret(&opts(Some(alg)))?));
    }
    let loaded = match file.parse(&opts(None))? {
        // If the key cannot take that alg (a P-256 key and ES384, a JWK
        // whose own alg differs), it keeps its alg: the token is rejected.
        Loaded::One(k) => match bind(k.alg(), algs) {
            Some(alg) => file.parse(&opts(Some(alg))).unwrap_or(Loaded::One(k)),
            None => Loaded::One(k),
        },
        set => file.select(set, kid)?,
    };
    Ok(keys::into_set(loaded))
}

/// The algorithm to bind a key of alg `current` to, if not `current`.
fn bind(current: Algorithm, algs: &[Algorithm]) -> Option<Algorithm> {
    if algs.is_empty() || algs.contains(&current) {
        return None;
    }
    algs.iter()
        .copied()
        .find(|a| a.family() == current.family())
}

fn inspect(a: InspectArgs) -> Result<(), Failure> {
    let token = input::token_bytes(a.token)?;
    // Non-UTF-8 bytes become U+FFFD, which the core rejects as MALFORMED.
    let token = String::from_utf8_lossy(&token);
    let u = jwt::decode_unverified(&token).map_err(|e| Failure::rejected(&e))?;
    input::note("nothing was verified: neither the signature nor the claims");
    print_line(&format!(
        "{{\"header\":{},\"claims\":{}}}",
        u.header_json, u.claims_json
    ))
}
