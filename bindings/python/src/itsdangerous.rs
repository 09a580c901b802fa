//! `tessera.cookies.Signer`, `TimestampSigner` and `URLSafeTimedSerializer`:
//! itsdangerous 2.x's classes, argument names and return types, on the
//! core's byte-compatible codecs (`tessera::cookie::itsdangerous`).
//!
//! Differences from itsdangerous, on purpose: failures raise Tessera's
//! exceptions with a code (`InvalidSignatureError` INVALID_SIGNATURE,
//! `ExpiredSignatureError` EXPIRED, `ImmatureSignatureError`
//! ISSUED_IN_FUTURE, `DecodeError` MALFORMED) instead of `BadSignature`;
//! unknown `key_derivation`/`digest_method` values fail at construction
//! (`InvalidArgumentError`); every timed call takes an optional keyword
//! `now` (Unix seconds or `datetime`, default the system clock).

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString, PyTuple};
use tessera::cookie::itsdangerous::{
    Digest, KeyDerivation, Signer, SignerOptions, TimestampSigner, URLSafeTimedSerializer,
};

use crate::convert::{
    bytes_arg, detach_for, json_to_py, now_arg, seconds, secrets, type_name, Secret,
};
use crate::cookie_json::{write_json, Style};
use crate::errors::{invalid_argument, to_py_err, type_error, IntoPy};

/// `digest_method`: `None` (SHA-1), a name (`"sha256"`), or a hashlib
/// constructor such as `hashlib.sha256` (its `name` is used).
pub(crate) fn digest_arg(v: Option<&Bound<'_, PyAny>>) -> PyResult<Digest> {
    let Some(v) = v.filter(|v| !v.is_none()) else {
        return Ok(Digest::default());
    };
    let name: String = if let Ok(s) = v.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else if v.is_callable() {
        v.call0()
            .and_then(|h| h.getattr("name"))
            .and_then(|n| n.extract())
            .map_err(|_| {
                invalid_argument("digest_method must be a hashlib constructor or a digest name")
            })?
    } else {
        return Err(type_error(format!(
            "digest_method must be a hashlib constructor or a name such as \"sha256\", not {}",
            type_name(v)
        )));
    };
    Digest::parse(&name).py_err()
}

