"""Type stubs for the native extension ``tessera._native`` (checked with
``mypy.stubtest``; see python/tests/stubtest-allowlist.txt)."""

import datetime
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Literal,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
    final,
    overload,
)

from tessera.jwks import JwksStatus
from tessera.sessions import Rotated, Session

__all__ = [
    "jws_sign",
    "jws_verify",
    "jws_verify_detached",
    "jwt_decode",
    "jwt_decode_unverified",
    "jwt_encode",
    "Key",
    "KeySet",
    "Verifier",
    "RemoteKeySet",
    "__version__",
    "ERROR_CODES",
    "ALGORITHMS",
    "_error_for_code",
    "FlaskCookie",
    "Signer",
    "TimestampSigner",
    "URLSafeTimedSerializer",
    "ExpressCookieSession",
    "ExpressSessionId",
    "SessionCookie",
    "OpenedCookie",
    "CsrfTokens",
    "RailsCookie",
    "set_cookie",
    "delete_cookie",
    "parse_cookie",
    "_flask_tagged_json",
    "_flask_untagged",
    "MemoryStore",
    "RedisStore",
    "SessionManager",
    "Denylist",
    "RefreshTokens",
]

__version__: str
ERROR_CODES: Tuple[str, ...]
ALGORITHMS: Tuple[str, ...]

_Bytes = Union[bytes, bytearray, str]
_Json = Union[str, Mapping[str, Any]]
_Seconds = Union[int, float, datetime.timedelta]
_Instant = Union[int, float, datetime.datetime]
_Secret = Union[str, bytes, bytearray]
_Secrets = Union[_Secret, Iterable[_Secret]]
_Text = Union[str, bytes]
# A digest name ("sha1", "sha256", ...) or a hashlib constructor.
_DigestMethod = Union[str, Callable[[], Any], None]

@final
class Key:
    @staticmethod
    def hmac(
        secret: _Bytes, alg: str = "HS256", kid: Optional[str] = None, allow_weak: bool = False
    ) -> Key: ...
    @staticmethod
    def from_pem(
        pem: _Bytes, alg: Optional[str] = None, kid: Optional[str] = None, allow_weak: bool = False
    ) -> Key: ...
    @staticmethod
    def from_der(
        der: _Bytes, alg: Optional[str] = None, kid: Optional[str] = None, allow_weak: bool = False
    ) -> Key: ...
    @staticmethod
    def from_jwk(
        jwk: _Json, alg: Optional[str] = None, kid: Optional[str] = None, allow_weak: bool = False
    ) -> Key: ...
    @staticmethod
    def generate(alg: str, kid: Optional[str] = None) -> Key: ...
    @property
    def alg(self) -> str: ...
    @property
    def kid(self) -> Optional[str]: ...
    @property
    def is_private(self) -> bool: ...
    def public(self) -> Key: ...
    def with_kid(self, kid: Optional[str]) -> Key: ...
    def to_jwk(self, private: bool = False) -> Dict[str, Any]: ...
    def thumbprint(self) -> str: ...
    def sign(self, message: _Bytes) -> bytes: ...
    def verify(self, message: _Bytes, signature: _Bytes) -> None: ...

@final
class KeySet:
    def __new__(cls, keys: Iterable[Key]) -> KeySet: ...
    @staticmethod
    def from_jwks(jwks: _Json) -> KeySet: ...
    def to_jwks(self) -> Dict[str, Any]: ...
    @property
    def keys(self) -> List[Key]: ...
    @property
    def skipped(self) -> int: ...
    def get(self, kid: str) -> Optional[Key]: ...
    def __len__(self) -> int: ...

@final
class Verifier:
    def __new__(
        cls,
        key: Union[Key, KeySet, RemoteKeySet],
        *,
        algorithms: Optional[Sequence[str]] = None,
        issuer: Union[str, Sequence[str], None] = None,
        audience: Union[str, Sequence[str], None] = None,
        subject: Optional[str] = None,
        required: Optional[Sequence[str]] = None,
        leeway: Optional[_Seconds] = None,
        max_age: Optional[_Seconds] = None,
        typ: Optional[str] = None,
        now: Optional[_Instant] = None,
        verify_exp: Optional[bool] = None,
        verify_nbf: Optional[bool] = None,
        max_token_bytes: Optional[int] = None,
        cache_size: Optional[int] = None,
        denylist: Optional[Denylist] = None,
    ) -> Verifier: ...
    def verify(self, token: Union[str, bytes]) -> Dict[str, Any]: ...
    async def verify_async(self, token: Union[str, bytes]) -> Dict[str, Any]: ...

