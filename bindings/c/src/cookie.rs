//! Arguments shared by the cookie codecs (`tessera_flask_cookie`,
//! `tessera_signer`, `tessera_express_*`, …): lists of secrets, the clock,
//! optional maximum ages and untrusted cookie text. Conversion only: every
//! rule lives in `tessera::cookie`.

use tessera::{Error, ErrorCode};

use crate::ffi::{bytes, invalid_argument};

/// Pass as `now` to use the system clock (Unix seconds). Any other value is
/// the current time in Unix seconds, for tests and replays.
pub const TESSERA_NOW: i64 = -9223372036854775807 - 1;

/// Pass for an optional integer argument to leave it out: a `Max-Age` or
/// `Expires` attribute, a Rails cookie's expiry (the same value as
/// `TESSERA_NOW`, `INT64_MIN`, which is never a meaningful time).
pub const TESSERA_UNSET: i64 = -9223372036854775807 - 1;

/// Pass as `max_age` for no age limit (other negative values are
/// `TESSERA_STATUS_INVALID_ARGUMENT`).
pub const TESSERA_NO_MAX_AGE: i64 = -1;

/// `now`, or the system clock for [`TESSERA_NOW`] (Unix seconds).
pub(crate) fn now_or_clock(now: i64) -> i64 {
    if now != TESSERA_NOW {
        return now;
    }
    tessera::unix_now()
}

/// `now_ms`, or the system clock for [`TESSERA_NOW`] (Unix milliseconds).
pub(crate) fn now_ms_or_clock(now_ms: i64) -> i64 {
    if now_ms != TESSERA_NOW {
        return now_ms;
    }
    tessera::unix_now_ms()
}

/// A maximum age in seconds: `None` for [`TESSERA_NO_MAX_AGE`].
pub(crate) fn max_age(n: i64, what: &'static str) -> Result<Option<u64>, Error> {
    match n {
        TESSERA_NO_MAX_AGE => Ok(None),
        n => u64::try_from(n).map(Some).map_err(|_| {
            invalid_argument(format!("{what} must be >= 0 seconds or TESSERA_NO_MAX_AGE"))
        }),
    }
}

/// `count` secrets given as an array of pointers and an array of lengths
/// (`secrets[i]` holds `secret_lens[i]` bytes). `count` 0 is the empty list
/// (both arrays may then be NULL); otherwise a NULL array or a NULL secret
/// with a non-zero length is `INVALID_ARGUMENT`. Whether an empty list or an
/// empty secret is acceptable is the core's decision.
///
/// # Safety
/// When `count > 0`, `secrets` and `secret_lens` are NULL or readable for
/// `count` elements, and each `secrets[i]` is NULL or readable for
/// `secret_lens[i]` bytes, all for `'a`.
pub(crate) unsafe fn secret_list<'a>(
    secrets: *const *const u8,
    secret_lens: *const usize,
    count: usize,
    what: &'static str,
) -> Result<Vec<&'a [u8]>, Error> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if secrets.is_null() || secret_lens.is_null() {
        return Err(invalid_argument(format!(
            "{what}: NULL array with a count of {count}"
        )));
    }
    if count > isize::MAX as usize / std::mem::size_of::<*const u8>() {
        return Err(invalid_argument(format!("{what}: count is too large")));
    }
    // SAFETY: non-NULL and readable for `count` elements per the contract.
    let (ptrs, lens) = unsafe {
        (
            std::slice::from_raw_parts(secrets, count),
            std::slice::from_raw_parts(secret_lens, count),
        )
    };
    ptrs.iter()
        .zip(lens)
        // SAFETY: each secret is readable for its length per the contract.
        .map(|(&p, &len)| unsafe { bytes(p, len, what) })
        .collect()
}

/// Untrusted cookie text (a cookie value, a `Cookie` header, a signed
/// value) given as pointer + length. Not UTF-8 is `MALFORMED`: bad input
/// from the network, not a caller mistake.
///
/// # Safety
/// `ptr` is NULL or readable for `len` bytes for `'a`.
pub(crate) unsafe fn cookie_text<'a>(
    ptr: *const u8,
    len: usize,
    what: &'static str,
) -> Result<&'a str, Error> {
    // SAFETY: per the contract.
    let b = unsafe { bytes(ptr, len, what) }?;
    std::str::from_utf8(b)
        .map_err(|_| Error::new(ErrorCode::Malformed, format!("{what} is not UTF-8")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_and_max_age() {
        assert_eq!(now_or_clock(5), 5);
        assert_eq!(now_or_clock(-5), -5);
        assert!(now_or_clock(TESSERA_NOW) > 1_700_000_000);
        assert_eq!(now_ms_or_clock(7), 7);
        assert!(now_ms_or_clock(TESSERA_NOW) / 1000 >= now_or_clock(TESSERA_NOW) - 1);
        assert_eq!(TESSERA_UNSET, i64::MIN);
        assert_eq!(TESSERA_NOW, i64::MIN);
        assert_eq!(max_age(TESSERA_NO_MAX_AGE, "m").unwrap(), None);
        assert_eq!(max_age(0, "m").unwrap(), Some(0));
        assert_eq!(
            max_age(-2, "m").unwrap_err().code(),
            ErrorCode::InvalidArgument
        );
    }

    #[test]
    fn secret_lists() {
        let (a, b) = (b"one".as_ptr(), b"three".as_ptr());
        let ptrs = [a, b];
        let lens = [3usize, 5];
        let got = unsafe { secret_list(ptrs.as_ptr(), lens.as_ptr(), 2, "k") }.unwrap();
        assert_eq!(got, [&b"one"[..], &b"three"[..]]);
        assert!(
            unsafe { secret_list(std::ptr::null(), std::ptr::null(), 0, "k") }
                .unwrap()
                .is_empty()
        );
        let code = |r: Result<Vec<&[u8]>, Error>| r.unwrap_err().code();
        assert_eq!(
            code(unsafe { secret_list(std::ptr::null(), lens.as_ptr(), 1, "k") }),
            ErrorCode::InvalidArgument
        );
        let nulls = [std::ptr::null::<u8>()];
        assert_eq!(
            code(unsafe { secret_list(nulls.as_ptr(), lens.as_ptr(), 1, "k") }),
            ErrorCode::InvalidArgument
        );
        let bad = b"\xff";
        assert_eq!(
            unsafe { cookie_text(bad.as_ptr(), 1, "c") }
                .unwrap_err()
                .code(),
            ErrorCode::Malformed
        );
    }
}
