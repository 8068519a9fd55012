//! The inbox through HTTP: each wired event notifies exactly the right accounts,
//! sweeps are idempotent and district-scoped, the header badge follows reads, reads
//! happen by POST only (with CSRF), and nobody reaches another account's notifications.

use chrono::{Duration, NaiveDate};
use srdi_board::domain::notification::{Kind, params};
use srdi_board::domain::role::Role;
use srdi_board::models::notification as inbox;
use srdi_board::models::user::User;

use crate::helpers::{TestApp, location};

async fn get(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn today() -> NaiveDate {
    srdi_board::routes::enterprises::today()
}

fn id_of(app: &TestApp, username: &str) -> i32 {
    app.with_db(|c| Ok(User::by_username(c, username)?.unwrap().id))
}

/// (kind, dedupe key) of a user's notifications, oldest first.
fn inbox_of(app: &TestApp, username: &str) -> Vec<(String, Option<String>)> {
    let id = id_of(app, username);
    let mut rows = app.with_db(|c| Ok(inbox::list(c, id, None, 1000)?));
    rows.reverse();
    rows.into_iter().map(|n| (n.kind, n.dedupe_key)).collect()
}

fn kinds_of(app: &TestApp, username: &str) -> Vec<String> {
    inbox_of(app, username)
        .into_iter()
        .map(|(k, _)| k)
        .collect()
}

fn unread(app: &TestApp, username: &str) -> i64 {
    let id = id_of(app, username);
    app.with_db(|c| Ok(inbox::unread_count(c, id)?))
}

/// The number on the header badge of a page ("" when there is none).
fn badge(html: &str) -> String {
    let re = regex::Regex::new(r#"<span class="unread-count"[^>]*>(\d+)</span>"#).unwrap();
    re.captures(html)
        .map(|c| c[1].to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_decided_proposal_notifies_its_proposer_only() {
    let app = TestApp::spawn().await;
    let e = app.enterprise("9137021212345670", "青岛通知测试科技有限公司", "370212");
    app.user("staff", Role::Staff);
    app.user("staff2", Role::Staff);
    app.user("official", Role::Official);
    app.user("admin", Role::Admin);
    app.user_with("ent", Role::Enterprise, Some(e.id), &[], false);
    let staff = app.signed_in("staff").await;
    let official = app.signed_in("official").await;
    let discover = format!("/enterprises/{}/cultivation/discover", e.id);
    assert_eq!(
        app.post_form(&staff, &discover, &[("note", "")])
            .await
            .status(),
        303
    );
    let propose = format!("/enterprises/{}/cultivation/proposals", e.id);
    let exit = [
        ("action", "exit"),
        ("exit_kind", "withdrawn"),
        ("reason", "企业暂缓上市计划"),
        ("comment", ""),
    ];
    assert_eq!(app.post_form(&staff, &propose, &exit).await.status(), 303);
    assert!(
        kinds_of(&app, "staff").is_empty(),
        "proposing notifies nobody"
    );
    let pending = |app: &TestApp| {
        app.with_db(|c| {
            Ok(srdi_board::models::cultivation::proposals_of(c, e.id)?
                .into_iter()
                .find(|p| p.is_pending())
                .unwrap()
                .id)
        })
    };
    let id = pending(&app);
    // A refused decision (a return without a comment) notifies nobody.
    let decision = format!("/proposals/{id}/decision");
    let r = app
        .post_form(
            &official,
            &decision,
            &[("decision", "return"), ("comment", "")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(kinds_of(&app, "staff").is_empty());
    let r = app
        .post_form(
            &official,
            &decision,
            &[("decision", "return"), ("comment", "请补充董事会决议")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(kinds_of(&app, "staff"), ["proposal_returned"]);
    for other in ["staff2", "official", "admin", "ent"] {
        assert!(kinds_of(&app, other).is_empty(), "{other} is not told");
    }
    let (_, html) = get(&app, &staff, "/inbox").await;
    assert!(
        html.contains("青岛通知测试科技有限公司")
            && html.contains("请补充董事会决议")
            && html.contains("主动撤回"),
        "the message names the enterprise, the step and the comment: {html}"
    );
    // Proposed again and approved: one more, to the proposer only.
    assert_eq!(app.post_form(&staff, &propose, &exit).await.status(), 303);
    let id = pending(&app);
    let r = app
        .post_form(
            &official,
            &format!("/proposals/{id}/decision"),
            &[("decision", "approve"), ("comment", "")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        kinds_of(&app, "staff"),
        ["proposal_returned", "proposal_approved"]
    );
    for other in ["staff2", "official", "admin", "ent"] {
        assert!(kinds_of(&app, other).is_empty(), "{other} is not told");
    }
}

#[tokio::test]
async fn annual_decisions_notify_the_enterprise_accounts_only() {
    let app = TestApp::spawn().await;
    let e = app.enterprise("9137021212345670", "青岛年报测试科技有限公司", "370212");
    let other = app.enterprise("9137020312345670", "青岛他企科技有限公司", "370203");
    app.user("staff", Role::Staff);
    app.user("official", Role::Official);
    app.user_with("ent", Role::Enterprise, Some(e.id), &[], false);
    app.user_with("ent_b", Role::Enterprise, Some(e.id), &[], false);
    app.user_with("ent_other", Role::Enterprise, Some(other.id), &[], false);
    let co = app.signed_in("ent").await;
    let staff = app.signed_in("staff").await;
    let path = format!("/enterprises/{}/annual", e.id);
    let submit = |rd: &'static str| {
        [
            ("year", "2025"),
            ("revenue", "9600"),
            ("main_business_revenue", "8700"),
            ("rd_expense", rd),
        ]
    };
    assert_eq!(
        app.post_form(&co, &path, &submit("520")).await.status(),
        303
    );
    assert!(
        kinds_of(&app, "ent").is_empty(),
        "submitting notifies nobody"
    );
    let pending = |app: &TestApp| {
        app.with_db(|c| {
            Ok(srdi_board::models::annual::submissions_of(c, e.id)?
                .into_iter()
                .find(|s| s.status == "pending")
                .unwrap()
                .id)
        })
    };
    let sid = pending(&app);
    let r = app
        .post_form(
            &staff,
            &format!("/submissions/{sid}/return"),
            &[("reason", "研发费用与审计报告不符")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(kinds_of(&app, "ent"), ["annual_returned"]);
    assert_eq!(kinds_of(&app, "ent_b"), ["annual_returned"]);
    for who in ["ent_other", "staff", "official"] {
        assert!(kinds_of(&app, who).is_empty(), "{who} is not told");
    }
    let (_, html) = get(&app, &co, "/inbox").await;
    assert!(html.contains("研发费用与审计报告不符") && html.contains("2025"));
    assert_eq!(
        app.post_form(&co, &path, &submit("480")).await.status(),
        303
    );
    let sid = pending(&app);
    let r = app
        .post_form(&staff, &format!("/submissions/{sid}/approval"), &[])
        .await;
    assert_eq!(r.status(), 303);
    // Approving again is refused and notifies nobody more.
    app.post_form(&staff, &format!("/submissions/{sid}/approval"), &[])
        .await;
    assert_eq!(
        kinds_of(&app, "ent"),
        ["annual_returned", "annual_approved"]
    );
    assert_eq!(
        kinds_of(&app, "ent_b"),
        ["annual_returned", "annual_approved"]
    );
    for who in ["ent_other", "staff", "official"] {
        assert!(kinds_of(&app, who).is_empty(), "{who} is not told");
    }
}

fn title(app: &TestApp, enterprise: i32, level: &str, expires_on: NaiveDate, revoked: bool) {
    let recognized = expires_on - Duration::days(3 * 365);
    let revoked_on = if revoked {
        format!("'{}'", today())
    } else {
        "NULL".to_string()
    };
    app.sql(&format!(
        "INSERT INTO qualifications (enterprise_id, level, batch, recognized_on, expires_on, \
         revoked_on, created_at, updated_at, version) VALUES ({enterprise}, '{level}', '2023', \
         '{recognized}', '{expires_on}', {revoked_on}, '2023-01-01 00:00:00', \
         '2023-01-01 00:00:00', 1)"
    ));
}

#[tokio::test]
async fn expiring_titles_reach_staff_of_the_district_and_the_enterprise_once() {
    let app = TestApp::spawn().await;
    let laoshan = app.enterprise("9137021212345670", "青岛崂山科技有限公司", "370212");
    let shinan = app.enterprise("9137020212345670", "青岛市南科技有限公司", "370202");
    app.user("staff_all", Role::Staff);
    app.user_with("staff_ls", Role::Staff, None, &["370212"], false);
    app.user_with("staff_sn", Role::Staff, None, &["370202"], false);
    app.user_with("staff_off", Role::Staff, None, &[], false);
    app.sql("UPDATE users SET disabled = TRUE WHERE username = 'staff_off'");
    app.user("official", Role::Official);
    app.user("admin", Role::Admin);
    app.user_with("ent_ls", Role::Enterprise, Some(laoshan.id), &[], false);
    app.user_with("ent_sn", Role::Enterprise, Some(shinan.id), &[], false);
    let day = today();
    // In the window; outside it; revoked; already expired.
    title(
        &app,
        laoshan.id,
        "provincial",
        day + Duration::days(30),
        false,
    );
    title(
        &app,
        shinan.id,
        "municipal",
        day + Duration::days(200),
        false,
    );
    title(
        &app,
        shinan.id,
        "innovative_sme",
        day + Duration::days(10),
        true,
    );
    title(
        &app,
        shinan.id,
        "innovative_sme",
        day - Duration::days(1),
        false,
    );

    let written = app.with_db(|c| Ok(inbox::sweep_titles_expiring(c, day)?));
    assert_eq!(written, 3);
    let ls_title: i32 =
        app.with_db(|c| Ok(srdi_board::models::qualification::of_enterprise(c, laoshan.id)?[0].id));
    let key = Some(format!("title-expiring:{ls_title}"));
    for who in ["staff_all", "staff_ls", "ent_ls"] {
        assert_eq!(
            inbox_of(&app, who),
            [("title_expiring".to_string(), key.clone())],
            "{who}"
        );
    }
    for who in ["staff_sn", "staff_off", "official", "admin", "ent_sn"] {
        assert!(inbox_of(&app, who).is_empty(), "{who} is not told");
    }
    // Idempotent: a second run (and a third) writes nothing.
    assert_eq!(
        app.with_db(|c| Ok(inbox::sweep_titles_expiring(c, day)?)),
        0
    );
    assert_eq!(
        app.with_db(|c| Ok(inbox::sweep_titles_expiring(c, day)?)),
        0
    );
    assert_eq!(kinds_of(&app, "staff_all").len(), 1);
    // Days later the Shinan title enters the window: only its district hears of it.
    let later = day + Duration::days(115);
    let written = app.with_db(|c| Ok(inbox::sweep_titles_expiring(c, later)?));
    assert_eq!(written, 3, "staff_all, staff_sn and ent_sn");
    assert_eq!(kinds_of(&app, "staff_all").len(), 2);
    assert_eq!(kinds_of(&app, "staff_sn"), ["title_expiring"]);
    assert_eq!(kinds_of(&app, "ent_sn"), ["title_expiring"]);
    assert_eq!(kinds_of(&app, "staff_ls").len(), 1);
    assert_eq!(kinds_of(&app, "ent_ls").len(), 1);

    // The English inbox renders the level in English at display time.
    let s = app.signed_in("staff_ls").await;
    let r = app
        .post_form(&s, "/lang", &[("lang", "en"), ("next", "/inbox")])
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = get(&app, &s, "/inbox").await;
    assert!(
        html.contains("The Provincial SRDI title of 青岛崂山科技有限公司 expires on"),
        "{html}"
    );
}

fn task(app: &TestApp, enterprise: i32, owner: i32, due: NaiveDate, status: &str) {
    app.sql(&format!(
        "INSERT INTO cultivation_tasks (enterprise_id, step, title, owner_id, due_on, status, \
         created_at, updated_at, version) VALUES ({enterprise}, 'potential', '走访企业', {owner}, \
         '{due}', '{status}', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"
    ));
}

#[tokio::test]
async fn overdue_tasks_reach_their_owner_once() {
    let app = TestApp::spawn().await;
    let e = app.enterprise("9137021212345670", "青岛任务测试科技有限公司", "370212");
    let a = app.user("staff_a", Role::Staff).id;
    let b = app.user("staff_b", Role::Staff).id;
    app.user("official", Role::Official);
    let day = today();
    task(&app, e.id, a, day - Duration::days(1), "open");
    task(&app, e.id, b, day + Duration::days(1), "open");
    task(&app, e.id, b, day - Duration::days(3), "done");
    task(&app, e.id, a, day, "open");
    assert_eq!(app.with_db(|c| Ok(inbox::sweep_tasks_overdue(c, day)?)), 1);
    assert_eq!(inbox_of(&app, "staff_a").len(), 1);
    assert!(
        inbox_of(&app, "staff_a")[0]
            .1
            .as_deref()
            .unwrap()
            .starts_with("task-overdue:")
    );
    assert!(kinds_of(&app, "staff_b").is_empty());
    assert!(kinds_of(&app, "official").is_empty());
    assert_eq!(
        app.with_db(|c| Ok(inbox::sweep_tasks_overdue(c, day)?)),
        0,
        "idempotent"
    );
    // Two days on, the other open tasks are overdue too; the first is not repeated.
    let later = day + Duration::days(2);
    assert_eq!(
        app.with_db(|c| Ok(inbox::sweep_tasks_overdue(c, later)?)),
        2
    );
    assert_eq!(kinds_of(&app, "staff_a"), ["task_overdue", "task_overdue"]);
    assert_eq!(kinds_of(&app, "staff_b"), ["task_overdue"]);
    // The owner sees it, in their language, linked to the enterprise's cultivation page.
    let s = app.signed_in("staff_b").await;
    let (status, html) = get(&app, &s, "/inbox").await;
    assert_eq!(status, 200);
    assert!(html.contains("任务逾期") && html.contains("走访企业"));
}

fn seed(app: &TestApp, user: i32, n: usize, link: &str) {
    app.with_db(|c| {
        for i in 0..n {
            inbox::notify(
                c,
                &[user],
                Kind::ReferralAnswered,
                &params([
                    ("partner", format!("青岛银行{i}")),
                    ("enterprise", "某企业".to_string()),
                    ("answer", "同意授信".to_string()),
                ]),
                link,
                None,
                None,
            )?;
        }
        Ok(())
    });
}

#[tokio::test]
async fn the_badge_follows_reads_and_only_the_owner_reaches_a_notification() {
    let app = TestApp::spawn().await;
    let me = app.user("staff", Role::Staff).id;
    let other = app.user("other", Role::Official).id;
    seed(&app, me, 3, "/tasks");
    seed(&app, other, 1, "/");
    let s = app.signed_in("staff").await;
    let (status, html) = get(&app, &s, "/").await;
    assert_eq!(status, 200);
    assert_eq!(badge(&html), "3");
    let (_, html) = get(&app, &s, "/inbox").await;
    assert_eq!(badge(&html), "3", "viewing the inbox changes nothing");
    assert_eq!(html.matches(r#"class="unread""#).count(), 3);
    // Newest first.
    let a = html.find("青岛银行2").unwrap();
    let b = html.find("青岛银行0").unwrap();
    assert!(a < b);
    let ids: Vec<i32> = app
        .with_db(|c| Ok(inbox::list(c, me, None, 10)?))
        .iter()
        .map(|n| n.id)
        .collect();
    let other_id = app.with_db(|c| Ok(inbox::list(c, other, None, 10)?))[0].id;

    // Opening marks read and follows the link.
    let r = app
        .post_form(&s, &format!("/inbox/{}/open", ids[0]), &[])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/tasks");
    let (_, html) = get(&app, &s, "/").await;
    assert_eq!(badge(&html), "2");
    // Marking read comes back to the inbox.
    let r = app
        .post_form(&s, &format!("/inbox/{}/read", ids[1]), &[])
        .await;
    assert_eq!(location(&r), "/inbox");
    let (_, html) = get(&app, &s, "/inbox").await;
    assert_eq!(badge(&html), "1");
    assert_eq!(html.matches(r#"class="unread""#).count(), 1);
    assert_eq!(html.matches(r#"class="read""#).count(), 2);

    // Someone else's notification is not found, whatever the action.
    for action in ["open", "read"] {
        let r = app
            .post_form(&s, &format!("/inbox/{other_id}/{action}"), &[])
            .await;
        assert_eq!(r.status(), 404, "{action}");
        let r = app
            .post_form(&s, &format!("/inbox/999999/{action}"), &[])
            .await;
        assert_eq!(r.status(), 404, "{action} of a missing one");
    }
    assert_eq!(unread(&app, "other"), 1);
    // Without a valid CSRF token nothing changes.
    for path in [
        format!("/inbox/{}/open", ids[2]),
        format!("/inbox/{}/read", ids[2]),
        "/inbox/read-all".to_string(),
    ] {
        let r = s
            .post(app.url(&path))
            .form(&[("csrf_token", "0".repeat(64))])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{path}");
    }
    assert_eq!(unread(&app, "staff"), 1);
    // GET does not change state (no such route).
    let (status, _) = get(&app, &s, &format!("/inbox/{}/open", ids[2])).await;
    assert!(status == 404 || status == 405, "{status}");
    assert_eq!(unread(&app, "staff"), 1);

    // Mark all read: mine only.
    seed(&app, me, 2, "/");
    let r = app.post_form(&s, "/inbox/read-all", &[]).await;
    assert_eq!(location(&r), "/inbox");
    let (_, html) = get(&app, &s, "/inbox").await;
    assert_eq!(badge(&html), "");
    assert!(html.contains("已将 3 条消息标为已读"));
    assert!(!html.contains(r#"class="unread""#));
    assert_eq!(unread(&app, "staff"), 0);
    assert_eq!(unread(&app, "other"), 1);
}

#[tokio::test]
async fn every_role_has_an_inbox_paged_newest_first() {
    let app = TestApp::spawn().await;
    let e = app.enterprise("9137021212345670", "青岛收件科技有限公司", "370212");
    for (name, role) in [
        ("admin", Role::Admin),
        ("staff", Role::Staff),
        ("official", Role::Official),
        ("expert", Role::Expert),
    ] {
        app.user(name, role);
    }
    app.user_with("ent", Role::Enterprise, Some(e.id), &[], false);
    for name in ["admin", "staff", "official", "expert", "ent"] {
        let c = app.signed_in(name).await;
        let (status, html) = get(&app, &c, "/inbox").await;
        assert_eq!(status, 200, "{name}");
        assert!(html.contains("暂无消息"), "{name}");
        assert!(
            html.contains(r#"href="/inbox""#),
            "the header links the inbox"
        );
    }
    // Anonymous visitors are sent to sign in.
    let r = app.client().get(app.url("/inbox")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login"));

    // 55 notifications: 50, then the 5 oldest.
    let ent = id_of(&app, "ent");
    seed(&app, ent, 55, "https://evil.example/");
    let c = app.signed_in("ent").await;
    let (_, html) = get(&app, &c, "/inbox").await;
    assert_eq!(html.matches("/open\"").count(), 50);
    assert_eq!(badge(&html), "55");
    let re = regex::Regex::new(r#"href="/inbox\?before=(\d+)""#).unwrap();
    let before = re.captures(&html).expect("a link to older ones")[1].to_string();
    let (_, html) = get(&app, &c, &format!("/inbox?before={before}")).await;
    assert_eq!(html.matches("/open\"").count(), 5);
    assert!(html.contains("青岛银行0") && !html.contains("青岛银行5<"));
    assert!(!re.is_match(&html));
    // A link off the site is never followed: opening goes back to the inbox.
    let id = app.with_db(|c| Ok(inbox::list(c, ent, None, 1)?))[0].id;
    let r = app.post_form(&c, &format!("/inbox/{id}/open"), &[]).await;
    assert_eq!(location(&r), "/inbox");
}

#[tokio::test]
async fn notify_skips_existing_dedupe_keys_per_user() {
    let app = TestApp::spawn().await;
    let a = app.user("alice", Role::Staff).id;
    let b = app.user("bob", Role::Staff).id;
    let p = params([("task", "t".to_string())]);
    let n = app.with_db(|c| {
        Ok(inbox::notify(
            c,
            &[a, a],
            Kind::TaskOverdue,
            &p,
            "/",
            None,
            Some("k:1"),
        )?)
    });
    assert_eq!(n, 1, "duplicates in the list count once");
    let n = app.with_db(|c| {
        Ok(inbox::notify(
            c,
            &[a, b],
            Kind::TaskOverdue,
            &p,
            "/",
            None,
            Some("k:1"),
        )?)
    });
    assert_eq!(n, 1, "only b is new");
    // Without a key, events may repeat.
    let n = app.with_db(|c| {
        Ok(inbox::notify(
            c,
            &[a],
            Kind::TaskOverdue,
            &p,
            "/",
            None,
            None,
        )?)
    });
    assert_eq!(n, 1);
    // The financing module's call: one per recipient, rendered at display time.
    let e = app.enterprise("9137021212345670", "青岛融资科技有限公司", "370212");
    let n = app.with_db(|c| {
        Ok(inbox::referral_answered(
            c,
            &[b],
            e.id,
            &e.name,
            "青岛银行",
            "同意授信 500 万元",
            "/",
        )?)
    });
    assert_eq!(n, 1);
    assert_eq!(unread(&app, "alice"), 2);
    assert_eq!(unread(&app, "bob"), 2);
}

#[test]
fn the_demo_accounts_have_inboxes_and_a_second_load_adds_nothing() {
    use srdi_board::db::Db;
    use srdi_board::demo::{self, DemoOptions};
    let test_db = crate::helpers::TestDb::new();
    let db = Db::connect(&test_db.url, 4).expect("connect");
    srdi_board::startup::prepare_database(&db).expect("migrate");
    demo::load_with(&db, &DemoOptions::default()).expect("load");
    let mut conn = db.conn().unwrap();
    let mut kinds = |username: &str| -> Vec<String> {
        let id = User::by_username(&mut conn, username).unwrap().unwrap().id;
        inbox::list(&mut conn, id, None, 10_000)
            .unwrap()
            .into_iter()
            .map(|n| n.kind)
            .collect()
    };
    let staff = kinds("staff");
    assert!(staff.iter().any(|k| k == "title_expiring"), "{staff:?}");
    assert!(staff.iter().any(|k| k == "task_overdue"), "{staff:?}");
    let ent = kinds("enterprise");
    assert!(ent.iter().any(|k| k == "annual_returned"), "{ent:?}");
    assert!(ent.iter().any(|k| k == "annual_approved"), "{ent:?}");
    assert!(kinds("expert").is_empty());
    let total = |conn: &mut srdi_board::db::DbConnection| -> i64 {
        use diesel::prelude::*;
        srdi_board::schema::notifications::table
            .count()
            .get_result(conn)
            .unwrap()
    };
    let before = total(&mut conn);
    demo::load_with(&db, &DemoOptions::default()).expect("second load");
    assert_eq!(total(&mut conn), before);
}

#[derive(diesel::QueryableByName)]
struct PlanRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    detail: String,
}

/// The badge costs one search of the partial index of unread rows (SQLite's plan; on
/// PostgreSQL the planner picks by table size).
#[tokio::test]
async fn the_badge_count_searches_the_unread_index() {
    if crate::helpers::on_postgres() {
        return;
    }
    let app = TestApp::spawn().await;
    let plan: Vec<String> = app.with_db(|c| {
        use diesel::RunQueryDsl;
        let rows: Vec<PlanRow> = diesel::sql_query(
            "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM notifications \
             WHERE notifications.user_id = 1 AND notifications.read_at IS NULL",
        )
        .load(c)?;
        Ok(rows.into_iter().map(|r| r.detail).collect())
    });
    assert_eq!(plan.len(), 1, "{plan:?}");
    assert!(
        plan[0].contains("USING INDEX notifications_unread_idx"),
        "{plan:?}"
    );
}
