//! Oversized and malformed uploads to both imports: each is refused with a message
//! beside the file field (4xx, never 500) and nothing is imported or audited.

use reqwest::multipart::{Form, Part};
use srdi_board::domain::role::Role;

use super::table_rows;
use crate::helpers::TestApp;

/// The upload limit (`MAX_UPLOAD` in src/routes/transfer.rs).
const LIMIT: usize = srdi_board::routes::transfer::MAX_UPLOAD;

/// (import path, kind field) of every import.
const IMPORTS: [(&str, &str); 3] = [
    ("/import", "enterprises"),
    ("/import", "annual"),
    ("/index/import", ""),
];

async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    kind: &str,
    bytes: Vec<u8>,
) -> (u16, String) {
    let token = app.csrf(client, path).await;
    let mut form = Form::new().text("csrf_token", token);
    if !kind.is_empty() {
        form = form.text("kind", kind.to_string());
    }
    let form = form.part(
        "file",
        Part::bytes(bytes)
            .file_name("data.csv")
            .mime_str("text/csv")
            .unwrap(),
    );
    let r = client
        .post(app.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The message shown beside the file field, if any.
fn file_error(html: &str) -> Option<String> {
    regex::Regex::new(r#"<p class="field-error" id="file-error"[^>]*>([^<]+)</p>"#)
        .unwrap()
        .captures(html)
        .map(|c| c[1].to_string())
}

/// Every row problem listed, as (line, column, message).
fn row_errors(html: &str) -> Vec<String> {
    regex::Regex::new(
        r#"<tr><td class="num">(\d+)</td><td><code>([^<]*)</code></td><td>([^<]+)</td></tr>"#,
    )
    .unwrap()
    .captures_iter(html)
    .map(|c| format!("{}|{}|{}", &c[1], &c[2], &c[3]))
    .collect()
}

#[tokio::test]
async fn bad_files_are_refused_beside_the_field_and_import_nothing() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let known = app.enterprise("9137021210000021", "青岛导入测试有限公司", "370212");
    let s = app.signed_in("ops").await;
    let code = known.credit_code.to_string();

    // A well-formed file of each kind, to build the bad ones from.
    let enterprise_header = "credit_code,name,district_code,main_product";
    let annual_header = "credit_code,year,revenue";
    let (_, index_template) = super::get(&app, &s, "/index/import/template.csv").await;
    let index_header = index_template
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .to_string();
    let header = |kind: &str| match kind {
        "enterprises" => enterprise_header.to_string(),
        "annual" => annual_header.to_string(),
        _ => index_header.clone(),
    };
    let row = |kind: &str, text: &str| match kind {
        "enterprises" => format!("{code},{text},370212,阀门"),
        "annual" => format!("{code},2025,{text}"),
        _ => format!("{code},2025,{text}"),
    };

    let mut png =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    png.extend_from_slice(&[0u8; 64]);
    let mut zip = b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0".to_vec();
    zip.extend_from_slice(b"[Content_Types].xml");
    zip.extend_from_slice(&[0u8; 64]);

    let before = table_rows(&app);
    for (path, kind) in IMPORTS {
        let mut oversized = format!("{}\n", header(kind)).into_bytes();
        let line = format!("{}\n", row(kind, "1"));
        while oversized.len() <= LIMIT {
            oversized.extend_from_slice(line.as_bytes());
        }
        let wide: String = (0..20_000).map(|i| format!("c{i},")).collect();
        let cases: Vec<(&str, Vec<u8>, u16)> = vec![
            ("oversized", oversized, 413),
            ("empty", Vec::new(), 422),
            ("png", png.clone(), 422),
            ("zip (an xlsx)", zip.clone(), 422),
            ("invalid encoding", vec![0xff, 0xfe, 0x00, 0x81, 0xff], 422),
            ("wrong headers", b"foo,bar\n1,2\n".to_vec(), 422),
            (
                "20,000 columns",
                format!("{}{wide}\n{}\n", header(kind), row(kind, "1")).into_bytes(),
                422,
            ),
            (
                "a NUL in a row",
                format!("{}\n{}\n", header(kind), row(kind, "青岛\0有限公司")).into_bytes(),
                422,
            ),
            (
                "a formula where a code belongs",
                format!(
                    "{}\n{}\n",
                    header(kind),
                    row(kind, "1").replacen(&code, "=HYPERLINK(\"http://evil\")", 1)
                )
                .into_bytes(),
                422,
            ),
        ];
        for (what, bytes, want) in cases {
            let (status, html) = upload(&app, &s, path, kind, bytes).await;
            assert_eq!(status, want, "{path} {kind}: {what}: {html}");
            let beside = file_error(&html);
            let rows = row_errors(&html);
            assert!(
                beside.is_some() || !rows.is_empty(),
                "{path} {kind}: {what}: a message says what is wrong"
            );
            if !rows.is_empty() {
                assert!(
                    beside.is_some_and(|m| m.contains("未导入")),
                    "{path} {kind}: {what}: the field says nothing was imported"
                );
            }
            assert!(
                !html.contains("系统出现错误") && !html.to_lowercase().contains("diesel"),
                "{path} {kind}: {what}"
            );
            assert_eq!(
                table_rows(&app),
                before,
                "{path} {kind}: {what}: nothing imported"
            );
        }
    }
}
