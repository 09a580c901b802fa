//! End-to-end tests of the `tessera` binary: exit codes, stdout, and the
//! error code on the first line of stderr.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_tessera");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");

/// A fresh temporary directory, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("tessera-cli-{}-{n}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        fs::write(self.0.join(name), bytes).unwrap();
        name.to_owned()
    }
    fn run(&self, args: &[&str]) -> Out {
        self.run_stdin(args, None)
    }
    fn run_stdin(&self, args: &[&str], stdin: Option<&[u8]>) -> Out {
        let mut child = Command::new(BIN)
            .args(args)
            .current_dir(&self.0)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(input) = stdin {
            child.stdin.take().unwrap().write_all(input).unwrap();
        }
        let o = child.wait_with_output().unwrap();
        Out {
            code: o.status.code().expect("killed by a signal"),
            stdout: String::from_utf8(o.stdout).unwrap(),
            stderr: String::from_utf8(o.stderr).unwrap(),
            args: args.iter().map(|s| s.to_string()).collect(),
        }
    }
    /// Runs a command that must succeed; returns stdout without the newline.
    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        o.assert_code(0);
        o.stdout.strip_suffix('\n').unwrap_or(&o.stdout).to_owned()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[derive(Debug)]
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
    #[allow(dead_code)] // shown by {:#?} when an assertion fails
    args: Vec<String>,
}

impl Out {
    fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "{self:#?}");
        self
    }
    /// Asserts the exit code and that stderr's first line starts with `CODE:`.
    fn fails(&self, code: i32, error: &str) -> &Self {
        self.assert_code(code);
        let first = self.stderr.lines().next().unwrap_or("");
        assert!(first.starts_with(&format!("{error}: ")), "{self:#?}");
        assert!(self.stdout.is_empty(), "{self:#?}");
        self
    }
    fn rejected(&self, error: &str) -> &Self {
        self.fails(1, error)
    }
}

fn data(name: &str) -> String {
    Path::new(DATA).join(name).display().to_string()
}

const ALGS: &[&str] = &[
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
    "ES384", "EdDSA",
];

#[test]
fn keygen_sign_verify_every_algorithm() {
    let d = Dir::new("every");
    let claims = r#"{ "sub": "user-ü", "exp": 4102444800, "n": [1, 2.5e3] }"#;
    std::thread::scope(|scope| {
        for alg in ALGS {
            let d = &d;
            scope.spawn(move || {
                let jwk = d.ok(&["keygen", alg, "--kid", &format!("kid-{alg}")]);
                assert!(!jwk.contains('\n'));
                let v: serde_json::Value = serde_json::from_str(&jwk).unwrap();
                assert_eq!(v["alg"], *alg);
                assert_eq!(v["kid"], format!("kid-{alg}"));
                let key = d.write(&format!("{alg}.jwk"), &jwk);

                let token = d.ok(&["sign", "--key", &key, claims]);
                let out = d.run(&["verify", "--key", &key, &token]);
                out.assert_code(0);
                assert_eq!(out.stdout, format!("{claims}\n"));

                let jwks = d.ok(&["jwks", &key]);
                let set: serde_json::Value = serde_json::from_str(&jwks).unwrap();
                let keys = set["keys"].as_array().unwrap();
                if alg.starts_with("HS") {
                    assert!(keys.is_empty(), "HMAC keys are never published");
                } else {
                    assert_eq!(keys.len(), 1);
                    assert!(keys[0].get("d").is_none());
                    let public = d.write(&format!("{alg}.jwks"), &jwks);
                    let out = d.run(&["verify", "--jwks", &public, "--alg", alg, &token]);
                    out.assert_code(0);
                    assert_eq!(out.stdout, format!("{claims}\n"));
                    // A public key cannot sign.
                    d.run(&["sign", "--key", &public, claims])
                        .fails(2, "KEY_NOT_FOUND");
                }
            });
        }
    });
}

