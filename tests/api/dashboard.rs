//! The home page as a dashboard per role: each role sees its cards with counts
//! computed in its data scope, and an enterprise account only its own figures.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use srdi_board::domain::role::Role;

use crate::helpers::TestApp;

fn today() -> NaiveDate {
    srdi_board::routes::enterprises::today()
}

fn now() -> NaiveDateTime {
    srdi_board::models::now()
}

async fn home(app: &TestApp, username: &str) -> String {
    let client = app.signed_in(username).await;
    let r = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200, "home of {username}");
    r.text().await.unwrap()
}

/// The count badge of the card with `id`, if the card is on the page.
fn card_count(html: &str, id: &str) -> Option<i64> {
    let start = html.find(&format!("id=\"{id}\""))?;
    let rest = &html[start..];
    let badge = rest.find("stat-inline\">")? + "stat-inline\">".len();
    let end = rest[badge..].find('<')?;
    rest[badge..badge + end].trim().parse().ok()
}

/// The text of the card with `id` (up to the end of its section).
fn card<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("id=\"{id}\"")).expect(id);
    let end = html[start..].find("</section>").unwrap();
    &html[start..start + end]
}

fn task(app: &TestApp, enterprise: i32, owner: i32, title: &str, due: NaiveDate, status: &str) {
    app.sql(&format!(
        "INSERT INTO cultivation_tasks (enterprise_id, step, title, owner_id, due_on, status, \
         created_at, updated_at, version) VALUES ({enterprise}, 'potential', '{title}', {owner}, \
         '{due}', '{status}', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"
    ));
}

fn submission(app: &TestApp, enterprise: i32, by: i32, status: &str) {
    app.sql(&format!(
        "INSERT INTO annual_submissions (enterprise_id, year, payload, status, submitted_by, \
         submitted_at) VALUES ({enterprise}, 2025, '{{}}', '{status}', {by}, '{}')",
        now().format("%Y-%m-%d %H:%M:%S")
    ));
}

fn title(app: &TestApp, enterprise: i32, expires_on: NaiveDate) {
    let recognized = expires_on - Duration::days(3 * 365);
    app.sql(&format!(
        "INSERT INTO qualifications (enterprise_id, level, batch, recognized_on, expires_on, \
         revoked_on, created_at, updated_at, version) VALUES ({enterprise}, 'municipal', '2023', \
         '{recognized}', '{expires_on}', NULL, '2023-01-01 00:00:00', '2023-01-01 00:00:00', 1)"
    ));
}

/// A need recorded `days_ago` days ago; returns nothing, ids follow insertion order.
fn need(app: &TestApp, enterprise: i32, amount: i64, status: &str, days_ago: i64) {
    let at = (now() - Duration::days(days_ago)).format("%Y-%m-%d %H:%M:%S");
    app.sql(&format!(
        "INSERT INTO financing_needs (enterprise_id, kind, amount, purpose, wanted_by, status, \
         created_by, created_via, created_at, updated_at, version) VALUES ({enterprise}, 'loan', \
         {amount}, '流动资金', NULL, '{status}', NULL, 'staff', '{at}', '{at}', 1)"
    ));
}

fn approved_referral(app: &TestApp, need_id: i32, partner: i32, amount: i64) {
    app.sql(&format!(
        "INSERT INTO financing_referrals (need_id, partner_id, status, approved_amount, \
         approved_rate, approved_on, decline_reason, sent_at, in_review_at, decided_at, \
         created_by, updated_at, version) VALUES ({need_id}, {partner}, 'approved', {amount}, \
         NULL, '2026-01-10', '', '2026-01-01 00:00:00', NULL, '2026-01-10 00:00:00', NULL, \
         '2026-01-10 00:00:00', 1)"
    ));
}

fn need_id(app: &TestApp, enterprise: i32) -> i32 {
    app.with_db(|c| {
        Ok(
            srdi_board::models::financing::Need::for_enterprise(c, enterprise)?
                .first()
                .unwrap()
                .id,
        )
    })
}

struct World {
    laoshan: i32,
    shinan: i32,
}

