//! CSRF protection for every state-changing request: a synchronizer token bound to
//! the session (or, before sign-in, to a signed cookie), plus an Origin check.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::session::{AnonCsrf, SignedIn};
use crate::error::AppError;

/// The form field that carries the token.
pub const FIELD: &str = "csrf_token";

/// The token forms on this request must carry.
pub fn expected_token(req: &HttpRequest) -> Option<String> {
    let ext = req.extensions();
    ext.get::<SignedIn>()
        .map(|s| s.csrf_token.clone())
        .or_else(|| ext.get::<AnonCsrf>().map(|a| a.0.clone()))
}

fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

/// Refuses a request whose `Origin` (or, without one, `Referer`) names another site.
pub fn check_origin(req: &HttpRequest) -> Result<(), AppError> {
    let info = req.connection_info();
    let host = info.host();
    let claimed = req
        .headers()
        .get(header::ORIGIN)
        .or_else(|| req.headers().get(header::REFERER))
        .map(|v| v.to_str().unwrap_or("null"));
    match claimed {
        None => Ok(()),
        Some(v) if host_of(v) == Some(host) => Ok(()),
        Some(_) => Err(AppError::Csrf("cross-origin request")),
    }
}

fn same_token(a: &str, b: &str) -> bool {
    // Compare digests so the comparison time says nothing about the token.
    Sha256::digest(a.as_bytes()) == Sha256::digest(b.as_bytes())
}

/// Checks the origin and a sent token against this request's session (or pre-sign-in
/// cookie). Used by [`CsrfForm`] and by the file-upload form.
pub fn verify(req: &HttpRequest, sent: Option<&str>) -> Result<(), AppError> {
    check_origin(req)?;
    let expected = expected_token(req).ok_or(AppError::Csrf("no token issued"))?;
    match sent {
        Some(t) if same_token(t, &expected) => Ok(()),
        _ => Err(AppError::Csrf("token missing or wrong")),
    }
}

#[derive(Deserialize)]
struct TokenOnly {
    csrf_token: Option<String>,
}

/// A urlencoded form whose CSRF token and origin were checked before the
/// handler runs. Repeated fields (checkboxes) deserialize into `Vec`s.
pub struct CsrfForm<T>(pub T);

/// A form with no fields but the token (sign-out, disable, ...).
#[derive(Debug, Deserialize)]
pub struct Empty {}

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            check_origin(&req)?;
            let body = body.await?;
            let sent: TokenOnly = serde_html_form::from_bytes(&body)
                .map_err(|_| AppError::Csrf("unreadable form"))?;
            verify(&req, sent.csrf_token.as_deref())?;
            // No field takes a NUL character, and PostgreSQL cannot store one in text.
            if body.contains(&0) || body.windows(3).any(|w| w == b"%00") {
                return Err(AppError::BadRequest("form data: a NUL character".into()).into());
            }
            let value = serde_html_form::from_bytes::<T>(&body)
                .map_err(|e| AppError::BadRequest(format!("form data: {e}")))?;
            Ok(CsrfForm(value))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_parsing() {
        assert_eq!(host_of("http://127.0.0.1:8080"), Some("127.0.0.1:8080"));
        assert_eq!(
            host_of("https://srdi.example/login?x=1"),
            Some("srdi.example")
        );
        assert_eq!(host_of("null"), None);
    }
}
