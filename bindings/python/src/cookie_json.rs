//! Python values ↔ the JSON text the cookie codecs take and return.
//!
//! The core serializes byte for byte (Flask's key order and escaping,
//! itsdangerous' compact form, compression); this module only turns Python
//! objects into JSON text the core can read, and back:
//!
//! * [`write_json`] with [`Style::Json`] writes what `json.dumps` would
//!   (itsdangerous' `_CompactJSON`): `str`, `int` (exact, `int.__repr__`),
//!   `float` (`float.__repr__`, so `1e-07` and `3.0` stay as Python writes
//!   them), `bool`, `None`, `dict`, `list`/`tuple`; keys may be `str`, `int`,
//!   `float`, `bool` or `None` and become strings as in `json.dumps`.
//! * [`Style::Flask`] is Flask's `TaggedJSONSerializer` in front of Flask's
//!   JSON provider: `tuple` → `{" t": [...]}`, `bytes` → `{" b": b64}`,
//!   anything with `__html__` (Markup) → `{" m": html}`, `uuid.UUID` →
//!   `{" u": hex}`, `datetime` → `{" d": http_date}` (naive = UTC, seconds),
//!   a one-key dict whose key is a tag → `{" di": {key + "__": value}}`; then
//!   the provider's `default` for the rest: `date` → http date string,
//!   `Decimal` → `str`, dataclasses → `dataclasses.asdict` (written without
//!   tags, as `json.dumps` does with `default`'s result).
//! * [`untag`] is the reverse for one tagged object, called by the JSON
//!   reader in `convert.rs` bottom-up, like Flask's `_untag_scan`: Flask's
//!   own conversions (`tuple()`, `base64.b64decode`, `markupsafe.Markup`,
//!   `uuid.UUID`, `email.utils.parsedate_to_datetime` → aware UTC, `None`
//!   when the date does not parse, as Werkzeug's `parse_date`).
//!
//! Refused, with a clear error rather than a cookie Flask could not read
//! back: NaN and ±Infinity, and strings with lone surrogates
//! (`InvalidArgumentError`); types JSON cannot hold (`TypeError`); nesting
//! deeper than 64 levels, which is also how cycles end (`InvalidArgumentError`).

use std::fmt::Write as _;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};

use crate::convert::{type_name, utf8, write_str};
use crate::errors::{invalid_argument, to_py_err, type_error};

const MAX_DEPTH: usize = tessera::MAX_DEPTH;

/// One of Flask's six registered tags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tag {
    Dict,
    Tuple,
    Bytes,
    Markup,
    Uuid,
    DateTime,
}

impl Tag {
    /// The tag whose key is `name` (`" di"`, `" t"`, `" b"`, `" m"`, `" u"`, `" d"`).
    pub(crate) fn of(name: &str) -> Option<Tag> {
        Some(match name {
            " di" => Tag::Dict,
            " t" => Tag::Tuple,
            " b" => Tag::Bytes,
            " m" => Tag::Markup,
            " u" => Tag::Uuid,
            " d" => Tag::DateTime,
            _ => return None,
        })
    }

    fn key(self) -> &'static str {
        match self {
            Tag::Dict => " di",
            Tag::Tuple => " t",
            Tag::Bytes => " b",
            Tag::Markup => " m",
            Tag::Uuid => " u",
            Tag::DateTime => " d",
        }
    }
}

// Python callables used for the tagged types, imported once.
static UTC: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static UUID: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static FORMAT_DATETIME: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static PARSE_DATETIME: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static B64ENCODE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static B64DECODE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static MARKUP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static IS_DATACLASS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static ASDICT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn import<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyAny>>,
    module: &str,
    name: &str,
) -> PyResult<&'py Bound<'py, PyAny>> {
    cell.import(py, module, name)
}

fn utc(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    UTC.get_or_try_init(py, || {
        PyResult::Ok(
            py.import("datetime")?
                .getattr("timezone")?
                .getattr("utc")?
                .unbind(),
        )
    })
    .map(|u| u.bind(py))
}

/// Werkzeug's `http_date` of a `date` or `datetime`: a naive datetime is
/// UTC, an aware one is converted to UTC, a date is midnight UTC; formatted
/// by `email.utils.format_datetime(usegmt=True)` (seconds only).
fn http_date(v: &Bound<'_, PyAny>) -> PyResult<String> {
    let py = v.py();
    let utc = utc(py)?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("tzinfo", utc)?;
    let dt = if v.is_instance(DATETIME.import(py, "datetime", "datetime")?)? {
        let tz = v.getattr("tzinfo")?;
        if tz.is_none() {
            v.call_method("replace", (), Some(&kwargs))?
        } else if tz.ne(utc)? {
            v.call_method1("astimezone", (utc,))?
        } else {
            v.clone()
        }
    } else {
        let midnight = TIME.import(py, "datetime", "time")?.call0()?;
        DATETIME.import(py, "datetime", "datetime")?.call_method(
            "combine",
            (v, midnight),
            Some(&kwargs),
        )?
    };
    let usegmt = PyDict::new(py);
    usegmt.set_item("usegmt", true)?;
    import(py, &FORMAT_DATETIME, "email.utils", "format_datetime")?
        .call((dt,), Some(&usegmt))?
        .extract()
}

