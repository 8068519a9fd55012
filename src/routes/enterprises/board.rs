//! Board moves: `POST /enterprises/{id}/board-moves`.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::record::{PanelForm, show_page};
use super::{EDITORS, today};
use crate::auth::Auth;
use crate::auth::csrf::CsrfForm;
use crate::domain::tier::{BoardAction, MoveRefusal, Tier};
use crate::error::AppError;
use crate::models::board::{self, MoveError, MoveRequest};
use crate::startup::AppState;
use crate::views::flash::Flash;
use crate::views::{FieldErrors, PageCtx, redirect_with_flash, render};

/// The move form.
#[derive(Debug, Clone, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub source_board: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub effective_on: String,
    #[serde(default)]
    pub version: i32,
}

impl MoveForm {
    fn values(&self) -> BTreeMap<String, String> {
        [
            ("action", &self.action),
            ("target", &self.target),
            ("source_board", &self.source_board),
            ("reason", &self.reason),
            ("effective_on", &self.effective_on),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
    }
}

/// `POST /enterprises/{id}/board-moves`: a refused move is shown again, as typed,
/// with the reason (which entry condition failed) beside it.
pub async fn create(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<MoveForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let id = path.into_inner();
    let mut errors = FieldErrors::default();
    let action = form.action.parse::<BoardAction>().ok();
    if action.is_none() {
        errors.add("action", "field.board_action");
    }
    let target = match form.target.trim() {
        "" => None,
        t => match t.parse::<Tier>() {
            Ok(t) => Some(t),
            Err(_) => {
                errors.add("target", "field.tier");
                None
            }
        },
    };
    let effective_on = match crate::domain::parse_date(&form.effective_on) {
        Ok(d) => Some(d.unwrap_or_else(today)),
        Err(key) => {
            errors.add("effective_on", key);
            None
        }
    };
    if let (true, Some(action), Some(effective_on)) = (errors.is_empty(), action, effective_on) {
        let req = MoveRequest {
            action,
            target,
            source_board: form.source_board.clone(),
            reason: form.reason.clone(),
            effective_on,
            version: form.version,
        };
        let scope = auth.user().scope.clone();
        let actor = auth.actor();
        let result = state
            .db
            .write(
                move |conn| match board::apply_move(conn, &actor, &scope, id, &req) {
                    Ok(to) => Ok(Ok(to)),
                    Err(MoveError::Db(e)) => Err(e.into()),
                    Err(other) => Ok(Err(other)),
                },
            )
            .await?;
        match result {
            Ok(_) => {
                return Ok(redirect_with_flash(
                    &state,
                    &format!("/enterprises/{id}"),
                    Flash::success("flash.board_moved"),
                ));
            }
            Err(MoveError::Conflict) => errors.add("action", "field.stale"),
            Err(MoveError::Refused(r)) => match r {
                MoveRefusal::AlreadyOnBoard(_) => errors.add("action", "field.board_already_on"),
                MoveRefusal::NotOnBoard => errors.add("action", "field.board_not_on"),
                MoveRefusal::NoTarget => errors.add("target", "field.tier"),
                MoveRefusal::WrongDirection { .. } => errors.add("target", "field.board_direction"),
                MoveRefusal::NoSourceBoard => errors.add("source_board", "field.required"),
                MoveRefusal::NoReason => errors.add("reason", "field.required"),
                MoveRefusal::Conditions(keys) => {
                    // Name each failed condition in the user's language.
                    let conds = state.db.read(|conn| Ok(board::conditions(conn)?)).await?;
                    let en = ctx.locale == crate::domain::locale::Locale::En;
                    let labels: Vec<String> = conds
                        .iter()
                        .filter(|c| keys.contains(&c.key))
                        .map(|c| {
                            if en {
                                c.label_en.clone()
                            } else {
                                c.label_zh.clone()
                            }
                        })
                        .collect();
                    errors.add_with(
                        "target",
                        "field.board_conditions",
                        labels.join(if en { "; " } else { "；" }),
                    );
                }
            },
            Err(MoveError::Db(_)) => unreachable!("database errors returned above"),
        }
    }
    let panel = PanelForm {
        values: form.values(),
        errors,
        open: true,
    };
    let page = show_page(&state, &auth, ctx, id, panel, PanelForm::default()).await?;
    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}
