//! Injection and session evidence: stored XSS through every text field (pages, CSV
//! and XLSX), SQL injection and LIKE wildcards in every filter and search box,
//! malformed uploads, and session fixation. Runs on both databases.

mod fixation;
mod sql;
mod uploads;
mod xss;

use crate::helpers::TestApp;

/// A GET with `client`: (status, body).
async fn get(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// A GET with query parameters (encoded by the client): the body.
async fn get_query(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    query: &[(&str, &str)],
) -> String {
    let r = client.get(app.url(path)).query(query).send().await.unwrap();
    String::from_utf8_lossy(&r.bytes().await.unwrap()).into_owned()
}

/// A GET of a download: (status, bytes).
async fn download(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, Vec<u8>) {
    let r = client.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

/// Rows of every table the app keeps (the injection tests check they all survive).
fn table_rows(app: &TestApp) -> Vec<(String, i64)> {
    use diesel::prelude::*;
    use srdi_board::schema::*;
    app.with_db(|c| {
        Ok(vec![
            (
                "enterprises".into(),
                enterprises::table.count().get_result(c)?,
            ),
            ("users".into(), users::table.count().get_result(c)?),
            ("sessions".into(), sessions::table.count().get_result(c)?),
            ("audit_log".into(), audit_log::table.count().get_result(c)?),
            (
                "qualifications".into(),
                qualifications::table.count().get_result(c)?,
            ),
            (
                "annual_data".into(),
                annual_data::table.count().get_result(c)?,
            ),
            (
                "index_values".into(),
                index_values::table.count().get_result(c)?,
            ),
            ("partners".into(), partners::table.count().get_result(c)?),
        ])
    })
}