/// How Python values are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// `json.dumps` (itsdangerous' serializer, Express sessions).
    Json,
    /// Flask's tagged JSON and its provider's `default`.
    Flask,
}

/// JSON text for `v` in `style` (any JSON value at the top; callers check
/// the top-level type they need).
pub(crate) fn write_json(v: &Bound<'_, PyAny>, style: Style) -> PyResult<String> {
    let mut w = Writer {
        out: String::with_capacity(128),
        tags: style == Style::Flask,
        flask_default: style == Style::Flask,
    };
    w.value(v, 0)?;
    Ok(w.out)
}

struct Writer {
    out: String,
    /// Flask's tagging pass is active (it is off inside `default`'s results).
    tags: bool,
    /// Flask's provider `default` handles unknown types.
    flask_default: bool,
}

/// The depth inside one more container (`InvalidArgumentError` past 64).
fn nest(depth: usize) -> PyResult<usize> {
    if depth >= MAX_DEPTH {
        return Err(too_deep());
    }
    Ok(depth + 1)
}

fn too_deep() -> PyErr {
    invalid_argument(format!(
        "JSON nesting deeper than {MAX_DEPTH} levels (or a circular reference)"
    ))
}

fn not_serializable(v: &Bound<'_, PyAny>) -> PyErr {
    type_error(format!(
        "Object of type {} is not JSON serializable",
        type_name(v)
    ))
}

impl Writer {
    /// Writes `v`, which `depth` JSON containers enclose.
    fn value(&mut self, v: &Bound<'_, PyAny>, depth: usize) -> PyResult<()> {
        // Exact built-in types first: the common case, no isinstance checks.
        if let Ok(s) = v.cast_exact::<PyString>() {
            return self.string(s);
        }
        if v.is_none() {
            self.out.push_str("null");
            return Ok(());
        }
        if let Ok(b) = v.cast_exact::<PyBool>() {
            self.out
                .push_str(if b.is_true() { "true" } else { "false" });
            return Ok(());
        }
        if v.cast_exact::<PyInt>().is_ok() {
            return self.int(v);
        }
        if let Ok(f) = v.cast_exact::<PyFloat>() {
            return self.float(f.value(), v);
        }
        if let Ok(d) = v.cast_exact::<PyDict>() {
            return self.dict(d, depth);
        }
        if let Ok(l) = v.cast_exact::<PyList>() {
            return self.seq(l.iter(), depth);
        }
        if let Ok(t) = v.cast_exact::<PyTuple>() {
            if self.tags {
                return self.tagged(Tag::Tuple, depth, |w, d| w.seq(t.iter(), d));
            }
            return self.seq(t.iter(), depth);
        }
        self.other(v, depth)
    }

    /// Subclasses and the tagged types, in Flask's tag order, then
    /// `json.dumps`' own rules, then the provider's `default`.
    fn other(&mut self, v: &Bound<'_, PyAny>, depth: usize) -> PyResult<()> {
        let py = v.py();
        if self.tags {
            if let Ok(d) = v.cast::<PyDict>() {
                return self.dict(d, depth);
            }
            if let Ok(t) = v.cast::<PyTuple>() {
                return self.tagged(Tag::Tuple, depth, |w, d| w.seq(t.iter(), d));
            }
            if let Ok(l) = v.cast::<PyList>() {
                return self.seq(l.iter(), depth);
            }
            if v.cast::<PyBytes>().is_ok() {
                let b64 = import(py, &B64ENCODE, "base64", "b64encode")?.call1((v,))?;
                let text = b64.cast::<PyBytes>()?.as_bytes();
                let text = std::str::from_utf8(text)
                    .map_err(|_| PyValueError::new_err("b64encode returned non-ASCII"))?;
                return self.tagged(Tag::Bytes, depth, |w, _| {
                    write_str(text, &mut w.out);
                    Ok(())
                });
            }
            if let Some(html) = html_of(v)? {
                return self.tagged(Tag::Markup, depth, |w, _| w.string(&html));
            }
            if v.is_instance(UUID.import(py, "uuid", "UUID")?)? {
                let hex: String = v.getattr("hex")?.extract()?;
                return self.tagged(Tag::Uuid, depth, |w, _| {
                    write_str(&hex, &mut w.out);
                    Ok(())
                });
            }
            if v.is_instance(DATETIME.import(py, "datetime", "datetime")?)? {
                let date = http_date(v)?;
                return self.tagged(Tag::DateTime, depth, |w, _| {
                    write_str(&date, &mut w.out);
                    Ok(())
                });
            }
        }
        // json.dumps: str, int and float subclasses by value.
        if let Ok(s) = v.cast::<PyString>() {
            return self.string(s);
        }
        if v.cast::<PyInt>().is_ok() {
            return self.int(v);
        }
        if let Ok(f) = v.cast::<PyFloat>() {
            return self.float(f.value(), &PyFloat::new(py, f.value()).into_any());
        }
        if let Ok(l) = v.cast::<PyList>() {
            return self.seq(l.iter(), depth);
        }
        if let Ok(t) = v.cast::<PyTuple>() {
            return self.seq(t.iter(), depth);
        }
        if let Ok(d) = v.cast::<PyDict>() {
            return self.dict(d, depth);
        }
        if self.flask_default {
            let converted = flask_default(v)?;
            // json.dumps encodes `default`'s result without Flask's tags.
            let tags = std::mem::replace(&mut self.tags, false);
            let r = self.value(&converted, depth);
            self.tags = tags;
            return r;
        }
        Err(not_serializable(v))
    }

