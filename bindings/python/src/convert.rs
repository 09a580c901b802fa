//! Conversions between Python objects and the JSON text the core speaks.
//!
//! * [`json_to_py`]: claims / header / JWK JSON text → plain `dict`, `list`,
//!   `int`, `float`, `str`, `bool`, `None`, built directly (no `json.loads`,
//!   no intermediate tree). Integers of any size stay exact Python `int`s;
//!   numbers with a fraction or exponent become `float`, as in `json.loads`.
//!   The input is text the core has already validated (strict RFC 8259, no
//!   duplicates, nesting ≤ 64), but a surprise still raises, never panics.
//! * [`to_json`]: a `Mapping` → compact JSON text, like
//!   `json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)`
//!   (insertion order kept): `TypeError` for values JSON cannot hold, and
//!   `InvalidArgumentError` (a `ValueError`) for NaN/±Infinity and nesting
//!   deeper than 64 (which is also how cycles end). As in PyJWT, a
//!   `datetime` as the top-level `exp`, `iat` or `nbf` becomes an integer
//!   NumericDate (`calendar.timegm(value.utctimetuple())`: naive = UTC).
//! * small argument helpers (bytes-like, tokens).

use std::cell::RefCell;
use std::fmt::Write as _;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple,
    PyType,
};

use crate::errors::{invalid_argument, to_py_err, type_error};

/// Deepest nesting accepted, as in the core.
const MAX_DEPTH: usize = tessera::MAX_DEPTH;

// ---------------------------------------------------------------- JSON → Python

/// Builds the Python value of a JSON text.
pub(crate) fn json_to_py<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    parse(py, text, false)
}

/// Builds the Python value of Flask's *tagged* JSON text: every object with
/// exactly one member whose name is a Flask tag becomes the tagged value
/// (bottom-up, as Flask's `TaggedJSONSerializer._untag_scan`), see
/// [`crate::cookie_json::untag`].
pub(crate) fn flask_json_to_py<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    parse(py, text, true)
}

fn parse<'py>(py: Python<'py>, text: &str, flask: bool) -> PyResult<Bound<'py, PyAny>> {
    let mut p = Parser {
        py,
        text,
        b: text.as_bytes(),
        i: 0,
        buf: String::new(),
        flask,
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i != p.b.len() {
        return Err(p.bad());
    }
    Ok(v)
}

/// Registered claim and header member names (all three bytes long).
const COMMON_NAMES: [&str; 10] = [
    "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "alg", "typ", "kid",
];
static COMMON: PyOnceLock<Vec<Py<PyString>>> = PyOnceLock::new();

/// The longest member name kept in [`RECENT_NAMES`].
const MAX_CACHED_NAME: usize = 32;
const RECENT_SLOTS: usize = 64;

/// One slot of [`RECENT_NAMES`]: the name and its Python string.
type NameSlot = Option<(Box<str>, Py<PyString>)>;

thread_local! {
    /// Member names seen recently on this thread, direct-mapped by a hash of
    /// the name: a session's or a claim set's own names (`user_id`,
    /// `csrf_token`, `name`, ...) become shared Python strings instead of
    /// being created, hashed and freed on every call. Bounded: 64 names of at
    /// most 32 bytes per thread; a colliding name replaces the slot's.
    static RECENT_NAMES: RefCell<[NameSlot; RECENT_SLOTS]> =
        RefCell::new(std::array::from_fn(|_| None));
}

/// `name` as a Python string, shared with earlier calls on this thread when
/// it is in [`RECENT_NAMES`].
fn recent_name<'py>(py: Python<'py>, name: &str) -> Bound<'py, PyString> {
    // FNV-1a: names are short, and the slot only needs a spread.
    let h = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    });
    let slot = (h as usize) % RECENT_SLOTS;
    RECENT_NAMES
        .try_with(|cache| {
            let mut cache = cache.borrow_mut();
            match &cache[slot] {
                Some((n, s)) if **n == *name => s.bind(py).clone(),
                _ => {
                    let s = PyString::new(py, name);
                    cache[slot] = Some((name.into(), s.clone().unbind()));
                    s
                }
            }
        })
        // The thread is exiting: no cache.
        .unwrap_or_else(|_| PyString::new(py, name))
}

