//! A minimal, strict DER reader for the key containers Tessera accepts:
//! PKCS#8, SubjectPublicKeyInfo, PKCS#1 (RSA), SEC1 (EC) and the SPKI inside
//! an X.509 certificate. Only definite, minimal lengths are accepted.

use crate::error::{Error, ErrorCode};

pub(crate) const SEQUENCE: u8 = 0x30;
pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const BIT_STRING: u8 = 0x03;
pub(crate) const OCTET_STRING: u8 = 0x04;
pub(crate) const OID: u8 = 0x06;
pub(crate) const CONTEXT_0: u8 = 0xa0;
pub(crate) const CONTEXT_1: u8 = 0xa1;

pub(crate) const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
pub(crate) const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
pub(crate) const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
pub(crate) const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
pub(crate) const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];

fn bad() -> Error {
    Error::new(ErrorCode::InvalidKey, "invalid DER key encoding")
}

/// A cursor over DER bytes.
#[derive(Clone)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Reader { data }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The tag of the next element, if any.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.data.first().copied()
    }

    /// Reads any element: (tag, contents).
    pub(crate) fn any(&mut self) -> Result<(u8, &'a [u8]), Error> {
        let d = self.data;
        if d.len() < 2 {
            return Err(bad());
        }
        let tag = d[0];
        if tag & 0x1f == 0x1f {
            return Err(bad()); // multi-byte tags never occur in key containers
        }
        let (len, hdr): (usize, usize) = match d[1] {
            n if n < 0x80 => (n as usize, 2),
            0x81 => {
                let n = *d.get(2).ok_or_else(bad)? as usize;
                if n < 0x80 {
                    return Err(bad());
                }
                (n, 3)
            }
            0x82 => {
                let n = u16::from_be_bytes([*d.get(2).ok_or_else(bad)?, *d.get(3).ok_or_else(bad)?])
                    as usize;
                if n < 0x100 {
                    return Err(bad());
                }
                (n, 4)
            }
            _ => return Err(bad()), // indefinite or > 64 KiB: never a key
        };
        let end = hdr.checked_add(len).ok_or_else(bad)?;
        if end > d.len() {
            return Err(bad());
        }
        self.data = &d[end..];
        Ok((tag, &d[hdr..end]))
    }

    /// Reads an element that must have `tag`.
    pub(crate) fn expect(&mut self, tag: u8) -> Result<&'a [u8], Error> {
        match self.any()? {
            (t, v) if t == tag => Ok(v),
            _ => Err(bad()),
        }
    }

    /// Reads an element that must have `tag` and returns its whole encoding.
    pub(crate) fn element(&mut self, tag: u8) -> Result<&'a [u8], Error> {
        let before = self.data;
        self.expect(tag)?;
        Ok(&before[..before.len() - self.data.len()])
    }

    /// Reads a non-negative INTEGER as big-endian bytes without leading zeros.
    pub(crate) fn unsigned(&mut self) -> Result<&'a [u8], Error> {
        let v = self.expect(INTEGER)?;
        match v {
            [] => Err(bad()),
            [b, ..] if b & 0x80 != 0 => Err(bad()),
            [0] => Ok(&v[1..]),
            [0, b, ..] if b & 0x80 == 0 => Err(bad()), // non-minimal
            [0, rest @ ..] => Ok(rest),
            _ => Ok(v),
        }
    }

    /// Reads a small INTEGER (a version number).
    pub(crate) fn small_int(&mut self) -> Result<u8, Error> {
        match self.unsigned()? {
            [] => Ok(0),
            [n] => Ok(*n),
            _ => Err(bad()),
        }
    }

    /// Reads a BIT STRING with no unused bits and returns its bytes.
    pub(crate) fn bit_string(&mut self) -> Result<&'a [u8], Error> {
        match self.expect(BIT_STRING)? {
            [0, rest @ ..] => Ok(rest),
            _ => Err(bad()),
        }
    }

    /// Requires that nothing is left.
    pub(crate) fn finish(&self) -> Result<(), Error> {
        if self.data.is_empty() {
            Ok(())
        } else {
            Err(bad())
        }
    }
}

/// Reads a whole DER document that must be one SEQUENCE; returns its contents.
pub(crate) fn top_sequence(der: &[u8]) -> Result<Reader<'_>, Error> {
    let mut r = Reader::new(der);
    let inner = r.expect(SEQUENCE)?;
    r.finish()?;
    Ok(Reader::new(inner))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_integers() {
        let mut r = Reader::new(&[0x02, 0x02, 0x00, 0x80, 0x02, 0x01, 0x05]);
        assert_eq!(r.unsigned().unwrap(), &[0x80]);
        assert_eq!(r.small_int().unwrap(), 5);
        assert!(r.is_empty());
        // non-minimal integer, negative integer, long-form short length, truncated
        for bad in [
            &[0x02, 0x02, 0x00, 0x01][..],
            &[0x02, 0x01, 0x80],
            &[0x02, 0x81, 0x01, 0x00],
            &[0x30, 0x05, 0x00],
        ] {
            assert!(Reader::new(bad).unsigned().is_err() || Reader::new(bad).any().is_err());
        }
    }
}
