//! Accounts: list, create (with a temporary password), edit with optimistic
//! locking, disable/enable, password reset and forced sign-out.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::csrf::{CsrfForm, Empty};
use crate::auth::guard::ADMIN;
use crate::auth::{Auth, password};
use crate::db::DbConnection;
use crate::domain::credit_code::CreditCode;
use crate::domain::district::DistrictCode;
use crate::domain::enterprise::credit_code_problem;
use crate::domain::role::Role;
use crate::domain::username::Username;
use crate::error::AppError;
use crate::models::audit::{self, Change};
use crate::models::district::District;
use crate::models::enterprise::EnterpriseRef;
use crate::models::session::Session;
use crate::models::user::{NewUser, User, UserChanges, UserListRow, UserWriteError};
use crate::startup::AppState;
use crate::views::flash::Flash;
use crate::views::{FieldErrors, PageCtx, page, redirect_with_flash, render};

/// Filters of the account list.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    pub role: Option<String>,
}

/// The account list.
#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct UsersPage {
    pub ctx: PageCtx,
    pub rows: Vec<UserListRow>,
    pub q: String,
    pub role: String,
    pub roles: [Role; 5],
}

/// `GET /admin/users`
pub async fn list(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    auth.require(ADMIN)?;
    let q = q.into_inner();
    let role = q.role.as_deref().and_then(|r| r.parse::<Role>().ok());
    let text = q.q.clone();
    let idle_since = crate::models::now() - state.settings.session_idle;
    let rows = state
        .db
        .read(move |conn| Ok(User::list(conn, text.as_deref(), role, idle_since)?))
        .await?;
    page(&UsersPage {
        ctx,
        rows,
        q: q.q.unwrap_or_default(),
        role: role.map(|r| r.as_str().to_string()).unwrap_or_default(),
        roles: Role::ALL,
    })
}

/// What the account form posts. Kept as typed so a refused form shows it again.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub enterprise: String,
    #[serde(default)]
    pub all_districts: Option<String>,
    #[serde(default)]
    pub districts: Vec<String>,
    #[serde(default)]
    pub version: Option<i32>,
}

impl UserForm {
    /// Whether the district checkbox `code` is ticked.
    pub fn has_district(&self, code: &str) -> bool {
        self.districts.iter().any(|d| d == code)
    }

    /// Whether "all districts" is ticked.
    pub fn all(&self) -> bool {
        self.all_districts.is_some()
    }

    fn from_user(user: &User, districts: Vec<String>, enterprise: Option<String>) -> UserForm {
        UserForm {
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            role: user.role.as_str().into(),
            enterprise: enterprise.unwrap_or_default(),
            all_districts: user.all_districts.then(|| "on".into()),
            districts,
            version: Some(user.version),
        }
    }
}

/// The form's content once every field passed.
struct ValidForm {
    display_name: String,
    role: Role,
    enterprise_id: Option<i32>,
    all_districts: bool,
    districts: Vec<DistrictCode>,
}

/// Checks every field (all of them, so the user sees every problem at once).
fn validate(
    conn: &mut DbConnection,
    form: &UserForm,
    errors: &mut FieldErrors,
) -> Result<Option<ValidForm>, AppError> {
    let display_name = form.display_name.trim().to_string();
    if display_name.is_empty() || display_name.chars().count() > 64 {
        errors.add("display_name", "field.display_name");
    }
    let role = form.role.parse::<Role>().ok();
    if role.is_none() {
        errors.add("role", "field.role");
    }
    let mut enterprise_id = None;
    if role == Some(Role::Enterprise) {
        match CreditCode::parse(&form.enterprise) {
            Err(e) => {
                let (key, arg) = credit_code_problem(&e);
                errors.add_with("enterprise", key, arg);
            }
            Ok(code) => match EnterpriseRef::by_credit_code(conn, &code)? {
                Some(e) => enterprise_id = Some(e.id),
                None => errors.add_with("enterprise", "field.enterprise_unknown", code.as_str()),
            },
        }
    }
    let all_districts = form.all();
    let known = District::all(conn)?;
    let mut districts = Vec::new();
    for raw in &form.districts {
        match DistrictCode::parse(raw) {
            Ok(d) if known.iter().any(|k| k.code == d.as_str()) => districts.push(d),
            _ => errors.add_with("districts", "field.district_unknown", raw.clone()),
        }
    }
    if role.is_some_and(Role::can_be_district_scoped) && !all_districts && districts.is_empty() {
        errors.add("districts", "field.districts_required");
    }
    Ok(match role {
        Some(role) if errors.is_empty() => Some(ValidForm {
            display_name,
            role,
            enterprise_id,
            all_districts,
            districts,
        }),
        _ => None,
    })
}

