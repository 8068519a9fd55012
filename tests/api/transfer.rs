//! CSV/XLSX export of the filtered list and CSV import of enterprises and annual data.

use reqwest::multipart::{Form, Part};
use srdi_board::domain::role::Role;

use crate::helpers::TestApp;

fn code(n: u32, district: &str) -> String {
    let first16 = format!("91{district}{:08}", 20_000_000 + n);
    srdi_board::domain::credit_code::CreditCode::complete(&first16)
        .unwrap()
        .to_string()
}

async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    kind: &str,
    bytes: Vec<u8>,
) -> (u16, String) {
    let token = app.csrf(client, "/import").await;
    let form = Form::new()
        .text("csrf_token", token)
        .text("kind", kind.to_string())
        .part(
            "file",
            Part::bytes(bytes)
                .file_name("data.csv")
                .mime_str("text/csv")
                .unwrap(),
        );
    let r = client
        .post(app.url("/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn count(app: &TestApp) -> i64 {
    app.with_db(|c| {
        use diesel::prelude::*;
        Ok(srdi_board::schema::enterprises::table
            .count()
            .get_result(c)?)
    })
}

#[tokio::test]
async fn enterprise_import_is_all_or_nothing_and_idempotent() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let s = app.signed_in("ops").await;
    let (a, b) = (code(1, "370212"), code(2, "370211"));
    let csv = format!(
        "credit_code,name,district_code,company_type,industry_section,industry_division,strategic_emerging,registered_capital\n\
         {a},青岛导入甲科技有限公司,370212,llc,C,39,1,1200\n\
         {b},\"青岛导入乙装备股份有限公司\",370211,joint_stock,C,35,0,5000.5\n"
    );
    let (status, html) = upload(&app, &s, "enterprises", csv.clone().into_bytes()).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("新增 2") && html.contains("未变化 0"));
    // The same file again changes nothing.
    let (_, html) = upload(&app, &s, "enterprises", csv.into_bytes()).await;
    assert!(html.contains("新增 0") && html.contains("更新 0") && html.contains("未变化 2"));
    assert_eq!(app.audit_count("enterprise.create"), 2);
    // GBK with Chinese headers, as a Chinese spreadsheet tool saves it; one change.
    let gbk_text =
        format!("统一社会信用代码,企业名称,区划代码\n{a},青岛导入甲科技（更名）有限公司,370212\n");
    let (gbk, _, _) = encoding_rs::GBK.encode(&gbk_text);
    let (status, html) = upload(&app, &s, "enterprises", gbk.into_owned()).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("更新 1"));
    // One bad row: nothing at all is imported, and the error names line and column.
    let c = code(3, "370212");
    let bad = format!(
        "credit_code,name,district_code\n{c},好的一行有限公司,370212\n91370200163562681H,坏的一行,370212\n{c},重复的一行,370212\n"
    );
    let before = count(&app);
    let (status, html) = upload(&app, &s, "enterprises", bad.into_bytes()).await;
    assert_eq!(status, 422);
    assert!(html.contains("未导入任何数据"));
    assert!(
        html.contains(r#"<td class="num">3</td><td><code>credit_code</code></td>"#),
        "line 3, credit_code"
    );
    assert!(html.contains("GB 32100") && html.contains("与第 2 行重复"));
    assert_eq!(count(&app), before);
    // Unknown columns and a missing code column are reported before any row.
    let (status, html) = upload(
        &app,
        &s,
        "enterprises",
        "name,colour\nx,red\n".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("无法识别的列：colour") && html.contains("缺少“统一社会信用代码”"));
}