/// `key_derivation`: `None` (the class default) or itsdangerous' name.
fn key_derivation_arg(v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<KeyDerivation>> {
    match v.filter(|v| !v.is_none()) {
        None => Ok(None),
        Some(v) => match v.cast::<PyString>() {
            Ok(s) => KeyDerivation::parse(&s.to_cow()?).py_err().map(Some),
            Err(_) => Err(type_error(format!(
                "key_derivation must be str, not {}",
                type_name(v)
            ))),
        },
    }
}

/// A `str`/`bytes` option, or `default` when `None`.
fn bytes_or(v: Option<&Bound<'_, PyAny>>, name: &str, default: &[u8]) -> PyResult<Vec<u8>> {
    match v.filter(|v| !v.is_none()) {
        None => Ok(default.to_vec()),
        Some(v) => bytes_arg(v, name),
    }
}

/// Everything a signer is built from (kept so a serializer can build one
/// with another salt, as itsdangerous' per-call `salt=` does).
struct Config {
    keys: Vec<Secret>,
    opts: SignerOptions,
}

impl Config {
    fn new(
        secret_key: &Bound<'_, PyAny>,
        salt: Option<&Bound<'_, PyAny>>,
        default_salt: &[u8],
        sep: Option<&Bound<'_, PyAny>>,
        key_derivation: Option<&Bound<'_, PyAny>>,
        digest_method: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Config> {
        let defaults = SignerOptions::default();
        let opts = SignerOptions {
            salt: bytes_or(salt, "salt", default_salt)?,
            sep: bytes_or(sep, "sep", &defaults.sep)?,
            key_derivation: key_derivation_arg(key_derivation)?.unwrap_or(defaults.key_derivation),
            digest: digest_arg(digest_method)?,
        };
        Ok(Config {
            keys: secrets(secret_key, "secret_key")?,
            opts,
        })
    }

    fn signer(&self) -> PyResult<Signer> {
        Signer::new(&self.keys, &self.opts).py_err()
    }

    fn timestamp_signer(&self) -> PyResult<TimestampSigner> {
        TimestampSigner::new(&self.keys, &self.opts).py_err()
    }

    fn serializer(&self, salt: Option<Vec<u8>>) -> PyResult<URLSafeTimedSerializer> {
        match salt {
            None => URLSafeTimedSerializer::new(&self.keys, &self.opts).py_err(),
            Some(salt) => {
                let opts = SignerOptions {
                    salt,
                    ..self.opts.clone()
                };
                URLSafeTimedSerializer::new(&self.keys, &opts).py_err()
            }
        }
    }
}

/// itsdangerous' `Signer`: ``value + sep + signature``. ``secret_key`` is one
/// key or a list, oldest to newest: the newest signs, every one verifies.
#[pyclass(module = "tessera._native", name = "Signer", frozen)]
pub struct PySigner {
    inner: Signer,
}

#[pymethods]
impl PySigner {
    #[new]
    #[pyo3(signature = (secret_key, salt = None, sep = None, key_derivation = None, digest_method = None))]
    fn py_new(
        secret_key: &Bound<'_, PyAny>,
        salt: Option<&Bound<'_, PyAny>>,
        sep: Option<&Bound<'_, PyAny>>,
        key_derivation: Option<&Bound<'_, PyAny>>,
        digest_method: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let default_salt = SignerOptions::default().salt;
        let c = Config::new(
            secret_key,
            salt,
            &default_salt,
            sep,
            key_derivation,
            digest_method,
        )?;
        Ok(PySigner { inner: c.signer()? })
    }

    /// ``value`` (``str`` or ``bytes``) signed with the newest key, as bytes.
    fn sign<'py>(
        &self,
        py: Python<'py>,
        value: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let value = bytes_arg(value, "value")?;
        let out = detach_for(py, value.len(), || self.inner.sign(&value));
        Ok(PyBytes::new(py, &out))
    }

    /// The value of ``signed_value`` if its signature verifies under any key.
    fn unsign<'py>(
        &self,
        py: Python<'py>,
        signed_value: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let signed = bytes_arg(signed_value, "signed_value")?;
        let value = detach_for(py, signed.len(), || {
            self.inner.unsign(&signed).map(<[u8]>::to_vec)
        })
        .py_err()?;
        Ok(PyBytes::new(py, &value))
    }

    /// ``True`` if ``signed_value`` verifies, ``False`` otherwise.
    fn validate(&self, py: Python<'_>, signed_value: &Bound<'_, PyAny>) -> PyResult<bool> {
        let signed = bytes_arg(signed_value, "signed_value")?;
        Ok(detach_for(py, signed.len(), || {
            self.inner.unsign(&signed).is_ok()
        }))
    }
}

/// An aware UTC ``datetime`` for Unix seconds ``ts`` (MALFORMED when Python
/// cannot represent it).
pub(crate) fn utc_datetime<'py>(py: Python<'py>, ts: i64) -> PyResult<Bound<'py, PyAny>> {
    let datetime = py.import("datetime")?;
    let utc = datetime.getattr("timezone")?.getattr("utc")?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("tz", utc)?;
    datetime
        .getattr("datetime")?
        .call_method("fromtimestamp", (ts,), Some(&kwargs))
        .map_err(|_| {
            to_py_err(tessera::Error::new(
                tessera::ErrorCode::Malformed,
                "timestamp out of range",
            ))
        })
}

/// itsdangerous' `TimestampSigner`: ``value + sep + timestamp + sep + signature``.
#[pyclass(module = "tessera._native", name = "TimestampSigner", frozen)]
pub struct PyTimestampSigner {
    inner: TimestampSigner,
}

#[pymethods]
impl PyTimestampSigner {
    #[new]
    #[pyo3(signature = (secret_key, salt = None, sep = None, key_derivation = None, digest_method = None))]
    fn py_new(
        secret_key: &Bound<'_, PyAny>,
        salt: Option<&Bound<'_, PyAny>>,
        sep: Option<&Bound<'_, PyAny>>,
        key_derivation: Option<&Bound<'_, PyAny>>,
        digest_method: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let default_salt = SignerOptions::default().salt;
        let c = Config::new(
            secret_key,
            salt,
            &default_salt,
            sep,
            key_derivation,
            digest_method,
        )?;
        Ok(PyTimestampSigner {
            inner: c.timestamp_signer()?,
        })
    }

