//! The signed-in account as an extractor, and role gates for scopes and actions.

use std::future::{Ready, ready};

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest, HttpMessage, HttpRequest};

use super::session::{CurrentUser, SignedIn};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::models::audit::Actor;

/// Extracts the signed-in account; anonymous requests are sent to sign in.
#[derive(Debug, Clone)]
pub struct Auth(pub SignedIn);

fn login_required(req: &HttpRequest) -> AppError {
    let next = match req.uri().path_and_query() {
        Some(pq) if req.method() == actix_web::http::Method::GET => pq.as_str().to_string(),
        _ => "/".to_string(),
    };
    AppError::LoginRequired { next }
}

impl FromRequest for Auth {
    type Error = AppError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<SignedIn>()
                .cloned()
                .map(Auth)
                .ok_or_else(|| login_required(req)),
        )
    }
}

impl Auth {
    /// The account.
    pub fn user(&self) -> &CurrentUser {
        &self.0.user
    }

    /// The audit identity of this request.
    pub fn actor(&self) -> Actor {
        self.0.actor()
    }

    /// Refuses unless the account has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.0.user.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Admins only.
pub const ADMIN: &[Role] = &[Role::Admin];
/// Who may read the audit log.
pub const AUDIT_READERS: &[Role] = &[Role::Admin, Role::Official];

/// Scope-level gate: anonymous requests go to sign-in, other roles get 403. Each
/// handler checks again (`Auth::require`), so a route moved to another scope stays
/// protected.
pub async fn gate(
    roles: &'static [Role],
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let role = req.extensions().get::<SignedIn>().map(|s| s.user.role);
    // Refusals become responses here (not errors) so the error-page middleware
    // outside renders them in the user's language.
    let refusal = match role {
        Some(r) if roles.contains(&r) => return Ok(next.call(req).await?.map_into_left_body()),
        Some(_) => AppError::Forbidden,
        None => login_required(req.request()),
    };
    Ok(req.error_response(refusal).map_into_right_body())
}
