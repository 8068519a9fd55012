//! Session fixation: whatever session or form cookie an attacker plants in the
//! victim's browser before sign-in, the victim is signed in under a token the
//! attacker never saw, and the attacker's cookies grant nothing afterwards.
//! (auth.rs covers rotation at every sign-in and a planted unknown token being
//! cleared; this adds the attacker's own valid cookies and what they can do after.)

use std::sync::Arc;

use reqwest::cookie::{CookieStore, Jar};
use reqwest::redirect::Policy;
use srdi_board::domain::role::Role;

use crate::helpers::{PASSWORD, TestApp, csrf_in, location};

/// A browser whose cookie jar the test can plant cookies in and read.
fn browser() -> (reqwest::Client, Arc<Jar>) {
    let jar = Arc::new(Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(Policy::none())
        .build()
        .unwrap();
    (client, jar)
}

/// A cookie's value in a jar.
fn cookie(app: &TestApp, jar: &Jar, name: &str) -> Option<String> {
    let url = app.url("/").parse().unwrap();
    let header = jar.cookies(&url)?;
    header
        .to_str()
        .unwrap()
        .split("; ")
        .find_map(|c| c.strip_prefix(&format!("{name}=")).map(str::to_string))
}

/// Plants `name=value` in a jar, as a script on a sibling site or a shared
/// computer could.
fn plant(app: &TestApp, jar: &Jar, name: &str, value: &str) {
    let url = app.url("/").parse().unwrap();
    jar.add_cookie_str(&format!("{name}={value}; Path=/"), &url);
}

/// Whether a request carrying only these cookies reaches the home page.
async fn reaches_home(app: &TestApp, cookies: &str) -> bool {
    let r = app
        .client()
        .get(app.url("/"))
        .header("cookie", cookies)
        .send()
        .await
        .unwrap();
    r.status() == 200
}

/// Signs in through the form with whatever cookies the browser holds.
async fn sign_in(app: &TestApp, client: &reqwest::Client, username: &str) -> reqwest::Response {
    let (_, html) = super::get(app, client, "/login").await;
    let token = csrf_in(&html).expect("a form token on the sign-in page");
    client
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", username),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_planted_anonymous_form_cookie_and_chosen_session_id_gain_the_attacker_nothing() {
    let app = TestApp::spawn().await;
    app.user("victim", Role::Staff);
    // The attacker gets a genuine anonymous form cookie (and its token) from the
    // site, and picks a session id of their own.
    let (attacker, attacker_jar) = browser();
    let (_, html) = super::get(&app, &attacker, "/login").await;
    let anon_token = csrf_in(&html).unwrap();
    let anon_cookie = cookie(&app, &attacker_jar, "srdi_csrf").expect("an anonymous form cookie");
    let chosen = "c0ffee".repeat(10) + "abcd";
    // Both are planted in the victim's browser, who then signs in.
    let (victim, victim_jar) = browser();
    plant(&app, &victim_jar, "srdi_csrf", &anon_cookie);
    plant(&app, &victim_jar, "srdi_session", &chosen);
    let r = sign_in(&app, &victim, "victim").await;
    assert_eq!(r.status(), 303, "the victim signs in");
    let session = cookie(&app, &victim_jar, "srdi_session").expect("a session");
    assert_ne!(session, chosen, "not the attacker's chosen id");
    assert_eq!(session.len(), 64);
    assert!(reaches_home(&app, &format!("srdi_session={session}")).await);
    // The attacker's id, anonymous cookie and token open nothing.
    assert!(!reaches_home(&app, &format!("srdi_session={chosen}")).await);
    assert!(
        !reaches_home(
            &app,
            &format!("srdi_session={chosen}; srdi_csrf={anon_cookie}")
        )
        .await
    );
    let r = attacker.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login"));
    // The form token the attacker knows is not the victim's: a forged post with it
    // (riding on the victim's session) is refused.
    let victims_token = app.csrf(&victim, "/").await;
    assert_ne!(
        victims_token, anon_token,
        "a new form token comes with the session"
    );
    let r = victim
        .post(app.url("/logout"))
        .form(&[("csrf_token", anon_token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(reaches_home(&app, &format!("srdi_session={session}")).await);
}

#[tokio::test]
async fn the_attackers_own_session_planted_on_the_victim_ends_at_the_victims_sign_in() {
    let app = TestApp::spawn().await;
    app.user("attacker", Role::Staff);
    app.user("victim", Role::Admin);
    // The attacker signs in and plants that session in the victim's browser.
    let (attacker, attacker_jar) = browser();
    assert_eq!(sign_in(&app, &attacker, "attacker").await.status(), 303);
    let planted = cookie(&app, &attacker_jar, "srdi_session").unwrap();
    let (victim, victim_jar) = browser();
    plant(&app, &victim_jar, "srdi_session", &planted);
    // The victim sees they are someone else and signs in as themselves (the sign-in
    // form takes the session's form token).
    let token = app.csrf(&victim, "/password").await;
    let r = victim
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", "victim"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let session = cookie(&app, &victim_jar, "srdi_session").unwrap();
    assert_ne!(session, planted, "a fresh token for the victim");
    let (status, html) = super::get(&app, &victim, "/admin/users").await;
    assert_eq!(status, 200, "the victim is signed in as themselves");
    assert!(html.contains("victim display"));
    // The planted token was ended, so the attacker's browser is signed out rather
    // than riding on the victim's sign-in.
    let r = attacker.get(app.url("/admin/users")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login"));
    assert!(!reaches_home(&app, &format!("srdi_session={planted}")).await);
}
