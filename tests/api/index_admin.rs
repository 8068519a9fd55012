//! The index model's admin pages through HTTP: versions and the tree, local
//! indicators, JSON edits, weights (direct, AHP, entropy), full recomputation,
//! who may do what, and the CSRF refusal.

use srdi_board::domain::annual::AnnualFigures;
use srdi_board::domain::index::model::IndexModel;
use srdi_board::domain::role::Role;
use srdi_board::domain::scope::DataScope;
use srdi_board::models::audit::Actor;
use srdi_board::models::enterprise::Enterprise;
use srdi_board::models::index;

use crate::helpers::{TestApp, location};

async fn get(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn admin(app: &TestApp) -> reqwest::Client {
    app.user("boss", Role::Admin);
    app.signed_in("boss").await
}

fn active_model(app: &TestApp) -> (i32, IndexModel) {
    app.with_db(|c| {
        let row = index::active(c)?;
        Ok((row.version, IndexModel::from_json(&row.model).unwrap()))
    })
}

fn indicator_form<'a>(key: &'a str, sub: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("sub", sub),
        ("key", key),
        ("label_zh", "海洋经济营收占比"),
        ("label_en", "Marine economy share of revenue"),
        ("definition_zh", "海洋相关业务收入除以营业收入。"),
        (
            "definition_en",
            "Marine-related revenue divided by revenue.",
        ),
        ("unit", "%"),
        ("direction", "higher"),
        ("source", "entered"),
        ("derivation", ""),
        ("method", "min_max"),
        ("bands", ""),
        ("weight", "0.2"),
        ("note", "青岛地方指标"),
    ]
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

/// A node (dimension or sub-dimension key) with exactly three children.
fn three_child_node(m: &IndexModel) -> String {
    for d in &m.dimensions {
        if d.subs.len() == 3 {
            return d.key.clone();
        }
        for s in &d.subs {
            if s.indicators.len() == 3 {
                return s.key.clone();
            }
        }
    }
    panic!("no node with three children");
}

