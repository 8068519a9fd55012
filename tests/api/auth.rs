//! Signing in and out, sessions, password changes and throttling.

use srdi_board::domain::role::Role;

use crate::helpers::{PASSWORD, TestApp, location, minutes_ago};

#[tokio::test]
async fn sign_in_with_the_right_password_reaches_home() {
    let app = TestApp::spawn().await;
    app.user("wang.staff", Role::Staff);
    let client = app.client();
    let r = app.login(&client, "Wang.Staff", PASSWORD).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/");
    let cookie = r
        .cookies()
        .find(|c| c.name() == "srdi_session")
        .expect("session cookie");
    assert!(cookie.http_only());
    assert_eq!(cookie.value().len(), 64, "256-bit token, hex");
    let home = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    let html = home.text().await.unwrap();
    assert!(html.contains("wang.staff display"));
    assert_eq!(app.audit_count("login.succeeded"), 1);
}

#[tokio::test]
async fn only_the_token_hash_is_stored() {
    let app = TestApp::spawn().await;
    app.user("hash.check", Role::Staff);
    let client = app.client();
    let r = app.login(&client, "hash.check", PASSWORD).await;
    let token = r
        .cookies()
        .find(|c| c.name() == "srdi_session")
        .unwrap()
        .value()
        .to_string();
    let stored: Vec<String> = app.with_db(|c| {
        use diesel::prelude::*;
        use srdi_board::schema::sessions;
        Ok(sessions::table.select(sessions::token_hash).load(c)?)
    });
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token);
    assert_eq!(stored[0], srdi_board::auth::session::token_hash(&token));
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.user("li.official", Role::Official);
    let client = app.client();
    let wrong_pw = app
        .login(&client, "li.official", "not-the-password-1")
        .await;
    assert_eq!(wrong_pw.status(), 401);
    let a = wrong_pw.text().await.unwrap();
    let unknown = app
        .login(&client, "nobody.here", "not-the-password-1")
        .await;
    assert_eq!(unknown.status(), 401);
    let b = unknown.text().await.unwrap();
    let msg = "用户名或密码错误";
    assert!(a.contains(msg) && b.contains(msg));
    // The forms differ only in the echoed name and their tokens.
    let strip = |s: &str, name: &str| {
        regex::Regex::new(r"[0-9a-f]{64}")
            .unwrap()
            .replace_all(&s.replace(name, "NAME"), "T")
            .to_string()
    };
    assert_eq!(strip(&a, "li.official"), strip(&b, "nobody.here"));
    assert_eq!(app.audit_count("login.failed"), 2);
    // The typed name is kept; the password never is.
    assert!(a.contains(r#"value="li.official""#));
    assert!(!a.contains("not-the-password-1"));
}

#[tokio::test]
async fn disabled_accounts_cannot_sign_in() {
    let app = TestApp::spawn().await;
    let u = app.user("gone.user", Role::Staff);
    app.with_db(|c| {
        Ok(srdi_board::models::user::User::set_disabled(
            c,
            &srdi_board::models::audit::Actor::cli(),
            u.id,
            true,
        )?)
    });
    let r = app.login(&app.client(), "gone.user", PASSWORD).await;
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn repeated_failures_delay_then_lock_before_any_hash() {
    let app = TestApp::spawn().await;
    app.user("target", Role::Admin);
    let client = app.client();
    for _ in 0..3 {
        assert_eq!(
            app.login(&client, "target", "wrong-password-xx")
                .await
                .status(),
            401
        );
    }
    // The fourth attempt comes too soon: refused without checking, even with the right password.
    let r = app.login(&client, "target", PASSWORD).await;
    assert_eq!(r.status(), 429);
    assert!(r.text().await.unwrap().contains("秒后再试"));
    // Keep failing, each time after the delay has passed, until the lock.
    for _ in 3..10 {
        app.sql(&format!(
            "UPDATE login_throttle SET last_failure_at = {}",
            minutes_ago(1)
        ));
        assert_eq!(
            app.login(&client, "target", "wrong-password-xx")
                .await
                .status(),
            401
        );
    }
    app.sql(&format!(
        "UPDATE login_throttle SET last_failure_at = {}",
        minutes_ago(1)
    ));
    let r = app.login(&client, "target", PASSWORD).await;
    assert_eq!(r.status(), 429);
    assert!(r.text().await.unwrap().contains("分钟后再试"));
    assert_eq!(app.audit_count("login.locked"), 1);
    assert!(app.audit_count("login.throttled") >= 2);
    // When the lock ends the right password works again and clears the count.
    app.sql(&format!(
        "UPDATE login_throttle SET locked_until = {}, last_failure_at = {}",
        minutes_ago(1),
        minutes_ago(20)
    ));
    assert_eq!(app.login(&client, "target", PASSWORD).await.status(), 303);
}

#[tokio::test]
async fn address_throttling_spans_accounts() {
    let app = TestApp::spawn().await;
    let client = app.client();
    // Fifteen failures spread over many names from one address trip the address delay.
    for i in 0..15 {
        let r = app
            .login(&client, &format!("guess{i}"), "wrong-password-xx")
            .await;
        assert_eq!(r.status(), 401, "attempt {i}");
    }
    let r = app.login(&client, "guess99", "wrong-password-xx").await;
    assert_eq!(r.status(), 429);
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    app.user("zhao", Role::Expert);
    let client = app.client();
    let r = app.login(&client, "zhao", PASSWORD).await;
    let token = r
        .cookies()
        .find(|c| c.name() == "srdi_session")
        .unwrap()
        .value()
        .to_string();
    let r = app.post_form(&client, "/logout", &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login");
    assert_eq!(app.audit_count("logout"), 1);
    // Replaying the old cookie does not work.
    let replay = app.client();
    let r = replay
        .get(app.url("/"))
        .header("cookie", format!("srdi_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login"));
}

#[tokio::test]
async fn sign_in_rotates_the_session() {
    let app = TestApp::spawn().await;
    app.user("rot", Role::Staff);
    // A browser arriving with a planted, unknown token gets it cleared and a fresh one at sign-in.
    let client = app.client();
    let planted = "ab".repeat(32);
    let r = client
        .get(app.url("/login"))
        .header("cookie", format!("srdi_session={planted}"))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()
            .get_all("set-cookie")
            .iter()
            .any(|v| v.to_str().unwrap().starts_with("srdi_session=;"))
    );
    let r = app.login(&client, "rot", PASSWORD).await;
    let t1 = r
        .cookies()
        .find(|c| c.name() == "srdi_session")
        .unwrap()
        .value()
        .to_string();
    assert_ne!(t1, planted);
    // Signing in again from a signed-in browser ends the old session and issues a new token.
    let token = app.csrf(&client, "/").await;
    let r = client
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", "rot"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let t2 = r
        .cookies()
        .find(|c| c.name() == "srdi_session")
        .unwrap()
        .value()
        .to_string();
    assert_ne!(t1, t2);
    let old = app.client();
    let r = old
        .get(app.url("/"))
        .header("cookie", format!("srdi_session={t1}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "the pre-rotation token is dead");
    assert_eq!(client.get(app.url("/")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn idle_sessions_expire() {
    let app = TestApp::spawn().await;
    app.user("idle", Role::Staff);
    let client = app.signed_in("idle").await;
    app.sql(&format!(
        "UPDATE sessions SET last_seen_at = {}",
        minutes_ago(31)
    ));
    let r = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let login = client
        .get(app.url(&location(&r)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(login.contains("会话已结束"), "says why");
    let left: i64 = app.with_db(|c| {
        use diesel::prelude::*;
        Ok(srdi_board::schema::sessions::table.count().get_result(c)?)
    });
    assert_eq!(left, 0);
}

#[tokio::test]
async fn sessions_end_after_the_absolute_limit_even_when_active() {
    let app = TestApp::spawn().await;
    app.user("busy", Role::Staff);
    let client = app.signed_in("busy").await;
    app.sql(&format!(
        "UPDATE sessions SET created_at = {}",
        minutes_ago(12 * 60 + 1)
    ));
    let r = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn anonymous_requests_are_sent_to_sign_in_and_come_back() {
    let app = TestApp::spawn().await;
    app.user("back", Role::Admin);
    let client = app.client();
    let r = client
        .get(app.url("/admin/users?q=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let to = location(&r);
    assert_eq!(to, "/login?next=%2Fadmin%2Fusers%3Fq%3Dx");
    let html = client
        .get(app.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"name="next" value="/admin/users?q=x""#));
    let token = crate::helpers::csrf_in(&html).unwrap();
    let r = client
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", "back"),
            ("password", PASSWORD),
            ("next", "/admin/users?q=x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/admin/users?q=x");
    // An off-site `next` is ignored.
    let c2 = app.client();
    let token = app.csrf(&c2, "/login").await;
    let r = c2
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", "back"),
            ("password", PASSWORD),
            ("next", "//evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/");
}

#[tokio::test]
async fn temporary_password_forces_a_change_first() {
    let app = TestApp::spawn().await;
    app.user_with("fresh", Role::Staff, None, &[], true);
    let client = app.client();
    let r = app.login(&client, "fresh", PASSWORD).await;
    assert_eq!(location(&r), "/password");
    // Every other page sends them back to the change form.
    let r = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(location(&r), "/password");
    let page = client
        .get(app.url("/password"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("首次登录须设置新密码"));
    // Policy failures are shown beside the field.
    let r = app
        .post_form(
            &client,
            "/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "short"),
                ("confirm_password", "short"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="new_password-error""#) && html.contains("至少需要 12 个字符"));
    let r = app
        .post_form(
            &client,
            "/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "qwerty123456"),
                ("confirm_password", "qwerty123456"),
            ],
        )
        .await;
    assert!(r.text().await.unwrap().contains("常见密码"));
    let r = app
        .post_form(
            &client,
            "/password",
            &[
                ("current_password", "wrong-one-12345"),
                ("new_password", "Zhanqiao-pier-77"),
                ("confirm_password", "Zhanqiao-pier-77"),
            ],
        )
        .await;
    assert!(
        r.text()
            .await
            .unwrap()
            .contains(r#"id="current_password-error""#)
    );
    let r = app
        .post_form(
            &client,
            "/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "Zhanqiao-pier-77"),
                ("confirm_password", "Zhanqiao-pier-77"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/");
    assert_eq!(client.get(app.url("/")).send().await.unwrap().status(), 200);
    assert_eq!(app.audit_count("user.password_change"), 1);
    // The new password is the one that works now.
    assert_eq!(
        app.login(&app.client(), "fresh", "Zhanqiao-pier-77")
            .await
            .status(),
        303
    );
    assert_eq!(
        app.login(&app.client(), "fresh", PASSWORD).await.status(),
        401
    );
}

#[tokio::test]
async fn password_change_ends_other_sessions() {
    let app = TestApp::spawn().await;
    app.user("two.browsers", Role::Staff);
    let laptop = app.signed_in("two.browsers").await;
    let phone = app.signed_in("two.browsers").await;
    let r = app
        .post_form(
            &laptop,
            "/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "Badaguan-villa-19"),
                ("confirm_password", "Badaguan-villa-19"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        laptop.get(app.url("/")).send().await.unwrap().status(),
        200,
        "this browser got a fresh session"
    );
    assert_eq!(
        phone.get(app.url("/")).send().await.unwrap().status(),
        303,
        "the other one is signed out"
    );
}
