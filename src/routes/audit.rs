//! Browsing the audit log (admins and officials; district-limited officials see
//! only entries about their districts).

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use crate::auth::Auth;
use crate::auth::guard::AUDIT_READERS;
use crate::error::AppError;
use crate::models::audit::{self, AuditEntry, AuditFilter};
use crate::startup::AppState;
use crate::views::{FieldErrors, PageCtx, page};

/// The filter form as typed (all text, so bad input can be shown back).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<i32>,
}

/// The audit log page.
#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub ctx: PageCtx,
    pub entries: Vec<AuditEntry>,
    pub query: AuditQuery,
    pub errors: FieldErrors,
    /// The query string for the next (older) page, if there is one.
    pub older: Option<String>,
}

fn parse_date(
    raw: &str,
    field: &'static str,
    errors: &mut FieldErrors,
) -> Option<chrono::NaiveDate> {
    crate::domain::parse_date(raw).unwrap_or_else(|key| {
        errors.add(field, key);
        None
    })
}

/// `GET /audit`
pub async fn list(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    q: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    auth.require(AUDIT_READERS)?;
    let query = q.into_inner();
    let mut errors = FieldErrors::default();
    let filter = AuditFilter {
        actor: Some(query.actor.clone()),
        action: Some(query.action.clone()),
        from: parse_date(&query.from, "from", &mut errors),
        to: parse_date(&query.to, "to", &mut errors),
        before: query.before,
    };
    let scope = auth.user().scope.clone();
    let entries = state
        .db
        .read(move |conn| Ok(audit::page(conn, &scope, &filter)?))
        .await?;
    let older = (entries.len() as i64 == audit::PAGE)
        .then(|| entries.last().map(|e| e.id))
        .flatten()
        .map(|last| {
            serde_urlencoded::to_string(AuditQuery {
                before: Some(last),
                ..query.clone()
            })
            .unwrap_or_default()
        });
    page(&AuditPage {
        ctx,
        entries,
        query,
        errors,
        older,
    })
}