struct Parser<'py, 't> {
    py: Python<'py>,
    text: &'t str,
    b: &'t [u8],
    i: usize,
    buf: String,
    /// Untag Flask's tagged objects.
    flask: bool,
}

impl<'py> Parser<'py, '_> {
    fn bad(&self) -> PyErr {
        PyValueError::new_err(format!("invalid JSON from the core at byte {}", self.i))
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    #[inline]
    fn eat(&mut self, c: u8) -> PyResult<()> {
        self.ws();
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.bad())
        }
    }

    fn value(&mut self, depth: usize) -> PyResult<Bound<'py, PyAny>> {
        self.ws();
        let py = self.py;
        match self.b.get(self.i) {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => Ok(self.string()?.into_any()),
            Some(b't') => self.literal("true", PyBool::new(py, true).to_owned().into_any()),
            Some(b'f') => self.literal("false", PyBool::new(py, false).to_owned().into_any()),
            Some(b'n') => self.literal("null", py.None().into_bound(py)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.bad()),
        }
    }

    fn literal(&mut self, word: &str, v: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        if self.b[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(self.bad())
        }
    }

    fn object(&mut self, depth: usize) -> PyResult<Bound<'py, PyAny>> {
        if depth > MAX_DEPTH {
            return Err(self.bad());
        }
        self.i += 1; // '{'
        let dict = PyDict::new(self.py);
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(dict.into_any());
        }
        let mut members = 0usize;
        loop {
            self.ws();
            if self.b.get(self.i) != Some(&b'"') {
                return Err(self.bad());
            }
            // Every tag starts with a space (possibly escaped): only such
            // first member names need a closer look.
            let maybe_tag =
                self.flask && members == 0 && matches!(self.b.get(self.i + 1), Some(b' ' | b'\\'));
            let key = self.key()?;
            self.eat(b':')?;
            let value = self.value(depth)?;
            members += 1;
            if maybe_tag {
                // A one-member object whose name is a tag is a tagged value.
                if let Some(tag) = crate::cookie_json::Tag::of(&key.to_cow()?) {
                    self.ws();
                    if self.b.get(self.i) == Some(&b'}') {
                        self.i += 1;
                        return crate::cookie_json::untag(tag, value);
                    }
                }
            }
            dict.set_item(key, value)?;
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(dict.into_any());
                }
                _ => return Err(self.bad()),
            }
        }
    }

    fn array(&mut self, depth: usize) -> PyResult<Bound<'py, PyAny>> {
        if depth > MAX_DEPTH {
            return Err(self.bad());
        }
        self.i += 1; // '['
        let list = PyList::empty(self.py);
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(list.into_any());
        }
        loop {
            list.append(self.value(depth)?)?;
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(list.into_any());
                }
                _ => return Err(self.bad()),
            }
        }
    }

    /// A member name: the registered claim and header names are shared
    /// Python strings (no allocation), the rest as [`Parser::string`].
    fn key(&mut self) -> PyResult<Bound<'py, PyString>> {
        if let (Some(name), Some(b'"')) =
            (self.b.get(self.i + 1..self.i + 4), self.b.get(self.i + 4))
        {
            if let Some(n) = COMMON_NAMES.iter().position(|c| c.as_bytes() == name) {
                self.i += 5;
                let names = COMMON.get_or_init(self.py, || {
                    COMMON_NAMES
                        .iter()
                        .map(|c| PyString::intern(self.py, c).unbind())
                        .collect()
                });
                return Ok(names[n].bind(self.py).clone());
            }
        }
        // Other short names without escapes: the per-thread recent names.
        let start = self.i + 1;
        let end = self.b[start..self.b.len().min(start + MAX_CACHED_NAME + 1)]
            .iter()
            .position(|&c| c == b'"' || c == b'\\')
            .map(|n| start + n);
        if let Some(end) = end.filter(|&e| self.b[e] == b'"') {
            let name = &self.text[start..end];
            self.i = end + 1;
            return Ok(recent_name(self.py, name));
        }
        self.string()
    }

    /// A string starting at the opening quote.
    fn string(&mut self) -> PyResult<Bound<'py, PyString>> {
        self.i += 1;
        let start = self.i;
        // Fast path: no escapes (quotes and backslashes are ASCII, so the
        // slice below is on character boundaries).
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'"' => {
                    let s = &self.text[start..self.i];
                    self.i += 1;
                    return Ok(PyString::new(self.py, s));
                }
                b'\\' => break,
                _ => self.i += 1,
            }
        }
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        buf.push_str(&self.text[start..self.i]);
        let result = self.escaped(&mut buf);
        self.buf = buf;
        result?;
        Ok(PyString::new(self.py, &self.buf))
    }

    /// The rest of a string with escapes, from a backslash or plain text,
    /// up to and including the closing quote.
    fn escaped(&mut self, buf: &mut String) -> PyResult<()> {
        loop {
            let run = self.i;
            while let Some(&c) = self.b.get(self.i) {
                if c == b'"' || c == b'\\' {
                    break;
                }
                self.i += 1;
            }
            buf.push_str(&self.text[run..self.i]);
            match self.b.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    let e = *self.b.get(self.i + 1).ok_or_else(|| self.bad())?;
                    self.i += 2;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode()?,
                        _ => return Err(self.bad()),
                    };
                    buf.push(c);
                }
                _ => return Err(self.bad()),
            }
        }
    }

    fn hex4(&mut self) -> PyResult<u32> {
        let digits = self
            .text
            .get(self.i..self.i + 4)
            .ok_or_else(|| self.bad())?;
        let v = u32::from_str_radix(digits, 16).map_err(|_| self.bad())?;
        self.i += 4;
        Ok(v)
    }

    /// After `\u`: one code point (a surrogate pair is combined; the core
    /// rejects lone surrogates before we get here).
    fn unicode(&mut self) -> PyResult<char> {
        let hi = self.hex4()?;
        let cp = if (0xD800..0xDC00).contains(&hi) {
            if self.b.get(self.i..self.i + 2) != Some(b"\\u") {
                return Err(self.bad());
            }
            self.i += 2;
            let lo = self.hex4()?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err(self.bad());
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        char::from_u32(cp).ok_or_else(|| self.bad())
    }

    fn number(&mut self) -> PyResult<Bound<'py, PyAny>> {
        let start = self.i;
        if self.b[self.i] == b'-' {
            self.i += 1;
        }
        let mut float = false;
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'0'..=b'9' => {}
                b'.' | b'e' | b'E' | b'+' | b'-' => float = true,
                _ => break,
            }
            self.i += 1;
        }
        let s = &self.text[start..self.i];
        let py = self.py;
        if float {
            let f: f64 = s.parse().map_err(|_| self.bad())?;
            return Ok(PyFloat::new(py, f).into_any());
        }
        if let Ok(n) = s.parse::<i64>() {
            return Ok(n.into_pyobject(py)?.into_any());
        }
        // Beyond 64 bits: Python's own int() keeps it exact.
        py.get_type::<PyInt>().call1((s,))
    }
}

