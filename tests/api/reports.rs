//! The quarterly report: any begun quarter, counted at its two ends from the dated
//! history, in the reader's scope; the same tables as an XLSX workbook.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::{Duration, NaiveDate};
use srdi_board::domain::dashboard::{parse_quarter, quarter_days};
use srdi_board::domain::index::period::Period;
use srdi_board::domain::role::Role;

use crate::helpers::{TestApp, location};

fn today() -> NaiveDate {
    srdi_board::routes::enterprises::today()
}

/// The quarter before the current one, and its first and next-first days.
fn last_quarter() -> (Period, NaiveDate, NaiveDate) {
    let q = parse_quarter("", today()).unwrap().previous();
    let (from, next) = quarter_days(q);
    (q, from, next)
}

struct World {
    laoshan: i32,
    shinan: i32,
}

/// Two enterprises registered long ago. Laoshan: display before last quarter,
/// custody in the middle of it, listing this quarter. Shinan: display all along,
/// its municipal title recognised in the middle of last quarter. Approved financing:
/// 2,000,000 for laoshan in last quarter, 700,000 for shinan this quarter.
fn world(app: &TestApp) -> World {
    let laoshan = app
        .enterprise("9137021212345670", "青岛崂山报告科技有限公司", "370212")
        .id;
    let shinan = app
        .enterprise("9137020212345670", "青岛市南报告科技有限公司", "370202")
        .id;
    app.user("official", Role::Official);
    app.user_with("official_ls", Role::Official, None, &["370212"], false);
    app.user("admin", Role::Admin);
    app.user("staff", Role::Staff);
    app.user("expert", Role::Expert);
    app.user_with("ent", Role::Enterprise, Some(laoshan), &[], false);

    let (_, from, next) = last_quarter();
    let before = from - Duration::days(200);
    let mid = from + Duration::days(40);
    let this_quarter = next;
    let board = |e: i32, action: &str, from_tier: &str, to: &str, on: NaiveDate| {
        let from_tier = if from_tier.is_empty() {
            "NULL".to_string()
        } else {
            format!("'{from_tier}'")
        };
        format!(
            "INSERT INTO board_entries (enterprise_id, action, tier_from, tier_to, \
             source_board, reason, effective_on, recorded_by, recorded_at) VALUES ({e}, \
             '{action}', {from_tier}, '{to}', '', '', '{on}', NULL, '2026-01-01 00:00:00');"
        )
    };
    app.sql(&format!(
        "UPDATE enterprises SET created_at = '2020-01-01 00:00:00', industry_section = 'C';
         UPDATE enterprises SET current_tier = 'listing' WHERE id = {laoshan};
         UPDATE enterprises SET current_tier = 'display', current_level = 'municipal' \
         WHERE id = {shinan};
         {}{}{}{}
         INSERT INTO qualifications (enterprise_id, level, batch, recognized_on, expires_on, \
         revoked_on, created_at, updated_at, version) VALUES ({shinan}, 'municipal', '2026', \
         '{mid}', '{expires}', NULL, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1);",
        board(laoshan, "enter", "", "display", before),
        board(laoshan, "move_up", "display", "custody", mid),
        board(laoshan, "move_up", "custody", "listing", this_quarter),
        board(shinan, "enter", "", "display", before),
        expires = mid + Duration::days(3 * 365),
    ));
    app.sql(
        "INSERT INTO partners (name, kind, contact_name, contact_phone, contact_email, note, \
         active, created_at, updated_at, version) VALUES ('青岛报告银行', 'bank', '', '', '', '', \
         TRUE, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)",
    );
    for (e, amount, on) in [(laoshan, 2_000_000, mid), (shinan, 700_000, this_quarter)] {
        app.sql(&format!(
            "INSERT INTO financing_needs (enterprise_id, kind, amount, purpose, wanted_by, \
             status, created_by, created_via, created_at, updated_at, version) VALUES ({e}, \
             'loan', {amount}, '流动资金', NULL, 'open', NULL, 'staff', '2026-01-01 00:00:00', \
             '2026-01-01 00:00:00', 1);
             INSERT INTO financing_referrals (need_id, partner_id, status, approved_amount, \
             approved_rate, approved_on, decline_reason, sent_at, in_review_at, decided_at, \
             created_by, updated_at, version) SELECT MAX(n.id), MAX(p.id), 'approved', {amount}, \
             NULL, '{on}', '', '2026-01-01 00:00:00', NULL, '2026-01-01 00:00:00', NULL, \
             '2026-01-01 00:00:00', 1 FROM financing_needs n, partners p WHERE n.enterprise_id = {e}"
        ));
    }
    World { laoshan, shinan }
}