    /// `{"<tag>": <inner>}`; `inner` gets the depth of what it writes.
    fn tagged(
        &mut self,
        tag: Tag,
        depth: usize,
        inner: impl FnOnce(&mut Self, usize) -> PyResult<()>,
    ) -> PyResult<()> {
        let depth = nest(depth)?;
        self.out.push('{');
        write_str(tag.key(), &mut self.out);
        self.out.push(':');
        inner(self, depth)?;
        self.out.push('}');
        Ok(())
    }

    fn string(&mut self, s: &Bound<'_, PyString>) -> PyResult<()> {
        let bytes = s.encode_utf8().map_err(|_| {
            invalid_argument("strings must be valid Unicode (this one has a lone surrogate)")
        })?;
        write_str(utf8(bytes.as_bytes())?, &mut self.out);
        Ok(())
    }

    fn int(&mut self, v: &Bound<'_, PyAny>) -> PyResult<()> {
        match v.extract::<i64>() {
            Ok(n) => {
                let _ = write!(self.out, "{n}");
            }
            // Beyond 64 bits, or an int subclass: `int.__repr__`, as json does.
            Err(_) => {
                let text = v.py().get_type::<PyInt>().call_method1("__repr__", (v,))?;
                self.out.push_str(&text.cast::<PyString>()?.to_cow()?);
            }
        }
        Ok(())
    }

    /// `float.__repr__` of an exact float `repr_of` whose value is `f`.
    fn float(&mut self, f: f64, repr_of: &Bound<'_, PyAny>) -> PyResult<()> {
        if !f.is_finite() {
            return Err(invalid_argument(format!(
                "Out of range float values are not JSON compliant: {f}"
            )));
        }
        self.out.push_str(&repr_of.repr()?.to_cow()?);
        Ok(())
    }

    fn key(&mut self, k: &Bound<'_, PyAny>) -> PyResult<()> {
        if let Ok(s) = k.cast::<PyString>() {
            return self.string(s);
        }
        // json.dumps turns these keys into strings.
        let mut inner = Writer {
            out: String::new(),
            tags: false,
            flask_default: false,
        };
        if k.is_none() || k.cast::<PyBool>().is_ok() || k.cast::<PyFloat>().is_ok() {
            inner.value(k, 0)?;
        } else if k.cast::<PyInt>().is_ok() {
            inner.int(k)?;
        } else {
            return Err(type_error(format!(
                "keys must be str, int, float, bool or None, not {}",
                type_name(k)
            )));
        }
        write_str(&inner.out, &mut self.out);
        Ok(())
    }

    fn dict(&mut self, d: &Bound<'_, PyDict>, depth: usize) -> PyResult<()> {
        if self.tags && d.len() == 1 {
            // TagDict: a one-key dict whose key is a tag name.
            if let Some((k, v)) = d.iter().next() {
                if let Ok(name) = k.cast::<PyString>() {
                    if Tag::of(&name.to_cow()?).is_some() {
                        let key = format!("{}__", name.to_cow()?);
                        return self.tagged(Tag::Dict, depth, |w, d| {
                            let d = nest(d)?;
                            w.out.push('{');
                            write_str(&key, &mut w.out);
                            w.out.push(':');
                            w.value(&v, d)?;
                            w.out.push('}');
                            Ok(())
                        });
                    }
                }
            }
        }
        let depth = nest(depth)?;
        self.out.push('{');
        for (n, (k, v)) in d.iter().enumerate() {
            if n > 0 {
                self.out.push(',');
            }
            self.key(&k)?;
            self.out.push(':');
            self.value(&v, depth)?;
        }
        self.out.push('}');
        Ok(())
    }

