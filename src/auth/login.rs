//! Signing in: throttle check before any hashing, the same work and answer for a
//! wrong name as for a wrong password, session rotation, and the audit trail.

use actix_web::cookie::Cookie;
use actix_web::web;
use chrono::NaiveDateTime;

use super::password;
use super::session::{self, token_hash};
use crate::db::DbConnection;
use crate::domain::throttle::Verdict;
use crate::error::AppError;
use crate::models::audit::{self, Actor, Change};
use crate::models::session::Session;
use crate::models::throttle;
use crate::models::user::User;
use crate::startup::AppState;

/// What was typed, and by whom.
pub struct Attempt {
    pub username: String,
    pub password: String,
    pub ip: String,
    pub user_agent: String,
    /// The token of a session this browser already had; it is ended (rotation).
    pub previous_token: Option<String>,
}

/// How a sign-in ended.
pub enum Outcome {
    /// Signed in: set this cookie; `must_change` sends the user to the password form.
    SignedIn {
        cookie: Cookie<'static>,
        must_change: bool,
    },
    /// Wrong name or password (deliberately not saying which).
    BadCredentials,
    /// Too many recent failures: try again at this time.
    Wait(NaiveDateTime),
    /// Locked after too many failures, until this time.
    Locked(NaiveDateTime),
}

fn stricter(a: Verdict, b: Verdict) -> Verdict {
    match (a, b) {
        (Verdict::Locked(x), Verdict::Locked(y)) => Verdict::Locked(x.max(y)),
        (l @ Verdict::Locked(_), _) | (_, l @ Verdict::Locked(_)) => l,
        (Verdict::Wait(x), Verdict::Wait(y)) => Verdict::Wait(x.max(y)),
        (w @ Verdict::Wait(_), _) | (_, w @ Verdict::Wait(_)) => w,
        _ => Verdict::Allow,
    }
}

/// Runs one sign-in attempt.
pub async fn sign_in(state: &AppState, attempt: Attempt) -> Result<Outcome, AppError> {
    let policy = state.settings.throttle;
    let name = attempt.username.trim().to_lowercase();
    let (ukey, ikey) = (
        throttle::account_key(&name),
        throttle::address_key(&attempt.ip),
    );
    let actor = Actor {
        user_id: None,
        name: name.clone(),
        ip: attempt.ip.clone(),
    };
    let now = crate::models::now();

    let (ukey2, ikey2, name2) = (ukey.clone(), ikey.clone(), name.clone());
    let (urec, irec, user) = state
        .db
        .read(move |conn| {
            Ok((
                throttle::get(conn, &ukey2)?,
                throttle::get(conn, &ikey2)?,
                User::by_username(conn, &name2)?,
            ))
        })
        .await?;

    let verdict = stricter(
        policy.verdict(urec.as_ref(), now),
        policy.for_addresses().verdict(irec.as_ref(), now),
    );
    if verdict != Verdict::Allow {
        let a = actor.clone();
        state
            .db
            .write(move |conn| {
                audit::record(
                    conn,
                    &a,
                    Change {
                        action: "login.throttled",
                        entity: "session",
                        ..Default::default()
                    },
                )?;
                Ok(())
            })
            .await?;
        return Ok(match verdict {
            Verdict::Locked(until) => Outcome::Locked(until),
            Verdict::Wait(until) => Outcome::Wait(until),
            Verdict::Allow => unreachable!("checked above"),
        });
    }

    // Always verify against some hash, so an unknown name costs the same time.
    let stored = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| state.dummy_hash.clone());
    let password = attempt.password;
    let matches = web::block(move || password::verify(&password, &stored)).await?;
    let user = user.filter(|u| matches && !u.disabled);

    let https = state.settings.https;
    state
        .db
        .write(move |conn| match user {
            None => record_failure(conn, &actor, &ukey, &ikey, urec, irec, policy, now),
            Some(user) => {
                throttle::clear(conn, &ukey)?;
                if let Some(old) = attempt.previous_token
                    && let Some((s, _)) = Session::by_token_hash(conn, &token_hash(&old))?
                {
                    Session::end(conn, s.id)?;
                }
                let cookie = session::start(conn, &user, &attempt.ip, &attempt.user_agent, https)?;
                let actor = Actor {
                    user_id: Some(user.id),
                    ..actor
                };
                audit::record(
                    conn,
                    &actor,
                    Change {
                        action: "login.succeeded",
                        entity: "session",
                        entity_id: None,
                        enterprise_id: user.enterprise_id,
                        ..Default::default()
                    },
                )?;
                Ok(Outcome::SignedIn {
                    cookie,
                    must_change: user.must_change_password,
                })
            }
        })
        .await
}

#[allow(clippy::too_many_arguments)]
fn record_failure(
    conn: &mut DbConnection,
    actor: &Actor,
    ukey: &str,
    ikey: &str,
    urec: Option<crate::domain::throttle::FailureRecord>,
    irec: Option<crate::domain::throttle::FailureRecord>,
    policy: crate::domain::throttle::ThrottlePolicy,
    now: NaiveDateTime,
) -> Result<Outcome, AppError> {
    let (u, u_locked) = policy.after_failure(urec.as_ref(), now);
    let (i, i_locked) = policy.for_addresses().after_failure(irec.as_ref(), now);
    throttle::put(conn, ukey, &u)?;
    throttle::put(conn, ikey, &i)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "login.failed",
            entity: "session",
            after: Some(
                serde_json::json!({ "account_failures": u.failures, "address_failures": i.failures }),
            ),
            ..Default::default()
        },
    )?;
    for (locked, key, until) in [
        (u_locked, ukey, u.locked_until),
        (i_locked, ikey, i.locked_until),
    ] {
        if locked {
            audit::record(
                conn,
                actor,
                Change {
                    action: "login.locked",
                    entity: "throttle",
                    entity_id: Some(key.to_string()),
                    after: Some(serde_json::json!({ "locked_until": until })),
                    ..Default::default()
                },
            )?;
        }
    }
    Ok(Outcome::BadCredentials)
}