    /// ``value`` signed with the newest key and the time ``now``.
    #[pyo3(signature = (value, *, now = None))]
    fn sign<'py>(
        &self,
        py: Python<'py>,
        value: &Bound<'py, PyAny>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let value = bytes_arg(value, "value")?;
        let now = now_arg(now)?;
        let out = detach_for(py, value.len(), || self.inner.sign(&value, now)).py_err()?;
        Ok(PyBytes::new(py, &out))
    }

    /// The value if the signature verifies and, with ``max_age`` (seconds or
    /// ``timedelta``), the signature is at most that old and not from the
    /// future. ``return_timestamp=True`` returns ``(value, datetime)``.
    #[pyo3(signature = (signed_value, max_age = None, return_timestamp = false, *, now = None))]
    fn unsign<'py>(
        &self,
        py: Python<'py>,
        signed_value: &Bound<'py, PyAny>,
        max_age: Option<&Bound<'py, PyAny>>,
        return_timestamp: bool,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let signed = bytes_arg(signed_value, "signed_value")?;
        let max_age = seconds(max_age, "max_age")?;
        let now = now_arg(now)?;
        let (value, ts) = detach_for(py, signed.len(), || {
            self.inner
                .unsign(&signed, max_age, now)
                .map(|(v, ts)| (v.to_vec(), ts))
        })
        .py_err()?;
        let value = PyBytes::new(py, &value).into_any();
        if return_timestamp {
            Ok(PyTuple::new(py, [value, utc_datetime(py, ts)?])?.into_any())
        } else {
            Ok(value)
        }
    }

    /// ``True`` if ``signed_value`` verifies (and is within ``max_age``).
    #[pyo3(signature = (signed_value, max_age = None, *, now = None))]
    fn validate(
        &self,
        py: Python<'_>,
        signed_value: &Bound<'_, PyAny>,
        max_age: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        let signed = bytes_arg(signed_value, "signed_value")?;
        let max_age = seconds(max_age, "max_age")?;
        let now = now_arg(now)?;
        Ok(detach_for(py, signed.len(), || {
            self.inner.unsign(&signed, max_age, now).is_ok()
        }))
    }
}

/// itsdangerous' `URLSafeTimedSerializer`: compact JSON, zlib when smaller,
/// base64url, timestamp, signature. ``signer_kwargs`` (``key_derivation``,
/// ``digest_method``, ``sep``) is accepted as in itsdangerous; the same
/// options may be given directly as keywords.
#[pyclass(module = "tessera._native", name = "URLSafeTimedSerializer", frozen)]
pub struct PyURLSafeTimedSerializer {
    config: Config,
    inner: URLSafeTimedSerializer,
}

/// A `str` (UTF-8) or `bytes` cookie/token argument as text. Input that is
/// not UTF-8 (bytes, or a `str` with lone surrogates) cannot be a valid
/// value: `MALFORMED`.
pub(crate) fn text_arg(v: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    let not_utf8 = || {
        to_py_err(tessera::Error::new(
            tessera::ErrorCode::Malformed,
            format!("{name} is not valid UTF-8"),
        ))
    };
    if let Ok(s) = v.cast::<PyString>() {
        let b = s.encode_utf8().map_err(|_| not_utf8())?;
        return String::from_utf8(b.as_bytes().to_vec()).map_err(|_| not_utf8());
    }
    match v.cast::<PyBytes>() {
        Ok(b) => String::from_utf8(b.as_bytes().to_vec()).map_err(|_| not_utf8()),
        Err(_) => Err(type_error(format!(
            "{name} must be str or bytes, not {}",
            type_name(v)
        ))),
    }
}