#[tokio::test]
async fn annual_import_validates_every_row_first() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let s = app.signed_in("ops").await;
    let a = code(10, "370214");
    upload(
        &app,
        &s,
        "enterprises",
        format!("credit_code,name,district_code\n{a},青岛年度导入有限公司,370214\n").into_bytes(),
    )
    .await;
    let csv = format!(
        "credit_code,year,revenue,main_business_revenue,rd_expense,employees\n{a},2023,5000,4500,200,120\n{a},2024,6000,5400,300,130\n"
    );
    let (status, html) = upload(&app, &s, "annual", csv.clone().into_bytes()).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("新增 2"));
    let (_, html) = upload(&app, &s, "annual", csv.into_bytes()).await;
    assert!(html.contains("未变化 2"));
    // An unknown enterprise in the last row: the first row is not imported either.
    let other = code(11, "370214");
    let csv = format!("credit_code,year,revenue\n{a},2025,7000\n{other},2025,100\n");
    let (status, html) = upload(&app, &s, "annual", csv.into_bytes()).await;
    assert_eq!(status, 422);
    assert!(html.contains(&format!("系统中没有统一社会信用代码为 {other} 的企业")));
    let years: i64 = app.with_db(|c| {
        use diesel::prelude::*;
        Ok(srdi_board::schema::annual_data::table
            .count()
            .get_result(c)?)
    });
    assert_eq!(years, 2, "rolled back");
    // Field problems carry their column.
    let (_, html) = upload(
        &app,
        &s,
        "annual",
        format!("credit_code,year,employees\n{a},2025,many\n").into_bytes(),
    )
    .await;
    assert!(html.contains("<code>employees</code>") && html.contains("请填写整数"));
}

#[tokio::test]
async fn uploads_are_limited_and_protected() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    app.user("reader", Role::Official);
    let s = app.signed_in("ops").await;
    let huge = vec![b'a'; 6 * 1024 * 1024];
    let (status, html) = upload(&app, &s, "enterprises", huge).await;
    assert_eq!(status, 413);
    assert!(html.contains("文件超过 5 MB"));
    let (status, html) = upload(&app, &s, "enterprises", vec![0xff, 0xfe, 0x00, 0x81]).await;
    assert_eq!(status, 422, "{html}");
    // No token: refused.
    let form = Form::new().text("kind", "enterprises").part(
        "file",
        Part::bytes(b"credit_code\n".to_vec()).file_name("x.csv"),
    );
    let r = s
        .post(app.url("/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Readers may not import.
    let reader = app.signed_in("reader").await;
    assert_eq!(
        reader
            .get(app.url("/import"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

#[tokio::test]
async fn exports_follow_filters_and_scope_and_stay_inert() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    app.user_with("laoshan", Role::Official, None, &["370212"], false);
    let s = app.signed_in("ops").await;
    let (a, b) = (code(20, "370212"), code(21, "370202"));
    let csv = format!(
        "credit_code,name,district_code,main_product\n{a},青岛崂山导出有限公司,370212,\"=HYPERLINK(\"\"http://evil\"\")\"\n{b},青岛市南导出有限公司,370202,阀门\n"
    );
    let (status, _) = upload(&app, &s, "enterprises", csv.into_bytes()).await;
    assert_eq!(status, 200);
    let r = s.get(app.url("/enterprises.csv")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let body = r.text().await.unwrap();
    assert!(body.starts_with('\u{feff}'));
    assert!(
        body.contains("'=HYPERLINK") && !body.contains(",=HYPERLINK"),
        "formula made inert"
    );
    assert!(body.contains("青岛崂山导出有限公司") && body.contains("青岛市南导出有限公司"));
    let filtered = s
        .get(app.url("/enterprises.csv?district=370202"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !filtered.contains("青岛崂山导出有限公司") && filtered.contains("青岛市南导出有限公司")
    );
    // A district-limited account exports only its district.
    let ls = app.signed_in("laoshan").await;
    let scoped = ls
        .get(app.url("/enterprises.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(scoped.contains("青岛崂山导出有限公司") && !scoped.contains("青岛市南导出有限公司"));
    let r = ls.get(app.url("/enterprises.xlsx")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip");
    // What was exported imports again without changes.
    let (_, html) = upload(&app, &s, "enterprises", body.into_bytes()).await;
    assert!(html.contains("未变化 2"), "{html}");
}