async fn report(app: &TestApp, who: &str, q: &str) -> String {
    let c = app.signed_in(who).await;
    let r = c
        .get(app.url(&format!("/reports/quarterly?q={q}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{who} {q}");
    r.text().await.unwrap()
}

/// The block with `id` (up to the end of its section).
fn block<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("id=\"{id}\"")).expect(id);
    let end = html[start..].find("</section>").unwrap();
    &html[start..start + end]
}

/// The number cells of the row labelled `label` in the block `id`.
fn row(html: &str, id: &str, label: &str) -> Vec<String> {
    let b = block(html, id);
    let start = b
        .find(&format!("<th scope=\"row\">{label}</th>"))
        .unwrap_or_else(|| panic!("{label} in {b}"));
    let r = &b[start..start + b[start..].find("</tr>").unwrap()];
    r.split("<td class=\"num\">")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_string())
        .collect()
}

#[tokio::test]
async fn a_past_quarter_is_counted_at_its_two_ends() {
    let app = TestApp::spawn().await;
    world(&app);
    let (q, from, next) = last_quarter();
    let html = report(&app, "official", &q.to_string()).await;
    assert!(html.contains(&from.to_string()));
    assert!(html.contains(&(next - Duration::days(1)).to_string()));
    // Laoshan moved display -> custody inside the quarter; its later move to listing
    // is after the quarter's end and does not show.
    assert_eq!(row(&html, "report-tiers", "展示层"), ["2", "1", "-1"]);
    assert_eq!(row(&html, "report-tiers", "托管层"), ["0", "1", "+1"]);
    assert_eq!(row(&html, "report-tiers", "挂牌层"), ["0", "0", "0"]);
    assert_eq!(
        row(&html, "report-levels", "市级专精特新"),
        ["0", "1", "+1"]
    );
    assert_eq!(row(&html, "report-districts", "崂山区"), ["1", "1", "0"]);
    assert_eq!(row(&html, "report-industries", "C 制造业"), ["2", "2", "0"]);
    // Financing approved inside the quarter only.
    assert_eq!(row(&html, "report-summary", "本季获批融资笔数"), ["1"]);
    assert_eq!(
        row(&html, "report-summary", "本季获批融资金额（万元）"),
        ["200"]
    );
    assert_eq!(
        row(&html, "report-financing-district", "崂山区"),
        ["1", "200"]
    );
    assert!(!block(&html, "report-financing-district").contains("市南区"));
    assert!(!html.contains("本季度尚未结束"));

    // The current quarter runs to today and counts now: listing +1, custody 0.
    let html = report(&app, "official", "").await;
    assert!(html.contains("本季度尚未结束"));
    assert_eq!(row(&html, "report-tiers", "挂牌层"), ["0", "1", "+1"]);
    assert_eq!(row(&html, "report-tiers", "托管层"), ["1", "0", "-1"]);
    assert_eq!(
        row(&html, "report-summary", "本季获批融资金额（万元）"),
        ["70"]
    );
    // Printable: the picker and links are marked to hide in print.
    assert!(html.contains("class=\"filters no-print\""));
}

#[tokio::test]
async fn a_district_official_reports_on_their_district_only() {
    let app = TestApp::spawn().await;
    world(&app);
    let (q, ..) = last_quarter();
    let html = report(&app, "official_ls", &q.to_string()).await;
    assert!(html.contains("崂山区"));
    assert_eq!(row(&html, "report-tiers", "展示层"), ["1", "0", "-1"]);
    assert_eq!(row(&html, "report-summary", "季初在册企业"), ["1"]);
    assert!(!block(&html, "report-districts").contains("市南区"));
    assert!(!html.contains("青岛市南报告科技有限公司"));
}

