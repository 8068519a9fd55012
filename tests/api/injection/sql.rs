//! SQL injection through every filter and search box (the handlers' query
//! structs), and LIKE wildcards matched literally, on SQLite and PostgreSQL.

use srdi_board::domain::role::Role;

use super::{get, get_query, table_rows};
use crate::helpers::TestApp;

/// Classic injection strings, a NUL, control and unicode text, a long string,
/// LIKE's wildcards and escape character, and markup (a filter echoed on the page
/// must stay escaped).
fn payloads() -> Vec<String> {
    vec![
        "' OR '1'='1".into(),
        "' OR 1=1--".into(),
        "1; DROP TABLE enterprises;--".into(),
        "%' UNION SELECT password_hash FROM users--".into(),
        "1) OR (1=1".into(),
        "\"; SELECT pg_sleep(5);--".into(),
        "a\u{0}b".into(),
        "\u{0}".into(),
        "青岛😀\u{202e}'\"\\".into(),
        "-1".into(),
        "99999999999999999999".into(),
        "x".repeat(3000),
        "%".into(),
        "_".into(),
        "\\".into(),
        "%%".into(),
        "\"><script>alert(1)</script>".into(),
    ]
}

/// Every list page and export with query parameters, and its parameters (from the
/// `*Query` structs in `src/routes`). `{e}` is an enterprise and `{p}` a partner.
const TARGETS: &[(&str, &[&str])] = &[
    (
        "/enterprises",
        &[
            "q", "tier", "level", "district", "industry", "status", "sort", "after", "after_id",
        ],
    ),
    (
        "/enterprises.csv",
        &["q", "tier", "district", "sort", "after"],
    ),
    ("/enterprises.xlsx", &["q", "level", "industry", "status"]),
    (
        "/pipeline",
        &[
            "district", "industry", "level", "tier", "board", "stall", "stage", "after", "after_id",
        ],
    ),
    ("/pipeline.csv", &["district", "industry", "stage", "stall"]),
    ("/pipeline.xlsx", &["level", "tier", "board"]),
    (
        "/pipeline/queue",
        &["stage", "district", "after", "after_id"],
    ),
    ("/pipeline/targets", &["year"]),
    ("/proposals", &["status", "before"]),
    ("/tasks", &["view"]),
    ("/partners", &["kind", "active"]),
    ("/partners/{p}", &["agreement", "plan"]),
    ("/financing", &["kind", "status", "district", "before"]),
    (
        "/financing/service-center",
        &["kind", "status", "district", "before"],
    ),
    ("/financing/needs/new", &["enterprise"]),
    ("/audit", &["actor", "action", "from", "to", "before"]),
    ("/index", &["period", "district"]),
    ("/index/scores.csv", &["period", "district"]),
    ("/index/scores.xlsx", &["period", "district"]),
    ("/enterprises/{e}/index", &["period"]),
    ("/enterprises/{e}/index/data", &["period"]),
    ("/enterprises/{e}/annual", &["year"]),
    ("/enterprises/{e}/rubric", &["revenue", "rd_expense"]),
    ("/reports/quarterly", &["q"]),
    ("/reports/quarterly.xlsx", &["q"]),
    ("/admin/users", &["q", "role"]),
    ("/admin/index/weights", &["node"]),
    ("/index/experts", &["period", "expert", "show"]),
    ("/index/experts/review", &["period", "expert", "show"]),
    ("/inbox", &["before"]),
    ("/login", &["next"]),
];

/// Text that only a database error, or leaked data, would put on a page.
const LEAKS: [&str; 12] = [
    "syntax error",
    "SQLITE",
    "sqlite",
    "diesel",
    "DatabaseError",
    "no such table",
    "does not exist",
    "unterminated",
    "invalid byte sequence",
    "$argon2",
    "Query deserialize",
    "panicked",
];