// ---------------------------------------------------------------- Python → JSON

/// Serializes a claims or header `Mapping` to compact JSON text; a `str` is
/// taken as JSON text already (the core checks it and signs it byte for byte).
/// `what` names the argument in error messages.
pub(crate) fn to_json(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    let mut out = String::with_capacity(128);
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    } else if let Ok(d) = obj.cast::<PyDict>() {
        write_dict(d, &mut out, 1, true)?;
    } else if obj.cast::<PyMapping>().is_ok() {
        let d = PyDict::new(obj.py());
        d.update(obj.cast::<PyMapping>()?)?;
        write_dict(&d, &mut out, 1, true)?;
    } else {
        return Err(type_error(format!(
            "{what} must be a mapping (dict) or JSON text (str), not {}",
            type_name(obj)
        )));
    }
    Ok(out)
}

pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

fn write_dict(d: &Bound<'_, PyDict>, out: &mut String, depth: usize, top: bool) -> PyResult<()> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    out.push('{');
    for (n, (k, v)) in d.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        let Ok(k) = k.cast::<PyString>() else {
            return Err(type_error(format!(
                "keys must be str, not {}",
                type_name(&k)
            )));
        };
        let name = k.encode_utf8()?;
        let name = name.as_bytes();
        write_str(utf8(name)?, out);
        out.push(':');
        if top && matches!(name, b"exp" | b"iat" | b"nbf") {
            if let Some(ts) = numeric_date(&v)? {
                let _ = write!(out, "{ts}");
                continue;
            }
        }
        write_value(&v, out, depth)?;
    }
    out.push('}');
    Ok(())
}

