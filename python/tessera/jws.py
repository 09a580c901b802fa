"""Compact JWS (RFC 7515) for payloads that are not JWT claims.

::

    token = tessera.jws.sign(b"any bytes", key)
    payload = tessera.jws.verify(token, key)          # -> bytes
    tessera.jws.verify_detached(token, payload, key)  # header..signature form
"""

from ._native import jws_sign as sign
from ._native import jws_verify as verify
from ._native import jws_verify_detached as verify_detached

__all__ = ["sign", "verify", "verify_detached"]
