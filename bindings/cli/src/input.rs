//! Reading arguments that may come from stdin (`-`) and writing results.

use std::ffi::OsString;
use std::io::{self, Read, Write};

use tessera::{Algorithm, ErrorCode};

use crate::fail::{Failure, OrUsage};

/// The bytes of a TOKEN argument. `-` reads standard input and strips
/// surrounding whitespace (a trailing newline); an argument is passed as is,
/// so an empty or whitespace-only token reaches the core (`MALFORMED`).
pub fn token_bytes(arg: OsString) -> Result<Vec<u8>, Failure> {
    if arg == "-" {
        Ok(trim(read_stdin()?))
    } else {
        Ok(arg.into_encoded_bytes())
    }
}

/// The text of a CLAIMS_JSON argument (`-` = stdin, surrounding whitespace stripped).
pub fn text_arg(arg: String) -> Result<String, Failure> {
    if arg != "-" {
        return Ok(arg);
    }
    String::from_utf8(trim(read_stdin()?))
        .map_err(|_| Failure::new(ErrorCode::InvalidArgument, "standard input is not UTF-8"))
}

fn read_stdin() -> Result<Vec<u8>, Failure> {
    let mut buf = Vec::new();
    io::stdin().lock().read_to_end(&mut buf).map_err(|e| {
        Failure::new(
            ErrorCode::InvalidArgument,
            format!("cannot read standard input: {e}"),
        )
    })?;
    Ok(buf)
}

fn trim(bytes: Vec<u8>) -> Vec<u8> {
    bytes.trim_ascii().to_vec()
}

/// Parses an algorithm name given on the command line (exit 2 if unknown).
pub fn alg(name: &str) -> Result<Algorithm, Failure> {
    Algorithm::parse(name)
        .or_usage()
        .map_err(|f| f.context(format_args!("got {name:?}")))
}

/// Writes one line to stdout.
pub fn print_line(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| Failure::new(ErrorCode::Internal, format!("cannot write output: {e}")))
}

/// Writes a `note: ...` line to stderr (ignoring a closed stderr).
pub fn note(text: &str) {
    let _ = writeln!(io::stderr(), "note: {text}");
}