/// Two enterprises in two districts with tasks, submissions, titles and needs.
fn world(app: &TestApp) -> World {
    let laoshan = app
        .enterprise("9137021212345670", "青岛崂山看板科技有限公司", "370212")
        .id;
    let shinan = app
        .enterprise("9137020212345670", "青岛市南看板科技有限公司", "370202")
        .id;
    let staff = app.user("staff_all", Role::Staff).id;
    let staff_ls = app
        .user_with("staff_ls", Role::Staff, None, &["370212"], false)
        .id;
    app.user("official", Role::Official);
    app.user_with("official_ls", Role::Official, None, &["370212"], false);
    app.user("admin", Role::Admin);
    app.user("expert", Role::Expert);
    app.user_with("ent_ls", Role::Enterprise, Some(laoshan), &[], false);
    app.user_with("ent_sn", Role::Enterprise, Some(shinan), &[], false);

    let day = today();
    // staff_all: one overdue and one upcoming open task, one done, one of someone else.
    task(
        app,
        laoshan,
        staff,
        "逾期走访",
        day - Duration::days(3),
        "open",
    );
    task(
        app,
        shinan,
        staff,
        "按期走访",
        day + Duration::days(5),
        "open",
    );
    task(
        app,
        shinan,
        staff,
        "已办走访",
        day - Duration::days(9),
        "done",
    );
    task(
        app,
        laoshan,
        staff_ls,
        "他人任务",
        day + Duration::days(1),
        "open",
    );
    // staff_ls: one task in their district, one outside it (not visible to them).
    task(
        app,
        shinan,
        staff_ls,
        "区外任务",
        day + Duration::days(1),
        "open",
    );

    let ent_user = staff; // any account id will do as the submitter
    submission(app, laoshan, ent_user, "pending");
    submission(app, shinan, ent_user, "pending");
    submission(app, shinan, ent_user, "approved");

    title(app, laoshan, day + Duration::days(30));
    title(app, shinan, day + Duration::days(60));
    title(app, shinan, day + Duration::days(200));

    need(app, laoshan, 2_000_000, "open", 1);
    need(app, shinan, 5_000_000, "open", 2);
    need(app, shinan, 1_000_000, "open", 60);
    need(app, laoshan, 3_000_000, "closed", 90);

    app.sql(
        "INSERT INTO partners (name, kind, contact_name, contact_phone, contact_email, note, \
         active, created_at, updated_at, version) VALUES ('青岛看板银行', 'bank', '', '', '', '', \
         TRUE, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)",
    );
    let partner = app.with_db(|c| {
        use diesel::prelude::*;
        use srdi_board::schema::partners;
        Ok(partners::table.select(partners::id).first::<i32>(c)?)
    });
    // Approved: 3,000,000 for laoshan (its closed need), 1,000,000 for shinan (oldest need).
    approved_referral(app, need_id(app, laoshan), partner, 3_000_000);
    let shinan_needs = app.with_db(|c| {
        Ok(srdi_board::models::financing::Need::for_enterprise(
            c, shinan,
        )?)
    });
    approved_referral(app, shinan_needs.last().unwrap().id, partner, 1_000_000);

    World { laoshan, shinan }
}

#[tokio::test]
async fn staff_see_their_tasks_reviews_expiring_titles_and_recent_needs() {
    let app = TestApp::spawn().await;
    world(&app);
    let html = home(&app, "staff_all").await;
    assert_eq!(card_count(&html, "dash-tasks"), Some(2), "{html}");
    let tasks = card(&html, "dash-tasks");
    assert!(tasks.contains("逾期走访") && tasks.contains("按期走访"));
    assert!(!tasks.contains("已办走访") && !tasks.contains("他人任务"));
    // Overdue first.
    assert!(tasks.find("逾期走访").unwrap() < tasks.find("按期走访").unwrap());
    assert!(tasks.contains("class=\"overdue\""));
    assert!(tasks.contains("href=\"/tasks\""));
    assert_eq!(card_count(&html, "dash-submissions"), Some(2));
    assert_eq!(card_count(&html, "dash-expiring"), Some(2));
    assert_eq!(card_count(&html, "dash-needs"), Some(2));
    assert!(card(&html, "dash-needs").contains("href=\"/financing\""));
    // Official-only blocks are not on a staff home.
    assert!(!html.contains("id=\"dash-financing\""));
}

#[tokio::test]
async fn district_staff_count_only_their_districts() {
    let app = TestApp::spawn().await;
    world(&app);
    let html = home(&app, "staff_ls").await;
    assert_eq!(card_count(&html, "dash-tasks"), Some(1), "{html}");
    assert!(card(&html, "dash-tasks").contains("他人任务"));
    assert!(!card(&html, "dash-tasks").contains("区外任务"));
    assert_eq!(card_count(&html, "dash-submissions"), Some(1));
    assert_eq!(card_count(&html, "dash-expiring"), Some(1));
    assert_eq!(card_count(&html, "dash-needs"), Some(1));
    assert!(!html.contains("青岛市南看板科技有限公司"));
}