@final
class RemoteKeySet:
    def __new__(
        cls,
        url: str,
        *,
        max_age: Optional[_Seconds] = 300,
        cooldown: Optional[_Seconds] = 30,
        timeout: Optional[_Seconds] = 5.0,
        min_age: Optional[_Seconds] = 30,
        max_bytes: Optional[int] = 524288,
        negative_ttl: Optional[_Seconds] = 300,
        max_stale: Optional[_Seconds] = None,
        max_redirects: Optional[int] = 3,
        ca_pem: Optional[str] = None,
    ) -> RemoteKeySet: ...
    @property
    def url(self) -> str: ...
    def keys(self) -> KeySet: ...
    def refresh(self) -> KeySet: ...
    async def keys_async(self) -> KeySet: ...
    async def refresh_async(self) -> KeySet: ...
    def status(self) -> JwksStatus: ...
    def export_cache(self) -> Optional[str]: ...
    def import_cache(self, data: str) -> None: ...

def jwt_encode(
    claims: _Json, key: Union[Key, KeySet], headers: Optional[_Json] = None
) -> str: ...
def jwt_decode(
    token: Union[str, bytes],
    key: Union[Key, KeySet],
    *,
    algorithms: Optional[Sequence[str]] = None,
    issuer: Union[str, Sequence[str], None] = None,
    audience: Union[str, Sequence[str], None] = None,
    subject: Optional[str] = None,
    required: Optional[Sequence[str]] = None,
    leeway: Optional[_Seconds] = None,
    max_age: Optional[_Seconds] = None,
    typ: Optional[str] = None,
    now: Optional[_Instant] = None,
    verify_exp: Optional[bool] = None,
    verify_nbf: Optional[bool] = None,
    max_token_bytes: Optional[int] = None,
    denylist: Optional[Denylist] = None,
) -> Dict[str, Any]: ...
def jwt_decode_unverified(token: Union[str, bytes]) -> Tuple[Dict[str, Any], Dict[str, Any]]: ...
def jws_sign(payload: _Bytes, key: Union[Key, KeySet], headers: Optional[_Json] = None) -> str: ...
def jws_verify(token: Union[str, bytes], key: Union[Key, KeySet]) -> bytes: ...
def jws_verify_detached(token: Union[str, bytes], payload: _Bytes, key: Union[Key, KeySet]) -> None: ...
def _error_for_code(code: str, message: str, claim: Optional[str] = None) -> BaseException: ...

# ---------------------------------------------------------------- cookies

@final
class FlaskCookie:
    def __new__(
        cls,
        secret_key: _Secret,
        *,
        fallbacks: Optional[Iterable[_Secret]] = (),
        salt: Optional[_Secret] = "cookie-session",
        max_age: Optional[_Seconds] = 2678400,
    ) -> FlaskCookie: ...
    def dumps(self, data: Union[Dict[str, Any], str], now: Optional[_Instant] = None) -> str: ...
    def loads(self, cookie: _Text, now: Optional[_Instant] = None) -> Dict[str, Any]: ...

@final
class Signer:
    def __new__(
        cls,
        secret_key: _Secrets,
        salt: Optional[_Secret] = None,
        sep: Optional[_Secret] = None,
        key_derivation: Optional[str] = None,
        digest_method: _DigestMethod = None,
    ) -> Signer: ...
    def sign(self, value: _Bytes) -> bytes: ...
    def unsign(self, signed_value: _Bytes) -> bytes: ...
    def validate(self, signed_value: _Bytes) -> bool: ...

