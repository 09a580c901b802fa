//! How the CLI fails: an exit code and one message line for stderr.
//!
//! Exit codes are the contract for scripts:
//! `0` success, `1` the token was rejected (verify, inspect),
//! `2` anything else: usage, unreadable or invalid key files, bad arguments.

use std::fmt;

use tessera::{Error, ErrorCode};

/// The token was rejected.
pub const EXIT_REJECTED: u8 = 1;
/// Usage, key or argument problem.
pub const EXIT_USAGE: u8 = 2;

/// A failure: the process exit code and the stderr message (first line
/// starts with a Tessera error code, e.g. `EXPIRED: token has expired`).
#[derive(Debug)]
pub struct Failure {
    pub exit: u8,
    pub message: String,
}

impl Failure {
    /// A rejected token (exit 1).
    pub fn rejected(err: &Error) -> Failure {
        Failure {
            exit: EXIT_REJECTED,
            message: describe(err),
        }
    }

    /// A key, argument or other non-token problem (exit 2).
    pub fn usage(err: &Error) -> Failure {
        Failure {
            exit: EXIT_USAGE,
            message: describe(err),
        }
    }

    /// A problem detected by the CLI itself (exit 2), with a Tessera code.
    pub fn new(code: ErrorCode, message: impl fmt::Display) -> Failure {
        Failure {
            exit: EXIT_USAGE,
            message: format!("{code}: {message}"),
        }
    }

    /// Adds context (e.g. the key file) after the message.
    pub fn context(mut self, what: impl fmt::Display) -> Failure {
        self.message = format!("{} ({what})", self.message);
        self
    }
}

/// `CODE: message`, plus ` (claim: name)` when the error is about a claim.
fn describe(err: &Error) -> String {
    match err.claim() {
        Some(claim) => format!("{err} (claim: {claim})"),
        None => err.to_string(),
    }
}

/// Maps a core error on a non-token operation to exit 2.
pub trait OrUsage<T> {
    fn or_usage(self) -> Result<T, Failure>;
}

impl<T> OrUsage<T> for Result<T, Error> {
    fn or_usage(self) -> Result<T, Failure> {
        self.map_err(|e| Failure::usage(&e))
    }
}
