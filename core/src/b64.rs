//! Strict base64url (RFC 4648 §5) without padding, as JWS requires.
//!
//! Decoding rejects padding, any character outside the URL-safe alphabet
//! (including whitespace), impossible lengths, and non-canonical encodings
//! (non-zero trailing bits), so every byte string has exactly one encoding.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::error::{Error, ErrorCode};

/// Encodes `data` as unpadded base64url.
pub fn encode(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

/// Appends the unpadded base64url encoding of `data` to `out`.
pub fn encode_into(data: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_string(data, out)
}

/// Decodes strict unpadded base64url; `MALFORMED` otherwise.
pub fn decode(text: &str) -> Result<Vec<u8>, Error> {
    decode_bytes(text.as_bytes())
}

/// Decodes strict unpadded base64url from bytes; `MALFORMED` otherwise.
pub fn decode_bytes(text: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = vec![0u8; decoded_len(text.len())?];
    decode_slice(text, &mut out)?;
    Ok(out)
}

const INVALID: u8 = 0xff;

const TABLE: [u8; 256] = {
    let mut t = [INVALID; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t
};

fn bad() -> Error {
    Error::new(ErrorCode::Malformed, "invalid base64url")
}

/// The decoded length of `len` characters, or `MALFORMED` if no unpadded
/// base64url text has that length.
pub(crate) fn decoded_len(len: usize) -> Result<usize, Error> {
    match len % 4 {
        1 => Err(bad()),
        0 => Ok(len / 4 * 3),
        r => Ok(len / 4 * 3 + r - 1),
    }
}

/// Decodes into `out`, which must be exactly [`decoded_len`] long.
pub(crate) fn decode_slice(text: &[u8], out: &mut [u8]) -> Result<(), Error> {
    if out.len() != decoded_len(text.len())? {
        return Err(Error::new(ErrorCode::Internal, "base64 buffer size"));
    }
    let v = |c: u8| TABLE[c as usize] as u32;
    let chunks = text.chunks_exact(4);
    let tail = chunks.remainder();
    let mut outs = out.chunks_exact_mut(3);
    for (c, o) in chunks.zip(&mut outs) {
        let (a, b, cc, d) = (v(c[0]), v(c[1]), v(c[2]), v(c[3]));
        if (a | b | cc | d) & 0x80 != 0 {
            return Err(bad());
        }
        let n = (a << 18) | (b << 12) | (cc << 6) | d;
        o[0] = (n >> 16) as u8;
        o[1] = (n >> 8) as u8;
        o[2] = n as u8;
    }
    let o = outs.into_remainder();
    match *tail {
        [] => {}
        [a, b] => {
            let (a, b) = (v(a), v(b));
            // Non-canonical: the 4 unused low bits of the last character must be 0.
            if (a | b) & 0x80 != 0 || b & 0x0f != 0 {
                return Err(bad());
            }
            o[0] = ((a << 2) | (b >> 4)) as u8;
        }
        [a, b, c] => {
            let (a, b, c) = (v(a), v(b), v(c));
            if (a | b | c) & 0x80 != 0 || c & 0x03 != 0 {
                return Err(bad());
            }
            let n = (a << 12) | (b << 6) | c;
            o[0] = (n >> 10) as u8;
            o[1] = (n >> 2) as u8;
        }
        _ => return Err(bad()),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict() {
        assert_eq!(decode("").unwrap(), b"");
        assert_eq!(decode("YQ").unwrap(), b"a");
        assert_eq!(decode("-_8").unwrap(), [0xfb, 0xff]);
        for bad in [
            "YQ==", "YR", "Y", "a b", "YQ\n", "+/8", "YQ=", "Y Q", "YQ.", "\u{e9}",
        ] {
            assert_eq!(
                decode(bad).unwrap_err().code(),
                ErrorCode::Malformed,
                "{bad:?}"
            );
        }
        assert_eq!(encode(&[0xfb, 0xff]), "-_8");
        // Non-canonical trailing bits ("YR" would decode to 'a' with a stray bit).
        assert!(decode("YR").is_err() && decode("YWI").is_ok() && decode("YWJ").is_err());
    }

    #[test]
    fn agrees_with_reference_codec() {
        let mut x: u32 = 12345;
        for len in 0..200 {
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    x as u8
                })
                .collect();
            let text = encode(&data);
            assert_eq!(decode(&text).unwrap(), data);
            assert_eq!(URL_SAFE_NO_PAD.decode(&text).unwrap(), data);
        }
    }
}