#[pymethods]
impl PyURLSafeTimedSerializer {
    #[new]
    #[pyo3(signature = (secret_key, salt = None, *, signer_kwargs = None, sep = None,
        key_derivation = None, digest_method = None))]
    fn py_new(
        secret_key: &Bound<'_, PyAny>,
        salt: Option<&Bound<'_, PyAny>>,
        signer_kwargs: Option<&Bound<'_, PyAny>>,
        sep: Option<&Bound<'_, PyAny>>,
        key_derivation: Option<&Bound<'_, PyAny>>,
        digest_method: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut sep = sep.cloned();
        let mut key_derivation = key_derivation.cloned();
        let mut digest_method = digest_method.cloned();
        if let Some(kw) = signer_kwargs.filter(|k| !k.is_none()) {
            let kw = kw.cast::<PyDict>().map_err(|_| {
                type_error(format!(
                    "signer_kwargs must be a dict, not {}",
                    type_name(kw)
                ))
            })?;
            for (k, v) in kw.iter() {
                let k: String = k.extract()?;
                let slot = match k.as_str() {
                    "sep" => &mut sep,
                    "key_derivation" => &mut key_derivation,
                    "digest_method" => &mut digest_method,
                    _ => {
                        return Err(invalid_argument(format!(
                            "unsupported signer_kwargs member {k:?} (sep, key_derivation, digest_method)"
                        )))
                    }
                };
                if slot.is_some() {
                    return Err(invalid_argument(format!(
                        "{k} given both directly and in signer_kwargs"
                    )));
                }
                *slot = Some(v);
            }
        }
        let default_salt = URLSafeTimedSerializer::default_options().salt;
        let config = Config::new(
            secret_key,
            salt,
            &default_salt,
            sep.as_ref(),
            key_derivation.as_ref(),
            digest_method.as_ref(),
        )?;
        let inner = config.serializer(None)?;
        Ok(PyURLSafeTimedSerializer { config, inner })
    }

    /// ``obj`` (any JSON value, written as ``json.dumps`` does) signed at
    /// ``now``: ``payload.timestamp.signature``.
    #[pyo3(signature = (obj, salt = None, *, now = None))]
    fn dumps(
        &self,
        py: Python<'_>,
        obj: &Bound<'_, PyAny>,
        salt: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let json = write_json(obj, Style::Json)?;
        let now = now_arg(now)?;
        let other = self.salted(salt)?;
        let ser = other.as_ref().unwrap_or(&self.inner);
        detach_for(py, json.len(), || ser.dumps(&json, now)).py_err()
    }

    /// The value of a ``dumps`` result, if its signature verifies and, with
    /// ``max_age``, it is at most that old. ``return_timestamp=True`` returns
    /// ``(value, datetime)``.
    #[pyo3(signature = (s, max_age = None, return_timestamp = false, salt = None, *, now = None))]
    fn loads<'py>(
        &self,
        py: Python<'py>,
        s: &Bound<'py, PyAny>,
        max_age: Option<&Bound<'py, PyAny>>,
        return_timestamp: bool,
        salt: Option<&Bound<'py, PyAny>>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let text = text_arg(s, "s")?;
        let max_age = seconds(max_age, "max_age")?;
        let now = now_arg(now)?;
        let other = self.salted(salt)?;
        let ser = other.as_ref().unwrap_or(&self.inner);
        let json = detach_for(py, text.len(), || ser.loads(&text, max_age, now)).py_err()?;
        let value = json_to_py(py, &json)?;
        if !return_timestamp {
            return Ok(value);
        }
        // The core's loads verified the timestamp; read it for the caller.
        let ts = self
            .config
            .timestamp_signer_salted(salt)?
            .unsign(text.as_bytes(), None, now)
            .py_err()?
            .1;
        Ok(PyTuple::new(py, [value, utc_datetime(py, ts)?])?.into_any())
    }
}

impl PyURLSafeTimedSerializer {
    /// A serializer for a per-call `salt` (itsdangerous' `salt=` argument).
    fn salted(&self, salt: Option<&Bound<'_, PyAny>>) -> PyResult<Option<URLSafeTimedSerializer>> {
        match salt.filter(|s| !s.is_none()) {
            None => Ok(None),
            Some(s) => self
                .config
                .serializer(Some(bytes_arg(s, "salt")?))
                .map(Some),
        }
    }
}

impl Config {
    fn timestamp_signer_salted(
        &self,
        salt: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<TimestampSigner> {
        match salt.filter(|s| !s.is_none()) {
            None => self.timestamp_signer(),
            Some(s) => {
                let opts = SignerOptions {
                    salt: bytes_arg(s, "salt")?,
                    ..self.opts.clone()
                };
                TimestampSigner::new(&self.keys, &opts).py_err()
            }
        }
    }
}
