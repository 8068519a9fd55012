//! Server-side sessions: a random 256-bit token in an `HttpOnly`, `SameSite=Lax`
//! cookie, only its SHA-256 hash stored; idle and absolute limits; the middleware
//! that loads the signed-in account for every request.

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, CookieJar, Key, SameSite, time};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest, HttpResponse, web};
use chrono::Duration;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::domain::role::Role;
use crate::domain::scope::DataScope;
use crate::models::audit::Actor;
use crate::models::session::{NewSession, Session};
use crate::models::user::User;
use crate::startup::AppState;
use crate::views::flash::{FLASH_COOKIE, Flash};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "srdi_session";
/// The pre-sign-in CSRF cookie's name (signed).
pub const ANON_CSRF_COOKIE: &str = "srdi_csrf";
/// Sessions record activity at most this often, to keep reads cheap.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// The signed-in account as every handler sees it.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub enterprise_id: Option<i32>,
    pub must_change_password: bool,
    /// Which enterprises this account may see; apply it in every query.
    pub scope: DataScope,
    /// Unread notifications (the header badge); counted for page loads only.
    pub unread: i64,
}

/// A valid session, put in the request extensions by [`middleware`].
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub session_id: i32,
    pub csrf_token: String,
    pub user: CurrentUser,
    /// The client address, for the audit log.
    pub ip: String,
}

impl SignedIn {
    /// The audit identity of this request.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user.id),
            name: self.user.username.clone(),
            ip: self.ip.clone(),
        }
    }
}

/// The CSRF token of a visitor who has not signed in (double-submit, signed cookie).
#[derive(Debug, Clone)]
pub struct AnonCsrf(pub String);

/// 32 random bytes, hex-encoded.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the database stores of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The client address: the TCP peer, or the proxy's `X-Forwarded-For` when trusted.
pub fn client_ip(req: &HttpRequest, trust_proxy: bool) -> String {
    let raw = if trust_proxy {
        req.connection_info()
            .realip_remote_addr()
            .map(str::to_string)
    } else {
        req.peer_addr().map(|a| a.ip().to_string())
    };
    let raw = raw.unwrap_or_else(|| "unknown".into());
    // "1.2.3.4:5678" -> "1.2.3.4"; IPv6 in brackets keeps its brackets off.
    match raw.parse::<std::net::SocketAddr>() {
        Ok(sa) => sa.ip().to_string(),
        Err(_) => raw,
    }
}

fn base_cookie(name: &'static str, value: String, https: bool) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(https)
        .finish()
}

/// The cookie that carries a new session token.
pub fn session_cookie(token: String, https: bool) -> Cookie<'static> {
    base_cookie(SESSION_COOKIE, token, https)
}

