//! `tessera`: the command-line face of the Tessera core (keygen, jwks, sign,
//! verify, inspect). Argument conversion and I/O only; every rule is the core's.
//!
//! Exit codes: 0 ok, 1 token rejected, 2 usage/key/argument problem (clap's
//! own parse errors also exit 2). Failures print `CODE: message` first on stderr.

#![forbid(unsafe_code)]

mod cli;
mod cmd;
mod fail;
mod input;
mod keys;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cmd::run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            let _ = writeln!(io::stderr(), "{}", f.message);
            ExitCode::from(f.exit)
        }
    }
}