/// The bytes `str.encode("utf-8")` returned (always UTF-8).
pub(crate) fn utf8(b: &[u8]) -> PyResult<&str> {
    std::str::from_utf8(b).map_err(|_| PyValueError::new_err("str.encode returned invalid UTF-8"))
}

fn too_deep() -> PyErr {
    invalid_argument(format!(
        "JSON nesting deeper than {MAX_DEPTH} levels (or a circular reference)"
    ))
}

fn write_value(v: &Bound<'_, PyAny>, out: &mut String, depth: usize) -> PyResult<()> {
    if let Ok(s) = v.cast::<PyString>() {
        write_str(utf8(s.encode_utf8()?.as_bytes())?, out);
    } else if let Ok(b) = v.cast::<PyBool>() {
        out.push_str(if b.is_true() { "true" } else { "false" });
    } else if v.cast::<PyInt>().is_ok() {
        match v.extract::<i64>() {
            Ok(n) => {
                let _ = write!(out, "{n}");
            }
            // Beyond 64 bits (int.__repr__, not str(): IntEnum members too).
            Err(_) => {
                let text = v.py().get_type::<PyInt>().call_method1("__repr__", (v,))?;
                out.push_str(&text.cast::<PyString>()?.to_cow()?);
            }
        }
    } else if let Ok(f) = v.cast::<PyFloat>() {
        let f = f.value();
        if !f.is_finite() {
            return Err(invalid_argument(format!(
                "Out of range float values are not JSON compliant: {f}"
            )));
        }
        // Shortest round-trip form, exponent for very large/small values:
        // valid JSON for every finite double.
        let _ = write!(out, "{f:?}");
    } else if v.is_none() {
        out.push_str("null");
    } else if let Ok(d) = v.cast::<PyDict>() {
        write_dict(d, out, depth + 1, false)?;
    } else if let Ok(l) = v.cast::<PyList>() {
        write_seq(l.iter(), out, depth + 1)?;
    } else if let Ok(t) = v.cast::<PyTuple>() {
        write_seq(t.iter(), out, depth + 1)?;
    } else {
        return Err(type_error(format!(
            "Object of type {} is not JSON serializable",
            type_name(v)
        )));
    }
    Ok(())
}

fn write_seq<'py>(
    items: impl Iterator<Item = Bound<'py, PyAny>>,
    out: &mut String,
    depth: usize,
) -> PyResult<()> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    out.push('[');
    for (n, item) in items.enumerate() {
        if n > 0 {
            out.push(',');
        }
        write_value(&item, out, depth)?;
    }
    out.push(']');
    Ok(())
}