#[tokio::test]
async fn officials_see_approved_financing_in_their_scope() {
    let app = TestApp::spawn().await;
    world(&app);
    let html = home(&app, "official").await;
    let f = card(&html, "dash-financing");
    assert!(f.contains("400"), "{f}"); // 4,000,000 yuan = 400 万元
    assert!(
        f.contains(">2 ") || f.contains(" 2 ") || f.contains("2 笔"),
        "{f}"
    );
    assert!(!html.contains("id=\"dash-tasks\""));

    let html = home(&app, "official_ls").await;
    let f = card(&html, "dash-financing");
    assert!(f.contains("300"), "{f}");
    assert!(!f.contains("400"), "{f}");
    assert!(f.contains("1 笔") || f.contains(" 1 "), "{f}");

    // The admin keeps the account overview and gets the official blocks.
    let html = home(&app, "admin").await;
    assert!(html.contains("href=\"/admin/users\""));
    assert!(html.contains("href=\"/admin/sessions\""));
    assert!(card(&html, "dash-financing").contains("400"));
}

#[tokio::test]
async fn an_enterprise_sees_only_its_own_needs_and_trainings() {
    let app = TestApp::spawn().await;
    let w = world(&app);
    let starts = (now() + Duration::days(10)).format("%Y-%m-%d %H:%M:%S");
    let ends = (now() + Duration::days(10) + Duration::hours(2)).format("%Y-%m-%d %H:%M:%S");
    app.sql(&format!(
        "INSERT INTO training_events (title, kind, starts_at, ends_at, online, place, link, \
         organiser_id, audience_tiers, audience_levels, audience_stages, capacity, description, \
         status, created_by, created_at, updated_at, version) VALUES ('崂山专场培训', \
         'training', '{starts}', '{ends}', FALSE, '崂山区', '', NULL, '', 'national', '', 30, '', \
         'planned', NULL, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"
    ));
    app.sql(&format!(
        "INSERT INTO training_invitations (event_id, enterprise_id, invited_by, invited_at) \
         SELECT id, {}, NULL, '2026-01-01 00:00:00' FROM training_events",
        w.laoshan
    ));
    let html = home(&app, "ent_ls").await;
    assert_eq!(card_count(&html, "dash-own-needs"), Some(1), "{html}");
    assert!(card(&html, "dash-own-needs").contains("200"));
    assert_eq!(card_count(&html, "dash-training"), Some(1));
    assert!(card(&html, "dash-training").contains("崂山专场培训"));
    assert!(!html.contains("青岛市南看板科技有限公司"));
    assert!(!html.contains("id=\"dash-tasks\"") && !html.contains("id=\"dash-financing\""));

    let html = home(&app, "ent_sn").await;
    assert_eq!(card_count(&html, "dash-own-needs"), Some(2), "{html}");
    assert_eq!(card_count(&html, "dash-training"), Some(0));
    assert!(!html.contains("崂山专场培训"));
    let _ = w.shinan;
}

#[tokio::test]
async fn the_expert_home_still_works() {
    let app = TestApp::spawn().await;
    world(&app);
    let html = home(&app, "expert").await;
    assert!(!html.contains("class=\"card\" id=\"dash-"), "{html}");
    assert!(!html.contains("id=\"dash-financing\""));
}

#[tokio::test]
async fn the_home_needs_a_sign_in() {
    let app = TestApp::spawn().await;
    let r = app.client().get(app.url("/")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
}

/// The (now, change) cells of the row labelled `label` in the card `id` (its cells
/// are the quarter start, now and the change).
fn composition_row(html: &str, id: &str, label: &str) -> (String, String) {
    let c = card(html, id);
    let start = c
        .find(&format!("<th scope=\"row\">{label}</th>"))
        .unwrap_or_else(|| panic!("{label} in {c}"));
    let row = &c[start..start + c[start..].find("</tr>").unwrap()];
    let cells: Vec<String> = row
        .split("<td class=\"num\">")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_string())
        .collect();
    (cells[1].clone(), cells[2].clone())
}