#[tokio::test]
async fn only_officials_and_admins_read_the_report() {
    let app = TestApp::spawn().await;
    world(&app);
    report(&app, "admin", "").await;
    for who in ["staff", "expert", "ent"] {
        let c = app.signed_in(who).await;
        for path in ["/reports/quarterly", "/reports/quarterly.xlsx"] {
            let r = c.get(app.url(path)).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 403, "{who} {path}");
        }
    }
    let r = app
        .client()
        .get(app.url("/reports/quarterly"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert!(location(&r).starts_with("/login"));
}

#[tokio::test]
async fn a_quarter_that_has_not_begun_or_is_not_a_quarter_is_refused() {
    let app = TestApp::spawn().await;
    world(&app);
    let c = app.signed_in("official").await;
    let next = parse_quarter("", today()).unwrap();
    let next = Period {
        year: next.year + 1,
        ..next
    };
    for bad in [
        next.to_string(),
        "2025".into(),
        "2025Q7".into(),
        "季度".into(),
    ] {
        let bad: String = bad;
        let r = c
            .get(app.url(&format!("/reports/quarterly?q={bad}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400, "{bad}");
        let html = r.text().await.unwrap();
        // The message beside the picker names what was asked and what to write; the
        // current quarter is shown instead.
        let current = parse_quarter("", today()).unwrap();
        assert!(html.contains("class=\"field-error\""), "{html}");
        assert!(html.contains(&format!("“{bad}”")), "{bad}");
        assert!(html.contains(&format!("例如 {current}")), "{bad}");
        assert!(html.contains("id=\"report-tiers\""));
        let xlsx = c
            .get(app.url(&format!("/reports/quarterly.xlsx?q={bad}")))
            .send()
            .await
            .unwrap();
        assert_eq!(xlsx.status().as_u16(), 400, "{bad}");
    }
}

#[tokio::test]
async fn the_workbook_holds_the_same_tables() {
    let app = TestApp::spawn().await;
    world(&app);
    let (q, ..) = last_quarter();
    let c = app.signed_in("official").await;
    let r = c
        .get(app.url(&format!("/reports/quarterly.xlsx?q={q}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("srdi-report-{q}.xlsx"))
    );
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    for sheet in [
        "概况",
        "按挂牌层级",
        "按资质等级",
        "按培育阶段",
        "按区（市）",
        "按行业门类",
    ] {
        assert!(names.iter().any(|n| n == sheet), "{sheet} in {names:?}");
    }
    let tiers = book.worksheet_range("按挂牌层级").unwrap();
    let find = |label: &str| {
        tiers
            .rows()
            .find(|r| r.first() == Some(&Data::String(label.into())))
            .unwrap_or_else(|| panic!("{label}"))
            .to_vec()
    };
    // Counts are numbers, the change is text with its sign.
    assert_eq!(find("托管层")[1], Data::Float(0.0));
    assert_eq!(find("托管层")[2], Data::Float(1.0));
    assert_eq!(find("托管层")[3], Data::String("+1".into()));
    let summary = book.worksheet_range("概况").unwrap();
    let amount = summary
        .rows()
        .find(|r| r.first() == Some(&Data::String("本季获批融资金额（万元）".into())))
        .unwrap()
        .to_vec();
    assert_eq!(amount[1], Data::Float(200.0));
}

#[tokio::test]
async fn the_dashboard_links_officials_to_the_report() {
    let app = TestApp::spawn().await;
    let w = world(&app);
    let c = app.signed_in("official").await;
    let html = c
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let current = parse_quarter("", today()).unwrap();
    assert!(html.contains(&format!("href=\"/reports/quarterly?q={current}\"")));
    // The navigation names it too.
    assert!(html.contains("href=\"/reports/quarterly\""));
    let _ = (w.laoshan, w.shinan);
}