/// A cookie that deletes `name` in the browser.
pub fn removal_cookie(name: &'static str, https: bool) -> Cookie<'static> {
    let mut c = base_cookie(name, String::new(), https);
    c.make_removal();
    c.set_max_age(time::Duration::ZERO);
    c
}

/// Signs a cookie's value with the server key.
pub fn sign(key: &Key, cookie: Cookie<'static>) -> Cookie<'static> {
    let mut jar = CookieJar::new();
    jar.signed_mut(key).add(cookie.clone());
    jar.get(cookie.name()).cloned().unwrap_or(cookie)
}

/// Returns the verified value of a signed cookie.
pub fn verify(key: &Key, cookie: &Cookie<'static>) -> Option<String> {
    let mut jar = CookieJar::new();
    jar.add_original(cookie.clone());
    jar.signed(key)
        .get(cookie.name())
        .map(|c| c.value().to_string())
}

/// Starts a session for `user`: stores the hash, returns the cookie to set. Call in
/// a write transaction together with whatever caused it (sign-in, password change).
pub fn start(
    conn: &mut crate::db::DbConnection,
    user: &User,
    ip: &str,
    user_agent: &str,
    https: bool,
) -> diesel::QueryResult<Cookie<'static>> {
    let token = random_token();
    let csrf = random_token();
    Session::create(
        conn,
        &NewSession {
            token_hash: &token_hash(&token),
            user_id: user.id,
            csrf_token: &csrf,
            ip,
            user_agent,
        },
    )?;
    Ok(session_cookie(token, https))
}

/// Paths a user who must change their password may still reach.
fn allowed_before_password_change(path: &str) -> bool {
    path == "/password"
        || path == "/logout"
        || path == "/lang"
        || path == "/healthz"
        || path.starts_with("/static/")
}

/// What the session cookie turned out to be.
enum Resolved {
    /// A valid session (its activity recorded if due).
    Valid(Box<SignedIn>),
    /// The cookie named a session that is over (now deleted) or never existed.
    Ended,
}

/// Looks the token up and applies the idle and absolute limits.
async fn resolve(
    state: &AppState,
    token: &str,
    ip: String,
    count_unread: bool,
) -> Result<Resolved, crate::error::AppError> {
    let hash = token_hash(token);
    let now = crate::models::now();
    let (idle, absolute) = (state.settings.session_idle, state.settings.session_absolute);
    let found = state
        .db
        .read(move |conn| {
            let Some((s, u)) = Session::by_token_hash(conn, &hash)? else {
                return Ok(None);
            };
            let scope = u.scope(conn)?;
            // One COUNT over the partial index of unread rows, with the account.
            let unread = if count_unread {
                crate::models::notification::unread_count(conn, u.id)?
            } else {
                0
            };
            Ok(Some((s, u, scope, unread)))
        })
        .await?;
    let Some((s, u, scope, unread)) = found else {
        return Ok(Resolved::Ended);
    };
    let id = s.id;
    if u.disabled || now - s.last_seen_at > idle || now - s.created_at > absolute {
        state
            .db
            .write(move |conn| Ok(Session::end(conn, id)?))
            .await?;
        return Ok(Resolved::Ended);
    }
    if now - s.last_seen_at > TOUCH_EVERY {
        state
            .db
            .write(move |conn| Ok(Session::touch(conn, id, now, now - TOUCH_EVERY)?))
            .await?;
    }
    Ok(Resolved::Valid(Box::new(SignedIn {
        session_id: s.id,
        csrf_token: s.csrf_token,
        ip,
        user: CurrentUser {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            enterprise_id: u.enterprise_id,
            must_change_password: u.must_change_password,
            scope,
            unread,
        },
    })))
}

/// Loads the session (if any) into the request, enforces the idle and absolute
/// limits, sends users with a temporary password to the change form, gives
/// anonymous visitors a CSRF cookie, and clears a shown flash message.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .expect("AppState is registered");
    let https = state.settings.https;
    let ip = client_ip(req.request(), state.settings.trust_proxy);
    let mut response_cookies: Vec<Cookie<'static>> = Vec::new();
    let mut signed_in = false;
    // The request carried a session cookie that is no longer valid.
    let mut session_ended = false;

    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        // Pages show the badge (re-rendered forms after a post too); assets do not.
        let count_unread = !req.path().starts_with("/static/") && req.path() != "/healthz";
        match resolve(&state, cookie.value(), ip, count_unread).await {
            Ok(Resolved::Valid(signed)) => {
                req.extensions_mut().insert(*signed);
                signed_in = true;
            }
            Ok(Resolved::Ended) => {
                session_ended = true;
                response_cookies.push(removal_cookie(SESSION_COOKIE, https));
            }
            // A database failure becomes an error page (rendered further out).
            Err(e) => return Ok(req.error_response(e).map_into_right_body()),
        }
    }

    if !signed_in {
        let existing = req
            .cookie(ANON_CSRF_COOKIE)
            .and_then(|c| verify(&state.settings.cookie_key, &c));
        let token = match existing {
            Some(t) => t,
            None => {
                let t = random_token();
                response_cookies.push(sign(
                    &state.settings.cookie_key,
                    base_cookie(ANON_CSRF_COOKIE, t.clone(), https),
                ));
                t
            }
        };
        req.extensions_mut().insert(AnonCsrf(token));
    }

    let flash = req
        .cookie(FLASH_COOKIE)
        .and_then(|c| verify(&state.settings.cookie_key, &c))
        .and_then(|v| Flash::decode(&v));
    let had_flash = req.cookie(FLASH_COOKIE).is_some();
    let ended_notice = Flash::info("login.session_ended");
    if let Some(f) = flash {
        req.extensions_mut().insert(f);
    } else if session_ended {
        // Shown on this page, or carried to the next one if this is a redirect.
        req.extensions_mut().insert(ended_notice.clone());
    }

    let must_change = req
        .extensions()
        .get::<SignedIn>()
        .is_some_and(|s| s.user.must_change_password);
    if must_change && !allowed_before_password_change(req.path()) {
        let (http_req, _) = req.into_parts();
        let mut resp = HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/password"))
            .finish();
        for c in response_cookies {
            let _ = resp.add_cookie(&c);
        }
        return Ok(ServiceResponse::new(http_req, resp).map_into_right_body());
    }

    let mut res = next.call(req).await?;
    let sets_flash = res.response().cookies().any(|c| c.name() == FLASH_COOKIE);
    // A flash is shown once: clear it after a page (not a redirect) displayed it.
    if had_flash && !sets_flash && !res.status().is_redirection() {
        response_cookies.push(removal_cookie(FLASH_COOKIE, https));
    }
    if session_ended && !had_flash && !sets_flash && res.status().is_redirection() {
        response_cookies.push(ended_notice.cookie(&state.settings.cookie_key, https));
    }
    for c in response_cookies {
        let _ = res.response_mut().add_cookie(&c);
    }
    Ok(res.map_into_left_body())
}
