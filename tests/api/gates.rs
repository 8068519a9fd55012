//! The cultivation stage-gate checklists as data: an admin adds, renames, reorders and
//! switches items off on /admin/gates, and the pipeline reads the result.

use srdi_board::domain::role::Role;
use srdi_board::models::cultivation::{GateRow, gate_items, gate_rows};

use crate::helpers::{TestApp, location};

async fn get_html(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn row(app: &TestApp, key: &str) -> GateRow {
    app.with_db(|c| Ok(gate_rows(c)?))
        .into_iter()
        .find(|r| r.key == key)
        .unwrap_or_else(|| panic!("no gate item {key}"))
}

fn row_count(app: &TestApp) -> usize {
    app.with_db(|c| Ok(gate_rows(c)?)).len()
}

/// A valid new item; tests override single fields.
fn add_fields<'a>(over: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("step", "reserve"),
        ("field", "manual"),
        ("value", ""),
        ("key", "reserve.audit_report"),
        ("label_zh", "已提交近两年审计报告"),
        ("label_en", "Audit reports for two years submitted"),
        ("position", ""),
    ];
    for (name, value) in over {
        fields.iter_mut().find(|(n, _)| n == name).unwrap().1 = value;
    }
    fields
}

#[tokio::test]
async fn admin_lists_the_seeded_checklists_and_adds_an_item() {
    let app = TestApp::spawn().await;
    app.user("gate.admin", Role::Admin);
    let a = app.signed_in("gate.admin").await;
    let (status, html) = get_html(&a, &app, "/admin/gates").await;
    assert_eq!(status, 200);
    for text in [
        "filing.sponsor",
        "reserve.willing",
        "系统核验：已聘请保荐机构",
        "系统核验：持有有效资质或评价达标",
        "系统核验：在当前阶段已满 90 天",
        "人工确认",
        "辅导备案",
        "已聘请保荐机构",
        "Sponsor securities firm engaged",
    ] {
        assert!(html.contains(text), "page shows {text}");
    }
    assert!(
        !html.contains(r#"id="step-potential""#),
        "a step without items has no section"
    );
    // The reference page links here.
    let (_, reference) = get_html(&a, &app, "/admin/reference").await;
    assert!(reference.contains(r#"href="/admin/gates""#));

    let r = app.post_form(&a, "/admin/gates", &add_fields(&[])).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/admin/gates");
    let (_, html) = get_html(&a, &app, "/admin/gates").await;
    assert!(html.contains("已添加条件条目：reserve.audit_report"));
    assert!(html.contains("reserve.audit_report"));
    assert!(html.contains("已提交近两年审计报告"));
    let added = row(&app, "reserve.audit_report");
    assert_eq!(
        (added.step.as_str(), added.field.as_str(), added.active),
        ("reserve", "manual", true)
    );
    let last_reserve = row(&app, "reserve.willing").position;
    assert_eq!(
        added.position,
        last_reserve + 1,
        "after the last of its step"
    );
    assert_eq!(app.audit_count("gate_item.add"), 1);
    // The new manual item is now part of what entering reserve needs.
    let items = app.with_db(|c| Ok(gate_items(c)?));
    assert!(items.iter().any(|i| i.key == "reserve.audit_report"));

    // Every kind of check reads in words, none shows a raw locale key.
    for (key, field, value) in [
        ("listed.title", "title_in_force", ""),
        ("listed.level", "min_level", "provincial"),
        ("listed.rubric", "passing_rubric", ""),
        ("listed.board", "board_tier", "custody"),
        ("listed.bank", "intermediary", "bank"),
    ] {
        let fields = add_fields(&[
            ("step", "listed"),
            ("field", field),
            ("value", value),
            ("key", key),
            ("position", "50"),
        ]);
        let r = app.post_form(&a, "/admin/gates", &fields).await;
        assert_eq!(r.status(), 303, "{field}");
    }
    let (_, html) = get_html(&a, &app, "/admin/gates").await;
    for text in [
        "系统核验：持有有效资质",
        "系统核验：有效资质不低于省级专精特新",
        "系统核验：评价达标",
        "系统核验：专板层级不低于托管层",
        "系统核验：已聘请银行",
    ] {
        assert!(html.contains(text), "page shows {text}");
    }
    assert!(!html.contains("gate_field.") && !html.contains("gates."));
    assert_eq!(row(&app, "listed.level").position, 50);
}

#[tokio::test]
async fn invalid_items_are_refused_beside_the_field_with_the_input_kept() {
    let app = TestApp::spawn().await;
    app.user("gate.admin", Role::Admin);
    let a = app.signed_in("gate.admin").await;
    let before = row_count(&app);
    // (form, the field at fault, its message)
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            add_fields(&[("field", "coffee")]),
            "field",
            "请选择核验方式。",
        ),
        (
            add_fields(&[("field", "min_level"), ("value", "county")]),
            "value",
            "请填写以下代码之一：innovative_sme, municipal, provincial, national。",
        ),
        (
            add_fields(&[("field", "intermediary"), ("value", "notary")]),
            "value",
            "请填写以下代码之一：sponsor, auditor, law_firm, bank。",
        ),
        (
            add_fields(&[("field", "min_days_in_step"), ("value", "-3")]),
            "value",
            "请填写天数：0 或以上的整数。",
        ),
        (
            add_fields(&[("field", "manual"), ("value", "yes")]),
            "value",
            "“人工确认”不需要取值，请留空。",
        ),
        (
            add_fields(&[("key", "Reserve.Audit")]),
            "key",
            "条目代码须为“前缀.名称”",
        ),
        (
            add_fields(&[("key", "reserve")]),
            "key",
            "条目代码须为“前缀.名称”",
        ),
        (
            add_fields(&[("key", "reserve.willing")]),
            "key",
            "该条目代码已被使用，请换一个。",
        ),
        (
            add_fields(&[("step", "potential")]),
            "step",
            "请选择“潜力”以外的培育阶段。",
        ),
        (
            add_fields(&[("position", "1001")]),
            "position",
            "请填写 0 到 1000 之间的整数。",
        ),
        (add_fields(&[("label_en", " ")]), "label_en", "此项必填。"),
    ];
    for (fields, field, message) in &cases {
        let r = app.post_form(&a, "/admin/gates", fields).await;
        assert_eq!(r.status(), 422, "{field}: {fields:?}");
        let html = r.text().await.unwrap();
        let error = format!(r#"<p class="field-error" id="{field}-error">{message}"#);
        assert!(html.contains(&error), "{field}: expected {error}");
        // What was typed is still in the form.
        for (name, value) in fields {
            let kept = match *name {
                "step" | "field" if !["", "coffee", "potential"].contains(value) => {
                    format!(r#"value="{value}" selected"#)
                }
                "step" | "field" => continue,
                _ => format!(r#"name="{name}" value="{value}""#),
            };
            assert!(html.contains(&kept), "{field}: keeps {kept}");
        }
    }
    let long = "长".repeat(101);
    let r = app
        .post_form(&a, "/admin/gates", &add_fields(&[("label_zh", &long)]))
        .await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains(r#"id="label_zh-error">最多 100 个字符。"#)
    );
    assert_eq!(row_count(&app), before, "nothing was added");
    assert_eq!(app.audit_count("gate_item.add"), 0);
}

#[tokio::test]
async fn admin_edits_labels_order_and_state_audited() {
    let app = TestApp::spawn().await;
    app.user("gate.admin", Role::Admin);
    let a = app.signed_in("gate.admin").await;
    let id = row(&app, "filing.receipt").id;
    let path = format!("/admin/gates/{id}");
    let r = app
        .post_form(
            &a,
            &path,
            &[
                ("label_zh", "辅导备案已受理（附回执）"),
                ("label_en", "Tutoring filing received (receipt attached)"),
                ("position", "0"),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/admin/gates");
    let changed = row(&app, "filing.receipt");
    assert_eq!(changed.label_zh, "辅导备案已受理（附回执）");
    assert_eq!(
        changed.label_en,
        "Tutoring filing received (receipt attached)"
    );
    assert_eq!(changed.position, 0);
    assert!(changed.active);
    assert_eq!(app.audit_count("gate_item.update"), 1);
    // Position 0 puts it first in its step.
    let filing: Vec<String> = app
        .with_db(|c| Ok(gate_items(c)?))
        .into_iter()
        .filter(|i| i.step.as_str() == "tutoring_filing")
        .map(|i| i.key)
        .collect();
    assert_eq!(filing.first().map(String::as_str), Some("filing.receipt"));

    // An unticked box switches the item off; the row is then shown greyed.
    let r = app
        .post_form(
            &a,
            &path,
            &[
                ("label_zh", "辅导备案已受理（附回执）"),
                ("label_en", "Tutoring filing received"),
                ("position", "9"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert!(!row(&app, "filing.receipt").active);
    assert_eq!(app.audit_count("gate_item.update"), 2);
    let (_, html) = get_html(&a, &app, "/admin/gates").await;
    assert!(html.contains(r#"<tr class="inactive">"#));

    // Bad input: the page again, this row as typed, messages beside its fields.
    let r = app
        .post_form(
            &a,
            &path,
            &[
                ("label_zh", ""),
                ("label_en", "Typed but refused"),
                ("position", "x"),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!(r#"id="gate-{id}-label_zh-error">此项必填。"#)));
    assert!(html.contains(&format!(
        r#"id="gate-{id}-position-error">请填写 0 到 1000 之间的整数。"#
    )));
    assert!(html.contains(r#"value="Typed but refused""#));
    assert!(html.contains(r#"name="position" value="x""#));
    let unchanged = row(&app, "filing.receipt");
    assert_eq!(unchanged.label_en, "Tutoring filing received");
    assert!(!unchanged.active);
    assert_eq!(app.audit_count("gate_item.update"), 2);

    // No such item.
    let fine = [("label_zh", "x"), ("label_en", "x"), ("position", "1")];
    let r = app.post_form(&a, "/admin/gates/999999", &fine).await;
    assert_eq!(r.status(), 404);
    let r = app
        .post_form(&a, "/admin/gates/999999", &[("label_zh", "")])
        .await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn switching_an_item_off_takes_it_out_of_the_checklist() {
    let app = TestApp::spawn().await;
    app.user("gate.admin", Role::Admin);
    let a = app.signed_in("gate.admin").await;
    let keys = |app: &TestApp| -> Vec<String> {
        app.with_db(|c| Ok(gate_items(c)?))
            .into_iter()
            .map(|i| i.key)
            .collect()
    };
    assert!(keys(&app).contains(&"reserve.willing".to_string()));
    let willing = row(&app, "reserve.willing");
    let r = app
        .post_form(
            &a,
            &format!("/admin/gates/{}", willing.id),
            &[
                ("label_zh", willing.label_zh.as_str()),
                ("label_en", willing.label_en.as_str()),
                ("position", &willing.position.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let now = keys(&app);
    assert!(!now.contains(&"reserve.willing".to_string()), "{now:?}");
    assert!(now.contains(&"reserve.qualified".to_string()));
}

#[tokio::test]
async fn only_admins_reach_the_checklists() {
    let app = TestApp::spawn().await;
    app.user("gate.admin", Role::Admin);
    let id = row(&app, "reserve.willing").id;
    let update = format!("/admin/gates/{id}");
    let edit = [
        ("label_zh", "改了"),
        ("label_en", "changed"),
        ("position", "1"),
    ];
    for role in [Role::Staff, Role::Official] {
        let name = format!("gate.{}", role.as_str());
        app.user(&name, role);
        let c = app.signed_in(&name).await;
        let (status, _) = get_html(&c, &app, "/admin/gates").await;
        assert_eq!(status, 403, "{role:?} GET");
        let r = app.post_form(&c, "/admin/gates", &add_fields(&[])).await;
        assert_eq!(r.status(), 403, "{role:?} add");
        let r = app.post_form(&c, &update, &edit).await;
        assert_eq!(r.status(), 403, "{role:?} update");
    }
    // An admin without the CSRF token is refused too.
    let a = app.signed_in("gate.admin").await;
    let r = a
        .post(app.url("/admin/gates"))
        .form(&add_fields(&[]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = a.post(app.url(&update)).form(&edit).send().await.unwrap();
    assert_eq!(r.status(), 403);
    // Nothing changed.
    assert_eq!(
        row(&app, "reserve.willing").label_en,
        "Enterprise confirms its intention to list"
    );
    assert!(
        !app.with_db(|c| Ok(gate_rows(c)?))
            .iter()
            .any(|r| r.key == "reserve.audit_report")
    );
    assert_eq!(app.audit_count("gate_item.add"), 0);
    assert_eq!(app.audit_count("gate_item.update"), 0);
}
