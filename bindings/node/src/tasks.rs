//! Work for the libuv thread pool, one `Task` per async operation
//! (`compute` runs on a pool thread, `resolve` on the JS thread).
//!
//! `compute` never fails at the napi level: it returns the core's result,
//! with panics caught as `INTERNAL`; `resolve` turns an error into the same
//! JS error object a sync call throws, so the promise rejects with it.

use std::sync::Arc;

use napi::bindgen_prelude::{AsyncTask, Env, ToNapiValue, TypeName};
use napi::Task;
use tessera::jwt::{self, Verifier};
use tessera::{jws, Algorithm};

use crate::convert::validation;
use crate::errors::{async_err, guard};
use crate::key::Key;
use crate::keyset::Signer;

/// Settles a promise with the core's outcome.
fn settle<T>(env: &Env, out: tessera::Result<T>) -> napi::Result<T> {
    out.map_err(|e| async_err(env, e))
}

/// `jwt.encodeAsync`.
pub struct EncodeTask {
    pub(crate) signer: Signer,
    pub(crate) claims: String,
    pub(crate) header: Option<String>,
}

impl Task for EncodeTask {
    type Output = tessera::Result<String>;
    type JsValue = String;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(guard(|| {
            jwt::encode(&self.claims, &self.signer, self.header.as_deref())
        }))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> napi::Result<String> {
        settle(&env, out)
    }
}

/// `jws.signAsync`.
pub struct JwsSignTask {
    pub(crate) signer: Signer,
    pub(crate) payload: Vec<u8>,
    pub(crate) header: Option<String>,
}

impl Task for JwsSignTask {
    type Output = tessera::Result<String>;
    type JsValue = String;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(guard(|| {
            jws::sign(&self.payload, &self.signer, self.header.as_deref())
        }))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> napi::Result<String> {
        settle(&env, out)
    }
}

/// How a `VerifyTask` gets its verifier.
enum Source {
    /// `Verifier.verifyAsync`: built once, shared.
    Prepared(Arc<Verifier>),
    /// `jwt.decodeAsync`: keys + policy JSON, built on the pool thread.
    OneShot(tessera::KeySet, Option<String>),
}

/// `Verifier.verifyAsync` and `jwt.decodeAsync`; resolves to the claims JSON text.
pub struct VerifyTask {
    source: Source,
    token: String,
}

impl VerifyTask {
    pub(crate) fn prepared(verifier: Arc<Verifier>, token: String) -> VerifyTask {
        VerifyTask {
            source: Source::Prepared(verifier),
            token,
        }
    }

    pub(crate) fn one_shot(
        keys: tessera::KeySet,
        options: Option<String>,
        token: String,
    ) -> VerifyTask {
        VerifyTask {
            source: Source::OneShot(keys, options),
            token,
        }
    }
}

impl Task for VerifyTask {
    type Output = tessera::Result<String>;
    type JsValue = String;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(guard(|| {
            let claims = match &self.source {
                Source::Prepared(v) => v.verify(&self.token)?,
                Source::OneShot(keys, options) => {
                    jwt::decode(&self.token, keys, &validation(options.as_deref())?)?
                }
            };
            Ok(claims.into_json())
        }))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> napi::Result<String> {
        settle(&env, out)
    }
}

/// `Key.generateAsync`.
pub struct GenerateTask {
    pub(crate) alg: String,
    pub(crate) kid: Option<String>,
}

impl Task for GenerateTask {
    type Output = tessera::Result<tessera::Key>;
    type JsValue = Key;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(guard(|| {
            let alg = Algorithm::parse(&self.alg)?;
            tessera::Key::generate_with(alg, self.kid.as_deref())
        }))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> napi::Result<Key> {
        settle(&env, out).map(Key::from)
    }
}

/// Store I/O (sessions, denylist, refresh tokens): one blocking core call,
/// moved to a pool thread as a closure over owned arguments. One generic
/// task instead of a struct per operation: every store call has the same
/// shape (owned inputs, a `tessera::Result`, a plain JS value out).
pub struct Blocking<T> {
    work: Option<Box<dyn FnOnce() -> tessera::Result<T> + Send>>,
}

impl<T> Blocking<T> {
    /// The promise-returning form of `work`.
    pub(crate) fn task(
        work: impl FnOnce() -> tessera::Result<T> + Send + 'static,
    ) -> AsyncTask<Blocking<T>>
    where
        Blocking<T>: Task,
    {
        AsyncTask::new(Blocking {
            work: Some(Box::new(work)),
        })
    }
}

impl<T: ToNapiValue + TypeName + Send + 'static> Task for Blocking<T> {
    type Output = tessera::Result<T>;
    type JsValue = T;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let work = self.work.take();
        Ok(guard(move || match work {
            Some(f) => f(),
            None => Err(tessera::Error::new(
                tessera::ErrorCode::Internal,
                "task computed twice",
            )),
        }))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> napi::Result<T> {
        settle(&env, out)
    }
}

/// Test hook (`testPanicAsync`): panics in `compute`.
#[doc(hidden)]
pub struct PanicTask;

impl Task for PanicTask {
    type Output = tessera::Result<String>;
    type JsValue = String;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(guard(|| panic!("test panic (libuv pool thread)")))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> napi::Result<String> {
        settle(&env, out)
    }
}