/// Gives both enterprises a history before the quarter: laoshan moved from display
/// to custody on the quarter's first day; shinan has been on display all along and
/// its stage changed without a history row.
fn history(app: &TestApp, w: &World) {
    let qs = srdi_board::domain::dashboard::quarter_start(today());
    let before = qs - Duration::days(100);
    app.sql(&format!(
        "UPDATE enterprises SET created_at = '2020-01-01 00:00:00', current_level = 'municipal';
         UPDATE enterprises SET current_tier = 'custody', cultivation_stage = 'potential' \
         WHERE id = {l};
         UPDATE enterprises SET current_tier = 'display', cultivation_stage = 'reserve' \
         WHERE id = {s};
         INSERT INTO board_entries (enterprise_id, action, tier_from, tier_to, source_board, \
         reason, effective_on, recorded_by, recorded_at) VALUES ({l}, 'enter', NULL, 'display', \
         '', '', '{before}', NULL, '2026-01-01 00:00:00');
         INSERT INTO board_entries (enterprise_id, action, tier_from, tier_to, source_board, \
         reason, effective_on, recorded_by, recorded_at) VALUES ({l}, 'move_up', 'display', \
         'custody', '', '', '{qs}', NULL, '2026-01-01 00:00:00');
         INSERT INTO board_entries (enterprise_id, action, tier_from, tier_to, source_board, \
         reason, effective_on, recorded_by, recorded_at) VALUES ({s}, 'enter', NULL, 'display', \
         '', '', '{before}', NULL, '2026-01-01 00:00:00');
         INSERT INTO cultivation_events (enterprise_id, step_from, step_to, stage_to, reason, \
         proposal_id, effective_on, recorded_by, recorded_at) VALUES ({l}, NULL, 'potential', \
         'potential', '', NULL, '{before}', NULL, '2026-01-01 00:00:00');
         INSERT INTO cultivation_events (enterprise_id, step_from, step_to, stage_to, reason, \
         proposal_id, effective_on, recorded_by, recorded_at) VALUES ({s}, NULL, 'potential', \
         'potential', '', NULL, '{before}', NULL, '2026-01-01 00:00:00');",
        l = w.laoshan,
        s = w.shinan,
    ));
}

#[tokio::test]
async fn officials_see_composition_with_the_change_since_the_quarter_start() {
    let app = TestApp::spawn().await;
    let w = world(&app);
    history(&app, &w);

    let html = home(&app, "official").await;
    assert_eq!(
        composition_row(&html, "dash-tiers", "展示层"),
        ("1".into(), "-1".into())
    );
    assert_eq!(
        composition_row(&html, "dash-tiers", "托管层"),
        ("1".into(), "+1".into())
    );
    assert_eq!(
        composition_row(&html, "dash-levels", "市级专精特新"),
        ("2".into(), "0".into())
    );
    assert!(card(&html, "dash-tiers").contains("<svg"));
    // Shinan's stage moved to reserve without an event: said so, not guessed.
    assert!(card(&html, "dash-stages").contains("class=\"warning\""));
    assert!(!card(&html, "dash-tiers").contains("class=\"warning\""));
    // The funnel as on /pipeline, and the stalled count linking there.
    assert!(card(&html, "dash-funnel").contains("<svg"));
    assert!(card(&html, "dash-funnel").contains("/pipeline/queue?stage=potential"));
    let stalled = card(&html, "dash-stalled");
    assert!(stalled.contains("href=\"/pipeline\""), "{stalled}");
    assert!(stalled.contains("stat-value\">"), "{stalled}");

    // A district-limited official counts only their district.
    let html = home(&app, "official_ls").await;
    assert_eq!(
        composition_row(&html, "dash-tiers", "展示层"),
        ("0".into(), "-1".into())
    );
    assert_eq!(
        composition_row(&html, "dash-tiers", "托管层"),
        ("1".into(), "+1".into())
    );
    assert_eq!(
        composition_row(&html, "dash-levels", "市级专精特新"),
        ("1".into(), "0".into())
    );
    assert_eq!(
        composition_row(&html, "dash-stages", "潜力"),
        ("1".into(), "0".into())
    );
    assert!(!card(&html, "dash-stages").contains("class=\"warning\""));

    // Staff and enterprises do not get these blocks.
    let staff = home(&app, "staff_all").await;
    assert!(!staff.contains("id=\"dash-tiers\"") && !staff.contains("id=\"dash-stalled\""));
    assert!(!home(&app, "ent_ls").await.contains("id=\"dash-tiers\""));
    assert!(home(&app, "admin").await.contains("id=\"dash-tiers\""));
}

