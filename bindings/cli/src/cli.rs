//! Command-line syntax (clap). Values stay strings here; `cmd` converts them.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand};

const AFTER: &str = "\
Exit codes: 0 ok; 1 token rejected (verify, inspect); 2 usage, key or argument problem.
On failure the first line of stderr starts with the error code, e.g. `EXPIRED: ...`.
A TOKEN or CLAIMS_JSON of `-` is read from stdin (surrounding whitespace stripped);
put TOKEN after `--` when it may begin with `-`.";

#[derive(Parser, Debug)]
#[command(
    name = "tessera",
    version,
    about = "JWT/JWS keys, signing, verification and inspection (Tessera core)",
    after_help = AFTER,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Generate a key; print its private JWK (one line of JSON).
    Keygen(KeygenArgs),
    /// Print the public JWKS ({"keys":[...]}) of the keys in FILEs (HMAC keys are omitted).
    Jwks(JwksArgs),
    /// Sign CLAIMS_JSON as a JWT; print the token.
    Sign(SignArgs),
    /// Verify TOKEN; print its claims JSON exactly as signed.
    Verify(VerifyArgs),
    /// Decode TOKEN WITHOUT verifying it; print {"header":...,"claims":...}.
    Inspect(InspectArgs),
}

#[derive(Args, Debug)]
#[command(after_help = AFTER)]
pub struct KeygenArgs {
    /// Algorithm: HS256 HS384 HS512 RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 EdDSA.
    #[arg(value_name = "ALG")]
    pub alg: String,
    /// Key id (kid) to put in the JWK.
    #[arg(long, value_name = "K")]
    pub kid: Option<String>,
}

#[derive(Args, Debug)]
#[command(after_help = AFTER)]
pub struct JwksArgs {
    /// Key files: PEM, DER, JWK or JWKS (their keys are all included).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(Args, Debug)]
#[command(after_help = AFTER)]
pub struct SignArgs {
    /// Signing key file: PEM, DER, JWK, JWKS, or a raw secret with --secret.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// Set the key's kid (for a JWKS: sign with the key that has this kid).
    #[arg(long, value_name = "K")]
    pub kid: Option<String>,
    /// Bind the key to this algorithm (default: the JWK's alg, else the key type's default; HS256 for --secret).
    #[arg(long, value_name = "ALG")]
    pub alg: Option<String>,
    /// The key file is a raw HMAC secret (its exact bytes).
    #[arg(long)]
    pub secret: bool,
    /// Accept short HMAC secrets and 1024-2047-bit RSA keys (not recommended).
    #[arg(long)]
    pub allow_weak: bool,
    /// Extra protected header members, a JSON object (e.g. '{"typ":"at+jwt"}').
    #[arg(long, value_name = "JSON")]
    pub header: Option<String>,
    /// The claims, a JSON object, signed byte for byte; `-` reads stdin.
    #[arg(value_name = "CLAIMS_JSON")]
    pub claims: String,
}

#[derive(Args, Debug)]
#[command(after_help = AFTER)]
#[command(group(ArgGroup::new("keysource").required(true).args(["key", "jwks", "jwks_url"])))]
pub struct VerifyArgs {
    /// Verification key file: PEM, DER, JWK (or JWKS), or a raw secret with --secret.
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// A JWKS file ({"keys":[...]}); the token's kid selects the key.
    #[arg(long, value_name = "FILE", conflicts_with = "secret")]
    pub jwks: Option<PathBuf>,
    /// A JWKS URL (an identity provider's jwks_uri): https, or http to a
    /// loopback host; fetched once with a 5 s deadline, the token's kid
    /// selects the key. JWKS_UNAVAILABLE (exit 1) when it cannot be fetched.
    #[arg(long, value_name = "URL", conflicts_with_all = ["secret", "kid"])]
    pub jwks_url: Option<String>,
    /// Accepted algorithm (repeatable; default: the key's). With --key, a key
    /// that has no alg of its own is bound to the first --alg of its type.
    #[arg(long = "alg", value_name = "ALG")]
    pub algs: Vec<String>,
    /// Accepted issuer (repeatable; the token's iss must equal one).
    #[arg(long = "iss", value_name = "ISS")]
    pub issuers: Vec<String>,
    /// Accepted audience (repeatable; the token's aud must contain one).
    #[arg(long = "aud", value_name = "AUD")]
    pub audiences: Vec<String>,
    /// Required subject.
    #[arg(long, value_name = "SUB")]
    pub sub: Option<String>,
    /// Seconds of clock skew tolerated (default 0).
    #[arg(long, value_name = "N")]
    pub leeway: Option<u64>,
    /// Claim that must be present (repeatable; replaces the default `exp`).
    #[arg(long = "require", value_name = "CLAIM")]
    pub required: Vec<String>,
    /// Require no claim at all (not even exp).
    #[arg(long, conflicts_with = "required")]
    pub no_require: bool,
    /// Maximum age in seconds since iat (iat becomes required).
    #[arg(long, value_name = "N")]
    pub max_age: Option<u64>,
    /// Required header typ (e.g. at+jwt).
    #[arg(long, value_name = "TYP")]
    pub typ: Option<String>,
    /// Current time as a Unix timestamp (default: the system clock).
    #[arg(long, value_name = "UNIX", allow_negative_numbers = true)]
    pub now: Option<i64>,
    /// Set the key's kid (for a JWKS: use only the key that has this kid).
    #[arg(long, value_name = "K")]
    pub kid: Option<String>,
    /// The key file is a raw HMAC secret (its exact bytes).
    #[arg(long)]
    pub secret: bool,
    /// Accept short HMAC secrets and 1024-2047-bit RSA keys (not recommended).
    #[arg(long)]
    pub allow_weak: bool,
    /// The token; `-` reads stdin.
    #[arg(value_name = "TOKEN")]
    pub token: OsString,
}

#[derive(Args, Debug)]
#[command(after_help = AFTER)]
pub struct InspectArgs {
    /// The token; `-` reads stdin.
    #[arg(value_name = "TOKEN")]
    pub token: OsString,
}