    fn seq<'py>(
        &mut self,
        items: impl Iterator<Item = Bound<'py, PyAny>>,
        depth: usize,
    ) -> PyResult<()> {
        let depth = nest(depth)?;
        self.out.push('[');
        for (n, item) in items.enumerate() {
            if n > 0 {
                self.out.push(',');
            }
            self.value(&item, depth)?;
        }
        self.out.push(']');
        Ok(())
    }
}

/// `str(v.__html__())` when `v` has a callable `__html__` (Flask's TagMarkup).
fn html_of<'py>(v: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyString>>> {
    match v.getattr("__html__") {
        Ok(m) if m.is_callable() => Ok(Some(m.call0()?.str()?)),
        _ => Ok(None),
    }
}

/// Flask's `DefaultJSONProvider.default` (`flask.json.provider._default`).
fn flask_default<'py>(v: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = v.py();
    if v.is_instance(DATE.import(py, "datetime", "date")?)? {
        return Ok(PyString::new(py, &http_date(v)?).into_any());
    }
    if v.is_instance(DECIMAL.import(py, "decimal", "Decimal")?)?
        || v.is_instance(UUID.import(py, "uuid", "UUID")?)?
    {
        return Ok(v.str()?.into_any());
    }
    if import(py, &IS_DATACLASS, "dataclasses", "is_dataclass")?
        .call1((v,))?
        .is_truthy()?
    {
        return import(py, &ASDICT, "dataclasses", "asdict")?.call1((v,));
    }
    if v.hasattr("__html__")? {
        return Ok(v.call_method0("__html__")?.str()?.into_any());
    }
    Err(not_serializable(v))
}

// ---------------------------------------------------------------- reading

fn malformed_tag(tag: Tag, cause: PyErr, py: Python<'_>) -> PyErr {
    let e = to_py_err(tessera::Error::new(
        tessera::ErrorCode::Malformed,
        format!("invalid Flask tagged value {:?}: {cause}", tag.key()),
    ));
    e.set_cause(py, Some(cause));
    e
}

/// The Python value of the tagged object `{tag: value}` (`value` already
/// untagged): what Flask's `JSONTag.to_python` returns. A value Flask could
/// not convert either is `MALFORMED` (`DecodeError`).
pub(crate) fn untag<'py>(tag: Tag, value: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = value.py();
    let converted = match tag {
        Tag::Tuple => match value.cast::<PyList>() {
            Ok(l) => Ok(l.to_tuple().into_any()),
            Err(_) => py.get_type::<PyTuple>().call1((&value,)),
        },
        Tag::Bytes => import(py, &B64DECODE, "base64", "b64decode")?.call1((&value,)),
        // A missing markupsafe is an ImportError, not a bad cookie.
        Tag::Markup => import(py, &MARKUP, "markupsafe", "Markup")?.call1((&value,)),
        Tag::Uuid => UUID.import(py, "uuid", "UUID")?.call1((&value,)),
        Tag::DateTime => return parse_date(&value),
        Tag::Dict => dict_untag(&value),
    };
    converted.map_err(|e| malformed_tag(tag, e, py))
}

/// `{key[:-2]: value[key]}` for the first key of the `" di"` payload.
fn dict_untag<'py>(value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = value.py();
    let d = value
        .cast::<PyDict>()
        .map_err(|_| PyTypeError::new_err("the \" di\" payload is not an object"))?;
    let (k, v) = d
        .iter()
        .next()
        .ok_or_else(|| PyValueError::new_err("the \" di\" payload is empty"))?;
    let k = k.cast::<PyString>()?.to_cow()?.into_owned();
    let keep = k.chars().count().saturating_sub(2);
    let name: String = k.chars().take(keep).collect();
    let out = PyDict::new(py);
    out.set_item(name, v)?;
    Ok(out.into_any())
}

/// Werkzeug's `parse_date`: `email.utils.parsedate_to_datetime`, naive → UTC,
/// `None` when it does not parse.
fn parse_date<'py>(value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = value.py();
    if value.is_none() {
        return Ok(py.None().into_bound(py));
    }
    let parse = import(py, &PARSE_DATETIME, "email.utils", "parsedate_to_datetime")?;
    match parse.call1((value,)) {
        Ok(dt) => {
            if dt.getattr("tzinfo")?.is_none() {
                let kwargs = PyDict::new(py);
                kwargs.set_item("tzinfo", utc(py)?)?;
                dt.call_method("replace", (), Some(&kwargs))
            } else {
                Ok(dt)
            }
        }
        Err(e) if e.is_instance_of::<PyTypeError>(py) || e.is_instance_of::<PyValueError>(py) => {
            Ok(py.None().into_bound(py))
        }
        Err(e) => Err(e),
    }
}