fn proposal(
    app: &TestApp,
    enterprise: i32,
    by: i32,
    status: &str,
    decided_days_ago: i64,
    note: &str,
) {
    let at = (now() - Duration::days(decided_days_ago)).format("%Y-%m-%d %H:%M:%S");
    app.sql(&format!(
        "INSERT INTO cultivation_proposals (enterprise_id, step_from, step_to, reason, comment, \
         gate_snapshot, status, proposed_by, proposed_at, decided_by, decided_at, \
         decision_comment) VALUES ({enterprise}, 'potential', 'reserve', '', '', '{{}}', \
         '{status}', {by}, '{at}', NULL, {decided}, '{note}')",
        decided = if status == "pending" {
            "NULL".to_string()
        } else {
            format!("'{at}'")
        },
    ));
}

#[tokio::test]
async fn staff_see_their_proposals_returned_in_the_last_30_days() {
    let app = TestApp::spawn().await;
    let w = world(&app);
    let third = app
        .enterprise("9137020312345670", "青岛市北看板科技有限公司", "370203")
        .id;
    let me = app.with_db(|c| {
        use diesel::prelude::*;
        use srdi_board::schema::users;
        Ok(users::table
            .filter(users::username.eq("staff_all"))
            .select(users::id)
            .first::<i32>(c)?)
    });
    let other = app.user("staff_other", Role::Staff).id;
    // Mine, returned 3 days ago: listed with the official's comment.
    proposal(&app, w.laoshan, me, "returned", 3, "缺少股东会决议");
    // Mine, returned 3 days ago, but proposed again since: answered, not listed.
    proposal(&app, w.shinan, me, "returned", 3, "已重新提议的");
    proposal(&app, w.shinan, me, "pending", 1, "");
    // Mine but 45 days old; someone else's; and an approved one: not listed.
    proposal(&app, third, me, "returned", 45, "太久以前的");
    proposal(&app, third, other, "returned", 2, "别人的提议");
    proposal(&app, third, me, "approved", 2, "已批准的");

    let html = home(&app, "staff_all").await;
    assert_eq!(card_count(&html, "dash-returned"), Some(1), "{html}");
    let card = card(&html, "dash-returned");
    assert!(card.contains("缺少股东会决议") && card.contains("青岛崂山看板科技有限公司"));
    assert!(card.contains(&format!("/enterprises/{}/cultivation", w.laoshan)));
    for hidden in ["已重新提议的", "太久以前的", "别人的提议", "已批准的"] {
        assert!(!card.contains(hidden), "{hidden}");
    }
    // A district-limited colleague's card is scoped and theirs only.
    let html = home(&app, "staff_ls").await;
    assert_eq!(card_count(&html, "dash-returned"), Some(0));
}

#[tokio::test]
async fn officials_see_districts_industries_and_the_plan_against_actuals() {
    let app = TestApp::spawn().await;
    let w = world(&app);
    history(&app, &w);
    // Shinan in manufacturing, laoshan with no section; a third registered this
    // quarter in Laoshan.
    app.sql(&format!(
        "UPDATE enterprises SET industry_section = 'C' WHERE id = {}",
        w.shinan
    ));
    app.enterprise("9137021298765430", "青岛崂山新登记科技有限公司", "370212");
    let year = today().format("%Y").to_string();
    app.sql(&format!(
        "INSERT INTO plan_targets (year, stage, target, updated_by, updated_at) VALUES \
         ({year}, 'potential', 4, NULL, '2026-01-01 00:00:00')"
    ));

    let html = home(&app, "official").await;
    assert_eq!(
        composition_row(&html, "dash-districts", "崂山区"),
        ("2".into(), "+1".into())
    );
    assert_eq!(
        composition_row(&html, "dash-districts", "市南区"),
        ("1".into(), "0".into())
    );
    assert_eq!(
        composition_row(&html, "dash-industries", "C 制造业"),
        ("1".into(), "0".into())
    );
    assert_eq!(
        composition_row(&html, "dash-industries", "未填行业"),
        ("2".into(), "+1".into())
    );
    assert!(card(&html, "dash-districts").contains("<svg"));
    // The plan: the target of 4 entries into potential against this year's actuals.
    let targets = card(&html, "dash-targets");
    assert!(targets.contains("<svg"), "{targets}");
    let start = targets.find("<th scope=\"row\">潜力</th>").unwrap();
    let row = &targets[start..start + targets[start..].find("</tr>").unwrap()];
    assert!(row.contains("<td class=\"num\">4</td>"), "{row}");

    // A district official sees only Laoshan's rows.
    let html = home(&app, "official_ls").await;
    assert!(!card(&html, "dash-districts").contains("市南区"));
    assert_eq!(
        composition_row(&html, "dash-districts", "崂山区"),
        ("2".into(), "+1".into())
    );
}

