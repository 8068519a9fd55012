//! Admin actions with real form bodies, and data scope in counts, the audit log and
//! the enterprise account's home. The role table of every route is in `roles.rs`.

use srdi_board::domain::role::Role;

use crate::helpers::{TestApp, location};

#[tokio::test]
async fn only_admins_may_post_admin_actions() {
    let app = TestApp::spawn().await;
    let target = app.user("victim", Role::Staff);
    app.user("ok.admin", Role::Admin);
    let other_session = app.signed_in("victim").await;
    let id = target.id;
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            "/admin/users".into(),
            vec![
                ("username", "made.up"),
                ("display_name", "x"),
                ("role", "admin"),
                ("all_districts", "on"),
            ],
        ),
        (
            format!("/admin/users/{id}"),
            vec![
                ("display_name", "hacked"),
                ("role", "admin"),
                ("all_districts", "on"),
                ("version", "1"),
            ],
        ),
        (format!("/admin/users/{id}/disable"), vec![]),
        (format!("/admin/users/{id}/enable"), vec![]),
        (format!("/admin/users/{id}/password"), vec![]),
        (format!("/admin/users/{id}/sessions/end"), vec![]),
        ("/admin/sessions/1/end".into(), vec![]),
        (
            "/admin/gates".into(),
            vec![
                ("step", "reserve"),
                ("field", "manual"),
                ("key", "reserve.sneaky"),
                ("label_zh", "x"),
                ("label_en", "x"),
            ],
        ),
        (
            "/admin/gates/1".into(),
            vec![("label_zh", "x"), ("label_en", "x"), ("position", "1")],
        ),
    ];
    for role in [Role::Staff, Role::Official, Role::Expert] {
        let name = format!("not.admin.{}", role.as_str());
        app.user(&name, role);
        let client = app.signed_in(&name).await;
        for (path, fields) in &posts {
            let r = app.post_form(&client, path, fields).await;
            assert_eq!(r.status(), 403, "{role:?} POST {path}");
        }
    }
    // Nothing changed.
    let after = app.with_db(|c| Ok(srdi_board::models::user::User::find(c, id)?.unwrap()));
    assert_eq!(after.display_name, "victim display");
    assert!(!after.disabled);
    assert_eq!(after.version, 1);
    assert!(
        app.with_db(|c| Ok(srdi_board::models::user::User::by_username(c, "made.up")?))
            .is_none()
    );
    assert_eq!(
        other_session
            .get(app.url("/"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // Anonymous posts are sent to sign in, and change nothing.
    let anon = app.client();
    let r = anon
        .post(app.url(&format!("/admin/users/{id}/disable")))
        .form(&[("csrf_token", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        303,
        "sent to sign in before the form is even read"
    );
    assert!(location(&r).starts_with("/login"));
    assert!(
        !app.with_db(|c| Ok(srdi_board::models::user::User::find(c, id)?.unwrap()))
            .disabled
    );
}

#[tokio::test]
async fn district_scope_applies_to_counts_and_the_audit_log() {
    let app = TestApp::spawn().await;
    app.enterprise("9137021258674123", "崂山甲公司", "370212");
    app.enterprise("9137021157736912", "黄岛乙公司", "370211");
    app.enterprise("9137028155620347", "胶州丙公司", "370281");
    app.user("city", Role::Official);
    app.user_with("laoshan", Role::Official, None, &["370212"], false);
    app.user_with(
        "two.districts",
        Role::Staff,
        None,
        &["370212", "370211"],
        false,
    );
    let count = |html: &str| -> String {
        let re = regex::Regex::new(r#"class="stat-value">(\d+)<"#).unwrap();
        re.captures(html).unwrap()[1].to_string()
    };
    let city = app
        .signed_in("city")
        .await
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(count(&city), "3");
    let laoshan_client = app.signed_in("laoshan").await;
    let laoshan = laoshan_client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(count(&laoshan), "1");
    assert!(laoshan.contains("崂山区"));
    let two = app
        .signed_in("two.districts")
        .await
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(count(&two), "2");
    // The city-wide official sees sign-ins in the audit log; the district one sees
    // only entries about its district's enterprises (none yet).
    let city_audit = app
        .signed_in("city")
        .await
        .get(app.url("/audit"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(city_audit.contains("login.succeeded"));
    let district_audit = laoshan_client
        .get(app.url("/audit"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!district_audit.contains("login.succeeded"));
}

#[tokio::test]
async fn enterprise_accounts_see_only_their_own_enterprise() {
    let app = TestApp::spawn().await;
    let mine = app.enterprise("9137021258674123", "本企业股份有限公司", "370212");
    app.enterprise("9137021157736912", "别家企业有限公司", "370212");
    app.user_with("mine", Role::Enterprise, Some(mine.id), &[], false);
    let html = app
        .signed_in("mine")
        .await
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("本企业股份有限公司"));
    assert!(!html.contains("别家企业有限公司"));
    assert!(html.contains(r#"class="stat-value">1<"#));
}
