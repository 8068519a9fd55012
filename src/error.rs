//! One error type for the HTTP boundary. Expected refusals carry what to tell the
//! user; unexpected failures keep their cause chain for the log and show a plain
//! page (rendered in the user's language by `views::error_page`).

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, ResponseError};

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not signed in: redirect to the sign-in page, then back to `next`.
    #[error("sign-in required")]
    LoginRequired {
        /// The local path to return to after signing in.
        next: String,
    },
    /// Signed in, but this role or scope may not do this.
    #[error("forbidden")]
    Forbidden,
    /// No such record (or not visible to this account, which looks the same).
    #[error("not found")]
    NotFound,
    /// The request is malformed; the message says what was wrong.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The CSRF token or the request origin did not match.
    #[error("CSRF check failed: {0}")]
    Csrf(&'static str),
    /// A database error.
    #[error("database error")]
    Db(#[from] diesel::result::Error),
    /// No database connection could be had.
    #[error("database connection unavailable")]
    Pool(#[from] diesel::r2d2::PoolError),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migration(String),
    /// The blocking thread pool failed.
    #[error("background task failed")]
    Blocking(#[from] actix_web::error::BlockingError),
    /// Anything else unexpected.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// Wraps a migration harness error (a boxed error that is not `Send`-friendly).
    pub fn migration(e: Box<dyn std::error::Error + Send + Sync>) -> AppError {
        AppError::Migration(e.to_string())
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::LoginRequired { .. } => StatusCode::SEE_OTHER,
            AppError::Forbidden | AppError::Csrf(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Db(diesel::result::Error::NotFound) => StatusCode::NOT_FOUND,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::LoginRequired { next } => {
                let target = if next == "/" || next.is_empty() {
                    "/login".to_string()
                } else {
                    let query =
                        serde_urlencoded::to_string([("next", next.as_str())]).unwrap_or_default();
                    format!("/login?{query}")
                };
                HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, target))
                    .finish()
            }
            other => {
                if other.status_code().is_server_error() {
                    // The cause chain goes to the log; the user gets a plain page.
                    tracing::error!(error = ?other, "request failed");
                }
                // The body is replaced by the localised error page (see views::error_page).
                HttpResponse::build(other.status_code()).finish()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_redirect_keeps_the_path() {
        let r = AppError::LoginRequired {
            next: "/admin/users?q=a b".into(),
        }
        .error_response();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            r.headers().get(header::LOCATION).unwrap(),
            "/login?next=%2Fadmin%2Fusers%3Fq%3Da+b"
        );
    }

    #[test]
    fn statuses() {
        assert_eq!(AppError::Forbidden.status_code(), StatusCode::FORBIDDEN);
        assert_eq!(
            AppError::Db(diesel::result::Error::NotFound).status_code(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(AppError::Csrf("x").status_code(), StatusCode::FORBIDDEN);
    }
}
