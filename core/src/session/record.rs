//! The JSON records kept in the store (`docs/sessions.md`). Unknown fields
//! are ignored (forward compatibility); a record with another `v`, missing
//! fields or the wrong types is `MALFORMED`, never "absent".

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::{Error, ErrorCode, Result};

/// The format version written in every record.
pub(crate) const VERSION: u32 = 1;

fn garbage(what: &str, e: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorCode::Malformed,
        format!("store holds a bad {what} record: {e}"),
    )
}

/// Parses `bytes` as a `T` record of format version 1. The error says what
/// is wrong and where, never a stored value (serde quotes them).
pub(crate) fn decode<'a, T: Deserialize<'a> + Versioned>(what: &str, bytes: &'a [u8]) -> Result<T> {
    let rec: T =
        serde_json::from_slice(bytes).map_err(|e| garbage(what, crate::error::serde_detail(&e)))?;
    if rec.v() != VERSION {
        return Err(garbage(
            what,
            format!("format version {} (this build reads {VERSION})", rec.v()),
        ));
    }
    Ok(rec)
}

/// JSON text of a record.
pub(crate) fn encode<T: Serialize>(rec: &T) -> Vec<u8> {
    // Serializing these plain structs cannot fail.
    serde_json::to_vec(rec).unwrap_or_default()
}

pub(crate) trait Versioned {
    fn v(&self) -> u32;
}

/// `s:<hash>`: one server-side session.
#[derive(Serialize, Deserialize)]
pub(crate) struct SessionRecord<'a> {
    pub v: u32,
    #[serde(borrow)]
    pub data: &'a RawValue,
    pub user: Option<String>,
    pub created: i64,
    pub expires: i64,
    pub version: u64,
}

/// `d:<jti>`: a revoked token id.
#[derive(Serialize, Deserialize)]
pub(crate) struct DenyRecord {
    pub v: u32,
    pub exp: i64,
}

/// `r:<hash>`: one refresh token.
#[derive(Serialize, Deserialize)]
pub(crate) struct RefreshRecord<'a> {
    pub v: u32,
    pub family: String,
    pub user: String,
    #[serde(borrow)]
    pub data: Option<&'a RawValue>,
    pub state: TokenState,
    pub expires: i64,
}

/// Whether a refresh token may still be rotated.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
pub(crate) enum TokenState {
    Active,
    Rotated,
}

/// `f:<family>`: a refresh-token family.
#[derive(Serialize, Deserialize)]
pub(crate) struct FamilyRecord {
    pub v: u32,
    pub user: String,
    pub revoked: Option<Revoked>,
}

/// Why a family was revoked.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Revoked {
    /// A rotated token was presented again.
    Reused,
    /// `revoke_family` was called.
    Revoked,
}

impl Versioned for SessionRecord<'_> {
    fn v(&self) -> u32 {
        self.v
    }
}
impl Versioned for DenyRecord {
    fn v(&self) -> u32 {
        self.v
    }
}
impl Versioned for RefreshRecord<'_> {
    fn v(&self) -> u32 {
        self.v
    }
}
impl Versioned for FamilyRecord {
    fn v(&self) -> u32 {
        self.v
    }
}
