//! The panic boundary and the thread-local last error.
//!
//! Every exported function runs its body inside [`boundary`] (functions that
//! return a status) or [`guard`] (getters and `_free` functions), so a panic
//! never unwinds into C: it becomes `TESSERA_STATUS_INTERNAL` (or the
//! getter's default) and the process keeps running.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use tessera::{Error, ErrorCode};

use crate::error::tessera_status;

/// The last failure on this thread: the message (`"EXPIRED: token expired"`)
/// and the claim it concerns, both NUL-terminated for C.
struct LastError {
    message: CString,
    claim: Option<CString>,
}

thread_local! {
    static LAST_ERROR: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

/// A C string from text that may contain NUL bytes (they become `\0`).
fn c_text(s: &str) -> CString {
    CString::new(s.replace('\0', "\\0")).unwrap_or_default()
}

fn set_last_error(e: &Error) {
    let last = LastError {
        message: c_text(&e.to_string()),
        claim: e.claim().map(c_text),
    };
    // `try_with`: during thread teardown the slot may already be gone.
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = Some(last));
}

fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = None);
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic payload".to_owned());
    format!("panic caught at the C boundary (a bug in Tessera): {text}")
}

/// Drops a panic payload without letting a panicking `Drop` escape.
fn discard(payload: Box<dyn Any + Send>) {
    if let Err(again) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        std::mem::forget(again);
    }
}

/// Runs `f` (the body of a status-returning export): `Ok` clears the last
/// error and returns `TESSERA_STATUS_OK`; an error records its message and
/// claim and returns its code; a panic is `TESSERA_STATUS_INTERNAL`.
pub(crate) fn boundary(f: impl FnOnce() -> Result<(), Error>) -> tessera_status {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => {
            clear_last_error();
            tessera_status::Ok
        }
        Ok(Err(e)) => {
            set_last_error(&e);
            tessera_status::from(e.code())
        }
        Err(payload) => {
            let e = Error::new(ErrorCode::Internal, panic_message(&*payload));
            discard(payload);
            set_last_error(&e);
            tessera_status::Internal
        }
    }
}

/// Runs `f` (a getter or `_free`) and returns `default` if it panics. Does not
/// touch the last error.
pub(crate) fn guard<T>(default: T, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(payload) => {
            discard(payload);
            default
        }
    }
}

fn last_error_field(pick: impl Fn(&LastError) -> Option<*const c_char>) -> *const c_char {
    guard(ptr::null(), || {
        LAST_ERROR
            .try_with(|slot| slot.borrow().as_ref().and_then(&pick))
            .ok()
            .flatten()
            .unwrap_or(ptr::null())
    })
}

/// The message of the last failed call on this thread, e.g.
/// `"EXPIRED: token expired"` (the code, a colon, a human-readable message;
/// messages may change between versions, codes do not), or NULL if the last
/// status-returning call on this thread succeeded (or there was none).
///
/// The pointer stays valid until the next status-returning `tessera_*` call on
/// this thread; `_free` functions, getters that return no status,
/// `tessera_status_str` and these two functions leave it alone. Do not free it.
#[no_mangle]
pub extern "C" fn tessera_last_error_message() -> *const c_char {
    last_error_field(|e| Some(e.message.as_ptr()))
}

/// The claim (or header member) the last failure on this thread concerns,
/// e.g. `"exp"` after `TESSERA_STATUS_EXPIRED`, or NULL when it concerns no
/// claim or the last call succeeded. Same lifetime as
/// `tessera_last_error_message`. Do not free it.
#[no_mangle]
pub extern "C" fn tessera_last_error_claim() -> *const c_char {
    last_error_field(|e| e.claim.as_ref().map(|c| c.as_ptr()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn message() -> Option<String> {
        let p = tessera_last_error_message();
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned())
    }

    #[test]
    fn panics_become_internal_and_success_clears() {
        std::panic::set_hook(Box::new(|_| {}));
        let status = boundary(|| panic!("boom"));
        let _ = std::panic::take_hook();
        assert_eq!(status, tessera_status::Internal);
        assert!(message().unwrap().contains("boom"));
        assert!(tessera_last_error_claim().is_null());
        assert_eq!(boundary(|| Ok(())), tessera_status::Ok);
        assert_eq!(message(), None);
    }

    #[test]
    fn errors_keep_code_message_and_claim() {
        let status = boundary(|| Err(Error::claim_error(ErrorCode::Expired, "exp", "gone\0")));
        assert_eq!(status, tessera_status::Expired);
        assert_eq!(message().unwrap(), "EXPIRED: gone\\0");
        let claim = unsafe { CStr::from_ptr(tessera_last_error_claim()) };
        assert_eq!(claim.to_str().unwrap(), "exp");
        // Another thread has its own slot.
        std::thread::spawn(|| assert_eq!(message(), None))
            .join()
            .unwrap();
        assert_eq!(guard(7, || panic!("quiet")), 7);
    }
}
