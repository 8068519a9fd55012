//! Signing in and out, changing one's password, and the language switch.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::Auth;
use crate::auth::csrf::{CsrfForm, Empty};
use crate::auth::login::{self, Attempt, Outcome};
use crate::auth::password;
use crate::auth::session::{self, SESSION_COOKIE, client_ip, removal_cookie};
use crate::domain::locale::Locale;
use crate::domain::password_policy;
use crate::error::AppError;
use crate::models::audit::{self, Change};
use crate::models::session::Session;
use crate::models::user::User;
use crate::startup::AppState;
use crate::views::flash::Flash;
use crate::views::{FieldErrors, LANG_COOKIE, PageCtx, page, redirect_with_flash, render};

use super::safe_next;

/// The sign-in page.
#[derive(Template)]
#[template(path = "auth/login.html")]
pub struct LoginPage {
    pub ctx: PageCtx,
    pub username: String,
    pub next: String,
    /// Locale key of the error above the form, with its argument.
    pub error: Option<(&'static str, String)>,
}

/// `?next=` on the sign-in page.
#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// `GET /login`
pub async fn login_form(ctx: PageCtx, q: web::Query<NextQuery>) -> Result<HttpResponse, AppError> {
    if ctx.user.is_some() {
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/"))
            .finish());
    }
    page(&LoginPage {
        ctx,
        username: String::new(),
        next: safe_next(q.next.as_deref()),
        error: None,
    })
}

/// The sign-in form.
#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

fn minutes_until(at: chrono::NaiveDateTime) -> String {
    let secs = (at - crate::models::now()).num_seconds().max(1);
    ((secs + 59) / 60).to_string()
}

fn seconds_until(at: chrono::NaiveDateTime) -> String {
    (at - crate::models::now()).num_seconds().max(1).to_string()
}

/// `POST /login`
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let attempt = Attempt {
        username: form.username.chars().take(128).collect(),
        password: form
            .password
            .chars()
            .take(password_policy::MAX_CHARS + 1)
            .collect(),
        ip: client_ip(&req, state.settings.trust_proxy),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string(),
        previous_token: req.cookie(SESSION_COOKIE).map(|c| c.value().to_string()),
    };
    let next = safe_next(form.next.as_deref());
    let (status, error) = match login::sign_in(&state, attempt).await? {
        Outcome::SignedIn {
            cookie,
            must_change,
        } => {
            let to = if must_change {
                "/password".to_string()
            } else {
                next
            };
            return Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, to))
                .cookie(cookie)
                .cookie(removal_cookie(
                    session::ANON_CSRF_COOKIE,
                    state.settings.https,
                ))
                .finish());
        }
        Outcome::BadCredentials => (
            StatusCode::UNAUTHORIZED,
            ("login.bad_credentials", String::new()),
        ),
        Outcome::Wait(until) => (
            StatusCode::TOO_MANY_REQUESTS,
            ("login.wait", seconds_until(until)),
        ),
        Outcome::Locked(until) => (
            StatusCode::TOO_MANY_REQUESTS,
            ("login.locked", minutes_until(until)),
        ),
    };
    render(
        status,
        &LoginPage {
            ctx,
            username: form.username,
            next,
            error: Some(error),
        },
    )
}

/// `POST /logout`
pub async fn logout(
    auth: Auth,
    state: web::Data<AppState>,
    _form: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let (id, actor, enterprise_id) = (auth.0.session_id, auth.actor(), auth.user().enterprise_id);
    state
        .db
        .write(move |conn| {
            Session::end(conn, id)?;
            audit::record(
                conn,
                &actor,
                Change {
                    action: "logout",
                    entity: "session",
                    enterprise_id,
                    ..Default::default()
                },
            )?;
            Ok(())
        })
        .await?;
    let mut resp = redirect_with_flash(&state, "/login", Flash::info("flash.signed_out"));
    resp.add_cookie(&removal_cookie(SESSION_COOKIE, state.settings.https))
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(resp)
}

/// The password change page (also the forced first-sign-in change).
#[derive(Template)]
#[template(path = "auth/password.html")]
pub struct PasswordPage {
    pub ctx: PageCtx,
    pub forced: bool,
    pub errors: FieldErrors,
}

/// `GET /password`
pub async fn password_form(auth: Auth, ctx: PageCtx) -> Result<HttpResponse, AppError> {
    let forced = auth.user().must_change_password;
    page(&PasswordPage {
        ctx,
        forced,
        errors: FieldErrors::default(),
    })
}

/// The password change form. Passwords are never echoed back.
#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

/// `POST /password`
pub async fn change_password(
    req: HttpRequest,
    auth: Auth,
    state: web::Data<AppState>,
    ctx: PageCtx,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let user_id = auth.user().id;
    let username = auth.user().username.clone();
    let mut errors = FieldErrors::default();
    if let Err(p) = password_policy::check(&form.new_password, &username) {
        errors.add("new_password", p.message_key());
    } else if form.new_password != form.confirm_password {
        errors.add("confirm_password", "field.password_mismatch");
    } else if form.new_password == form.current_password {
        errors.add("new_password", "field.password_same");
    }
    let stored = state
        .db
        .read(move |conn| User::find(conn, user_id)?.ok_or(AppError::NotFound))
        .await?
        .password_hash;
    let current = form.current_password.clone();
    if !web::block(move || password::verify(&current, &stored)).await? {
        errors.add("current_password", "field.password_wrong");
    }
    if !errors.is_empty() {
        let forced = auth.user().must_change_password;
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PasswordPage {
                ctx,
                forced,
                errors,
            },
        );
    }
    let new = form.new_password;
    let hash = web::block(move || password::hash(&new)).await??;
    let actor = auth.actor();
    let ip = auth.0.ip.clone();
    let ua = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let https = state.settings.https;
    // Ends every session of the account (other browsers too), then starts a fresh one here.
    let cookie = state
        .db
        .write(move |conn| {
            let user = User::set_password(conn, &actor, user_id, &hash, false)?;
            Ok(session::start(conn, &user, &ip, &ua, https)?)
        })
        .await?;
    let mut resp = redirect_with_flash(&state, "/", Flash::success("flash.password_changed"));
    resp.add_cookie(&cookie)
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(resp)
}

/// The language switch form.
#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
    next: Option<String>,
}

/// `POST /lang`: remembers the interface language in a cookie for a year.
pub async fn set_language(
    CsrfForm(form): CsrfForm<LangForm>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let locale = Locale::from_tag(&form.lang);
    let cookie = Cookie::build(LANG_COOKIE, locale.tag())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.https)
        .max_age(time::Duration::days(365))
        .finish();
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, safe_next(form.next.as_deref())))
        .cookie(cookie)
        .finish()
}
