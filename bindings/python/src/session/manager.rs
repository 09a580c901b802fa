//! `SessionManager`: server-side sessions on a store.

use pyo3::prelude::*;
use tessera::session::SessionManager;

use super::{opt_text, required_duration, session_class, store::store_arg, text};
use crate::convert::{duration, json_to_py};
use crate::errors::{type_error, IntoPy};
use crate::native::object_json;

/// Server-side sessions: the data lives in the store, the client holds only
/// the id (256 random bits, base64url; the store keys on its SHA-256).
/// ``ttl`` bounds a session's life from creation, ``idle_timeout`` (if set)
/// the time between uses (``load``, ``touch``, ``save``). Saves are
/// versioned: ``save`` fails with ``SessionConflictError`` when another
/// request saved since this one loaded, instead of silently losing its write.
#[pyclass(module = "tessera._native", name = "SessionManager", frozen)]
pub struct PySessionManager {
    inner: SessionManager,
}

/// `data` for `save`: a `Session` brings its own version.
fn version_of(data: &Bound<'_, PyAny>, version: Option<&Bound<'_, PyAny>>) -> PyResult<u64> {
    if let Some(v) = version.filter(|v| !v.is_none()) {
        return super::count(v, "version");
    }
    if data.is_instance(session_class(data.py())?)? {
        return super::count(&data.getattr("version")?, "version");
    }
    Err(type_error(
        "save() needs version= unless data is the Session that load() returned",
    ))
}

#[pymethods]
impl PySessionManager {
    #[new]
    #[pyo3(signature = (store, *, ttl, idle_timeout = None))]
    fn py_new(
        store: &Bound<'_, PyAny>,
        ttl: &Bound<'_, PyAny>,
        idle_timeout: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let store = store_arg(store)?;
        let ttl = required_duration(ttl, "ttl")?;
        let idle = duration(idle_timeout, "idle_timeout")?;
        SessionManager::new(store, ttl, idle)
            .py_err()
            .map(|inner| PySessionManager { inner })
    }

    /// Creates a session holding ``data`` (a dict, or JSON object text),
    /// optionally for ``user_id`` (then ``destroy_user`` reaches it), and
    /// returns its id.
    #[pyo3(signature = (data, user_id = None))]
    fn create(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        user_id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let data = object_json(data)?;
        let user = opt_text(user_id, "user_id")?;
        py.detach(|| self.inner.create(&data, user.as_deref()))
            .py_err()
    }

    /// The session (a ``Session``: a dict of the data with ``id``,
    /// ``version``, ``user_id``, ``created_at``, ``expires_at``), or ``None``
    /// when there is none under ``id`` (unknown, expired, destroyed, or not
    /// an id at all). Restarts the idle timer.
    fn load<'py>(
        &self,
        py: Python<'py>,
        id: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let sid = text(id, "id")?;
        let Some(s) = py.detach(|| self.inner.load(&sid)).py_err()? else {
            return Ok(None);
        };
        let data = json_to_py(py, &s.data)?;
        session_class(py)?
            .call1((data, sid, s.version, s.user_id, s.created_at, s.expires_at))
            .map(Some)
    }

    /// Replaces the session's data if it is still at ``version`` (default:
    /// ``data.version`` when ``data`` is the ``Session`` that ``load``
    /// returned) and returns the new version, also written to ``data.version``
    /// when ``data`` is a ``Session``. ``SessionConflictError`` if it was
    /// saved since, ``SessionNotFoundError`` if it no longer exists.
    #[pyo3(signature = (id, data, version = None))]
    fn save(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyAny>,
        data: &Bound<'_, PyAny>,
        version: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<u64> {
        let sid = text(id, "id")?;
        let version = version_of(data, version)?;
        let json = object_json(data)?;
        let new = py
            .detach(|| self.inner.save(&sid, &json, version))
            .py_err()?;
        if data.is_instance(session_class(py)?)? {
            // The Session now matches the store: saving it again works.
            data.setattr("version", new)?;
        }
        Ok(new)
    }

    /// Saves a request's changes on top of whatever was saved meanwhile:
    /// the top-level keys whose value differs between ``loaded`` (the data
    /// as the request loaded it) and ``data`` are set, the keys missing from
    /// ``data`` removed, on the newest version (retried against concurrent
    /// writers). Returns the ``Session`` as saved. The "merge" answer to
    /// ``SessionConflictError``.
    fn save_changes<'py>(
        &self,
        py: Python<'py>,
        id: &Bound<'py, PyAny>,
        loaded: &Bound<'py, PyAny>,
        data: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let sid = text(id, "id")?;
        let (loaded, data) = (object_json(loaded)?, object_json(data)?);
        let s = py
            .detach(|| self.inner.save_changes(&sid, &loaded, &data))
            .py_err()?;
        let data = json_to_py(py, &s.data)?;
        session_class(py)?.call1((data, sid, s.version, s.user_id, s.created_at, s.expires_at))
    }

    /// Applies an RFC 7396 merge patch (``{"k": v}`` sets ``k``,
    /// ``{"k": None}`` removes it; nested dicts merge) atomically, retrying
    /// against concurrent writers, and returns the new version.
    fn merge(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyAny>,
        patch: &Bound<'_, PyAny>,
    ) -> PyResult<u64> {
        let sid = text(id, "id")?;
        let json = object_json(patch)?;
        py.detach(|| self.inner.merge(&sid, &json)).py_err()
    }

    /// Restarts the idle timer; ``False`` if there is no such session.
    fn touch(&self, py: Python<'_>, id: &Bound<'_, PyAny>) -> PyResult<bool> {
        let sid = text(id, "id")?;
        py.detach(|| self.inner.touch(&sid)).py_err()
    }

    /// Ends the session; ``False`` if there was none.
    fn destroy(&self, py: Python<'_>, id: &Bound<'_, PyAny>) -> PyResult<bool> {
        let sid = text(id, "id")?;
        py.detach(|| self.inner.destroy(&sid)).py_err()
    }

    /// Moves the session to a new id and returns it (``None`` if there is no
    /// session under ``id``): the old id stops working before the new one
    /// exists. Call it on login (session fixation defence).
    /// ``SessionConflictError`` if the session changed meanwhile.
    /// With ``user_id`` the session also becomes that user's (log-in on an
    /// anonymous session), in the same atomic step.
    #[pyo3(signature = (id, user_id = None))]
    fn rotate(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyAny>,
        user_id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<String>> {
        let sid = text(id, "id")?;
        let user = opt_text(user_id, "user_id")?;
        py.detach(|| match &user {
            Some(u) => self.inner.rotate_for_user(&sid, u),
            None => self.inner.rotate(&sid),
        })
        .py_err()
    }

    /// Ends every session created for ``user_id`` ("log out everywhere") and
    /// returns how many were live.
    fn destroy_user(&self, py: Python<'_>, user_id: &Bound<'_, PyAny>) -> PyResult<u64> {
        let user = text(user_id, "user_id")?;
        py.detach(|| self.inner.destroy_user(&user)).py_err()
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.inner)
    }
}