#[test]
fn pem_and_der_key_files() {
    let d = Dir::new("pem");
    let claims = r#"{"sub":"pem","exp":4102444800}"#;
    for (private, public) in [
        ("ec.pem", "ec.pub.pem"),
        ("ed.pem", "ed.pub.pem"),
        ("ed.der", "ed.pub.pem"),
        ("rsa.pem", "rsa.pub.pem"),
    ] {
        let token = d.ok(&["sign", "--key", &data(private), claims]);
        assert_eq!(d.ok(&["verify", "--key", &data(public), &token]), claims);
        // The private key verifies too.
        assert_eq!(d.ok(&["verify", "--key", &data(private), &token]), claims);
    }

    // --alg binds an RSA key to PS256 when signing and, with --key, when verifying.
    let token = d.ok(&["sign", "--key", &data("rsa.pem"), "--alg", "PS256", claims]);
    let header = d.ok(&["inspect", &token]);
    assert!(
        header.starts_with(r#"{"header":{"alg":"PS256","typ":"JWT"}"#),
        "{header}"
    );
    let pubkey = data("rsa.pub.pem");
    assert_eq!(
        d.ok(&["verify", "--key", &pubkey, "--alg", "PS256", &token]),
        claims
    );
    d.run(&["verify", "--key", &pubkey, &token])
        .rejected("ALGORITHM_NOT_ALLOWED");
    // An EC key cannot be an RSA or HMAC key.
    d.run(&["sign", "--key", &data("ec.pem"), "--alg", "RS256", claims])
        .fails(2, "INVALID_KEY");

    // --kid sets the key id; the token's kid must then be found when verifying.
    let token = d.ok(&["sign", "--key", &data("ed.pem"), "--kid", "e1", claims]);
    let ed_pub = data("ed.pub.pem");
    d.run(&["verify", "--key", &ed_pub, &token])
        .rejected("KEY_NOT_FOUND");
    assert_eq!(
        d.ok(&["verify", "--key", &ed_pub, "--kid", "e1", &token]),
        claims
    );

    // jwks over several PEM files.
    let jwks = d.ok(&["jwks", &data("ec.pub.pem"), &ed_pub, &data("rsa.pem")]);
    let set: serde_json::Value = serde_json::from_str(&jwks).unwrap();
    assert_eq!(set["keys"].as_array().unwrap().len(), 3);
    assert!(!jwks.contains("\"d\""));
    let set = d.write("set.jwks", &jwks);
    let token = d.ok(&["sign", "--key", &data("ec.pem"), claims]);
    assert_eq!(d.ok(&["verify", "--jwks", &set, &token]), claims);
}

#[test]
fn jwks_files_and_key_selection() {
    let d = Dir::new("jwks");
    let a = d.ok(&["keygen", "ES256", "--kid", "a"]);
    let b = d.ok(&["keygen", "EdDSA", "--kid", "b"]);
    let c = d.write("c.jwk", d.ok(&["keygen", "ES384", "--kid", "c"]));
    let private = d.write("private.jwks", format!(r#"{{"keys":[{a},{b}]}}"#));
    let claims = r#"{"exp":4102444800}"#;

    // A JWKS signs with its first private key, or the one chosen by --kid.
    let t_a = d.ok(&["sign", "--key", &private, claims]);
    let t_b = d.ok(&["sign", "--key", &private, "--kid", "b", claims]);
    assert!(d.ok(&["inspect", &t_b]).contains(r#""kid":"b""#));
    d.run(&["sign", "--key", &private, "--kid", "zz", claims])
        .fails(2, "KEY_NOT_FOUND");
    d.run(&[
        "sign", "--key", &private, "--kid", "b", "--alg", "ES256", claims,
    ])
    .fails(2, "INVALID_KEY");

    // jwks merges JWKS and JWK files.
    let public = d.write("public.jwks", d.ok(&["jwks", &private, &c]));
    let set: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.0.join(&public)).unwrap()).unwrap();
    let kids: Vec<_> = set["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert_eq!(kids, ["a", "b", "c"]);
    for t in [&t_a, &t_b] {
        assert_eq!(d.ok(&["verify", "--jwks", &public, t]), claims);
    }
    // --kid with --jwks narrows the set to one key (ES256: EdDSA is not allowed).
    assert_eq!(
        d.ok(&["verify", "--jwks", &public, "--kid", "a", &t_a]),
        claims
    );
    d.run(&["verify", "--jwks", &public, "--kid", "a", &t_b])
        .rejected("ALGORITHM_NOT_ALLOWED");
    d.run(&["verify", "--jwks", &public, "--kid", "zz", &t_b])
        .fails(2, "KEY_NOT_FOUND");
    // A key whose kid is not in the set.
    let t_c = d.ok(&["sign", "--key", &c, "--kid", "other", claims]);
    d.run(&["verify", "--jwks", &public, &t_c])
        .rejected("KEY_NOT_FOUND");
    // Duplicate kids across files.
    d.run(&["jwks", &private, &private])
        .fails(2, "INVALID_ARGUMENT");
    // --jwks needs a JWKS.
    d.run(&["verify", "--jwks", &c, &t_c])
        .fails(2, "INVALID_KEY");
}

/// Serves `body` for every request on a loopback port until dropped;
/// counts the requests.
struct JwksServer {
    url: String,
    hits: std::sync::Arc<AtomicUsize>,
}

impl JwksServer {
    fn start(body: String) -> JwksServer {
        use std::io::{BufRead, BufReader};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/jwks", listener.local_addr().unwrap());
        let hits = std::sync::Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let mut reader = BufReader::new(conn);
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                    line.clear();
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = reader.get_mut().write_all(reply.as_bytes());
            }
        });
        JwksServer { url, hits }
    }
}

#[test]
fn verify_against_a_jwks_url() {
    let d = Dir::new("jwks-url");
    let a = d.write("a.jwk", d.ok(&["keygen", "ES256", "--kid", "a"]));
    let other = d.write("o.jwk", d.ok(&["keygen", "ES256", "--kid", "o"]));
    let claims = r#"{"exp":4102444800}"#;
    let token = d.ok(&["sign", "--key", &a, claims]);
    let stranger = d.ok(&["sign", "--key", &other, claims]);
    let server = JwksServer::start(d.ok(&["jwks", &a]));

    assert_eq!(d.ok(&["verify", "--jwks-url", &server.url, &token]), claims);
    assert_eq!(server.hits.load(Ordering::SeqCst), 1);
    // An unknown kid: the set was fetched for this very call, so no refetch.
    d.run(&["verify", "--jwks-url", &server.url, &stranger])
        .rejected("KEY_NOT_FOUND");
    assert_eq!(server.hits.load(Ordering::SeqCst), 2);
    // Only https, or http to loopback.
    d.run(&["verify", "--jwks-url", "http://issuer.example/jwks", &token])
        .fails(2, "INVALID_ARGUMENT");
    // Nothing listening: the URL is in the message.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/jwks", l.local_addr().unwrap())
    };
    let o = d.run(&["verify", "--jwks-url", &closed, &token]);
    o.rejected("JWKS_UNAVAILABLE");
    assert!(o.stderr.contains(&closed), "{o:#?}");
}

