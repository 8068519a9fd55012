//! Who is signed in now, and forced sign-out.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::auth::Auth;
use crate::auth::csrf::{CsrfForm, Empty};
use crate::auth::guard::ADMIN;
use crate::error::AppError;
use crate::models::audit::{self, Change};
use crate::models::session::{OnlineRow, Session};
use crate::startup::AppState;
use crate::views::flash::Flash;
use crate::views::{PageCtx, page, redirect_with_flash};

/// The online-users page.
#[derive(Template)]
#[template(path = "admin/sessions.html")]
pub struct SessionsPage {
    pub ctx: PageCtx,
    pub rows: Vec<OnlineRow>,
    pub own_session: i32,
}

/// `GET /admin/sessions`
pub async fn online(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    auth.require(ADMIN)?;
    let now = crate::models::now();
    let (idle, absolute) = (state.settings.session_idle, state.settings.session_absolute);
    let rows = state
        .db
        .read(move |conn| Ok(Session::online(conn, now - idle, now - absolute)?))
        .await?;
    page(&SessionsPage {
        ctx,
        rows,
        own_session: auth.0.session_id,
    })
}

/// `POST /admin/sessions/{id}/end`: signs that browser out at its next request.
pub async fn end(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    _f: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    auth.require(ADMIN)?;
    let id = path.into_inner();
    let actor = auth.actor();
    state
        .db
        .write(move |conn| {
            let user_id = Session::end(conn, id)?.ok_or(AppError::NotFound)?;
            audit::record(
                conn,
                &actor,
                Change {
                    action: "session.end",
                    entity: "session",
                    entity_id: Some(id.to_string()),
                    after: Some(serde_json::json!({ "user_id": user_id })),
                    ..Default::default()
                },
            )?;
            Ok(())
        })
        .await?;
    Ok(redirect_with_flash(
        &state,
        "/admin/sessions",
        Flash::success("flash.session_ended"),
    ))
}
