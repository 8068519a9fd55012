//! The admin's account pages: create, validate, edit with conflicts, disable,
//! reset and force sign-out.

use srdi_board::domain::role::Role;
use srdi_board::models::user::User;

use crate::helpers::{TestApp, location};

fn temp_password(html: &str) -> String {
    let re = regex::Regex::new(r#"<code id="temp-password">([^<]+)</code>"#).unwrap();
    re.captures(html).expect("temporary password shown")[1].to_string()
}

#[tokio::test]
async fn admin_creates_an_account_that_must_change_its_password() {
    let app = TestApp::spawn().await;
    app.user("root.admin", Role::Admin);
    let admin = app.signed_in("root.admin").await;
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            &[
                ("username", "Sun.Li"),
                ("display_name", "孙丽"),
                ("role", "official"),
                ("districts", "370212"),
                ("districts", "370211"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    let temp = temp_password(&r.text().await.unwrap());
    let created = app.with_db(|c| Ok(User::by_username(c, "sun.li")?.unwrap()));
    assert!(created.must_change_password);
    assert_eq!(created.role, Role::Official);
    assert!(!created.all_districts);
    assert_eq!(
        app.with_db(|c| Ok(User::districts(c, created.id)?)),
        vec!["370211", "370212"]
    );
    assert!(!created.password_hash.contains(&temp));
    assert_eq!(
        app.audit_count("user.create"),
        2,
        "the fixture's admin and this account"
    );
    // The new user signs in with it and is sent to change it.
    let r = app.login(&app.client(), "sun.li", &temp).await;
    assert_eq!(location(&r), "/password");
}

#[tokio::test]
async fn invalid_input_is_shown_beside_each_field_and_kept() {
    let app = TestApp::spawn().await;
    app.user("root.admin", Role::Admin);
    let admin = app.signed_in("root.admin").await;
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            &[
                ("username", "x"),
                ("display_name", "保留的姓名"),
                ("role", "enterprise"),
                ("enterprise", "91370200163562681H"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="username-error""#));
    assert!(html.contains("用户名长度须为 3 到 32 个字符"));
    assert!(html.contains(r#"id="enterprise-error""#));
    assert!(
        html.contains("校验位（GB 32100，第 18 位）未通过，应为 G"),
        "says which check failed"
    );
    assert!(html.contains(r#"value="保留的姓名""#), "input kept");
    assert!(html.contains(r#"value="91370200163562681H""#));
    // The organisation-code check is named when that is the one that fails.
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            &[
                ("username", "ok.name"),
                ("display_name", "a"),
                ("role", "enterprise"),
                ("enterprise", "91370200163562682G"),
            ],
        )
        .await;
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("组织机构代码校验（GB 11714，第 17 位）未通过")
    );
    // A district-limited official needs at least one district.
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            &[
                ("username", "no.district"),
                ("display_name", "a"),
                ("role", "official"),
            ],
        )
        .await;
    assert!(r.text().await.unwrap().contains(r#"id="districts-error""#));
    // Unknown enterprise.
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            &[
                ("username", "ghost.co"),
                ("display_name", "a"),
                ("role", "enterprise"),
                ("enterprise", "91370200163562681G"),
            ],
        )
        .await;
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("系统中没有统一社会信用代码为 91370200163562681G 的企业")
    );
    // Taken names.
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            &[
                ("username", "ROOT.admin"),
                ("display_name", "a"),
                ("role", "staff"),
                ("all_districts", "on"),
            ],
        )
        .await;
    assert!(r.text().await.unwrap().contains("该用户名已被使用"));
    assert_eq!(
        app.audit_count("user.create"),
        1,
        "only the fixture's own admin"
    );
}

#[tokio::test]
async fn concurrent_edits_do_not_overwrite_each_other() {
    let app = TestApp::spawn().await;
    app.user("admin.a", Role::Admin);
    app.user("admin.b", Role::Admin);
    let target = app.user("edited", Role::Staff);
    let a = app.signed_in("admin.a").await;
    let b = app.signed_in("admin.b").await;
    let path = format!("/admin/users/{}", target.id);
    // Both opened the form at version 1.
    let r = app
        .post_form(
            &a,
            &path,
            &[
                ("display_name", "A 的修改"),
                ("role", "staff"),
                ("all_districts", "on"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = app
        .post_form(
            &b,
            &path,
            &[
                ("display_name", "B 的修改"),
                ("role", "official"),
                ("all_districts", "on"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("保存冲突"));
    assert!(
        html.contains("A 的修改"),
        "shows what the other admin saved"
    );
    assert!(
        html.contains(r#"value="B 的修改""#),
        "keeps this admin's input"
    );
    assert!(
        html.contains(r#"name="version" value="2""#),
        "next save is against the seen version"
    );
    let now = app.with_db(|c| Ok(User::find(c, target.id)?.unwrap()));
    assert_eq!(now.display_name, "A 的修改");
    assert_eq!(now.version, 2);
    // Saving again after seeing the conflict goes through.
    let r = app
        .post_form(
            &b,
            &path,
            &[
                ("display_name", "B 的修改"),
                ("role", "official"),
                ("all_districts", "on"),
                ("version", "2"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.audit_count("user.update"), 2);
}

#[tokio::test]
async fn disabling_ends_sessions_and_the_last_admin_stays() {
    let app = TestApp::spawn().await;
    let admin = app.user("only.admin", Role::Admin);
    let staff = app.user("to.disable", Role::Staff);
    let a = app.signed_in("only.admin").await;
    let s = app.signed_in("to.disable").await;
    let r = app
        .post_form(&a, &format!("/admin/users/{}/disable", staff.id), &[])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        s.get(app.url("/")).send().await.unwrap().status(),
        303,
        "signed out at once"
    );
    assert_eq!(
        app.login(&app.client(), "to.disable", crate::helpers::PASSWORD)
            .await
            .status(),
        401
    );
    // Cannot disable oneself, nor demote the last admin.
    app.post_form(&a, &format!("/admin/users/{}/disable", admin.id), &[])
        .await;
    assert!(
        !app.with_db(|c| Ok(User::find(c, admin.id)?.unwrap()))
            .disabled
    );
    let r = app
        .post_form(
            &a,
            &format!("/admin/users/{}", admin.id),
            &[
                ("display_name", "x"),
                ("role", "staff"),
                ("all_districts", "on"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 409);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("至少须保留一个启用的系统管理员")
    );
    assert_eq!(
        app.with_db(|c| Ok(User::find(c, admin.id)?.unwrap())).role,
        Role::Admin
    );
    // Re-enabling works.
    app.post_form(&a, &format!("/admin/users/{}/enable", staff.id), &[])
        .await;
    assert_eq!(
        app.login(&app.client(), "to.disable", crate::helpers::PASSWORD)
            .await
            .status(),
        303
    );
    assert_eq!(app.audit_count("user.disable"), 1);
    assert_eq!(app.audit_count("user.enable"), 1);
}

#[tokio::test]
async fn reset_password_and_force_sign_out() {
    let app = TestApp::spawn().await;
    app.user("boss", Role::Admin);
    let u = app.user("forgetful", Role::Staff);
    let admin = app.signed_in("boss").await;
    let user = app.signed_in("forgetful").await;
    // The online view lists the user's session; ending it signs them out.
    let html = admin
        .get(app.url("/admin/sessions"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("forgetful"));
    let re = regex::Regex::new(r#"/admin/sessions/(\d+)/end"#).unwrap();
    let session_id = re
        .captures(&html)
        .expect("an end button for the other session")[1]
        .to_string();
    let r = app
        .post_form(&admin, &format!("/admin/sessions/{session_id}/end"), &[])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(user.get(app.url("/")).send().await.unwrap().status(), 303);
    assert_eq!(app.audit_count("session.end"), 1);
    // Reset: a new temporary password shown once, old one no longer works.
    let r = app
        .post_form(&admin, &format!("/admin/users/{}/password", u.id), &[])
        .await;
    let temp = temp_password(&r.text().await.unwrap());
    assert_eq!(
        app.login(&app.client(), "forgetful", crate::helpers::PASSWORD)
            .await
            .status(),
        401
    );
    let r = app.login(&app.client(), "forgetful", &temp).await;
    assert_eq!(location(&r), "/password");
    // End all sessions of an account.
    let r = app
        .post_form(&admin, &format!("/admin/users/{}/sessions/end", u.id), &[])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.audit_count("session.end_all"), 1);
}

#[tokio::test]
async fn user_list_filters_by_text_and_role() {
    let app = TestApp::spawn().await;
    app.user("list.admin", Role::Admin);
    app.user("zhang.san", Role::Staff);
    app.user("li.si", Role::Official);
    let admin = app.signed_in("list.admin").await;
    let html = admin
        .get(app.url("/admin/users?q=ZHANG&role="))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("zhang.san") && !html.contains("li.si"));
    let html = admin
        .get(app.url("/admin/users?q=&role=official"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("li.si") && !html.contains("zhang.san"));
    // LIKE wildcards are taken literally.
    let html = admin
        .get(app.url("/admin/users?q=%25"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("没有符合条件的用户"));
}
