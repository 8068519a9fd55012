//! The inbox: every account's own notifications, newest first, opened (marked read,
//! then followed) and marked read by POST only; others' notifications are 404.

use std::sync::atomic::{AtomicI64, Ordering};

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::auth::Auth;
use crate::auth::csrf::{CsrfForm, Empty};
use crate::db::Db;
use crate::domain::notification;
use crate::error::AppError;
use crate::models::notification::{self as model, Notification};
use crate::routes::enterprises::{refresh_levels_if_due, today};
use crate::startup::AppState;
use crate::views::flash::Flash;
use crate::views::{PageCtx, page, redirect_with_flash};

/// Notifications per page.
const PAGE: i64 = 50;
/// The overdue-task sweep runs at most this often per process (seconds).
const TASK_SWEEP_EVERY: i64 = 300;

static LAST_TASK_SWEEP: AtomicI64 = AtomicI64::new(0);

/// Announces newly overdue tasks to their owners, at most every few minutes per
/// process (an index range scan on open tasks past due that were never announced).
pub async fn sweep_tasks_if_due(db: &Db) -> Result<(), AppError> {
    let now = Utc::now().timestamp();
    let last = LAST_TASK_SWEEP.load(Ordering::Relaxed);
    if now - last < TASK_SWEEP_EVERY
        || LAST_TASK_SWEEP
            .compare_exchange(last, now, Ordering::SeqCst, Ordering::Relaxed)
            .is_err()
    {
        return Ok(());
    }
    let day = today();
    let n = db
        .write(move |conn| Ok(model::sweep_tasks_overdue(conn, day)?))
        .await?;
    if n > 0 {
        tracing::info!(notifications = n, "overdue tasks announced");
    }
    Ok(())
}

/// Runs the sweeps that are due (each is a no-op most of the time).
pub async fn sweeps_if_due(db: &Db) -> Result<(), AppError> {
    refresh_levels_if_due(db).await?;
    sweep_tasks_if_due(db).await
}

/// The query string of the inbox: the keyset cursor.
#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    pub before: Option<i32>,
}

/// A notification as the inbox shows it.
pub struct InboxRow {
    pub n: Notification,
    /// The message in the reader's language.
    pub text: String,
}

/// The inbox page.
#[derive(Template)]
#[template(path = "notifications/inbox.html")]
pub struct InboxPage {
    pub ctx: PageCtx,
    pub rows: Vec<InboxRow>,
    /// The cursor of the next (older) page, if there is one.
    pub next_before: Option<i32>,
    /// Whether this is a later page.
    pub paged: bool,
}

/// The message of a notification in the page's language.
pub fn message(ctx: &PageCtx, n: &Notification) -> String {
    match n.kind() {
        Some(kind) => notification::render(&ctx.t(&kind.message_key()), &n.params(), |k| ctx.t(k)),
        None => ctx.t("notification.unknown"),
    }
}

/// `GET /inbox`
pub async fn inbox(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    q: web::Query<InboxQuery>,
) -> Result<HttpResponse, AppError> {
    sweeps_if_due(&state.db).await?;
    let user_id = auth.user().id;
    let before = q.before;
    let mut list = state
        .db
        .read(move |conn| Ok(model::list(conn, user_id, before, PAGE + 1)?))
        .await?;
    let next_before = if list.len() as i64 > PAGE {
        list.truncate(PAGE as usize);
        list.last().map(|n| n.id)
    } else {
        None
    };
    let rows = list
        .into_iter()
        .map(|n| InboxRow {
            text: message(&ctx, &n),
            n,
        })
        .collect();
    page(&InboxPage {
        ctx,
        rows,
        next_before,
        paged: before.is_some(),
    })
}

/// `POST /inbox/{id}/open`: marks it read and follows its link (the inbox when it
/// has none).
pub async fn open(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let (user_id, id) = (auth.user().id, path.into_inner());
    let n = state
        .db
        .write(move |conn| model::mark_read(conn, user_id, id)?.ok_or(AppError::NotFound))
        .await?;
    let to = n.local_link().unwrap_or("/inbox").to_string();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish())
}

/// `POST /inbox/{id}/read`: marks it read and comes back to the inbox.
pub async fn mark_read(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let (user_id, id) = (auth.user().id, path.into_inner());
    state
        .db
        .write(move |conn| model::mark_read(conn, user_id, id)?.ok_or(AppError::NotFound))
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/inbox"))
        .finish())
}

/// `POST /inbox/read-all`
pub async fn mark_all_read(
    auth: Auth,
    state: web::Data<AppState>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let user_id = auth.user().id;
    let n = state
        .db
        .write(move |conn| Ok(model::mark_all_read(conn, user_id)?))
        .await?;
    Ok(redirect_with_flash(
        &state,
        "/inbox",
        Flash::success("flash.inbox_all_read").with_arg(n.to_string()),
    ))
}
