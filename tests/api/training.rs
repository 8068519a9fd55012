//! Training and events through HTTP: planning with validation and conflicts,
//! invitations by audience, registrations with a capacity (the last seat raced for),
//! withdrawal, attendance, the enterprise page's training record, who may do what,
//! district scope and the CSRF token.

use srdi_board::domain::role::Role;

use crate::helpers::{TestApp, location};

fn at(days: i64, hour: u32) -> String {
    let d = (chrono::Utc::now() + chrono::Duration::hours(8) + chrono::Duration::days(days))
        .date_naive()
        .and_hms_opt(hour, 0, 0)
        .unwrap();
    d.format("%Y-%m-%dT%H:%M").to_string()
}

fn event<'a>(
    title: &'a str,
    starts: &'a str,
    ends: &'a str,
    capacity: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("kind", "training"),
        ("starts_at", starts),
        ("ends_at", ends),
        ("place", "市民中心 A 座 201"),
        ("capacity", capacity),
        ("description", "上市规则讲解"),
    ]
}

fn with<'a>(
    mut fields: Vec<(&'a str, &'a str)>,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    for (k, v) in extra {
        match fields.iter_mut().find(|(f, _)| f == k) {
            Some(slot) if *k != "tiers" && *k != "levels" && *k != "stages" => slot.1 = v,
            _ => fields.push((k, v)),
        }
    }
    fields
}