@final
class TimestampSigner:
    def __new__(
        cls,
        secret_key: _Secrets,
        salt: Optional[_Secret] = None,
        sep: Optional[_Secret] = None,
        key_derivation: Optional[str] = None,
        digest_method: _DigestMethod = None,
    ) -> TimestampSigner: ...
    def sign(self, value: _Bytes, *, now: Optional[_Instant] = None) -> bytes: ...
    @overload
    def unsign(
        self,
        signed_value: _Bytes,
        max_age: Optional[_Seconds] = None,
        return_timestamp: Literal[False] = False,
        *,
        now: Optional[_Instant] = None,
    ) -> bytes: ...
    @overload
    def unsign(
        self,
        signed_value: _Bytes,
        max_age: Optional[_Seconds],
        return_timestamp: Literal[True],
        *,
        now: Optional[_Instant] = None,
    ) -> Tuple[bytes, datetime.datetime]: ...
    @overload
    def unsign(
        self,
        signed_value: _Bytes,
        max_age: Optional[_Seconds] = None,
        *,
        return_timestamp: Literal[True],
        now: Optional[_Instant] = None,
    ) -> Tuple[bytes, datetime.datetime]: ...
    def validate(
        self,
        signed_value: _Bytes,
        max_age: Optional[_Seconds] = None,
        *,
        now: Optional[_Instant] = None,
    ) -> bool: ...

@final
class URLSafeTimedSerializer:
    def __new__(
        cls,
        secret_key: _Secrets,
        salt: Optional[_Secret] = None,
        *,
        signer_kwargs: Optional[Mapping[str, Any]] = None,
        sep: Optional[_Secret] = None,
        key_derivation: Optional[str] = None,
        digest_method: _DigestMethod = None,
    ) -> URLSafeTimedSerializer: ...
    def dumps(
        self, obj: Any, salt: Optional[_Secret] = None, *, now: Optional[_Instant] = None
    ) -> str: ...
    @overload
    def loads(
        self,
        s: _Text,
        max_age: Optional[_Seconds] = None,
        return_timestamp: Literal[False] = False,
        salt: Optional[_Secret] = None,
        *,
        now: Optional[_Instant] = None,
    ) -> Any: ...
    @overload
    def loads(
        self,
        s: _Text,
        max_age: Optional[_Seconds],
        return_timestamp: Literal[True],
        salt: Optional[_Secret] = None,
        *,
        now: Optional[_Instant] = None,
    ) -> Tuple[Any, datetime.datetime]: ...
    @overload
    def loads(
        self,
        s: _Text,
        max_age: Optional[_Seconds] = None,
        *,
        return_timestamp: Literal[True],
        salt: Optional[_Secret] = None,
        now: Optional[_Instant] = None,
    ) -> Tuple[Any, datetime.datetime]: ...

@final
class ExpressCookieSession:
    def __new__(cls, keys: _Secrets, *, name: str = "session") -> ExpressCookieSession: ...
    @property
    def name(self) -> str: ...
    def sign(self, data: Union[Mapping[str, Any], str]) -> Tuple[str, str]: ...
    def verify(self, value: _Text, sig: _Text) -> Dict[str, Any]: ...
    def load(self, cookie_header: _Text) -> Dict[str, Any]: ...

@final
class ExpressSessionId:
    def __new__(cls, secrets: _Secrets) -> ExpressSessionId: ...
    def sign(self, sid: str) -> str: ...
    def unsign(self, value: _Text) -> str: ...
    def load(self, cookie_header: _Text, name: str = "connect.sid") -> str: ...

@final
class OpenedCookie:
    @property
    def data(self) -> Dict[str, Any]: ...
    @property
    def issued_at(self) -> int: ...
    @property
    def needs_reissue(self) -> bool: ...
    @property
    def json(self) -> str: ...

@final
class SessionCookie:
    def __new__(
        cls,
        secrets: _Secrets,
        *,
        name: Optional[str] = "session",
        encrypted: bool = False,
        max_age: Optional[_Seconds] = None,
        chunked: bool = False,
        path: Optional[str] = "/",
        domain: Optional[str] = None,
        secure: bool = True,
        http_only: bool = True,
        same_site: Optional[str] = "Lax",
        partitioned: bool = False,
    ) -> SessionCookie: ...
    @property
    def name(self) -> str: ...
    def seal(self, data: Union[Mapping[str, Any], str], now: Optional[_Instant] = None) -> str: ...
    def seal_chunks(
        self, data: Union[Mapping[str, Any], str], now: Optional[_Instant] = None
    ) -> List[Tuple[str, str]]: ...
    def set_cookie_headers(
        self,
        data: Union[Mapping[str, Any], str],
        now: Optional[_Instant] = None,
        request_cookie_header: Optional[_Text] = None,
    ) -> List[str]: ...
    def clear_cookie_headers(self, request_cookie_header: Optional[str] = None) -> List[str]: ...
    def open(self, value: _Text, now: Optional[_Instant] = None) -> Dict[str, Any]: ...
    def open_info(self, value: _Text, now: Optional[_Instant] = None) -> OpenedCookie: ...
    def load(self, cookie_header: _Text, now: Optional[_Instant] = None) -> OpenedCookie: ...

