//! The `Cookie` request header parser (`cookie::header::parse_cookie_header`)
//! and the `Set-Cookie` writer (`set_cookie`).
//!
//! Invariants: no panic, no `INTERNAL`; every pair is a non-empty name
//! without `=`/`;` and a value without `;`, both without surrounding
//! spaces/tabs; the pairs re-serialized as `name="value"; …` parse to the
//! same pairs; a pair `set_cookie` accepts gives a line whose `name=value`
//! part parses back to that pair.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera::cookie::header::{parse_cookie_header, set_cookie, CookieAttributes};
use tessera_fuzz::{ok, text};

fuzz_target!(|data: &[u8]| {
    let s = text(data);
    let Some(pairs) = ok(parse_cookie_header(&s), data) else {
        return;
    };
    let ws = |c: char| c == ' ' || c == '\t';
    for (n, v) in &pairs {
        assert!(!n.is_empty() && !n.contains(['=', ';']), "name {n:?}");
        assert!(!n.starts_with(ws) && !n.ends_with(ws), "name {n:?}");
        assert!(!v.contains(';'), "value {v:?}");
    }
    let again = pairs
        .iter()
        .map(|(n, v)| format!("{n}=\"{v}\""))
        .collect::<Vec<_>>()
        .join("; ");
    assert_eq!(parse_cookie_header(&again).expect("re-serialized"), pairs);
    let attrs = CookieAttributes::default();
    for (n, v) in &pairs {
        if let Ok(line) = set_cookie(n, v, &attrs) {
            let first = line.split(';').next().unwrap_or_default();
            let back = parse_cookie_header(first).expect("Set-Cookie pair parses");
            let v = v
                .strip_prefix('"')
                .and_then(|x| x.strip_suffix('"'))
                .unwrap_or(v);
            assert_eq!(back, vec![(n.clone(), v.to_owned())]);
        }
    }
});
