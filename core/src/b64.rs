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

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends the unpadded base64url encoding of `data` to a byte buffer (the
/// hot signing path builds the whole token as bytes, then checks it once).
pub(crate) fn encode_to_vec(data: &[u8], out: &mut Vec<u8>) {
    // The exact unpadded length: callers size their buffers exactly.
    out.reserve(data.len() / 3 * 4 + [0, 2, 3][data.len() % 3]);
    let a = |i: u32| ALPHABET[(i & 63) as usize];
    let chunks = data.chunks_exact(3);
    let tail = chunks.remainder();
    for c in chunks {
        let n = (c[0] as u32) << 16 | (c[1] as u32) << 8 | c[2] as u32;
        out.extend_from_slice(&[a(n >> 18), a(n >> 12), a(n >> 6), a(n)]);
    }
    match *tail {
        [x] => {
            let n = (x as u32) << 16;
            out.extend_from_slice(&[a(n >> 18), a(n >> 12)]);
        }
        [x, y] => {
            let n = (x as u32) << 16 | (y as u32) << 8;
            out.extend_from_slice(&[a(n >> 18), a(n >> 12), a(n >> 6)]);
        }
        _ => {}
    }
}

/// Decodes strict unpadded base64url; `MALFORMED` otherwise.
pub fn decode(text: &str) -> Result<Vec<u8>, Error> {
    decode_bytes(text.as_bytes())
}

/// Decodes strict unpadded base64url from bytes; `MALFORMED` otherwise.
pub fn decode_bytes(text: &[u8]) -> Result<Vec<u8>, Error> {
    let len = decoded_len(text.len())?;
    // One spare byte: a decoded claims set handed to C gets its NUL
    // terminator without a reallocation.
    let mut out = Vec::with_capacity(len + 1);
    out.resize(len, 0);
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

/// `TABLE` pre-shifted into place for each of the four characters of a
/// quantum; invalid characters map to bit 31.
const SHIFTED: [[u32; 256]; 4] = {
    let mut t = [[0u32; 256]; 4];
    let mut c = 0;
    while c < 256 {
        let v = TABLE[c];
        let mut k = 0;
        while k < 4 {
            t[k][c] = if v == INVALID {
                0x8000_0000
            } else {
                (v as u32) << (18 - 6 * k)
            };
            k += 1;
        }
        c += 1;
    }
    t
};

fn invalid() -> Error {
    Error::new(ErrorCode::Malformed, "invalid base64url")
}

/// The decoded length of `len` characters, or `MALFORMED` if no unpadded
/// base64url text has that length.
pub(crate) fn decoded_len(len: usize) -> Result<usize, Error> {
    match len % 4 {
        1 => Err(invalid()),
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
    // Four characters (24 bits) at a time through pre-shifted tables; an
    // invalid character sets bit 31, collected in `bad` and checked once.
    let blocks = text.len() / 4;
    let (head, text) = text.split_at(blocks * 4);
    let (out_head, out) = out.split_at_mut(blocks * 3);
    let mut bad = 0u32;
    for (c, o) in head.chunks_exact(4).zip(out_head.chunks_exact_mut(3)) {
        let n = SHIFTED[0][c[0] as usize]
            | SHIFTED[1][c[1] as usize]
            | SHIFTED[2][c[2] as usize]
            | SHIFTED[3][c[3] as usize];
        bad |= n;
        o.copy_from_slice(&n.to_be_bytes()[1..]);
    }
    if bad & 0x8000_0000 != 0 {
        return Err(invalid());
    }
    // The last 2 or 3 characters (none when the length is a multiple of 4).
    let (tail, o) = (text, out);
    match *tail {
        [] => {}
        [a, b] => {
            let (a, b) = (v(a), v(b));
            // Non-canonical: the 4 unused low bits of the last character must be 0.
            if (a | b) & 0x80 != 0 || b & 0x0f != 0 {
                return Err(invalid());
            }
            o[0] = ((a << 2) | (b >> 4)) as u8;
        }
        [a, b, c] => {
            let (a, b, c) = (v(a), v(b), v(c));
            if (a | b | c) & 0x80 != 0 || c & 0x03 != 0 {
                return Err(invalid());
            }
            let n = (a << 12) | (b << 6) | c;
            o[0] = (n >> 10) as u8;
            o[1] = (n >> 2) as u8;
        }
        _ => return Err(invalid()),
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
            let mut own = Vec::new();
            encode_to_vec(&data, &mut own);
            assert_eq!(own, text.as_bytes());
        }
    }
}