async fn get(app: &TestApp, c: &reqwest::Client, path: &str) -> (u16, String) {
    let r = c.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn create(app: &TestApp, c: &reqwest::Client, fields: &[(&str, &str)]) -> i32 {
    let r = app.post_form(c, "/training", fields).await;
    assert_eq!(
        r.status(),
        303,
        "create refused: {}",
        r.text().await.unwrap_or_default()
    );
    let to = location(&r);
    to.rsplit('/').next().unwrap().parse().unwrap()
}

fn version_in(html: &str) -> String {
    let re = regex::Regex::new(r#"name="version" value="(\d+)""#).unwrap();
    re.captures(html).expect("a version field")[1].to_string()
}

fn count(app: &TestApp, sql: &str) -> i64 {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let q = sql.to_string();
    app.with_db(move |c| Ok(diesel::sql_query(q).get_result::<N>(c)?.n))
}

/// Moves an event into the past (started an hour ago).
fn start_it(app: &TestApp, id: i32) {
    let now = chrono::Utc::now().naive_utc() + chrono::Duration::hours(8);
    let starts = now - chrono::Duration::hours(1);
    let ends = now + chrono::Duration::hours(1);
    app.sql(&format!(
        "UPDATE training_events SET starts_at = '{}', ends_at = '{}' WHERE id = {id}",
        starts.format("%Y-%m-%d %H:%M:%S"),
        ends.format("%Y-%m-%d %H:%M:%S")
    ));
}

#[tokio::test]
async fn events_are_created_validated_and_edited_with_conflicts() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    app.user("boss", Role::Admin);
    let s = app.signed_in("ops").await;
    let b = app.signed_in("boss").await;
    let (status, html) = get(&app, &s, "/training").await;
    assert_eq!(status, 200);
    assert!(html.contains("暂无活动") && html.contains(r#"href="/training/new""#));
    assert_eq!(get(&app, &s, "/training/new").await.0, 200);
    let (s1, e1) = (at(10, 9), at(10, 12));
    let id = create(&app, &s, &event(" 上市培育专题培训 ", &s1, &e1, "30")).await;
    let (_, html) = get(&app, &s, &format!("/training/{id}")).await;
    assert!(html.contains("已创建活动：上市培育专题培训") && html.contains("全部企业"));
    let (_, html) = get(&app, &s, "/training").await;
    assert!(html.contains("上市培育专题培训") && html.contains("0 / 30"));
    assert_eq!(app.audit_count("training.create"), 1);

    // Validation: every problem beside its field, the input kept.
    let bad = with(
        event("规则解读会", &s1, &s1, "0"),
        &[("online", "1"), ("link", ""), ("kind", "party")],
    );
    let r = app.post_form(&s, "/training", &bad).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    for f in ["ends_at", "capacity", "link", "kind"] {
        assert!(html.contains(&format!(r#"id="{f}-error""#)), "{f}");
    }
    assert!(html.contains("结束时间须晚于开始时间") && html.contains("线上活动须填写链接"));
    assert!(html.contains(r#"value="规则解读会""#) && html.contains(r#"value="0""#));
    let r = app
        .post_form(
            &s,
            "/training",
            &with(event("规则解读会", &s1, &e1, "5"), &[("place", "")]),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(r#"id="place-error""#));
    let r = app
        .post_form(
            &s,
            "/training",
            &with(
                event("规则解读会", &s1, &e1, "5"),
                &[("organiser_id", "9999")],
            ),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains(r#"id="organiser_id-error""#)
    );
    assert_eq!(app.audit_count("training.create"), 1);

    // Edit with the version; a stale save is refused with both versions shown.
    let path = format!("/training/{id}/edit");
    let (_, form) = get(&app, &s, &path).await;
    let v = version_in(&form);
    assert_eq!(v, "1");
    assert_eq!(version_in(&get(&app, &b, &path).await.1), "1");
    let r = app
        .post_form(
            &s,
            &path,
            &with(
                event("上市培育专题培训", &s1, &e1, "40"),
                &[("version", &v), ("tiers", "custody")],
            ),
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("/training/{id}"));
    let (_, html) = get(&app, &s, &format!("/training/{id}")).await;
    assert!(html.contains("活动已保存") && html.contains("托管层"));
    let mine = with(
        event("上市培育专题培训（改）", &s1, &e1, "25"),
        &[("version", &v)],
    );
    let r = app.post_form(&b, &path, &mine).await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("保存冲突") && html.contains("<td>40</td>") && html.contains("<td>25</td>")
    );
    assert!(html.contains(r#"value="上市培育专题培训（改）""#));
    assert_eq!(version_in(&html), "2");
    // Invalid edit: 422, the version the user saw kept.
    let r = app
        .post_form(
            &b,
            &path,
            &with(
                event("上市培育专题培训", &s1, &e1, "x"),
                &[("version", "2")],
            ),
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="capacity-error""#) && html.contains(r#"value="x""#));
    assert_eq!(version_in(&html), "2");
    // Cancelling is an edit of the status.
    let r = app
        .post_form(
            &b,
            &path,
            &with(
                event("上市培育专题培训", &s1, &e1, "40"),
                &[("version", "2"), ("status", "cancelled")],
            ),
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.audit_count("training.update"), 2);
    let (_, html) = get(&app, &s, "/training").await;
    assert!(html.contains("已取消"));
    assert_eq!(get(&app, &s, "/training/99999").await.0, 404);
    assert_eq!(get(&app, &s, "/training/99999/edit").await.0, 404);
}

#[tokio::test]
async fn invitations_follow_the_audience_and_are_idempotent() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    app.user_with("laoshan", Role::Staff, None, &["370212"], false);
    let a = app.enterprise("9137021258674123", "崂山托管甲公司", "370212");
    let b = app.enterprise("9137021157736912", "黄岛托管乙公司", "370211");
    let c = app.enterprise("9137028155620347", "胶州展示丙公司", "370281");
    let d = app.enterprise("9137021255555555", "崂山托管已注销公司", "370212");
    app.sql(&format!(
        "UPDATE enterprises SET current_tier = 'custody', cultivation_stage = 'reserve' WHERE id IN ({}, {}, {})",
        a.id, b.id, d.id
    ));
    app.sql(&format!(
        "UPDATE enterprises SET current_tier = 'display' WHERE id = {}",
        c.id
    ));
    app.sql(&format!(
        "UPDATE enterprises SET archived_at = created_at WHERE id = {}",
        d.id
    ));
    let s = app.signed_in("ops").await;
    let (s1, e1) = (at(5, 9), at(5, 11));
    let id = create(
        &app,
        &s,
        &with(
            event("托管层企业路演", &s1, &e1, "10"),
            &[
                ("tiers", "custody"),
                ("tiers", "listing"),
                ("stages", "reserve"),
            ],
        ),
    )
    .await;
    let show = format!("/training/{id}");
    let (_, html) = get(&app, &s, &show).await;
    assert!(
        html.contains(r#"<strong id="matching">2</strong>"#),
        "two active custody reserve"
    );
    assert!(html.contains(r#"<strong id="to-invite">2</strong>"#));
    // A district-scoped colleague invites their district's match only.
    let l = app.signed_in("laoshan").await;
    let (_, html) = get(&app, &l, &show).await;
    assert!(html.contains(r#"<strong id="matching">1</strong>"#));
    let r = app.post_form(&l, &format!("{show}/invite"), &[]).await;
    assert_eq!(r.status(), 303);
    let (_, html) = get(&app, &l, &show).await;
    assert!(html.contains("已邀请 1 家企业") && html.contains("崂山托管甲公司"));
    assert!(
        !html.contains("黄岛托管乙公司"),
        "out of scope stays hidden"
    );
    // The rest, then a repeat that invites nobody twice.
    let r = app.post_form(&s, &format!("{show}/invite"), &[]).await;
    assert_eq!(r.status(), 303);
    let (_, html) = get(&app, &s, &show).await;
    assert!(
        html.contains("已邀请 1 家企业") && html.contains(r#"<strong id="to-invite">0</strong>"#)
    );
    let r = app.post_form(&s, &format!("{show}/invite"), &[]).await;
    assert_eq!(r.status(), 303);
    assert!(get(&app, &s, &show).await.1.contains("已邀请 0 家企业"));
    let n = count(
        &app,
        &format!("SELECT COUNT(*) AS n FROM training_invitations WHERE event_id = {id}"),
    );
    assert_eq!(n, 2);
    assert_eq!(app.audit_count("training.invite"), 2);
    // One by credit code, outside the audience; again is no second row.
    let r = app
        .post_form(
            &s,
            &format!("{show}/invite-one"),
            &[("credit_code", &c.credit_code)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert!(get(&app, &s, &show).await.1.contains("已邀请该企业"));
    let r = app
        .post_form(
            &s,
            &format!("{show}/invite-one"),
            &[("credit_code", &c.credit_code)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert!(
        get(&app, &s, &show)
            .await
            .1
            .contains("该企业已在邀请名单中")
    );
    let r = app
        .post_form(
            &s,
            &format!("{show}/invite-one"),
            &[("credit_code", "91370212ABC")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="credit_code-error""#) && html.contains(r#"value="91370212ABC""#));
    // The district-scoped colleague cannot reach another district's enterprise.
    let r = app
        .post_form(
            &l,
            &format!("{show}/invite-one"),
            &[("credit_code", &b.credit_code)],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("您的范围内没有该企业"));
    let n = count(
        &app,
        &format!("SELECT COUNT(*) AS n FROM training_invitations WHERE event_id = {id}"),
    );
    assert_eq!(n, 3);
}

#[tokio::test]
async fn the_last_seat_is_taken_once_and_registrations_can_be_withdrawn() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let a = app.enterprise("9137021258674123", "甲科技股份有限公司", "370212");
    let b = app.enterprise("9137021157736912", "乙科技股份有限公司", "370211");
    let c = app.enterprise("9137028155620347", "丙科技股份有限公司", "370281");
    app.sql(&format!(
        "UPDATE enterprises SET current_level = 'national' WHERE id IN ({}, {})",
        a.id, b.id
    ));
    app.user_with("ent.a", Role::Enterprise, Some(a.id), &[], false);
    app.user_with("ent.b", Role::Enterprise, Some(b.id), &[], false);
    app.user_with("ent.c", Role::Enterprise, Some(c.id), &[], false);
    let s = app.signed_in("ops").await;
    let (s1, e1) = (at(3, 14), at(3, 17));
    let id = create(
        &app,
        &s,
        &with(
            event("小巨人企业闭门会", &s1, &e1, "1"),
            &[("levels", "national")],
        ),
    )
    .await;
    let ea = app.signed_in("ent.a").await;
    let eb = app.signed_in("ent.b").await;
    let ec = app.signed_in("ent.c").await;
    // Both see it on their list; the outsider does not, and cannot open it.
    let (status, html) = get(&app, &ea, "/training").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("可报名的活动")
            && html.contains("小巨人企业闭门会")
            && html.contains("1 / 1")
    );
    assert!(
        !get(&app, &ec, "/training")
            .await
            .1
            .contains("小巨人企业闭门会")
    );
    assert_eq!(get(&app, &ec, &format!("/training/{id}")).await.0, 404);
    // Not open to it: as if the event did not exist, and nothing is stored.
    let r = app
        .post_form(&ec, &format!("/training/{id}/register"), &[])
        .await;
    assert_eq!(r.status(), 404);
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM training_registrations"),
        0
    );
    // The race for the only seat: exactly one wins.
    let reg = format!("/training/{id}/register");
    let (ra, rb) = tokio::join!(app.post_form(&ea, &reg, &[]), app.post_form(&eb, &reg, &[]));
    let mut codes = [ra.status().as_u16(), rb.status().as_u16()];
    codes.sort();
    assert_eq!(codes, [303, 409], "exactly one registration succeeds");
    let n = count(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM training_registrations WHERE event_id = {id} AND status = 'registered'"
        ),
    );
    assert_eq!(n, 1);
    let (winner, loser) = if ra.status() == 303 {
        (&ea, &eb)
    } else {
        (&eb, &ea)
    };
    let (_, html) = get(&app, loser, &format!("/training/{id}")).await;
    assert!(html.contains("名额已满") && html.contains(r#"<span id="seats-left">0</span>"#));
    // The winner sees only its own status, not the others' registrations.
    let (_, html) = get(&app, winner, &format!("/training/{id}")).await;
    assert!(html.contains("报名成功") && html.contains("取消报名"));
    let other = if ra.status() == 303 {
        "乙科技"
    } else {
        "甲科技"
    };
    assert!(!html.contains(r#"id="registrations""#) && !html.contains(other));
    let r = app.post_form(winner, &reg, &[]).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("贵企业已报名"));
    // Withdrawing frees the seat for the other.
    let r = app
        .post_form(winner, &format!("/training/{id}/cancel"), &[])
        .await;
    assert_eq!(r.status(), 303);
    assert!(
        get(&app, winner, &format!("/training/{id}"))
            .await
            .1
            .contains("已取消报名")
    );
    let r = app
        .post_form(winner, &format!("/training/{id}/cancel"), &[])
        .await;
    assert_eq!(r.status(), 409);
    let r = app.post_form(loser, &reg, &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.audit_count("training.register"), 2);
    assert_eq!(app.audit_count("training.cancel_registration"), 1);
    // Staff see both rows, withdrawn and registered.
    let (_, html) = get(&app, &s, &format!("/training/{id}")).await;
    assert!(html.contains("甲科技股份有限公司") && html.contains("乙科技股份有限公司"));
    assert!(html.contains("已取消报名"));
    // Staff and officials cannot register.
    assert_eq!(app.post_form(&s, &reg, &[]).await.status(), 403);
}

#[tokio::test]
async fn attendance_is_recorded_after_the_start_and_shows_in_the_history() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    app.user("gov", Role::Official);
    let a = app.enterprise("9137021258674123", "甲科技股份有限公司", "370212");
    let b = app.enterprise("9137021157736912", "乙科技股份有限公司", "370211");
    let c = app.enterprise("9137028155620347", "丙科技股份有限公司", "370281");
    app.user_with("ent.a", Role::Enterprise, Some(a.id), &[], false);
    app.user_with("ent.b", Role::Enterprise, Some(b.id), &[], false);
    let s = app.signed_in("ops").await;
    let (s1, e1) = (at(2, 9), at(2, 12));
    let id = create(&app, &s, &event("财务规范化培训", &s1, &e1, "20")).await;
    let later = create(
        &app,
        &s,
        &event("新三板政策宣讲", &at(30, 9), &at(30, 11), "20"),
    )
    .await;
    let r = app
        .post_form(
            &s,
            &format!("/training/{later}/invite-one"),
            &[("credit_code", &a.credit_code)],
        )
        .await;
    assert_eq!(r.status(), 303);
    let ea = app.signed_in("ent.a").await;
    let eb = app.signed_in("ent.b").await;
    for c in [&ea, &eb] {
        let r = app
            .post_form(c, &format!("/training/{id}/register"), &[])
            .await;
        assert_eq!(r.status(), 303);
    }
    // The capacity cannot drop below the registrations held.
    let r = app
        .post_form(
            &s,
            &format!("/training/{id}/edit"),
            &with(event("财务规范化培训", &s1, &e1, "1"), &[("version", "1")]),
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="capacity-error""#) && html.contains("已有 2 家企业报名"));
    let att = format!("/training/{id}/attendance");
    let fa = format!("a{}", a.id);
    let fb = format!("a{}", b.id);
    // Not before the start.
    let r = app.post_form(&s, &att, &[(&fa, "attended")]).await;
    assert_eq!(r.status(), 409);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("活动开始后才能登记出席情况")
    );
    start_it(&app, id);
    // Registration is closed once started.
    let r = app
        .post_form(&ea, &format!("/training/{id}/cancel"), &[])
        .await;
    assert_eq!(r.status(), 409);
    let (_, html) = get(&app, &s, &format!("/training/{id}")).await;
    assert!(html.contains(&format!(r#"name="{fa}""#)));
    let r = app
        .post_form(
            &s,
            &att,
            &[
                (&fa, "attended"),
                (&fb, "absent"),
                (&format!("a{}", c.id), "attended"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = get(&app, &s, &format!("/training/{id}")).await;
    assert!(html.contains("已登记 2 条出席情况"));
    assert!(html.contains(r#"<strong id="n-attended">1</strong>"#));
    assert!(html.contains(r#"<strong id="n-absent">1</strong>"#));
    assert!(html.contains(r#"<strong id="n-open">0</strong>"#));
    assert_eq!(app.audit_count("training.attendance"), 2);
    let r = app.post_form(&s, &att, &[(&fa, "maybe")]).await;
    assert_eq!(r.status(), 400);
    // Officials read the counts but get no form.
    let g = app.signed_in("gov").await;
    let (status, html) = get(&app, &g, &format!("/training/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<strong id="n-attended">1</strong>"#));
    assert!(!html.contains(&format!(r#"name="{fa}""#)) && !html.contains("/invite"));
    assert_eq!(
        app.post_form(&g, &att, &[(&fa, "absent")]).await.status(),
        403
    );
    // A district-limited official sees only their district's registrations.
    app.user_with("laoshan", Role::Official, None, &["370212"], false);
    let lo = app.signed_in("laoshan").await;
    let (_, html) = get(&app, &lo, &format!("/training/{id}")).await;
    assert!(html.contains("甲科技股份有限公司") && !html.contains("乙科技股份有限公司"));
    assert!(html.contains(r#"<strong id="n-attended">1</strong>"#));
    assert!(html.contains(r#"<strong id="n-absent">0</strong>"#));
    // Experts see the enterprise page but not its training record.
    app.user("prof", Role::Expert);
    let x = app.signed_in("prof").await;
    let (status, html) = get(&app, &x, &format!("/enterprises/{}", a.id)).await;
    assert_eq!(status, 200);
    assert!(!html.contains(r#"id="training""#));
    // The enterprise page's training record: staff, and the enterprise itself.
    let (_, html) = get(&app, &s, &format!("/enterprises/{}", a.id)).await;
    let card = &html[html.find(r#"id="training""#).expect("training card")..];
    assert!(card.contains("培训记录") && card.contains("财务规范化培训") && card.contains("出席"));
    assert!(card.contains("新三板政策宣讲") && card.contains("已邀请"));
    let (_, html) = get(&app, &eb, &format!("/enterprises/{}", b.id)).await;
    let card = &html[html.find(r#"id="training""#).expect("training card")..];
    assert!(card.contains("财务规范化培训") && card.contains("缺席"));
    assert!(!card.contains("新三板政策宣讲"));
    assert_eq!(
        get(&app, &eb, &format!("/enterprises/{}", a.id)).await.0,
        404
    );
    // The enterprise's own list has its history too.
    let (_, html) = get(&app, &ea, "/training").await;
    assert!(html.contains("新三板政策宣讲") && html.contains("财务规范化培训"));
}

#[tokio::test]
async fn roles_are_enforced() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    app.user("gov", Role::Official);
    app.user("prof", Role::Expert);
    let a = app.enterprise("9137021258674123", "甲科技股份有限公司", "370212");
    app.user_with("ent.a", Role::Enterprise, Some(a.id), &[], false);
    let s = app.signed_in("ops").await;
    let (s1, e1) = (at(4, 9), at(4, 12));
    let id = create(&app, &s, &event("知识产权培训", &s1, &e1, "20")).await;
    let fields = event("另一场", &s1, &e1, "5");
    let edit = with(event("知识产权培训", &s1, &e1, "9"), &[("version", "1")]);
    let x = app.signed_in("prof").await;
    for path in [
        "/training".to_string(),
        "/training/new".into(),
        format!("/training/{id}"),
        format!("/training/{id}/edit"),
    ] {
        assert_eq!(get(&app, &x, &path).await.0, 403, "expert: {path}");
    }
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("/training".into(), fields.clone()),
        (format!("/training/{id}/edit"), edit.clone()),
        (format!("/training/{id}/invite"), vec![]),
        (
            format!("/training/{id}/invite-one"),
            vec![("credit_code", a.credit_code.as_str())],
        ),
        (format!("/training/{id}/attendance"), vec![]),
        (format!("/training/{id}/register"), vec![]),
        (format!("/training/{id}/cancel"), vec![]),
    ];
    for (path, f) in &posts {
        assert_eq!(
            app.post_form(&x, path, f).await.status(),
            403,
            "expert: {path}"
        );
    }
    let g = app.signed_in("gov").await;
    let (status, html) = get(&app, &g, "/training").await;
    assert_eq!(status, 200);
    assert!(html.contains("知识产权培训") && !html.contains(r#"href="/training/new""#));
    let (status, html) = get(&app, &g, &format!("/training/{id}")).await;
    assert_eq!(status, 200);
    assert!(!html.contains(&format!(r#"href="/training/{id}/edit""#)));
    assert_eq!(get(&app, &g, "/training/new").await.0, 403);
    assert_eq!(get(&app, &g, &format!("/training/{id}/edit")).await.0, 403);
    for (path, f) in &posts[..5] {
        assert_eq!(
            app.post_form(&g, path, f).await.status(),
            403,
            "official: {path}"
        );
    }
    let e = app.signed_in("ent.a").await;
    assert_eq!(get(&app, &e, "/training/new").await.0, 403);
    for (path, f) in &posts[..5] {
        assert_eq!(
            app.post_form(&e, path, f).await.status(),
            403,
            "enterprise: {path}"
        );
    }
    assert_eq!(app.audit_count("training.create"), 1);
    assert_eq!(app.audit_count("training.update"), 0);
}

#[tokio::test]
async fn every_training_post_needs_the_session_token() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let a = app.enterprise("9137021258674123", "甲科技股份有限公司", "370212");
    app.user_with("ent.a", Role::Enterprise, Some(a.id), &[], false);
    let s = app.signed_in("ops").await;
    let (s1, e1) = (at(4, 9), at(4, 12));
    let id = create(&app, &s, &event("知识产权培训", &s1, &e1, "20")).await;
    let e = app.signed_in("ent.a").await;
    let staff_posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("/training".into(), event("另一场", &s1, &e1, "5")),
        (
            format!("/training/{id}/edit"),
            with(event("改名", &s1, &e1, "9"), &[("version", "1")]),
        ),
        (format!("/training/{id}/invite"), vec![]),
        (
            format!("/training/{id}/invite-one"),
            vec![("credit_code", a.credit_code.as_str())],
        ),
        (format!("/training/{id}/attendance"), vec![]),
    ];
    let ent_posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (format!("/training/{id}/register"), vec![]),
        (format!("/training/{id}/cancel"), vec![]),
    ];
    for (client, posts) in [(&s, &staff_posts), (&e, &ent_posts)] {
        for (path, fields) in posts {
            let r = client
                .post(app.url(path))
                .form(fields)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 403, "no token: {path}");
            let mut wrong = vec![("csrf_token", "0".repeat(64))];
            wrong.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
            let r = client
                .post(app.url(path))
                .form(&wrong)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 403, "wrong token: {path}");
        }
    }
    assert_eq!(app.audit_count("training.create"), 1);
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM training_invitations"),
        0
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM training_registrations"),
        0
    );
    let (_, html) = get(&app, &s, &format!("/training/{id}")).await;
    assert!(html.contains("知识产权培训"));
}