@final
class CsrfTokens:
    def __new__(cls, secrets: _Secrets) -> CsrfTokens: ...
    def generate(self, session_id: str) -> str: ...
    def verify(self, session_id: str, token: _Text) -> None: ...

@final
class RailsCookie:
    def __new__(
        cls,
        secret_key_base: _Secret,
        *,
        cookie_name: str,
        digest: str = "sha256",
        rotations: Optional[Iterable[Tuple[_Secret, str]]] = None,
    ) -> RailsCookie: ...
    @property
    def cookie_name(self) -> str: ...
    def encrypt(self, data: Any, expires_at: Optional[_Instant] = None) -> str: ...
    def decrypt(self, cookie: _Text, now: Optional[_Instant] = None) -> Any: ...

def set_cookie(
    name: str,
    value: str,
    *,
    path: Optional[str] = "/",
    domain: Optional[str] = None,
    max_age: Union[int, datetime.timedelta, None] = None,
    expires: Optional[_Instant] = None,
    secure: bool = True,
    http_only: bool = True,
    same_site: Optional[str] = "Lax",
    partitioned: bool = False,
) -> str: ...
def delete_cookie(
    name: str,
    *,
    path: Optional[str] = "/",
    domain: Optional[str] = None,
    secure: bool = True,
    http_only: bool = True,
    same_site: Optional[str] = "Lax",
) -> str: ...
def parse_cookie(header: _Text) -> Dict[str, str]: ...
def _flask_tagged_json(data: Dict[str, Any]) -> str: ...
def _flask_untagged(json: str) -> Dict[str, Any]: ...

# ---------------------------------------------------------------- sessions

@final
class MemoryStore:
    def __new__(cls, *, max_entries: int = 1000000, max_bytes: int = 268435456) -> MemoryStore: ...
    def __len__(self) -> int: ...
    @property
    def bytes_used(self) -> int: ...
    def purge_expired(self) -> None: ...

@final
class RedisStore:
    def __new__(
        cls,
        url: Union[str, Sequence[str]],
        *,
        prefix: Optional[str] = "tessera:",
        pool_size: Optional[int] = 16,
        connect_timeout: Optional[_Seconds] = 2.0,
        io_timeout: Optional[_Seconds] = 2.0,
        cluster: bool = False,
    ) -> RedisStore: ...
    def ping(self) -> None: ...

_Store = Union[MemoryStore, RedisStore]
_Data = Union[Mapping[str, Any], str]

@final
class SessionManager:
    def __new__(
        cls, store: _Store, *, ttl: _Seconds, idle_timeout: Optional[_Seconds] = None
    ) -> SessionManager: ...
    def create(self, data: _Data, user_id: Optional[str] = None) -> str: ...
    def load(self, id: str) -> Optional[Session]: ...
    def save(self, id: str, data: _Data, version: Optional[int] = None) -> int: ...
    def merge(self, id: str, patch: _Data) -> int: ...
    def touch(self, id: str) -> bool: ...
    def destroy(self, id: str) -> bool: ...
    def save_changes(self, id: str, loaded: Mapping[str, Any], data: Mapping[str, Any]) -> Session: ...
    def rotate(self, id: str, user_id: Optional[str] = None) -> Optional[str]: ...
    def destroy_user(self, user_id: str) -> int: ...

@final
class Denylist:
    def __new__(cls, store: _Store) -> Denylist: ...
    def revoke(self, jti: str, exp: _Instant) -> None: ...
    def is_revoked(self, jti: str) -> bool: ...

@final
class RefreshTokens:
    def __new__(cls, store: _Store, *, ttl: _Seconds) -> RefreshTokens: ...
    def issue(self, user_id: str, data: Optional[_Data] = None) -> str: ...
    def rotate(self, token: str) -> Rotated: ...
    def revoke_family(self, token: str) -> bool: ...
    def revoke_user(self, user_id: str) -> int: ...
