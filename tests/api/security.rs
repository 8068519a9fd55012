//! CSRF, origin checks, security headers, error pages and cookies.

use srdi_board::domain::role::Role;

use crate::helpers::{PASSWORD, TestApp, location};
use crate::routes_table::{Method, every_route};

#[tokio::test]
async fn state_changes_need_the_session_token() {
    let app = TestApp::spawn().await;
    app.user("csrf.admin", Role::Admin);
    let victim = app.user("csrf.victim", Role::Staff);
    let client = app.signed_in("csrf.admin").await;
    let path = format!("/admin/users/{}/disable", victim.id);
    // No token, a wrong token, and another session's token are all refused.
    let r = client
        .post(app.url(&path))
        .form(&[("x", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = client
        .post(app.url(&path))
        .form(&[("csrf_token", "0".repeat(64))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    app.user("other.admin", Role::Admin);
    let other = app.signed_in("other.admin").await;
    let foreign = app.csrf(&other, "/").await;
    let r = client
        .post(app.url(&path))
        .form(&[("csrf_token", foreign.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("<html") && !html.contains("CSRF"),
        "a plain page without internals"
    );
    assert!(
        !app.with_db(|c| Ok(srdi_board::models::user::User::find(c, victim.id)?.unwrap()))
            .disabled
    );
    // Logout is a POST with a token too; GET does nothing.
    assert_eq!(
        client
            .get(app.url("/logout"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(client.get(app.url("/")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn cross_origin_posts_are_refused_even_with_a_token() {
    let app = TestApp::spawn().await;
    app.user("origin.user", Role::Staff);
    let client = app.signed_in("origin.user").await;
    let token = app.csrf(&client, "/").await;
    let r = client
        .post(app.url("/logout"))
        .header("origin", "https://evil.example")
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = client
        .post(app.url("/logout"))
        .header("referer", "https://evil.example/page")
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let same = app.addr.clone();
    let r = client
        .post(app.url("/logout"))
        .header("origin", same)
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn the_login_form_is_csrf_protected_too() {
    let app = TestApp::spawn().await;
    app.user("login.csrf", Role::Staff);
    let client = app.client();
    let r = client
        .post(app.url("/login"))
        .form(&[("username", "login.csrf"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // A token forged without the server key does not pass either.
    let r = client
        .post(app.url("/login"))
        .header("cookie", format!("srdi_csrf={}", "a".repeat(64)))
        .form(&[
            ("csrf_token", "a".repeat(64).as_str()),
            ("username", "login.csrf"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for path in [
        "/login",
        "/healthz",
        "/static/css/app.css",
        "/no-such-page",
        "/",
    ] {
        let r = client.get(app.url(path)).send().await.unwrap();
        let h = r.headers();
        let csp = h
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("CSP on {path}"))
            .to_str()
            .unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'")
                && csp.contains("script-src 'self'")
                && !csp.contains("unsafe-inline")
        );
        assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
        assert_eq!(h.get("referrer-policy").unwrap(), "same-origin");
        assert!(
            h.get("strict-transport-security").is_none(),
            "no HSTS without HTTPS"
        );
    }
}

#[tokio::test]
async fn https_mode_adds_hsts_and_secure_cookies() {
    let app = TestApp::spawn_with(|s| s.https = true).await;
    app.user("secure.user", Role::Staff);
    let client = app.client();
    let r = client.get(app.url("/login")).send().await.unwrap();
    assert!(
        r.headers()
            .get("strict-transport-security")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    let r = app.login(&client, "secure.user", PASSWORD).await;
    let set_cookie: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let session = set_cookie
        .iter()
        .find(|c| c.starts_with("srdi_session="))
        .unwrap();
    assert!(
        session.contains("Secure")
            && session.contains("HttpOnly")
            && session.contains("SameSite=Lax")
    );
}

#[tokio::test]
async fn error_pages_are_html_in_the_users_language() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let r = client.get(app.url("/nothing/here")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(
        r.headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = r.text().await.unwrap();
    assert!(html.contains("页面不存在") && html.contains(r#"lang="zh-CN""#));
    let r = client
        .get(app.url("/nothing/here"))
        .header("cookie", "srdi_lang=en")
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn language_switch_is_a_post_that_comes_back() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let token = app.csrf(&client, "/login").await;
    let r = client
        .post(app.url("/lang"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("lang", "en"),
            ("next", "/login"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login");
    let html = client
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Sign in") && html.contains(r#"lang="en""#));
    assert!(html.contains("中文"), "the switch offers the way back");
}

#[tokio::test]
async fn healthz_answers_when_the_database_does() {
    let app = TestApp::spawn().await;
    let r = app.client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn oversized_forms_are_refused() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let token = app.csrf(&client, "/login").await;
    let big = "x".repeat(300 * 1024);
    let r = client
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", big.as_str()),
            ("password", "p"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
}

#[tokio::test]
async fn unexpected_failures_show_a_plain_page_without_internals() {
    let app = TestApp::spawn().await;
    app.user("unlucky", Role::Staff);
    // Break the database under the app.
    app.sql("DROP TABLE login_throttle");
    let r = app.login(&app.client(), "unlucky", PASSWORD).await;
    assert_eq!(r.status(), 500);
    let html = r.text().await.unwrap();
    assert!(html.contains("系统出现错误"));
    assert!(
        !html.contains("login_throttle") && !html.to_lowercase().contains("diesel"),
        "no internals"
    );
}

/// Every POST route in the route table (see [`every_route`], so a new route is
/// covered the day it is added), with ids filled in.
fn every_post_route() -> Vec<String> {
    every_route()
        .into_iter()
        .filter(|r| r.method == Method::Post)
        .map(|r| r.with_every_id("1"))
        .collect()
}

#[tokio::test]
async fn every_post_route_refuses_a_missing_or_wrong_form_token() {
    let app = TestApp::spawn().await;
    app.user("root", Role::Admin);
    let a = app.signed_in("root").await;
    let routes = every_post_route();
    assert!(routes.len() >= 60, "{} routes found", routes.len());
    assert!(routes.contains(&"/admin/users/1/disable".to_string()));
    let audit_rows = || {
        app.with_db(|c| {
            use diesel::prelude::*;
            Ok(srdi_board::schema::audit_log::table
                .count()
                .get_result::<i64>(c)?)
        })
    };
    let audit_before = audit_rows();
    for path in &routes {
        if path == "/login" || path == "/lang" {
            continue; // before sign-in: the anonymous token, tested in auth.rs
        }
        // Uploads are multipart (a urlencoded body is refused before anything else).
        let upload = ["/import", "/index/import"].contains(&path.as_str());
        for token in [None, Some("0".repeat(64))].into_iter().filter(|_| !upload) {
            let mut form = vec![("note", "x".to_string())];
            if let Some(t) = &token {
                form.push(("csrf_token", t.clone()));
            }
            let r = a.post(app.url(path)).form(&form).send().await.unwrap();
            let status = r.status().as_u16();
            let body = r.text().await.unwrap();
            assert_eq!(status, 403, "POST {path} with token {token:?}");
            assert!(
                body.contains("表单已过期或来自其他网站"),
                "POST {path}: the refusal says what to do"
            );
        }
        // A multipart body without a token is refused the same way.
        let part = reqwest::multipart::Form::new().text("note", "x");
        let r = a.post(app.url(path)).multipart(part).send().await.unwrap();
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        assert_eq!(status, 403, "multipart POST {path}");
        assert!(
            body.contains("表单已过期或来自其他网站"),
            "multipart POST {path}"
        );
    }
    assert_eq!(audit_rows(), audit_before, "nothing was written");
}

/// A return address with a line break (header injection) goes to `/`: it is never
/// echoed into a header, and it is no 500 either (wapiti's crlf module found one).
#[tokio::test]
async fn return_addresses_with_line_breaks_go_home() {
    let app = TestApp::spawn().await;
    app.user("crlf.user", Role::Staff);
    let client = app.client();
    let token = app.csrf(&client, "/login").await;
    let r = client
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", "crlf.user"),
            ("password", PASSWORD),
            ("next", "/enterprises\r\nSet-Cookie: evil=1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/");
    assert!(
        r.headers()
            .get_all("set-cookie")
            .iter()
            .all(|c| !c.to_str().unwrap().contains("evil"))
    );
    let token = app.csrf(&client, "/").await;
    let r = client
        .post(app.url("/lang"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("lang", "en"),
            ("next", "/pipeline\nenv;"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/");
}