/// A JSON string literal: `"`, `\` and control characters escaped, the rest
/// as UTF-8 (`ensure_ascii=False`).
pub(crate) fn write_str(s: &str, out: &mut String) {
    out.push('"');
    let mut run = 0;
    for (i, c) in s.bytes().enumerate() {
        let esc: &str = match c {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        if esc.is_empty() {
            let _ = write!(out, "\\u{c:04x}");
        } else {
            out.push_str(esc);
        }
        run = i + 1;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TIMEDELTA: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TIMEGM: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `Some(seconds)` for a `datetime` (PyJWT's rule: `timegm(utctimetuple())`,
/// a naive datetime is UTC), `None` for anything else.
fn numeric_date(v: &Bound<'_, PyAny>) -> PyResult<Option<i64>> {
    let py = v.py();
    if !v.is_instance(DATETIME.import(py, "datetime", "datetime")?)? {
        return Ok(None);
    }
    let timegm = TIMEGM.get_or_try_init(py, || {
        PyResult::Ok(py.import("calendar")?.getattr("timegm")?.unbind())
    })?;
    let tuple = v.call_method0("utctimetuple")?;
    Ok(Some(timegm.bind(py).call1((tuple,))?.extract()?))
}

// ---------------------------------------------------------------- arguments

/// Whole seconds from an `int`, a `float` (floored) or a `datetime.timedelta`
/// (floored); `None` for `None`. Negative values are `InvalidArgumentError`.
pub(crate) fn seconds(v: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<u64>> {
    let Some(v) = v.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let py = v.py();
    let secs = if v.is_instance(TIMEDELTA.import(py, "datetime", "timedelta")?)? {
        floor(v.call_method0("total_seconds")?.extract::<f64>()?, name)?
    } else {
        number(v, name, "int, float or datetime.timedelta")?
    };
    u64::try_from(secs)
        .map(Some)
        .map_err(|_| invalid_argument(format!("{name} must not be negative")))
}

/// A duration from seconds given as an `int`, a `float` (sub-second values
/// kept to the nanosecond) or a `datetime.timedelta` (exact); `None` for
/// `None`. Negative, NaN or infinite values are `InvalidArgumentError`;
/// whether zero or a sub-millisecond value is usable is the core's call.
pub(crate) fn duration(
    v: Option<&Bound<'_, PyAny>>,
    name: &str,
) -> PyResult<Option<std::time::Duration>> {
    use std::time::Duration;
    let Some(v) = v.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let py = v.py();
    let negative = || invalid_argument(format!("{name} must not be negative"));
    let out_of_range = || invalid_argument(format!("{name} is out of range"));
    if v.is_instance(TIMEDELTA.import(py, "datetime", "timedelta")?)? {
        // days may be negative; seconds and microseconds never are.
        let days: i64 = v.getattr("days")?.extract()?;
        let secs: u64 = v.getattr("seconds")?.extract()?;
        let micros: u32 = v.getattr("microseconds")?.extract()?;
        let days = u64::try_from(days).map_err(|_| negative())?;
        let whole = days
            .checked_mul(86_400)
            .and_then(|d| d.checked_add(secs))
            .ok_or_else(out_of_range)?;
        return Ok(Some(Duration::new(whole, micros * 1000)));
    }
    let want = "int, float or datetime.timedelta";
    if v.cast::<PyBool>().is_ok() {
        return Err(type_error(format!("{name} must be {want}, not bool")));
    }
    if v.cast::<PyInt>().is_ok() {
        if let Ok(s) = v.extract::<u64>() {
            return Ok(Some(Duration::from_secs(s)));
        }
        return Err(if v.lt(0)? { negative() } else { out_of_range() });
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        let f = f.value();
        if f.is_nan() || f.is_infinite() {
            return Err(invalid_argument(format!("{name} must be a finite number")));
        }
        if f < 0.0 {
            return Err(negative());
        }
        return Duration::try_from_secs_f64(f)
            .map(Some)
            .map_err(|_| out_of_range());
    }
    Err(type_error(format!(
        "{name} must be {want}, not {}",
        type_name(v)
    )))
}

/// Epoch seconds from an `int`, a `float` (floored) or a `datetime` (aware,
/// or naive meaning UTC; floored).
pub(crate) fn epoch_seconds(v: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<i64>> {
    let Some(v) = v.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let py = v.py();
    if v.is_instance(DATETIME.import(py, "datetime", "datetime")?)? {
        let v = if v.getattr("tzinfo")?.is_none() {
            let utc = py.import("datetime")?.getattr("timezone")?.getattr("utc")?;
            let kwargs = PyDict::new(py);
            kwargs.set_item("tzinfo", utc)?;
            v.call_method("replace", (), Some(&kwargs))?
        } else {
            v.clone()
        };
        return floor(v.call_method0("timestamp")?.extract::<f64>()?, name).map(Some);
    }
    number(v, name, "int, float or datetime.datetime").map(Some)
}

fn number(v: &Bound<'_, PyAny>, name: &str, want: &str) -> PyResult<i64> {
    if v.cast::<PyBool>().is_ok() {
        return Err(type_error(format!("{name} must be {want}, not bool")));
    }
    if v.cast::<PyInt>().is_ok() {
        return v
            .extract::<i64>()
            .map_err(|_| invalid_argument(format!("{name} is out of range")));
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        return floor(f.value(), name);
    }
    Err(type_error(format!(
        "{name} must be {want}, not {}",
        type_name(v)
    )))
}

fn floor(f: f64, name: &str) -> PyResult<i64> {
    let f = f.floor();
    if !f.is_finite() || f < i64::MIN as f64 || f >= i64::MAX as f64 {
        return Err(invalid_argument(format!("{name} is out of range")));
    }
    Ok(f as i64)
}

/// A `str` (UTF-8 encoded), `bytes` or `bytearray` argument as bytes.
pub(crate) fn bytes_arg(v: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<u8>> {
    if let Ok(b) = v.cast::<PyBytes>() {
        Ok(b.as_bytes().to_vec())
    } else if let Ok(s) = v.cast::<PyString>() {
        Ok(s.encode_utf8()?.as_bytes().to_vec())
    } else if let Ok(b) = v.cast::<PyByteArray>() {
        Ok(b.to_vec())
    } else {
        Err(type_error(format!(
            "{name} must be bytes or str, not {}",
            type_name(v)
        )))
    }
}

/// A JSON argument: JSON text (`str`) as is, or a mapping serialized here.
pub(crate) fn json_arg(v: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    if v.cast::<PyString>().is_ok() || v.cast::<PyDict>().is_ok() || v.cast::<PyMapping>().is_ok() {
        to_json(v, name)
    } else {
        Err(type_error(format!(
            "{name} must be str or dict, not {}",
            type_name(v)
        )))
    }
}

/// A token (`str` or `bytes`) as a Python `bytes` object whose buffer the
/// core reads (one copy for `str`, none for `bytes`). A `str` that cannot be
/// UTF-8 (lone surrogates) is a malformed token.
pub(crate) fn token_arg<'py>(v: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    if let Ok(s) = v.cast::<PyString>() {
        s.encode_utf8().map_err(|_| {
            to_py_err(tessera::Error::new(
                tessera::ErrorCode::Malformed,
                "token is not valid UTF-8",
            ))
        })
    } else if let Ok(b) = v.cast::<PyBytes>() {
        Ok(b.clone())
    } else {
        Err(type_error(format!(
            "token must be str or bytes, not {}",
            type_name(v)
        )))
    }
}

/// An optional `str` argument.
pub(crate) fn opt_str(v: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<String>> {
    match v.filter(|v| !v.is_none()) {
        None => Ok(None),
        Some(v) => match v.cast::<PyString>() {
            Ok(s) => Ok(Some(s.to_cow()?.into_owned())),
            Err(_) => Err(type_error(format!(
                "{name} must be str or None, not {}",
                type_name(v)
            ))),
        },
    }
}

/// A list of `str` from any iterable of `str` (a lone `str` is accepted only
/// when `one_ok`, as a list of one).
pub(crate) fn strings(v: &Bound<'_, PyAny>, name: &str, one_ok: bool) -> PyResult<Vec<String>> {
    let want = if one_ok {
        "a str or a sequence of str"
    } else {
        "a sequence of str"
    };
    if let Ok(s) = v.cast::<PyString>() {
        if one_ok {
            return Ok(vec![s.to_cow()?.into_owned()]);
        }
        return Err(type_error(format!("{name} must be {want}, not str")));
    }
    if v.cast::<PyBytes>().is_ok() || v.cast::<PyMapping>().is_ok() {
        return Err(type_error(format!(
            "{name} must be {want}, not {}",
            type_name(v)
        )));
    }
    let iter = v
        .try_iter()
        .map_err(|_| type_error(format!("{name} must be {want}, not {}", type_name(v))))?;
    let mut out = Vec::new();
    for item in iter {
        let item = item?;
        match item.cast::<PyString>() {
            Ok(s) => out.push(s.to_cow()?.into_owned()),
            Err(_) => {
                return Err(type_error(format!(
                    "{name} must be {want}; found {}",
                    type_name(&item)
                )))
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- cookie arguments

/// One secret (`str` UTF-8 encoded, `bytes`, `bytearray`), wiped on drop.
pub(crate) type Secret = zeroize::Zeroizing<Vec<u8>>;

/// Secrets as the cookie libraries take them: one `str`/`bytes`/`bytearray`
/// is a list of one; any other iterable is a list in its own order (each
/// item `str`, `bytes` or `bytearray`). Emptiness and length rules are the
/// core's.
pub(crate) fn secrets(v: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<Secret>> {
    if v.cast::<PyString>().is_ok()
        || v.cast::<PyBytes>().is_ok()
        || v.cast::<PyByteArray>().is_ok()
    {
        return Ok(vec![Secret::new(bytes_arg(v, name)?)]);
    }
    let want = "str, bytes, or an iterable of str or bytes";
    if v.cast::<PyMapping>().is_ok() {
        return Err(type_error(format!(
            "{name} must be {want}, not {}",
            type_name(v)
        )));
    }
    let iter = v
        .try_iter()
        .map_err(|_| type_error(format!("{name} must be {want}, not {}", type_name(v))))?;
    iter.map(|item| {
        let item = item?;
        bytes_arg(&item, name).map(Secret::new)
    })
    .collect()
}

/// `now` in Unix seconds: the argument (`int`, `float` floored, `datetime`),
/// or the system clock when it is `None`.
pub(crate) fn now_arg(v: Option<&Bound<'_, PyAny>>) -> PyResult<i64> {
    match epoch_seconds(v, "now")? {
        Some(now) => Ok(now),
        None => Ok(
            match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
                Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
            },
        ),
    }
}

/// A `max_age` argument whose default is a number, so that `None` can mean
/// "no limit": seconds as [`seconds`] reads them.
pub(crate) struct MaxAge(pub Option<u64>);

impl<'a, 'py> FromPyObject<'a, 'py> for MaxAge {
    type Error = PyErr;

    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        seconds(Some(&obj.to_owned()), "max_age").map(MaxAge)
    }
}

/// Cookie and signer inputs longer than this are processed with the GIL
/// released: a typical session cookie (a few hundred bytes) takes a few
/// microseconds, less than releasing and re-taking the GIL is worth; large,
/// compressed or chunked values take longer (inflating, parsing, MACs over
/// kilobytes).
pub(crate) const DETACH_BYTES: usize = 2048;

/// Runs `f` without the GIL when the input is `len` bytes > [`DETACH_BYTES`].
pub(crate) fn detach_for<T: Send>(py: Python<'_>, len: usize, f: impl FnOnce() -> T + Send) -> T {
    if len > DETACH_BYTES {
        py.detach(f)
    } else {
        f()
    }
}