/// Enterprise rows on a list page.
fn list_rows(html: &str) -> usize {
    regex::Regex::new(r#"<tr[^>]*>\s*<td[^>]*>\s*<a href="/enterprises/\d+""#)
        .unwrap()
        .find_iter(html)
        .count()
}

#[tokio::test]
async fn filters_and_search_boxes_refuse_injection_and_match_wildcards_literally() {
    let app = TestApp::spawn().await;
    app.user("root", Role::Admin);
    // Three scored enterprises, so the index pages and exports have a period.
    crate::index::scored(&app);
    let plain = app.enterprise("9137021210000011", "青岛普通科技有限公司", "370212");
    let percent = app.enterprise(
        "9137021210000012",
        "青岛百分之100%_纯科技有限公司",
        "370212",
    );
    app.enterprise("9137020310000013", "青岛另一家有限公司", "370203");
    let partner = app.with_db(|c| {
        use srdi_board::domain::partner::{PartnerData, PartnerKind};
        let data = PartnerData {
            name: "青岛测试银行".into(),
            kind: PartnerKind::Bank,
            contact_name: String::new(),
            contact_phone: String::new(),
            contact_email: String::new(),
            note: String::new(),
        };
        Ok(srdi_board::models::partner::Partner::create(
            c,
            &srdi_board::models::audit::Actor::cli(),
            &data,
        )
        .map_err(|e| match e {
            srdi_board::models::partner::PartnerWriteError::Db(e) => e,
            other => panic!("{other:?}"),
        })?)
    });
    let admin = app.signed_in("root").await;
    let anonymous = app.client();
    let before = table_rows(&app);
    let mut checked = 0;
    for (path, params) in TARGETS {
        let path = path
            .replace("{e}", &plain.id.to_string())
            .replace("{p}", &partner.id.to_string());
        for param in *params {
            for value in payloads() {
                let client = if path == "/login" { &anonymous } else { &admin };
                let r = client
                    .get(app.url(&path))
                    .query(&[(*param, value.as_str())])
                    .send()
                    .await
                    .unwrap();
                let status = r.status().as_u16();
                let body = String::from_utf8_lossy(&r.bytes().await.unwrap()).into_owned();
                let shown = value.chars().take(40).collect::<String>();
                // A parameter naming a record may name none: 404.
                let names_a_record = ["enterprise", "agreement", "plan", "node"].contains(param);
                // A page with a form may refuse the value beside its field: 422.
                assert!(
                    [200, 400, 422].contains(&status) || (status == 404 && names_a_record),
                    "GET {path}?{param}={shown:?}: {status}"
                );
                if status == 422 {
                    assert!(
                        body.contains(r#"class="field-error""#),
                        "GET {path}?{param}={shown:?}: the problem is said beside the field"
                    );
                }
                if status == 400 {
                    assert!(
                        body.contains("<html")
                            && (body.contains("请求无法处理")
                                || body.contains(r#"class="field-error""#)),
                        "GET {path}?{param}={shown:?}: a page that says what went wrong: {body}"
                    );
                }
                assert!(
                    !body.contains("<script>alert(1)"),
                    "GET {path}?{param}={shown:?}: echoed unescaped"
                );
                for leak in LEAKS {
                    assert!(
                        !body.contains(leak),
                        "GET {path}?{param}={shown:?}: {leak} in the answer"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 1300, "{checked} requests");
    // Nothing was dropped or changed.
    let after = table_rows(&app);
    assert_eq!(before, after);

    // No row leaks: injection finds what a nonsense search finds (nothing), and the
    // wildcards find only the name that has them.
    let count =
        async |q: &str| list_rows(&get_query(&app, &admin, "/enterprises", &[("q", q)]).await);
    assert_eq!(count("").await, 6, "the list shows every enterprise");
    assert_eq!(count("没有这个名字").await, 0);
    for q in [
        "' OR '1'='1",
        "' OR 1=1--",
        "%' UNION SELECT password_hash FROM users--",
        "\\",
        "%%%",
    ] {
        assert_eq!(count(q).await, 0, "q={q}");
    }
    for q in ["%", "_", "%_", "100%_纯"] {
        let html = get_query(&app, &admin, "/enterprises", &[("q", q)]).await;
        assert_eq!(list_rows(&html), 1, "q={q} matches literally");
        assert!(html.contains(&format!("/enterprises/{}", percent.id)));
    }
    // The export follows the same filter.
    let csv = get_query(&app, &admin, "/enterprises.csv", &[("q", "%")]).await;
    assert_eq!(csv.lines().count(), 2, "the header and one row: {csv}");
    // The account search and the audit filter: wildcards are literal too.
    let accounts = |html: &str| {
        regex::Regex::new(r#"href="/admin/users/\d+""#)
            .unwrap()
            .find_iter(html)
            .count()
    };
    let (_, users) = get(&app, &admin, "/admin/users?q=roo").await;
    assert_eq!(accounts(&users), 1, "the search finds root");
    let (_, users) = get(&app, &admin, "/admin/users?q=%25").await;
    assert_eq!(accounts(&users), 0, "q=% is not 'everyone'");
    let (_, users) = get(&app, &admin, "/admin/users?q=r_ot").await;
    assert_eq!(accounts(&users), 0, "_ is not 'any character'");
    let entries = |html: &str| {
        html.matches("<tr>").count() - 1 - usize::from(html.contains(r#"class="empty""#))
    };
    let (_, audit) = get(&app, &admin, "/audit?action=user.").await;
    assert!(
        entries(&audit) >= 1,
        "the prefix finds the account's creation"
    );
    let (_, audit) = get(&app, &admin, "/audit?action=%25").await;
    assert_eq!(entries(&audit), 0, "% is not 'every action'");
    let (_, audit) = get(&app, &admin, "/audit?action=user_").await;
    assert_eq!(entries(&audit), 0, "_ is literal");
}

#[tokio::test]
async fn a_nul_character_in_a_form_is_refused_before_the_database() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let staff = app.signed_in("ops").await;
    let before = table_rows(&app);
    let code = srdi_board::domain::credit_code::CreditCode::complete("9137021210000031")
        .unwrap()
        .to_string();
    // PostgreSQL cannot store NUL in text; SQLite would keep it. Both refuse it here.
    let r = app
        .post_form(
            &staff,
            "/enterprises",
            &[
                ("credit_code", code.as_str()),
                ("name", "青岛\u{0}有限公司"),
                ("district_code", "370212"),
                ("company_type", "llc"),
                ("product_field", "2"),
            ],
        )
        .await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("请求无法处理") && !html.contains("系统出现错误"));
    assert_eq!(table_rows(&app), before, "nothing stored, nothing audited");
}