#[test]
fn raw_secret_files() {
    let d = Dir::new("secret");
    let claims = r#"{"sub":"s","exp":4102444800}"#;
    // The file's exact bytes, trailing newline included, are the secret.
    let secret = format!("{}\n", "k".repeat(39));
    let s40 = d.write("s40", &secret);
    let token = d.ok(&["sign", "--key", &s40, "--secret", claims]);
    assert!(d.ok(&["inspect", &token]).contains(r#""alg":"HS256""#));
    assert_eq!(d.ok(&["verify", "--key", &s40, "--secret", &token]), claims);
    let trimmed = d.write("trimmed", secret.trim_end());
    d.run(&["verify", "--key", &trimmed, "--secret", &token])
        .rejected("INVALID_SIGNATURE");

    // HS512 needs 64 bytes; --alg picks the HMAC algorithm.
    let s64 = d.write("s64", [7u8; 64]);
    let token = d.ok(&["sign", "--key", &s64, "--secret", "--alg", "HS512", claims]);
    assert_eq!(
        d.ok(&["verify", "--key", &s64, "--secret", "--alg", "HS512", &token]),
        claims
    );
    d.run(&["verify", "--key", &s64, "--secret", &token])
        .rejected("ALGORITHM_NOT_ALLOWED");
    d.run(&["sign", "--key", &s40, "--secret", "--alg", "HS512", claims])
        .fails(2, "INVALID_KEY");
    d.run(&[
        "verify", "--key", &s40, "--secret", "--alg", "HS512", &token,
    ])
    .fails(2, "INVALID_KEY");
    d.run(&["sign", "--key", &s64, "--secret", "--alg", "ES256", claims])
        .fails(2, "INVALID_KEY");

    // A short secret is a key problem (exit 2) unless --allow-weak.
    let short = d.write("short", "too-short-secret");
    d.run(&["sign", "--key", &short, "--secret", claims])
        .fails(2, "INVALID_KEY");
    d.run(&["verify", "--key", &short, "--secret", &token])
        .fails(2, "INVALID_KEY");
    let weak = d.ok(&["sign", "--key", &short, "--secret", "--allow-weak", claims]);
    assert_eq!(
        d.ok(&["verify", "--key", &short, "--secret", "--allow-weak", &weak]),
        claims
    );
    // Without --secret, a raw file is not a key format.
    d.run(&["sign", "--key", &s40, claims])
        .fails(2, "INVALID_KEY");
}

/// A key pair of `alg` in `d`: (private JWK file, public JWKS file).
fn pair(d: &Dir, alg: &str, name: &str) -> (String, String) {
    let private = d.write(&format!("{name}.jwk"), d.ok(&["keygen", alg]));
    let public = d.write(&format!("{name}.jwks"), d.ok(&["jwks", &private]));
    (private, public)
}

#[test]
fn verify_rejections_exit_1_with_the_code_first() {
    let d = Dir::new("reject");
    let (key, public) = pair(&d, "ES256", "k");
    let (other, _) = pair(&d, "ES256", "other");
    let claims = r#"{"iss":"https://issuer.example","aud":["api","web"],"sub":"u1","iat":1700000000,"exp":1800000000,"nbf":1700000000}"#;
    let token = d.ok(&["sign", "--key", &key, claims]);
    let at = |now: &str, extra: &[&str]| {
        let mut args = vec![
            "verify",
            "--jwks",
            public.as_str(),
            "--now",
            now,
            "--aud",
            "api",
        ];
        args.extend_from_slice(extra);
        args.push(&token);
        d.run(&args)
    };
    let ok = at(
        "1750000000",
        &["--iss", "https://issuer.example", "--sub", "u1"],
    );
    ok.assert_code(0);
    assert_eq!(ok.stdout, format!("{claims}\n"));
    assert!(ok.stderr.is_empty());

    at("1800000001", &[]).rejected("EXPIRED");
    assert!(at("1800000001", &[]).stderr.contains("exp"));
    at("1800000001", &["--leeway", "5"]).assert_code(0);
    at("1600000000", &[]).rejected("NOT_YET_VALID");
    at("1750000000", &["--iss", "https://other.example"]).rejected("INVALID_ISSUER");
    at(
        "1750000000",
        &[
            "--iss",
            "https://other.example",
            "--iss",
            "https://issuer.example",
        ],
    )
    .assert_code(0);
    d.run(&[
        "verify",
        "--jwks",
        &public,
        "--now",
        "1750000000",
        "--aud",
        "mobile",
        &token,
    ])
    .rejected("INVALID_AUDIENCE");
    d.run(&["verify", "--jwks", &public, "--now", "1750000000", &token])
        .rejected("INVALID_AUDIENCE");
    at("1750000000", &["--sub", "u2"]).rejected("INVALID_SUBJECT");
    at("1750000000", &["--require", "jti"]).rejected("MISSING_CLAIM");
    at("1750000000", &["--max-age", "60"]).rejected("TOO_OLD");
    at("1750000000", &["--typ", "at+jwt"]).rejected("INVALID_TYPE");
    at("1750000000", &["--alg", "ES384"]).rejected("ALGORITHM_NOT_ALLOWED");
    at("1750000000", &["--alg", "HS256"]).rejected("ALGORITHM_NOT_ALLOWED");
    // --alg with --key: a key of another type is not rebound, the token is rejected.
    d.run(&[
        "verify",
        "--key",
        &key,
        "--alg",
        "ES384",
        "--now",
        "1750000000",
        "--aud",
        "api",
        &token,
    ])
    .rejected("ALGORITHM_NOT_ALLOWED");
    d.run(&[
        "verify",
        "--key",
        &other,
        "--now",
        "1750000000",
        "--aud",
        "api",
        &token,
    ])
    .rejected("INVALID_SIGNATURE");

    // Tampered payload.
    let parts: Vec<&str> = token.split('.').collect();
    let forged = format!("{}.{}.{}", parts[0], "eyJzdWIiOiJhZG1pbiJ9", parts[2]);
    d.run(&["verify", "--jwks", &public, "--now", "1750000000", &forged])
        .rejected("INVALID_SIGNATURE");
}

#[test]
fn required_claims() {
    let d = Dir::new("require");
    let (key, _) = pair(&d, "EdDSA", "k");
    let no_exp = r#"{"sub":"u"}"#;
    let token = d.ok(&["sign", "--key", &key, no_exp]);
    // exp is required by default.
    d.run(&["verify", "--key", &key, &token])
        .rejected("MISSING_CLAIM");
    // --require replaces the default list.
    assert_eq!(
        d.ok(&["verify", "--key", &key, "--require", "sub", &token]),
        no_exp
    );
    d.run(&[
        "verify",
        "--key",
        &key,
        "--require",
        "sub",
        "--require",
        "exp",
        &token,
    ])
    .rejected("MISSING_CLAIM");
    d.run(&["verify", "--key", &key, "--require", "tenant", &token])
        .rejected("MISSING_CLAIM");
    // --no-require requires nothing.
    assert_eq!(
        d.ok(&["verify", "--key", &key, "--no-require", &token]),
        no_exp
    );
    d.run(&[
        "verify",
        "--key",
        &key,
        "--no-require",
        "--require",
        "sub",
        &token,
    ])
    .assert_code(2);
}

#[test]
fn malformed_tokens_are_rejections() {
    let d = Dir::new("malformed");
    let (key, _) = pair(&d, "HS256", "k");
    let token = d.ok(&["sign", "--key", &key, r#"{"exp":4102444800}"#]);
    for bad in [
        "",
        "   ",
        "-abc",
        "a.b",
        "a.b.c.d",
        &format!(" {token}"),
        &format!("{token}\n"),
    ] {
        d.run(&["verify", "--key", &key, "--", bad])
            .rejected("MALFORMED");
        d.run(&["inspect", "--", bad]).rejected("MALFORMED");
    }
    // Without `--`, an empty argument is still a token.
    d.run(&["verify", "--key", &key, ""]).rejected("MALFORMED");

    // `-` reads stdin; surrounding whitespace is stripped there only.
    let verify_stdin = |input: &[u8]| d.run_stdin(&["verify", "--key", &key, "-"], Some(input));
    let good = verify_stdin(format!("  {token}\n").as_bytes());
    good.assert_code(0);
    assert_eq!(good.stdout, "{\"exp\":4102444800}\n");
    verify_stdin(b"not-a-token\n").rejected("MALFORMED");
    verify_stdin(b"").rejected("MALFORMED");
    verify_stdin(b" \n\t\n").rejected("MALFORMED");
    verify_stdin(b"\xff\xfe.a.b").rejected("MALFORMED");
    d.run_stdin(&["inspect", "-"], Some(b"\xff.a.b"))
        .rejected("MALFORMED");

    // Too large.
    let huge = format!("{}.{}.{}", "a".repeat(9000), "b".repeat(9000), "c");
    d.run(&["verify", "--key", &key, &huge])
        .rejected("TOO_LARGE");
}

#[test]
fn inspect_prints_header_and_claims_without_verifying() {
    let d = Dir::new("inspect");
    let (key, _) = pair(&d, "ES384", "k");
    let claims = r#"{"sub":"x","exp":1}"#;
    let token = d.ok(&[
        "sign",
        "--key",
        &key,
        "--kid",
        "i1",
        "--header",
        r#"{"typ":"at+jwt","x-extra":[1]}"#,
        claims,
    ]);
    let out = d.run(&["inspect", &token]);
    out.assert_code(0);
    assert_eq!(
        out.stdout,
        format!(
            "{{\"header\":{{\"alg\":\"ES384\",\"typ\":\"at+jwt\",\"kid\":\"i1\",\"x-extra\":[1]}},\"claims\":{claims}}}\n"
        )
    );
    assert!(out.stderr.contains("nothing was verified"), "{out:#?}");
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["claims"]["sub"], "x");
    // Expired and unverifiable: inspect does not care.
    let piped = d.run_stdin(&["inspect", "-"], Some(format!("{token}\n").as_bytes()));
    assert_eq!(piped.stdout, out.stdout);
    // The typ set in the header is checked by verify --typ.
    assert_eq!(
        d.ok(&["verify", "--key", &key, "--kid", "i1", "--typ", "at+jwt", "--now", "0", &token]),
        claims
    );
}

#[test]
fn sign_inputs() {
    let d = Dir::new("sign");
    let (key, _) = pair(&d, "HS384", "k");
    let claims = "{\"a\":\"b\",\n \"exp\": 4102444800}";
    // Claims from stdin, surrounding whitespace stripped, else signed as given.
    let out = d.run_stdin(
        &["sign", "--key", &key, "-"],
        Some(format!("\n{claims}\n").as_bytes()),
    );
    out.assert_code(0);
    let token = out.stdout.trim_end();
    assert_eq!(d.ok(&["verify", "--key", &key, token]), claims);

    d.run(&["sign", "--key", &key, "{not json"])
        .fails(2, "INVALID_ARGUMENT");
    d.run(&["sign", "--key", &key, "[1,2]"])
        .fails(2, "INVALID_ARGUMENT");
    d.run(&["sign", "--key", &key, r#"{"a":1,"a":2}"#])
        .fails(2, "INVALID_ARGUMENT");
    d.run(&["sign", "--key", &key, "--header", "[]", "{}"])
        .fails(2, "INVALID_ARGUMENT");
    d.run(&[
        "sign",
        "--key",
        &key,
        "--header",
        r#"{"alg":"HS256"}"#,
        "{}",
    ])
    .fails(2, "INVALID_ARGUMENT");
    d.run(&["sign", "--key", &key, "--header", r#"{"crit":["x"]}"#, "{}"])
        .fails(2, "INVALID_ARGUMENT");
    d.run(&["sign", "--key", &key, "--alg", "none", "{}"])
        .fails(2, "ALGORITHM_NOT_ALLOWED");
}

#[test]
fn usage_errors_exit_2() {
    let d = Dir::new("usage");
    let (key, _) = pair(&d, "HS256", "k");
    for args in [
        &[][..],
        &["frobnicate"],
        &["verify", "tok"],
        &["verify", "--key"],
        &["verify", "--key", &key],
        &["verify", "--key", &key, "--jwks", &key, "tok"],
        &["verify", "--key", &key, "--bogus", "tok"],
        &["verify", "--key", &key, "--leeway", "soon", "tok"],
        &["verify", "--key", &key, "--now", "yesterday", "tok"],
        &["verify", "--key", &key, "-abc"],
        &["sign", "{}"],
        &["keygen"],
        &["jwks"],
        &["inspect"],
        &["inspect", "a", "b"],
    ] {
        let out = d.run(args);
        out.assert_code(2);
        assert!(out.stdout.is_empty(), "{out:#?}");
        assert!(!out.stderr.is_empty(), "{out:#?}");
    }
    d.run(&["keygen", "HS999"])
        .fails(2, "UNSUPPORTED_ALGORITHM");
    d.run(&["keygen", "none"]).fails(2, "ALGORITHM_NOT_ALLOWED");
    d.run(&["verify", "--key", &key, "--alg", "hs256", "tok"])
        .fails(2, "UNSUPPORTED_ALGORITHM");
    d.run(&["verify", "--key", "missing.jwk", "tok"])
        .fails(2, "INVALID_ARGUMENT");
    d.run(&["jwks", "missing.jwk"]).fails(2, "INVALID_ARGUMENT");
    let junk = d.write("junk.txt", "hello");
    d.run(&["jwks", &junk]).fails(2, "INVALID_KEY");
    let bad_jwk = d.write("bad.jwk", r#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#);
    d.run(&["verify", "--key", &bad_jwk, "tok"])
        .fails(2, "INVALID_KEY");
    let bad_json = d.write("bad.json", "{\"kty\":");
    d.run(&["sign", "--key", &bad_json, "{}"])
        .fails(2, "MALFORMED");
    let bad_pem = d.write(
        "bad.pem",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    );
    d.run(&["verify", "--key", &bad_pem, "tok"])
        .fails(2, "INVALID_KEY");
}

#[test]
fn help_and_version() {
    let d = Dir::new("help");
    let version = d.ok(&["--version"]);
    assert_eq!(version, format!("tessera {}", env!("CARGO_PKG_VERSION")));
    assert!(d.ok(&["--help"]).contains("Exit codes"));
    for cmd in ["keygen", "jwks", "sign", "verify", "inspect"] {
        let help = d.ok(&[cmd, "--help"]);
        assert!(help.contains("Usage: tessera"), "{help}");
        let help2 = d.ok(&["help", cmd]);
        assert_eq!(help, help2);
    }
    let verify = d.ok(&["verify", "--help"]);
    for flag in [
        "--key",
        "--jwks",
        "--alg",
        "--iss",
        "--aud",
        "--sub",
        "--leeway",
        "--require",
        "--no-require",
        "--max-age",
        "--typ",
        "--now",
        "--secret",
        "--kid",
    ] {
        assert!(verify.contains(flag), "{flag} missing from verify --help");
    }
}
