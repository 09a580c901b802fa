"""JSON Web Tokens (RFC 7519): ``encode``, ``decode``, ``decode_unverified``.

The functions are the native ones (no Python wrapper on the hot path)::

    token = tessera.jwt.encode({"sub": "u1", "exp": 4102444800}, key)
    claims = tessera.jwt.decode(token, key, issuer="https://issuer.example")
    header, claims = tessera.jwt.decode_unverified(token)   # inspection only

To verify many tokens, build a :class:`tessera.Verifier` once (same keyword
options as ``decode``, plus ``cache_size`` for its opt-in verified-token
cache) and call ``verifier.verify(token)``.
"""

from ._native import jwt_decode as decode
from ._native import jwt_decode_unverified as decode_unverified
from ._native import jwt_encode as encode

__all__ = ["encode", "decode", "decode_unverified"]
