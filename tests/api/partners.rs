//! The partner register through HTTP: create, list and filter, edit with conflicts,
//! validation, switching on and off, who may do what, and the audit trail.

use srdi_board::domain::cultivation::IntermediaryKind;
use srdi_board::domain::role::Role;
use srdi_board::domain::scope::DataScope;
use srdi_board::models::audit::{self, AuditFilter};
use srdi_board::models::partner::Partner;

use crate::helpers::{TestApp, location};

fn partner<'a>(name: &'a str, kind: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("kind", kind),
        ("contact_name", "王经理"),
        ("contact_phone", "+86 532-8888 6666"),
        ("contact_email", "ib@example.cn"),
        ("note", "长期合作"),
    ]
}

/// Creates a partner and returns its id.
async fn create(app: &TestApp, client: &reqwest::Client, fields: &[(&str, &str)]) -> i32 {
    let r = app.post_form(client, "/partners", fields).await;
    assert_eq!(
        r.status(),
        303,
        "create refused: {}",
        r.text().await.unwrap_or_default()
    );
    let to = location(&r);
    assert!(to.starts_with("/partners/"), "{to}");
    to.rsplit('/').next().unwrap().parse().unwrap()
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn version_in(html: &str) -> String {
    let re = regex::Regex::new(r#"name="version" value="(\d+)""#).unwrap();
    re.captures(html).expect("a version field")[1].to_string()
}

fn with<'a>(
    mut fields: Vec<(&'a str, &'a str)>,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    for (k, v) in extra {
        match fields.iter_mut().find(|(f, _)| f == k) {
            Some(slot) => slot.1 = v,
            None => fields.push((k, v)),
        }
    }
    fields
}

#[tokio::test]
async fn partners_are_created_listed_filtered_and_edited() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let s = app.signed_in("ops").await;
    let (status, html) = page(&app, &s, "/partners").await;
    assert_eq!(status, 200);
    assert!(html.contains("没有符合条件的合作机构") && html.contains(r#"href="/partners/new""#));
    let sec = create(
        &app,
        &s,
        &partner(" 中信证券股份有限公司 ", "securities_firm"),
    )
    .await;
    // The flash names the partner; the name was trimmed.
    let (_, html) = page(&app, &s, &format!("/partners/{sec}")).await;
    assert!(html.contains("已添加合作机构：中信证券股份有限公司"));
    assert!(html.contains(r#"value="中信证券股份有限公司""#));
    let bank = create(&app, &s, &partner("青岛银行股份有限公司", "bank")).await;
    let (_, html) = page(&app, &s, "/partners").await;
    assert!(html.contains("中信证券股份有限公司") && html.contains("证券公司"));
    assert!(html.contains("青岛银行股份有限公司") && html.contains("ib@example.cn"));
    // Ordered by kind, then name: bank before securities_firm.
    assert!(html.find("青岛银行").unwrap() < html.find("中信证券").unwrap());
    let (_, html) = page(&app, &s, "/partners?kind=bank").await;
    assert!(html.contains("青岛银行股份有限公司") && !html.contains("中信证券股份有限公司"));
    // Edit: the form carries the version; a save bumps it.
    let (_, form) = page(&app, &s, &format!("/partners/{bank}")).await;
    assert_eq!(version_in(&form), "1");
    let edit = with(
        partner("青岛银行股份有限公司", "bank"),
        &[("contact_name", "李行长"), ("version", "1")],
    );
    let r = app.post_form(&s, &format!("/partners/{bank}"), &edit).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("/partners/{bank}"));
    let (_, form) = page(&app, &s, &format!("/partners/{bank}")).await;
    assert!(form.contains("合作机构已保存") && form.contains(r#"value="李行长""#));
    assert_eq!(version_in(&form), "2");
    assert_eq!(app.audit_count("partner.create"), 2);
    assert_eq!(app.audit_count("partner.update"), 1);
    // The audit row keeps what was there before and what is there now.
    let rows = app.with_db(|c| {
        Ok(audit::page(
            c,
            &DataScope::All,
            &AuditFilter {
                action: Some("partner.update".into()),
                ..Default::default()
            },
        )?)
    });
    let row = &rows[0];
    assert_eq!(row.actor_name, "ops");
    assert_eq!(row.entity, "partner");
    assert_eq!(row.entity_id.as_deref(), Some(bank.to_string().as_str()));
    assert!(row.before_json.as_deref().unwrap().contains("王经理"));
    assert!(row.after_json.as_deref().unwrap().contains("李行长"));
    // Unknown ids are not found.
    assert_eq!(page(&app, &s, "/partners/999999").await.0, 404);
    let r = app.post_form(&s, "/partners/999999", &edit).await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn invalid_input_is_shown_again_beside_each_field() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let s = app.signed_in("ops").await;
    let bad = [
        ("name", "银"),
        ("kind", "broker"),
        ("contact_name", "赵六"),
        ("contact_phone", "0532(8888)"),
        ("contact_email", "not-an-email"),
        ("note", "保留的备注"),
    ];
    let r = app.post_form(&s, "/partners", &bad).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    for field in ["name", "kind", "contact_phone", "contact_email"] {
        assert!(html.contains(&format!(r#"id="{field}-error""#)), "{field}");
    }
    assert!(!html.contains(r#"id="contact_name-error""#));
    assert!(html.contains("机构名称须为 2 到 100 个字符") && html.contains("请选择机构类型"));
    assert!(html.contains(r#"value="银""#) && html.contains(r#"value="赵六""#));
    assert!(html.contains(r#"value="0532(8888)""#) && html.contains(r#"value="not-an-email""#));
    assert!(html.contains(">保留的备注</textarea>"));
    assert_eq!(app.audit_count("partner.create"), 0);
    // The same on edit, and the version stays the one the user saw.
    let id = create(
        &app,
        &s,
        &partner("德勤华永会计师事务所", "accounting_firm"),
    )
    .await;
    let r = app
        .post_form(
            &s,
            &format!("/partners/{id}"),
            &with(
                partner("德勤华永会计师事务所", "accounting_firm"),
                &[("contact_email", "a@b"), ("version", "1")],
            ),
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="contact_email-error""#) && html.contains(r#"value="a@b""#));
    assert_eq!(version_in(&html), "1");
    assert_eq!(app.audit_count("partner.update"), 0);
}

#[tokio::test]
async fn a_name_is_registered_once() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let s = app.signed_in("ops").await;
    create(&app, &s, &partner("北京市金杜律师事务所", "law_firm")).await;
    let other = create(&app, &s, &partner("上海市锦天城律师事务所", "law_firm")).await;
    let r = app
        .post_form(&s, "/partners", &partner(" 北京市金杜律师事务所 ", "other"))
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="name-error""#) && html.contains("已有同名的合作机构"));
    assert!(
        html.contains(r#"<option value="other" selected>"#),
        "input kept"
    );
    // Renaming another partner to a taken name is refused too; keeping one's own is fine.
    let r = app
        .post_form(
            &s,
            &format!("/partners/{other}"),
            &with(
                partner("北京市金杜律师事务所", "law_firm"),
                &[("version", "1")],
            ),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("已有同名的合作机构"));
    let r = app
        .post_form(
            &s,
            &format!("/partners/{other}"),
            &with(
                partner("上海市锦天城律师事务所", "law_firm"),
                &[("note", "改了备注"), ("version", "1")],
            ),
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.audit_count("partner.create"), 2);
}

#[tokio::test]
async fn a_stale_save_is_refused_and_keeps_the_input() {
    let app = TestApp::spawn().await;
    app.user("staff.a", Role::Staff);
    app.user("admin.b", Role::Admin);
    let a = app.signed_in("staff.a").await;
    let b = app.signed_in("admin.b").await;
    let id = create(&app, &a, &partner("深创投集团", "investor")).await;
    let path = format!("/partners/{id}");
    let v = version_in(&page(&app, &a, &path).await.1);
    assert_eq!(v, version_in(&page(&app, &b, &path).await.1));
    let r = app
        .post_form(
            &a,
            &path,
            &with(
                partner("深创投集团", "investor"),
                &[("contact_name", "张三"), ("version", &v)],
            ),
        )
        .await;
    assert_eq!(r.status(), 303);
    let mine = with(
        partner("深圳市创新投资集团", "investor"),
        &[("contact_name", "李四"), ("version", &v)],
    );
    let r = app.post_form(&b, &path, &mine).await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("保存冲突") && html.contains("<td>张三</td>"));
    assert!(html.contains(r#"value="李四""#) && html.contains(r#"value="深圳市创新投资集团""#));
    let newer = version_in(&html);
    assert_ne!(newer, v, "the next save is against what B has now seen");
    // Nothing of B's landed.
    let stored = app.with_db(|c| Ok(Partner::find(c, id)?.unwrap()));
    assert_eq!(
        (stored.name.as_str(), stored.contact_name.as_str()),
        ("深创投集团", "张三")
    );
    // Saving again, having seen A's change, goes through.
    let again = with(mine, &[("version", &newer)]);
    assert_eq!(app.post_form(&b, &path, &again).await.status(), 303);
    let stored = app.with_db(|c| Ok(Partner::find(c, id)?.unwrap()));
    assert_eq!(stored.name, "深圳市创新投资集团");
    assert_eq!(app.audit_count("partner.update"), 2);
}

#[tokio::test]
async fn partners_are_switched_off_and_on() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let s = app.signed_in("ops").await;
    let bank = create(&app, &s, &partner("青岛农村商业银行", "bank")).await;
    create(&app, &s, &partner("中国建设银行青岛分行", "bank")).await;
    create(&app, &s, &partner("中信建投证券", "securities_firm")).await;
    let names = |k: IntermediaryKind| -> Vec<String> {
        app.with_db(|c| Ok(Partner::for_kind(c, k)?))
            .into_iter()
            .map(|p| p.name)
            .collect()
    };
    assert_eq!(names(IntermediaryKind::Bank).len(), 2);
    assert_eq!(names(IntermediaryKind::Sponsor), vec!["中信建投证券"]);
    assert!(names(IntermediaryKind::Auditor).is_empty());
    let path = format!("/partners/{bank}/active");
    let r = app.post_form(&s, &path, &[("active", "0")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("/partners/{bank}"));
    let (_, html) = page(&app, &s, &format!("/partners/{bank}")).await;
    assert!(html.contains("合作机构已停用") && html.contains(r#"name="active" value="1""#));
    // A repeated click changes nothing more.
    assert_eq!(
        app.post_form(&s, &path, &[("active", "0")]).await.status(),
        303
    );
    assert_eq!(app.audit_count("partner.active"), 1);
    assert_eq!(names(IntermediaryKind::Bank), vec!["中国建设银行青岛分行"]);
    let (_, html) = page(&app, &s, "/partners?active=1").await;
    assert!(!html.contains("青岛农村商业银行") && html.contains("中国建设银行青岛分行"));
    let (_, html) = page(&app, &s, "/partners").await;
    assert!(html.contains("青岛农村商业银行") && html.contains("停用"));
    // On again.
    assert_eq!(
        app.post_form(&s, &path, &[("active", "1")]).await.status(),
        303
    );
    assert_eq!(names(IntermediaryKind::Bank).len(), 2);
    assert_eq!(app.audit_count("partner.active"), 2);
    // Anything but 0 or 1 is a bad request.
    assert_eq!(
        app.post_form(&s, &path, &[("active", "yes")])
            .await
            .status(),
        400
    );
}

#[tokio::test]
async fn only_admins_and_staff_change_partners_and_officials_read() {
    let app = TestApp::spawn().await;
    let e = app.enterprise("9137021258674123", "青岛测试股份有限公司", "370212");
    app.user("ops", Role::Staff);
    app.user("gov", Role::Official);
    app.user("expert", Role::Expert);
    app.user_with("firm", Role::Enterprise, Some(e.id), &[], false);
    let s = app.signed_in("ops").await;
    let id = create(
        &app,
        &s,
        &partner("中国科学院青岛生物能源所", "research_institute"),
    )
    .await;
    let one = format!("/partners/{id}");
    let active = format!("/partners/{id}/active");
    let edit = with(
        partner("中国科学院青岛生物能源所", "research_institute"),
        &[("note", "被改了"), ("version", "1")],
    );
    for name in ["expert", "firm"] {
        let c = app.signed_in(name).await;
        for path in ["/partners", "/partners/new", one.as_str()] {
            assert_eq!(page(&app, &c, path).await.0, 403, "{name} GET {path}");
        }
        let (_, home) = page(&app, &c, "/").await;
        assert!(
            !home.contains(r#"href="/partners""#),
            "{name} has no nav entry"
        );
        assert_eq!(
            app.post_form(&c, "/partners", &partner("某机构", "other"))
                .await
                .status(),
            403,
            "{name} POST /partners"
        );
        assert_eq!(app.post_form(&c, &one, &edit).await.status(), 403);
        assert_eq!(
            app.post_form(&c, &active, &[("active", "0")])
                .await
                .status(),
            403
        );
    }
    // Officials read the list and the details, without any form to change them.
    let g = app.signed_in("gov").await;
    let (status, html) = page(&app, &g, "/partners").await;
    assert_eq!(status, 200);
    assert!(html.contains("中国科学院青岛生物能源所") && html.contains("科研院所"));
    assert!(html.contains(r#"href="/partners""#) && !html.contains(r#"href="/partners/new""#));
    let (status, html) = page(&app, &g, &one).await;
    assert_eq!(status, 200);
    assert!(html.contains("长期合作") && html.contains("王经理"));
    assert!(!html.contains(r#"action="/partners/"#) && !html.contains(r#"name="version""#));
    assert_eq!(page(&app, &g, "/partners/new").await.0, 403);
    assert_eq!(
        app.post_form(&g, "/partners", &partner("某机构", "other"))
            .await
            .status(),
        403
    );
    assert_eq!(app.post_form(&g, &one, &edit).await.status(), 403);
    assert_eq!(
        app.post_form(&g, &active, &[("active", "0")])
            .await
            .status(),
        403
    );
    // Anonymous visitors are sent to sign in.
    let anon = app.client();
    let r = anon.get(app.url("/partners")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login"));
    // Nothing changed.
    let stored = app.with_db(|c| Ok(Partner::find(c, id)?.unwrap()));
    assert!(stored.active && stored.note == "长期合作" && stored.version == 1);
    assert_eq!(app.audit_count("partner.create"), 1);
    assert_eq!(app.audit_count("partner.update"), 0);
    assert_eq!(app.audit_count("partner.active"), 0);
}

#[tokio::test]
async fn partner_forms_need_the_session_token() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let s = app.signed_in("ops").await;
    let id = create(
        &app,
        &s,
        &partner("安永华明会计师事务所", "accounting_firm"),
    )
    .await;
    let posts = [
        ("/partners".to_string(), partner("新机构名称", "other")),
        (
            format!("/partners/{id}"),
            with(
                partner("安永华明会计师事务所", "accounting_firm"),
                &[("note", "x"), ("version", "1")],
            ),
        ),
        (format!("/partners/{id}/active"), vec![("active", "0")]),
    ];
    for (path, fields) in &posts {
        let r = s.post(app.url(path)).form(fields).send().await.unwrap();
        assert_eq!(r.status(), 403, "no token: {path}");
        let mut wrong = vec![("csrf_token", "0".repeat(64))];
        wrong.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
        let r = s.post(app.url(path)).form(&wrong).send().await.unwrap();
        assert_eq!(r.status(), 403, "wrong token: {path}");
    }
    let stored = app.with_db(|c| Ok(Partner::list(c, None, false)?));
    assert_eq!(stored.len(), 1);
    assert!(stored[0].active && stored[0].version == 1);
    assert_eq!(app.audit_count("partner.create"), 1);
}