#[tokio::test]
async fn the_financing_card_separates_this_year_from_all_time() {
    let app = TestApp::spawn().await;
    let w = world(&app);
    // Move shinan's approval (1,000,000) to last year; laoshan's 3,000,000 to today.
    let last_year = today() - Duration::days(366);
    app.sql(&format!(
        "UPDATE financing_referrals SET approved_on = '{last_year}' WHERE need_id IN \
         (SELECT id FROM financing_needs WHERE enterprise_id = {});
         UPDATE financing_referrals SET approved_on = '{}' WHERE need_id IN \
         (SELECT id FROM financing_needs WHERE enterprise_id = {})",
        w.shinan,
        today(),
        w.laoshan
    ));
    let html = home(&app, "official").await;
    let f = card(&html, "dash-financing");
    let year = today().format("%Y").to_string();
    assert!(f.contains(&format!("{year} 年获批融资")), "{f}");
    assert!(f.contains("300.00 <small>"), "this year: {f}");
    assert!(f.contains("累计获批融资 400.00"), "all time: {f}");
}

#[tokio::test]
async fn a_change_to_title_dates_alone_refreshes_the_cached_counts() {
    let app = TestApp::spawn().await;
    let w = world(&app);
    history(&app, &w);
    let qs = srdi_board::domain::dashboard::quarter_start(today());
    app.sql(&format!(
        "INSERT INTO qualifications (enterprise_id, level, batch, recognized_on, expires_on, \
         revoked_on, created_at, updated_at, version) VALUES ({}, 'provincial', '2024', \
         '2024-01-01', '2027-01-01', NULL, '2024-01-01 00:00:00', '2024-01-01 00:00:00', 1)",
        w.laoshan
    ));
    let html = home(&app, "official").await;
    // At the quarter start laoshan held the provincial title (its level column, which
    // counts now, says municipal).
    let before = composition_row(&html, "dash-levels", "省级专精特新");
    assert_eq!(before, ("0".into(), "-1".into()));
    // Only the title's date changes (no enterprise column): recognised this quarter.
    app.sql(&format!(
        "UPDATE qualifications SET recognized_on = '{qs}' WHERE level = 'provincial'"
    ));
    let html = home(&app, "official").await;
    let after = composition_row(&html, "dash-levels", "省级专精特新");
    // Nobody held it at the quarter start any more: the cached counts were refreshed.
    assert_eq!(after, ("0".into(), "0".into()));
}

#[tokio::test]
async fn cached_financing_totals_follow_every_write_they_read() {
    let app = TestApp::spawn().await;
    let w = world(&app);
    let all_time = |html: &str| card(html, "dash-financing").to_string();
    assert!(all_time(&home(&app, "official").await).contains("累计获批融资 400.00"));
    // The amount of an approval changes.
    app.sql(&format!(
        "UPDATE financing_referrals SET approved_amount = 5000000 WHERE need_id IN \
         (SELECT id FROM financing_needs WHERE enterprise_id = {})",
        w.laoshan
    ));
    let f = all_time(&home(&app, "official").await);
    assert!(f.contains("累计获批融资 600.00"), "{f}");
    // An approval is withdrawn (declined).
    app.sql(&format!(
        "UPDATE financing_referrals SET status = 'declined' WHERE need_id IN \
         (SELECT id FROM financing_needs WHERE enterprise_id = {})",
        w.shinan
    ));
    let f = all_time(&home(&app, "official").await);
    assert!(f.contains("累计获批融资 500.00"), "{f}");
    // The need moves to an enterprise of another district: the district official's
    // scoped totals follow.
    assert!(all_time(&home(&app, "official_ls").await).contains("500.00"));
    app.sql(&format!(
        "UPDATE financing_needs SET enterprise_id = {} WHERE enterprise_id = {}",
        w.shinan, w.laoshan
    ));
    let f = all_time(&home(&app, "official_ls").await);
    assert!(!f.contains("500.00"), "{f}");
    // A partner's new name shows in the quarter's table by partner.
    let client = app.signed_in("official").await;
    let url = app.url("/reports/quarterly?q=2026Q1");
    let html = client.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("青岛看板银行"));
    app.sql("UPDATE partners SET name = '青岛改名银行' WHERE name = '青岛看板银行'");
    let html = client.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("青岛改名银行") && !html.contains("青岛看板银行"));
}