/// What another admin saved while this one was editing.
pub struct Conflict {
    pub theirs: UserForm,
    pub updated_at: chrono::NaiveDateTime,
}

/// The create / edit form.
#[derive(Template)]
#[template(path = "admin/user_form.html")]
pub struct UserFormPage {
    pub ctx: PageCtx,
    /// `None` when creating.
    pub editing: Option<User>,
    pub form: UserForm,
    pub errors: FieldErrors,
    pub districts: Vec<District>,
    pub roles: [Role; 5],
    pub conflict: Option<Conflict>,
    pub active_sessions: usize,
}

impl UserFormPage {
    /// The district's name in the page language.
    pub fn district_name(&self, d: &District) -> String {
        d.name(self.ctx.locale).to_string()
    }

    /// Names of the districts ticked in a form, for the conflict panel.
    pub fn district_names(&self, form: &UserForm) -> String {
        if form.all() {
            return self.ctx.t("users.all_districts");
        }
        form.districts
            .iter()
            .map(|c| {
                self.districts
                    .iter()
                    .find(|d| &d.code == c)
                    .map_or(c.clone(), |d| self.district_name(d))
            })
            .collect::<Vec<_>>()
            .join("、")
    }
}

async fn form_page(
    state: &web::Data<AppState>,
    ctx: PageCtx,
    editing: Option<User>,
    form: UserForm,
    errors: FieldErrors,
    conflict: Option<Conflict>,
) -> Result<UserFormPage, AppError> {
    let uid = editing.as_ref().map(|u| u.id);
    let idle_since = crate::models::now() - state.settings.session_idle;
    let (districts, active_sessions) = state
        .db
        .read(move |conn| {
            let sessions = match uid {
                Some(id) => Session::count_active_for_user(conn, id, idle_since)? as usize,
                None => 0,
            };
            Ok((District::all(conn)?, sessions))
        })
        .await?;
    Ok(UserFormPage {
        ctx,
        editing,
        form,
        errors,
        districts,
        roles: Role::ALL,
        conflict,
        active_sessions,
    })
}

/// `GET /admin/users/new`
pub async fn new_form(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    auth.require(ADMIN)?;
    let form = UserForm {
        role: Role::Staff.as_str().into(),
        all_districts: Some("on".into()),
        ..Default::default()
    };
    page(&form_page(&state, ctx, None, form, FieldErrors::default(), None).await?)
}

/// Shows a temporary password once, after creating an account or resetting it.
#[derive(Template)]
#[template(path = "admin/temp_password.html")]
pub struct TempPasswordPage {
    pub ctx: PageCtx,
    pub user_id: i32,
    pub username: String,
    pub password: String,
    pub created: bool,
}

