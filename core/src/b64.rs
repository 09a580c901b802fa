//! Strict base64url (RFC 4648 §5) without padding, as JWS requires.
//!
//! Decoding rejects padding, any character outside the URL-safe alphabet
//! (including whitespace), impossible lengths, and non-canonical encodings
//! (non-zero trailing bits), so every byte string has exactly one encoding.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

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
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| Error::new(ErrorCode::Malformed, "invalid base64url"))
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
    }
}
