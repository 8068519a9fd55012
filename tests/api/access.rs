//! Who may GET and POST what: one table, every role, plus data scope.

use srdi_board::domain::role::Role;

use crate::helpers::{TestApp, location};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    As(Role),
}

/// Expected answer: page, forbidden, or sent to sign in.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Ok,
    Forbidden,
    SignIn,
}

const ALL_SIGNED_IN: [Role; 5] = [
    Role::Admin,
    Role::Staff,
    Role::Official,
    Role::Expert,
    Role::Enterprise,
];

fn expected(path: &str, who: Who) -> Expect {
    let Who::As(role) = who else {
        return Expect::SignIn;
    };
    let allowed = match path {
        "/" | "/password" => true,
        p if p.starts_with("/admin") => role == Role::Admin,
        p if p.starts_with("/audit") => matches!(role, Role::Admin | Role::Official),
        "/enterprises/new" | "/submissions" => matches!(role, Role::Admin | Role::Staff),
        "/qualifications/expiring" => role != Role::Enterprise,
        "/pipeline"
        | "/pipeline.csv"
        | "/pipeline.xlsx"
        | "/pipeline/queue?stage=reserve"
        | "/proposals"
        | "/tasks"
        | "/partners" => {
            matches!(role, Role::Admin | Role::Staff | Role::Official)
        }
        "/pipeline/targets" => role == Role::Admin,
        "/reports/quarterly" | "/reports/quarterly.xlsx" => {
            matches!(role, Role::Admin | Role::Official)
        }
        "/partners/new" => matches!(role, Role::Admin | Role::Staff),
        p if p.ends_with("/cultivation") => role != Role::Expert,
        other => panic!("no rule for {other}"),
    };
    if allowed {
        Expect::Ok
    } else {
        Expect::Forbidden
    }
}

#[tokio::test]
async fn every_role_gets_exactly_its_pages() {
    let app = TestApp::spawn().await;
    let e = app.enterprise("9137021258674123", "青岛测试股份有限公司", "370212");
    let target = app.user("target.user", Role::Staff);
    let mut clients = vec![(Who::Anonymous, app.client())];
    for role in ALL_SIGNED_IN {
        let name = format!("as.{}", role.as_str());
        let eid = (role == Role::Enterprise).then_some(e.id);
        app.user_with(&name, role, eid, &[], false);
        clients.push((Who::As(role), app.signed_in(&name).await));
    }
    let pages = [
        "/".to_string(),
        "/password".to_string(),
        "/admin/users".to_string(),
        "/admin/users/new".to_string(),
        format!("/admin/users/{}", target.id),
        "/admin/sessions".to_string(),
        "/admin/reference".to_string(),
        "/admin/gates".to_string(),
        "/audit".to_string(),
        "/enterprises/new".to_string(),
        "/submissions".to_string(),
        "/qualifications/expiring".to_string(),
        "/pipeline".to_string(),
        "/pipeline.csv".to_string(),
        "/pipeline.xlsx".to_string(),
        "/pipeline/queue?stage=reserve".to_string(),
        "/pipeline/targets".to_string(),
        "/proposals".to_string(),
        "/tasks".to_string(),
        "/partners".to_string(),
        "/partners/new".to_string(),
        format!("/enterprises/{}/cultivation", e.id),
        "/reports/quarterly".to_string(),
        "/reports/quarterly.xlsx".to_string(),
    ];
    for (who, client) in &clients {
        for path in &pages {
            let r = client.get(app.url(path)).send().await.unwrap();
            let got = match r.status().as_u16() {
                200 => Expect::Ok,
                403 => Expect::Forbidden,
                303 if location(&r).starts_with("/login") => Expect::SignIn,
                s => panic!("{who:?} GET {path}: unexpected {s}"),
            };
            assert_eq!(got, expected(path, *who), "{who:?} GET {path}");
            if got == Expect::Forbidden {
                let html = r.text().await.unwrap();
                assert!(
                    html.contains("您没有权限访问此页面"),
                    "403 is a page in the user's language"
                );
            }
        }
    }
}

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
