//! Tasks: "my tasks" for staff, every overdue task for admins and officials, and
//! marking a task done or open again.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{EDITORS, READERS, step_label};
use crate::auth::Auth;
use crate::auth::csrf::CsrfForm;
use crate::domain::cultivation::Step;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::models::cultivation::{self as model, CultivationError, TaskFilter, TaskRow};
use crate::routes::enterprises::today;
use crate::startup::AppState;
use crate::views::flash::Flash;
use crate::views::{PageCtx, page, redirect_with_flash};

/// At most this many tasks on the page.
const LIMIT: i64 = 500;

/// The query string: `view=mine` (default for staff) or `view=overdue`.
#[derive(Debug, Default, Deserialize)]
pub struct TasksQuery {
    #[serde(default)]
    pub view: Option<String>,
}

/// The tasks page.
#[derive(Template)]
#[template(path = "cultivation/tasks.html")]
pub struct TasksPage {
    pub ctx: PageCtx,
    /// `mine` or `overdue`.
    pub view: String,
    pub tasks: Vec<TaskRow>,
    pub can_edit: bool,
    /// All overdue tasks in scope (the badge on the "overdue" tab).
    pub overdue_total: i64,
}

impl TasksPage {
    /// A step's name.
    pub fn step_name(&self, s: &Step) -> String {
        step_label(&self.ctx, *s)
    }

    /// Open tasks past due on this page.
    pub fn overdue(&self) -> usize {
        self.tasks.iter().filter(|t| t.overdue).count()
    }
}

/// `GET /tasks`: my open tasks (staff) or every overdue task in scope.
pub async fn list(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    query: web::Query<TasksQuery>,
) -> Result<HttpResponse, AppError> {
    auth.require(READERS)?;
    crate::routes::notifications::sweep_tasks_if_due(&state.db).await?;
    let default = if auth.user().role == Role::Staff {
        "mine"
    } else {
        "overdue"
    };
    let view = match query.view.as_deref() {
        Some(v @ ("mine" | "overdue")) => v.to_string(),
        None | Some("") => default.to_string(),
        Some(other) => return Err(AppError::BadRequest(format!("unknown view '{other}'"))),
    };
    let me = auth.user().id;
    let scope = auth.user().scope.clone();
    let day = today();
    let mine = view == "mine";
    let (tasks, overdue_total) = state
        .db
        .read(move |conn| {
            let filter = if mine {
                TaskFilter::OwnerOpen(me)
            } else {
                TaskFilter::Overdue
            };
            Ok((
                model::tasks(conn, &scope, filter, day, LIMIT)?,
                model::overdue_count(conn, &scope, day)?,
            ))
        })
        .await?;
    page(&TasksPage {
        ctx,
        view,
        tasks,
        can_edit: auth.require(EDITORS).is_ok(),
        overdue_total,
    })
}

/// The done / reopen form.
#[derive(Debug, Deserialize)]
pub struct DoneForm {
    #[serde(default)]
    pub version: i32,
    /// `1` to mark done, `0` to reopen.
    #[serde(default)]
    pub done: String,
    /// Where to go back to.
    #[serde(default)]
    pub back: String,
}

/// `POST /tasks/{id}/done`: refused with a message if someone changed the task since.
pub async fn set_done(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<DoneForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let id = path.into_inner();
    let done = form.done != "0";
    let (actor, scope) = (auth.actor(), auth.user().scope.clone());
    let version = form.version;
    let outcome = state
        .db
        .write(move |conn| {
            match model::set_task_done(conn, &actor, &scope, id, version, done, today()) {
                Ok(enterprise) => Ok(Ok(enterprise)),
                Err(CultivationError::NotFound) => Err(AppError::NotFound),
                Err(CultivationError::Db(e)) => Err(e.into()),
                Err(other) => Ok(Err(other)),
            }
        })
        .await?;
    let back = if form.back.is_empty() {
        "/tasks".to_string()
    } else {
        crate::routes::safe_next(Some(form.back.as_str()))
    };
    let flash = match (outcome, done) {
        (Ok(_), true) => Flash::success("flash.task_done"),
        (Ok(_), false) => Flash::success("flash.task_reopened"),
        (Err(_), _) => Flash::error("flash.task_stale"),
    };
    Ok(redirect_with_flash(&state, &back, flash))
}