/// `POST /admin/users`: creates an account with a generated temporary password,
/// shown once on the answer page (not carried in a cookie or a URL).
pub async fn create(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<UserForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(ADMIN)?;
    let temp = password::generate_temporary();
    let t2 = temp.clone();
    let hash = web::block(move || password::hash(&t2)).await??;
    let actor = auth.actor();
    let f = form.clone();
    let outcome = state
        .db
        .write(move |conn| {
            let mut errors = FieldErrors::default();
            let username = Username::parse(&f.username);
            if let Err(e) = &username {
                errors.add("username", e.message_key());
            }
            let valid = validate(conn, &f, &mut errors)?;
            let (Ok(username), Some(v)) = (username, valid) else {
                return Ok(Err(errors));
            };
            let new = NewUser {
                username,
                display_name: v.display_name,
                password_hash: hash,
                role: v.role,
                enterprise_id: v.enterprise_id,
                all_districts: v.all_districts,
                districts: v.districts,
                must_change_password: true,
            };
            match User::create(conn, &actor, &new) {
                Ok(u) => Ok(Ok(u)),
                Err(UserWriteError::Duplicate) => {
                    errors.add("username", "field.username_taken");
                    Ok(Err(errors))
                }
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    match outcome {
        Ok(user) => page(&TempPasswordPage {
            ctx,
            user_id: user.id,
            username: user.username,
            password: temp,
            created: true,
        }),
        Err(errors) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&state, ctx, None, form, errors, None).await?,
        ),
    }
}

async fn load_for_form(state: &web::Data<AppState>, id: i32) -> Result<(User, UserForm), AppError> {
    state
        .db
        .read(move |conn| {
            let user = User::find(conn, id)?.ok_or(AppError::NotFound)?;
            let form = form_of(conn, &user)?;
            Ok((user, form))
        })
        .await
}

fn form_of(conn: &mut DbConnection, user: &User) -> Result<UserForm, AppError> {
    let districts = User::districts(conn, user.id)?;
    let code = match user.enterprise_id {
        Some(eid) => EnterpriseRef::find(conn, &crate::domain::scope::DataScope::All, eid)?
            .map(|e| e.credit_code),
        None => None,
    };
    Ok(UserForm::from_user(user, districts, code))
}

/// `GET /admin/users/{id}`
pub async fn edit_form(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    auth.require(ADMIN)?;
    let (user, form) = load_for_form(&state, path.into_inner()).await?;
    page(&form_page(&state, ctx, Some(user), form, FieldErrors::default(), None).await?)
}

enum UpdateOutcome {
    Saved,
    Invalid(FieldErrors),
    Conflict(Box<User>, UserForm),
    LastAdmin,
}

/// `POST /admin/users/{id}`: saves if nobody else saved since the form was opened;
/// otherwise shows both versions and keeps what this admin typed.
pub async fn update(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<UserForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(ADMIN)?;
    let id = path.into_inner();
    let actor = auth.actor();
    let f = form.clone();
    let outcome = state
        .db
        .write(move |conn| {
            let mut errors = FieldErrors::default();
            let Some(v) = validate(conn, &f, &mut errors)? else {
                return Ok(UpdateOutcome::Invalid(errors));
            };
            let changes = UserChanges {
                display_name: v.display_name,
                role: v.role,
                enterprise_id: v.enterprise_id,
                all_districts: v.all_districts,
                districts: v.districts,
            };
            match User::update(conn, &actor, id, f.version.unwrap_or(-1), &changes) {
                Ok(_) => Ok(UpdateOutcome::Saved),
                Err(UserWriteError::Conflict(current)) => {
                    let theirs = form_of(conn, &current)?;
                    Ok(UpdateOutcome::Conflict(current, theirs))
                }
                Err(UserWriteError::LastAdmin) => Ok(UpdateOutcome::LastAdmin),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    let mut form = form;
    match outcome {
        UpdateOutcome::Saved => Ok(redirect_with_flash(
            &state,
            &format!("/admin/users/{id}"),
            Flash::success("flash.user_saved"),
        )),
        UpdateOutcome::Invalid(errors) => {
            let (user, _) = load_for_form(&state, id).await?;
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&state, ctx, Some(user), form, errors, None).await?,
            )
        }
        UpdateOutcome::LastAdmin => {
            let (user, _) = load_for_form(&state, id).await?;
            let mut errors = FieldErrors::default();
            errors.add("role", "field.last_admin");
            render(
                StatusCode::CONFLICT,
                &form_page(&state, ctx, Some(user), form, errors, None).await?,
            )
        }
        UpdateOutcome::Conflict(current, theirs) => {
            // Keep the admin's input; the next save is against the version they have now seen.
            form.version = Some(current.version);
            form.username = current.username.clone();
            let conflict = Conflict {
                theirs,
                updated_at: current.updated_at,
            };
            render(
                StatusCode::CONFLICT,
                &form_page(
                    &state,
                    ctx,
                    Some(*current),
                    form,
                    FieldErrors::default(),
                    Some(conflict),
                )
                .await?,
            )
        }
    }
}

async fn set_disabled(
    auth: Auth,
    state: web::Data<AppState>,
    id: i32,
    disabled: bool,
) -> Result<HttpResponse, AppError> {
    auth.require(ADMIN)?;
    if disabled && id == auth.user().id {
        return Ok(redirect_with_flash(
            &state,
            &format!("/admin/users/{id}"),
            Flash::error("flash.cannot_disable_self"),
        ));
    }
    let actor = auth.actor();
    let result = state
        .db
        .write(
            move |conn| match User::set_disabled(conn, &actor, id, disabled) {
                Ok(_) => Ok(true),
                Err(UserWriteError::LastAdmin) => Ok(false),
                Err(e) => Err(e.into()),
            },
        )
        .await?;
    let flash = match (result, disabled) {
        (false, _) => Flash::error("field.last_admin"),
        (true, true) => Flash::success("flash.user_disabled"),
        (true, false) => Flash::success("flash.user_enabled"),
    };
    Ok(redirect_with_flash(
        &state,
        &format!("/admin/users/{id}"),
        flash,
    ))
}

/// `POST /admin/users/{id}/disable`: also ends the account's sessions.
pub async fn disable(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    _f: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    set_disabled(auth, state, path.into_inner(), true).await
}

/// `POST /admin/users/{id}/enable`
pub async fn enable(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    _f: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    set_disabled(auth, state, path.into_inner(), false).await
}

/// `POST /admin/users/{id}/password`: a new temporary password, shown once; the
/// account's sessions end and the user must choose a new password at sign-in.
pub async fn reset_password(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    _f: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    auth.require(ADMIN)?;
    let id = path.into_inner();
    let temp = password::generate_temporary();
    let t2 = temp.clone();
    let hash = web::block(move || password::hash(&t2)).await??;
    let actor = auth.actor();
    let user = state
        .db
        .write(move |conn| Ok(User::set_password(conn, &actor, id, &hash, true)?))
        .await?;
    page(&TempPasswordPage {
        ctx,
        user_id: user.id,
        username: user.username,
        password: temp,
        created: false,
    })
}

/// `POST /admin/users/{id}/sessions/end`: signs the account out everywhere.
pub async fn end_sessions(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    _f: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    auth.require(ADMIN)?;
    let id = path.into_inner();
    let actor = auth.actor();
    let ended = state
        .db
        .write(move |conn| {
            let user = User::find(conn, id)?.ok_or(AppError::NotFound)?;
            let n = Session::end_all_for_user(conn, id)?;
            audit::record(
                conn,
                &actor,
                Change {
                    action: "session.end_all",
                    entity: "user",
                    entity_id: Some(id.to_string()),
                    enterprise_id: user.enterprise_id,
                    after: Some(serde_json::json!({ "ended": n })),
                    ..Default::default()
                },
            )?;
            Ok(n)
        })
        .await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/admin/users/{id}"),
        Flash::success("flash.sessions_ended").with_arg(ended.to_string()),
    ))
}