#[tokio::test]
async fn overview_lists_the_builtin_model_and_versions() {
    let app = TestApp::spawn().await;
    let s = admin(&app).await;
    let (status, html) = get(&app, &s, "/admin/index").await;
    assert_eq!(status, 200);
    let m = IndexModel::builtin();
    assert_eq!(m.indicators().count(), 68);
    assert!(html.contains(&m.code) && html.contains("v1"));
    assert!(html.contains("6 / 68"), "counts shown");
    assert!(html.contains("当前使用"));
    for d in &m.dimensions {
        assert!(html.contains(&d.label_zh));
    }
    assert!(html.contains("核心"));
    for i in m.indicators() {
        assert!(html.contains(&i.key), "{}", i.key);
    }
    // The nav links here.
    assert!(html.contains(r#"href="/admin/index""#));
    assert!(html.contains(r#"action="/admin/index/recompute""#));
    // A version's page shows its tree.
    let id = app.with_db(|c| Ok(index::active(c)?.id));
    let (status, html) = get(&app, &s, &format!("/admin/index/models/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("6 / 68"));
    assert_eq!(get(&app, &s, "/admin/index/models/99999").await.0, 404);
}

#[tokio::test]
async fn a_local_indicator_makes_a_new_version() {
    let app = TestApp::spawn().await;
    let s = admin(&app).await;
    let (status, form) = get(&app, &s, "/admin/index/indicators/new").await;
    assert_eq!(status, 200);
    let m = IndexModel::builtin();
    let sub = m.dimensions[5].subs[0].key.clone();
    assert!(form.contains(&format!(r#"value="{sub}""#)));
    let existing = m.indicators().next().unwrap().key.clone();

    // Refusals: each message beside its field, the input kept, nothing saved.
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            indicator_form(&existing, &sub),
            "key-error",
            "此键已在模型中使用",
        ),
        (indicator_form("Bad-Key", &sub), "key-error", "小写字母"),
        (
            with(indicator_form("marine_share", &sub), &[("label_en", " ")]),
            "label_en-error",
            "必填",
        ),
        (
            with(
                indicator_form("marine_share", &sub),
                &[("method", "bands"), ("bands", "50:60\nabc")],
            ),
            "bands-error",
            "line 2",
        ),
        (
            with(
                indicator_form("marine_share", &sub),
                &[("method", "bands"), ("bands", "70:60\n50:80")],
            ),
            "bands-error",
            "ascending",
        ),
        (
            with(indicator_form("marine_share", &sub), &[("note", "")]),
            "note-error",
            "修改说明",
        ),
    ];
    for (fields, id, text) in &cases {
        let r = app
            .post_form(&s, "/admin/index/indicators/new", fields)
            .await;
        assert_eq!(r.status(), 422, "{id}");
        let html = r.text().await.unwrap();
        let at = html
            .find(&format!(r#"id="{id}""#))
            .unwrap_or_else(|| panic!("{id}"));
        assert!(html[at..].contains(text), "{id}: {text}");
        assert!(html.contains("Marine-related revenue divided by revenue."));
        assert!(html.contains(r#"<option value="entered" selected>"#));
        assert!(html.contains(&format!(r#"<option value="{sub}" selected>"#)));
    }
    assert_eq!(active_model(&app).0, 1);

    // Success: version 2, active, with the indicator.
    let r = app
        .post_form(
            &s,
            "/admin/index/indicators/new",
            &with(
                indicator_form("marine_share", &sub),
                &[("method", "bands"), ("bands", "10:60\n30:100")],
            ),
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/admin/index");
    let (version, model) = active_model(&app);
    assert_eq!(version, 2);
    assert_eq!(model.indicators().count(), 69);
    let added = model.indicator("marine_share").unwrap();
    assert_eq!(added.weight, 0.2);
    assert_eq!(app.audit_count("index.model.version"), 1);
    let (_, html) = get(&app, &s, "/admin/index").await;
    assert!(html.contains("已保存并启用模型版本 v2") && html.contains("青岛地方指标"));
    assert!(html.contains("6 / 69"));

    // Activating version 1 again is audited.
    let v1 = app.with_db(|c| {
        Ok(index::versions(c)?
            .into_iter()
            .find(|v| v.version == 1)
            .unwrap()
            .id)
    });
    let r = app
        .post_form(&s, &format!("/admin/index/models/{v1}/activate"), &[])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(active_model(&app).0, 1);
    assert_eq!(app.audit_count("index.model.activate"), 1);
}

#[tokio::test]
async fn the_model_is_edited_as_json() {
    let app = TestApp::spawn().await;
    let s = admin(&app).await;
    let id = app.with_db(|c| Ok(index::active(c)?.id));
    let path = format!("/admin/index/models/{id}/json");
    let (status, html) = get(&app, &s, &path).await;
    assert_eq!(status, 200);
    assert!(html.contains("dimensions") && html.contains("spec_main_business_share"));
    assert!(html.contains(r#"<textarea id="json" name="json""#));

    // A parse error names line and column; the input is kept.
    let broken = "{\n  \"code\": \"x\",\n  oops\n}";
    let r = app
        .post_form(&s, &path, &[("json", broken), ("note", "试改")])
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("JSON 无法解析") && html.contains("3:3"),
        "{html}"
    );
    assert!(html.contains("oops"));

    // A readable model that fails validation lists the problems.
    let mut m = IndexModel::builtin();
    m.dimensions[4].weight = -1.0;
    m.dimensions.pop();
    let text = m.to_json();
    let r = app
        .post_form(&s, &path, &[("json", &text), ("note", "试改")])
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("模型未通过校验"));
    assert!(html.contains("5 dimensions") && html.contains("weight -1"));
    assert_eq!(active_model(&app).0, 1);

    // A valid change of a configurable dimension makes version 2.
    let mut m = IndexModel::builtin();
    m.dimensions[5].label_zh = "海洋经济".into();
    let r = app
        .post_form(&s, &path, &[("json", &m.to_json()), ("note", "")])
        .await;
    assert_eq!(r.status(), 422, "a change note is required");
    let r = app
        .post_form(&s, &path, &[("json", &m.to_json()), ("note", "改第六维度")])
        .await;
    assert_eq!(r.status(), 303);
    let (version, model) = active_model(&app);
    assert_eq!(version, 2);
    assert_eq!(model.dimensions[5].label_zh, "海洋经济");
    assert_eq!(app.audit_count("index.model.version"), 1);
}

#[tokio::test]
async fn ahp_previews_and_refuses_inconsistent_judgements() {
    let app = TestApp::spawn().await;
    let s = admin(&app).await;
    let node = three_child_node(&IndexModel::builtin());
    let path = format!("/admin/index/weights?node={node}");
    let (status, html) = get(&app, &s, &path).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"name="a0_1""#) && html.contains(r#"name="a1_2""#));

    // Saaty's consistent example: A = 2B, A = 4C, B = 2C gives 4:2:1.
    let r = app
        .post_form(
            &s,
            &path,
            &[
                ("node", &node),
                ("method", "ahp"),
                ("a0_1", "2"),
                ("a0_2", "4"),
                ("a1_2", "2"),
                ("action", "preview"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("57.14%") && html.contains("28.57%") && html.contains("14.29%"));
    assert!(html.contains("CR = 0.0000"));
    // Reciprocals are shown below the diagonal.
    assert!(html.contains("1/4"));
    assert_eq!(active_model(&app).0, 1, "a preview saves nothing");

    // Contradicting judgements: refused with the CR and the pair named, input kept.
    let r = app
        .post_form(
            &s,
            &path,
            &[
                ("node", &node),
                ("method", "ahp"),
                ("a0_1", "9"),
                ("a0_2", "1/9"),
                ("a1_2", "9"),
                ("action", "save"),
                ("note", "试试"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    let at = html
        .find(r#"id="matrix-error""#)
        .expect("message at the matrix");
    assert!(html[at..].contains("一致性不足") && html[at..].contains("CR = "));
    assert!(html[at..].contains("deviates most"));
    assert!(html.contains(r#"name="a0_2" value="1/9""#));
    assert!(html.contains(r#"<option value="ahp" selected>"#));
    assert_eq!(active_model(&app).0, 1);

    // Off-scale or unreadable judgements are refused too.
    let r = app
        .post_form(
            &s,
            &path,
            &[
                ("node", &node),
                ("method", "ahp"),
                ("a0_1", "x"),
                ("a0_2", "1"),
                ("a1_2", "1"),
                ("action", "preview"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("无法读取判断值"));
}

#[tokio::test]
async fn direct_weights_are_saved_as_a_new_version() {
    let app = TestApp::spawn().await;
    let s = admin(&app).await;
    let fields = [
        ("node", "total"),
        ("method", "direct"),
        ("w0", "1"),
        ("w1", "1"),
        ("w2", "1"),
        ("w3", "2"),
        ("w4", "0.5"),
        ("w5", "0.5"),
    ];
    // Preview: normalised, nothing saved.
    let mut preview = fields.to_vec();
    preview.push(("action", "preview"));
    let r = app
        .post_form(&s, "/admin/index/weights?node=total", &preview)
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("33.33%") && html.contains("8.33%"));
    assert_eq!(active_model(&app).0, 1);
    // Save without a note: refused, input kept.
    let mut save = fields.to_vec();
    save.push(("action", "save"));
    let r = app
        .post_form(&s, "/admin/index/weights?node=total", &save)
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="note-error""#) && html.contains(r#"name="w3" value="2""#));
    // A bad weight is refused beside the weights.
    let r = app
        .post_form(
            &s,
            "/admin/index/weights?node=total",
            &with(save.clone(), &[("w1", "-1"), ("note", "x")]),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(r#"id="weights-error""#));
    // Saved.
    save.push(("note", "维度权重调整"));
    let r = app
        .post_form(&s, "/admin/index/weights?node=total", &save)
        .await;
    assert_eq!(r.status(), 303);
    let (version, model) = active_model(&app);
    assert_eq!(version, 2);
    let w: Vec<f64> = model.dimensions.iter().map(|d| d.weight).collect();
    let expected = [1.0, 1.0, 1.0, 2.0, 0.5, 0.5].map(|x| x / 6.0);
    for (a, b) in w.iter().zip(expected) {
        assert!((a - b).abs() < 1e-5, "{w:?}");
    }
    assert_eq!(app.audit_count("index.model.version"), 1);
    // Unknown nodes are not found.
    assert_eq!(get(&app, &s, "/admin/index/weights?node=nope").await.0, 404);
}

fn figures(year: i32, revenue: i64, rd: i64, employees: i32, ip: i32) -> AnnualFigures {
    AnnualFigures {
        year,
        revenue: Some(revenue),
        main_business_revenue: Some(revenue * 9 / 10),
        net_profit: Some(revenue / 10),
        total_assets: Some(revenue * 2),
        total_liabilities: Some(revenue / 2),
        rd_expense: Some(rd),
        employees: Some(employees),
        rd_staff: Some(employees / 5),
        ip_class1: Some(ip),
        ..Default::default()
    }
}

#[tokio::test]
async fn recompute_and_entropy_weights_over_a_period() {
    let app = TestApp::spawn().await;
    let s = admin(&app).await;
    let data = [
        (
            "9137021258674123",
            "青岛海工科技有限公司",
            50_000_000,
            2_000_000,
            80,
            3,
        ),
        (
            "9137021157736912",
            "青岛蓝谷材料有限公司",
            120_000_000,
            9_000_000,
            200,
            12,
        ),
        (
            "9137021258674125",
            "青岛北岸仪器有限公司",
            300_000_000,
            12_000_000,
            420,
            30,
        ),
    ];
    for (code, name, revenue, rd, staff, ip) in data {
        let e = app.enterprise(code, name, "370212");
        app.with_db(|c| {
            let full = Enterprise::find(c, &DataScope::All, e.id)?.unwrap();
            srdi_board::models::annual::save(
                c,
                &Actor::cli(),
                &full,
                &figures(2025, revenue, rd, staff, ip),
                None,
            )
            .map_err(|e| srdi_board::error::AppError::BadRequest(e.to_string()))?;
            Ok(())
        });
    }
    // A bad period is refused beside the field.
    let r = app
        .post_form(&s, "/admin/index/recompute", &[("period_text", "20x5")])
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(r#"id="period-error""#));
    let before = app.audit_count("index.recompute");
    let r = app
        .post_form(
            &s,
            "/admin/index/recompute",
            &[("period", ""), ("period_text", "2025")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.audit_count("index.recompute"), before + 1);
    let (_, html) = get(&app, &s, "/admin/index").await;
    assert!(html.contains("2025：已为 3 家企业计分"), "{html}");
    assert!(html.contains(r#"<option value="2025">"#));

    // Entropy over the dimension scores, then over a sub-dimension's raw figures.
    let m = IndexModel::builtin();
    let sub_with_revenue = m
        .dimensions
        .iter()
        .flat_map(|d| d.subs.iter())
        .find(|s| s.indicators.iter().any(|i| i.key.contains("rd_intensity")))
        .map(|s| s.key.clone())
        .unwrap_or_else(|| m.dimensions[3].subs[0].key.clone());
    for node in ["total".to_string(), sub_with_revenue] {
        let r = app
            .post_form(
                &s,
                &format!("/admin/index/weights?node={node}"),
                &[
                    ("node", &node),
                    ("method", "entropy"),
                    ("period", "2025"),
                    ("action", "preview"),
                ],
            )
            .await;
        assert_eq!(r.status(), 200, "{node}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("熵值") && html.contains("new-weight"),
            "{node}"
        );
    }
    // Combined needs the matrix and a share in 0..1.
    let r = app
        .post_form(
            &s,
            "/admin/index/weights?node=total",
            &[
                ("node", "total"),
                ("method", "combined"),
                ("period", "2025"),
                ("share", "1.5"),
                ("action", "preview"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(r#"id="share-error""#));
    // Combined: equal AHP judgements blended half and half with entropy.
    let mut combined = vec![
        ("node", "total"),
        ("method", "combined"),
        ("period", "2025"),
        ("share", "0.5"),
        ("action", "preview"),
    ];
    let cells: Vec<String> = (0..6)
        .flat_map(|i| (i + 1..6).map(move |j| format!("a{i}_{j}")))
        .collect();
    combined.extend(cells.iter().map(|c| (c.as_str(), "1")));
    let r = app
        .post_form(&s, "/admin/index/weights?node=total", &combined)
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("new-weight") && html.contains("CR = 0.0000"));
    // Entropy weights saved as a new version.
    let r = app
        .post_form(
            &s,
            "/admin/index/weights?node=total",
            &[
                ("node", "total"),
                ("method", "entropy"),
                ("period", "2025"),
                ("note", "熵权法修订维度权重"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (version, model) = active_model(&app);
    assert_eq!(version, 2);
    assert!(model.validate().is_ok());
    assert_eq!(app.audit_count("index.model.version"), 1);
    // A period without data says so.
    let r = app
        .post_form(
            &s,
            "/admin/index/weights?node=total",
            &[
                ("node", "total"),
                ("method", "entropy"),
                ("period", "2019"),
                ("action", "preview"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("无法计算熵权"));
}

#[tokio::test]
async fn officials_read_and_others_are_refused() {
    let app = TestApp::spawn().await;
    let e = app.enterprise("9137021258674129", "青岛某企业有限公司", "370212");
    app.user("gov", Role::Official);
    app.user("ops", Role::Staff);
    app.user("prof", Role::Expert);
    app.user_with("firm", Role::Enterprise, Some(e.id), &[], false);
    let id = app.with_db(|c| Ok(index::active(c)?.id));
    let pages = [
        "/admin/index".to_string(),
        format!("/admin/index/models/{id}"),
        format!("/admin/index/models/{id}/json"),
        "/admin/index/weights?node=total".to_string(),
        "/admin/index/indicators/new".to_string(),
    ];
    let posts = [
        "/admin/index/recompute".to_string(),
        format!("/admin/index/models/{id}/activate"),
        format!("/admin/index/models/{id}/json"),
        "/admin/index/weights?node=total".to_string(),
        "/admin/index/indicators/new".to_string(),
    ];
    let gov = app.signed_in("gov").await;
    for (i, p) in pages.iter().enumerate() {
        let (status, html) = get(&app, &gov, p).await;
        if i == 4 {
            assert_eq!(status, 403, "{p}");
        } else {
            assert_eq!(status, 200, "{p}");
            assert!(
                !html.contains(r#"method="post" action="/admin/index"#),
                "{p}"
            );
        }
    }
    let (_, html) = get(&app, &gov, "/admin/index").await;
    assert!(html.contains("6 / 68") && html.contains(r#"href="/admin/index""#));
    for p in &posts {
        let r = app.post_form(&gov, p, &[("period", "2025")]).await;
        assert_eq!(r.status(), 403, "official POST {p}");
    }
    for who in ["ops", "prof", "firm"] {
        let c = app.signed_in(who).await;
        for p in &pages {
            assert_eq!(get(&app, &c, p).await.0, 403, "{who} {p}");
        }
        for p in &posts {
            let r = app.post_form(&c, p, &[("period", "2025")]).await;
            assert_eq!(r.status(), 403, "{who} POST {p}");
        }
        let (_, home) = get(&app, &c, "/").await;
        assert!(!home.contains(r#"href="/admin/index""#), "{who}");
    }
    assert_eq!(app.audit_count("index.recompute"), 0);
}

#[tokio::test]
async fn every_post_needs_the_csrf_token() {
    let app = TestApp::spawn().await;
    let s = admin(&app).await;
    let id = app.with_db(|c| Ok(index::active(c)?.id));
    let m = IndexModel::builtin();
    let json = m.to_json();
    let sub = m.dimensions[5].subs[0].key.clone();
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("/admin/index/recompute".into(), vec![("period", "2025")]),
        (format!("/admin/index/models/{id}/activate"), vec![]),
        (
            format!("/admin/index/models/{id}/json"),
            vec![("json", &json), ("note", "x")],
        ),
        (
            "/admin/index/weights?node=total".into(),
            vec![
                ("node", "total"),
                ("method", "direct"),
                ("w0", "1"),
                ("w1", "1"),
                ("w2", "1"),
                ("w3", "1"),
                ("w4", "1"),
                ("w5", "1"),
                ("note", "x"),
                ("action", "save"),
            ],
        ),
        (
            "/admin/index/indicators/new".into(),
            indicator_form("marine_share", &sub),
        ),
    ];
    for (path, fields) in &posts {
        let r = s.post(app.url(path)).form(fields).send().await.unwrap();
        assert_eq!(r.status(), 403, "no token: {path}");
        let mut wrong = vec![("csrf_token", "0".repeat(64))];
        wrong.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
        let r = s.post(app.url(path)).form(&wrong).send().await.unwrap();
        assert_eq!(r.status(), 403, "wrong token: {path}");
    }
    assert_eq!(active_model(&app).0, 1);
    assert_eq!(app.audit_count("index.recompute"), 0);
    assert_eq!(app.audit_count("index.model.version"), 0);
}
