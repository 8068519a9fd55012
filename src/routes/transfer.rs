//! Exports of the filtered enterprise list (CSV safe against formula injection, and
//! XLSX) and CSV imports of enterprises and annual data: every row is validated
//! first, any error is reported by line and column and nothing is imported; a valid
//! file is imported in one transaction; importing the same file again changes nothing.

use std::collections::BTreeMap;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Datelike;
use futures_util::StreamExt;

use crate::auth::Auth;
use crate::db::{DbConnection, write_transaction};
use crate::domain::annual::AnnualInput;
use crate::domain::enterprise::{EnterpriseInput, FieldProblem};
use crate::domain::scope::DataScope;
use crate::domain::sheet::{self, ANNUAL_COLUMNS, ENTERPRISE_COLUMNS};
use crate::error::AppError;
use crate::models::audit::Actor;
use crate::models::enterprise::{self, Enterprise, EnterpriseWriteError};
use crate::routes::enterprises::list::ListQuery;
use crate::routes::enterprises::{EDITORS, READERS, today};
use crate::startup::AppState;
use crate::views::{PageCtx, page, render};

/// The largest file accepted for import.
pub const MAX_UPLOAD: usize = 5 * 1024 * 1024;

fn flag_cell(v: &Option<String>) -> String {
    if v.is_some() { "1".into() } else { "0".into() }
}

/// The cells of an enterprise in [`ENTERPRISE_COLUMNS`] order, then tier, level, expiry.
fn enterprise_cells(e: &Enterprise) -> Vec<String> {
    let i = e.data().to_input();
    let value = serde_json::to_value(&i).unwrap_or_default();
    let mut cells: Vec<String> = ENTERPRISE_COLUMNS
        .iter()
        .map(|(name, _, _)| match value.get(*name) {
            Some(serde_json::Value::String(s)) => s.clone(),
            _ => String::new(),
        })
        .collect();
    // Checkboxes travel as 1/0.
    for (idx, (name, _, _)) in ENTERPRISE_COLUMNS.iter().enumerate() {
        let flag = match *name {
            "strategic_emerging" => Some(&i.strategic_emerging),
            "high_tech_title" => Some(&i.high_tech_title),
            "meets_common_gate" => Some(&i.meets_common_gate),
            "has_shareholder_register" => Some(&i.has_shareholder_register),
            _ => None,
        };
        if let Some(f) = flag {
            cells[idx] = flag_cell(f);
        }
    }
    cells.push(e.current_tier.clone().unwrap_or_default());
    cells.push(e.current_level.clone().unwrap_or_default());
    cells.push(
        e.level_expires_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    cells
}

async fn rows_for_export(
    auth: &Auth,
    state: &web::Data<AppState>,
    q: ListQuery,
) -> Result<Vec<Enterprise>, AppError> {
    auth.require(READERS)?;
    let scope = auth.user().scope.clone();
    let filter = ListQuery {
        after: String::new(),
        after_id: None,
        ..q
    }
    .filter();
    state
        .db
        .read(move |conn| Ok(enterprise::export(conn, &scope, &filter)?))
        .await
}

/// A `Content-Disposition` header that saves the body as `name`.
pub(crate) fn attachment(name: &str) -> (actix_web::http::header::HeaderName, String) {
    (
        CONTENT_DISPOSITION,
        format!("attachment; filename=\"{name}\""),
    )
}

/// A cell of a generic export.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Cell {
    /// The cell as text (numbers without trailing zeros).
    pub fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(x) => x.to_string(),
            Cell::Empty => String::new(),
        }
    }

    /// Whether the cell holds a number (right-aligned on pages).
    pub fn is_number(&self) -> bool {
        matches!(self, Cell::Number(_))
    }
}

/// A CSV download (UTF-8 with BOM, formula-like cells made inert) of `rows`.
pub(crate) async fn csv_response(
    name: &str,
    header: Vec<String>,
    rows: Vec<Vec<Cell>>,
) -> Result<HttpResponse, AppError> {
    let body = web::block(move || -> Result<Vec<u8>, AppError> {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        {
            let csv_err = |e: csv::Error| AppError::Internal(e.into());
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(&header).map_err(csv_err)?;
            for r in &rows {
                w.write_record(r.iter().map(|c| sheet::inert(&c.text()).into_owned()))
                    .map_err(csv_err)?;
            }
            w.flush().map_err(|e| AppError::Internal(e.into()))?;
        }
        Ok(out)
    })
    .await??;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header(attachment(name))
        .body(body))
}

/// One sheet of a workbook: its name, header row and rows.
pub struct Sheet {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// An XLSX download of `rows` on one sheet, header in bold, numbers as numbers.
pub(crate) async fn xlsx_response(
    name: &str,
    sheet_name: &str,
    header: Vec<String>,
    rows: Vec<Vec<Cell>>,
) -> Result<HttpResponse, AppError> {
    let sheet = Sheet {
        name: sheet_name.to_string(),
        header,
        rows,
    };
    xlsx_book_response(name, vec![sheet]).await
}

/// An XLSX download of several sheets, each header in bold, numbers as numbers.
pub(crate) async fn xlsx_book_response(
    name: &str,
    sheets: Vec<Sheet>,
) -> Result<HttpResponse, AppError> {
    let body = web::block(move || -> Result<Vec<u8>, AppError> {
        let xe = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("xlsx: {e}"));
        let mut book = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        for sheet in &sheets {
            // Sheet names are limited to 31 characters without []:*?/\.
            let sheet_name: String = sheet
                .name
                .chars()
                .filter(|c| !"[]:*?/\\".contains(*c))
                .take(31)
                .collect();
            let ws = book.add_worksheet();
            ws.set_name(&sheet_name).map_err(xe)?;
            for (c, h) in sheet.header.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, h, &bold)
                    .map_err(xe)?;
            }
            for (r, row) in sheet.rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let (r, c) = ((r + 1) as u32, c as u16);
                    match cell {
                        Cell::Text(t) => {
                            ws.write_string(r, c, t).map_err(xe)?;
                        }
                        Cell::Number(x) => {
                            ws.write_number(r, c, *x).map_err(xe)?;
                        }
                        Cell::Empty => {}
                    }
                }
            }
        }
        book.save_to_buffer().map_err(xe)
    })
    .await??;
    Ok(HttpResponse::Ok()
        .insert_header((
            CONTENT_TYPE,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ))
        .insert_header(attachment(name))
        .body(body))
}

/// `GET /enterprises.csv`: the filtered list, importable again (UTF-8 with BOM so
/// spreadsheet tools detect the encoding; formula-like cells made inert).
pub async fn export_csv(
    auth: Auth,
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let rows = rows_for_export(&auth, &state, q.into_inner()).await?;
    let body = web::block(move || -> Result<Vec<u8>, AppError> {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        {
            let mut w = csv::Writer::from_writer(&mut out);
            let mut header: Vec<&str> = ENTERPRISE_COLUMNS.iter().map(|c| c.0).collect();
            header.extend(sheet::DERIVED_COLUMNS);
            w.write_record(&header)
                .map_err(|e| AppError::Internal(e.into()))?;
            for e in &rows {
                let cells = enterprise_cells(e);
                w.write_record(cells.iter().map(|c| sheet::inert(c).into_owned()))
                    .map_err(|e| AppError::Internal(e.into()))?;
            }
            w.flush().map_err(|e| AppError::Internal(e.into()))?;
        }
        Ok(out)
    })
    .await??;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header(attachment("enterprises.csv"))
        .body(body))
}

/// `GET /enterprises.xlsx`: the filtered list for people, with headers in their language.
pub async fn export_xlsx(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let rows = rows_for_export(&auth, &state, q.into_inner()).await?;
    let en = ctx.locale == crate::domain::locale::Locale::En;
    let labels: Vec<String> = ENTERPRISE_COLUMNS
        .iter()
        .map(|(_, zh, e)| {
            if en {
                (*e).to_string()
            } else {
                (*zh).to_string()
            }
        })
        .chain(
            [
                "enterprise.tier",
                "enterprise.level",
                "enterprise.level_expires_on",
            ]
            .iter()
            .map(|k| ctx.t(k)),
        )
        .collect();
    let tier_level: Vec<(String, String)> = rows
        .iter()
        .map(|e| {
            (
                ctx.opt_label("tier", &e.current_tier),
                ctx.opt_label("level", &e.current_level),
            )
        })
        .collect();
    let body = web::block(move || -> Result<Vec<u8>, AppError> {
        let xe = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("xlsx: {e}"));
        let mut book = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let sheet = book.add_worksheet();
        for (c, label) in labels.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, label, &bold)
                .map_err(xe)?;
        }
        for (r, (e, (tier, level))) in rows.iter().zip(&tier_level).enumerate() {
            let mut cells = enterprise_cells(e);
            let n = cells.len();
            cells[n - 3] = tier.clone();
            cells[n - 2] = level.clone();
            for (c, v) in cells.iter().enumerate() {
                // Strings are written as strings: a spreadsheet never evaluates them.
                sheet
                    .write_string((r + 1) as u32, c as u16, v)
                    .map_err(xe)?;
            }
        }
        sheet.set_freeze_panes(1, 2).map_err(xe)?;
        book.save_to_buffer().map_err(xe)
    })
    .await??;
    Ok(HttpResponse::Ok()
        .insert_header((
            CONTENT_TYPE,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ))
        .insert_header(attachment("enterprises.xlsx"))
        .body(body))
}

/// One problem in an uploaded file.
#[derive(Debug, Clone)]
pub struct RowError {
    /// The line in the file (the header is line 1).
    pub line: usize,
    /// The column's header as written in the file ("" for the whole row).
    pub column: String,
    pub key: &'static str,
    pub arg: String,
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// The import page (form, column documentation, and the outcome of an upload).
#[derive(Template)]
#[template(path = "import.html")]
pub struct ImportPage {
    pub ctx: PageCtx,
    pub kind: String,
    pub errors: Vec<RowError>,
    pub summary: Option<Summary>,
    pub file_error: Option<&'static str>,
    pub enterprise_columns: &'static [(&'static str, &'static str, &'static str)],
    pub annual_columns: &'static [(&'static str, &'static str, &'static str)],
}

impl ImportPage {
    fn new(ctx: PageCtx) -> ImportPage {
        ImportPage {
            ctx,
            kind: "enterprises".into(),
            errors: Vec::new(),
            summary: None,
            file_error: None,
            enterprise_columns: &ENTERPRISE_COLUMNS,
            annual_columns: &ANNUAL_COLUMNS,
        }
    }

    /// A column's header in the page language.
    pub fn header(&self, c: &(&str, &str, &str)) -> String {
        if self.ctx.locale == crate::domain::locale::Locale::En {
            c.2.to_string()
        } else {
            c.1.to_string()
        }
    }
}

/// `GET /import`
pub async fn form(auth: Auth, ctx: PageCtx) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    page(&ImportPage::new(ctx))
}

/// The fields of the upload form.
pub(crate) struct Upload {
    pub csrf: Option<String>,
    pub kind: String,
    pub file: Vec<u8>,
    pub too_large: bool,
}

pub(crate) async fn read_upload(mut payload: Multipart) -> Result<Upload, AppError> {
    let mut up = Upload {
        csrf: None,
        kind: String::new(),
        file: Vec::new(),
        too_large: false,
    };
    while let Some(item) = payload.next().await {
        let mut field = item.map_err(|e| AppError::BadRequest(format!("upload: {e}")))?;
        let name = field.name().unwrap_or("").to_string();
        let mut buf = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| AppError::BadRequest(format!("upload: {e}")))?;
            if buf.len() + chunk.len() > MAX_UPLOAD {
                up.too_large = true;
                continue; // drain the rest without keeping it
            }
            buf.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "csrf_token" => up.csrf = Some(String::from_utf8_lossy(&buf).into_owned()),
            "kind" => up.kind = String::from_utf8_lossy(&buf).into_owned(),
            "file" => up.file = buf,
            _ => {}
        }
    }
    Ok(up)
}

impl Upload {
    /// The uploaded file as text, or why it is refused (the status and the message
    /// shown beside the file field): too large, missing, binary (a NUL byte: an
    /// image, an XLSX or other zip, UTF-16 text; PostgreSQL cannot store NUL in text
    /// either), or in an unknown encoding.
    pub(crate) fn text(&self) -> Result<String, (StatusCode, &'static str)> {
        if self.too_large {
            Err((StatusCode::PAYLOAD_TOO_LARGE, "import.too_large"))
        } else if self.file.is_empty() {
            Err((StatusCode::UNPROCESSABLE_ENTITY, "import.no_file"))
        } else if self.file.contains(&0) {
            Err((StatusCode::UNPROCESSABLE_ENTITY, "import.binary"))
        } else {
            sheet::decode(&self.file)
                .map_err(|_| (StatusCode::UNPROCESSABLE_ENTITY, "import.encoding"))
        }
    }
}

/// A CSV row: its line number and its cells by column name.
type CsvRow = (usize, BTreeMap<&'static str, String>);

/// The rows of a CSV file as (line, column name -> cell), with header problems.
fn read_rows(text: &str, columns: &[(&'static str, &str, &str)]) -> (Vec<CsvRow>, Vec<RowError>) {
    let mut errors = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(_) => {
            errors.push(RowError {
                line: 1,
                column: String::new(),
                key: "import.unreadable",
                arg: String::new(),
            });
            return (Vec::new(), errors);
        }
    };
    let mut mapping = Vec::new();
    for h in &headers {
        match sheet::column_for(h, columns) {
            Some(c) => mapping.push(Some(c)),
            None if h.trim().is_empty() || sheet::DERIVED_COLUMNS.contains(&h.trim()) => {
                mapping.push(None)
            }
            None => {
                errors.push(RowError {
                    line: 1,
                    column: h.clone(),
                    key: "import.unknown_column",
                    arg: h.clone(),
                });
                mapping.push(None);
            }
        }
    }
    if !mapping.contains(&Some("credit_code")) {
        errors.push(RowError {
            line: 1,
            column: String::new(),
            key: "import.no_code_column",
            arg: String::new(),
        });
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line() as usize);
                if r.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                let mut cells = BTreeMap::new();
                for (i, cell) in r.iter().enumerate() {
                    if let Some(Some(col)) = mapping.get(i) {
                        cells.insert(*col, cell.trim().trim_start_matches('\'').to_string());
                    }
                }
                rows.push((line, cells));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                errors.push(RowError {
                    line,
                    column: String::new(),
                    key: "import.bad_row",
                    arg: String::new(),
                });
            }
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(RowError {
            line: 2,
            column: String::new(),
            key: "import.empty",
            arg: String::new(),
        });
    }
    (rows, errors)
}

fn header_of(columns: &[(&'static str, &str, &str)], field: &str) -> String {
    columns
        .iter()
        .find(|c| c.0 == field)
        .map_or_else(|| field.to_string(), |c| c.0.to_string())
}

fn problems_to_errors(
    line: usize,
    problems: Vec<FieldProblem>,
    columns: &[(&'static str, &str, &str)],
    out: &mut Vec<RowError>,
) {
    for p in problems {
        out.push(RowError {
            line,
            column: header_of(columns, p.field),
            key: p.key,
            arg: p.arg,
        });
    }
}

fn as_flag(v: Option<&String>) -> Option<String> {
    v.filter(|s| {
        matches!(
            s.trim(),
            "1" | "on" | "true" | "yes" | "是" | "有" | "Y" | "y"
        )
    })
    .map(|_| "on".into())
}

fn enterprise_input(cells: &BTreeMap<&'static str, String>) -> EnterpriseInput {
    let g = |k: &str| cells.get(k).cloned().unwrap_or_default();
    EnterpriseInput {
        credit_code: g("credit_code"),
        name: g("name"),
        legal_representative: g("legal_representative"),
        founded_on: g("founded_on"),
        company_type: g("company_type"),
        registered_capital: g("registered_capital"),
        district_code: g("district_code"),
        industry_section: g("industry_section"),
        industry_division: g("industry_division"),
        niche_market: g("niche_market"),
        main_product: g("main_product"),
        niche_since: g("niche_since"),
        product_field: g("product_field"),
        strategic_emerging: as_flag(cells.get("strategic_emerging")),
        high_tech_title: as_flag(cells.get("high_tech_title")),
        sci_award_year: g("sci_award_year"),
        meets_common_gate: as_flag(cells.get("meets_common_gate")),
        has_shareholder_register: as_flag(cells.get("has_shareholder_register")),
        recommending_institution: g("recommending_institution"),
        contact_name: g("contact_name"),
        contact_phone: g("contact_phone"),
        contact_email: g("contact_email"),
    }
}

fn annual_input(cells: &BTreeMap<&'static str, String>) -> AnnualInput {
    let mut value = serde_json::Map::new();
    for (k, v) in cells {
        if *k != "credit_code" {
            value.insert((*k).to_string(), serde_json::Value::String(v.clone()));
        }
    }
    serde_json::from_value(serde_json::Value::Object(value)).unwrap_or_default()
}

/// Why a transaction was abandoned: row errors (roll back, report) or a failure.
enum Abort {
    Rows(Vec<RowError>),
    App(AppError),
}

impl From<diesel::result::Error> for Abort {
    fn from(e: diesel::result::Error) -> Self {
        Abort::App(e.into())
    }
}

fn import_enterprises(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: &DataScope,
    rows: Vec<(usize, crate::domain::enterprise::EnterpriseData)>,
) -> Result<Summary, Abort> {
    let mut summary = Summary::default();
    let mut errors = Vec::new();
    for (line, data) in rows {
        let row_error = |key: &'static str| RowError {
            line,
            column: "district_code".into(),
            key,
            arg: String::new(),
        };
        if !scope.covers_district(&data.district_code) {
            errors.push(row_error("field.district_out_of_scope"));
            continue;
        }
        match Enterprise::by_code(conn, &data.credit_code)? {
            Some(existing) if !scope.allows(existing.id, &existing.district_code) => {
                errors.push(RowError {
                    line,
                    column: "credit_code".into(),
                    key: "import.out_of_scope",
                    arg: String::new(),
                });
            }
            Some(existing) if existing.data() == data => summary.unchanged += 1,
            Some(existing) => {
                match Enterprise::update(conn, actor, scope, existing.id, existing.version, &data) {
                    Ok(_) => summary.updated += 1,
                    Err(EnterpriseWriteError::UnknownDistrict) => {
                        errors.push(row_error("field.district"))
                    }
                    Err(EnterpriseWriteError::Db(e)) => return Err(e.into()),
                    Err(other) => return Err(Abort::App(other.into())),
                }
            }
            None => match Enterprise::create(conn, actor, &data) {
                Ok(_) => summary.created += 1,
                Err(EnterpriseWriteError::UnknownDistrict) => {
                    errors.push(row_error("field.district"))
                }
                Err(EnterpriseWriteError::Db(e)) => return Err(e.into()),
                Err(other) => return Err(Abort::App(other.into())),
            },
        }
    }
    if errors.is_empty() {
        Ok(summary)
    } else {
        Err(Abort::Rows(errors))
    }
}

fn import_annual(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: &DataScope,
    rows: Vec<(usize, String, crate::domain::annual::AnnualFigures)>,
) -> Result<Summary, Abort> {
    let mut summary = Summary::default();
    let mut errors = Vec::new();
    for (line, code, figures) in rows {
        let Some(e) =
            Enterprise::by_code(conn, &code)?.filter(|e| scope.allows(e.id, &e.district_code))
        else {
            errors.push(RowError {
                line,
                column: "credit_code".into(),
                key: "import.unknown_enterprise",
                arg: code,
            });
            continue;
        };
        let current = crate::models::annual::year(conn, e.id, figures.year)?.map(|r| r.version);
        match crate::models::annual::save(conn, actor, &e, &figures, current) {
            Ok(true) if current.is_some() => summary.updated += 1,
            Ok(true) => summary.created += 1,
            Ok(false) => summary.unchanged += 1,
            Err(crate::models::annual::AnnualWriteError::Db(d)) => return Err(d.into()),
            Err(crate::models::annual::AnnualWriteError::Conflict(_)) => errors.push(RowError {
                line,
                column: "year".into(),
                key: "field.stale",
                arg: String::new(),
            }),
        }
    }
    if errors.is_empty() {
        Ok(summary)
    } else {
        Err(Abort::Rows(errors))
    }
}

/// `POST /import` (multipart: `csrf_token`, `kind` = enterprises | annual, `file`).
pub async fn upload(
    req: HttpRequest,
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let up = read_upload(payload).await?;
    crate::auth::csrf::verify(&req, up.csrf.as_deref())?;
    let mut out = ImportPage::new(ctx);
    out.kind = if up.kind == "annual" {
        "annual".into()
    } else {
        "enterprises".into()
    };
    let text = match up.text() {
        Ok(text) => text,
        Err((status, key)) => {
            out.file_error = Some(key);
            return render(status, &out);
        }
    };
    let annual = out.kind == "annual";
    let columns: &[(&'static str, &str, &str)] = if annual {
        &ANNUAL_COLUMNS
    } else {
        &ENTERPRISE_COLUMNS
    };
    // 1. Every row is checked before anything is written.
    let (rows, mut errors) = read_rows(&text, columns);
    let today = today();
    let mut seen = std::collections::HashMap::new();
    let mut enterprise_rows = Vec::new();
    let mut annual_rows = Vec::new();
    for (line, cells) in &rows {
        let code = cells
            .get("credit_code")
            .cloned()
            .unwrap_or_default()
            .trim()
            .to_uppercase();
        if annual {
            let key = format!("{code}/{}", cells.get("year").cloned().unwrap_or_default());
            if let Some(first) = seen.insert(key, *line) {
                errors.push(RowError {
                    line: *line,
                    column: "year".into(),
                    key: "import.duplicate_row",
                    arg: first.to_string(),
                });
            }
            match annual_input(cells).parse(today.year()) {
                Ok(f) => annual_rows.push((*line, code, f)),
                Err(p) => problems_to_errors(*line, p, columns, &mut errors),
            }
        } else {
            if let Some(first) = seen.insert(code.clone(), *line) {
                errors.push(RowError {
                    line: *line,
                    column: "credit_code".into(),
                    key: "import.duplicate_row",
                    arg: first.to_string(),
                });
            }
            match enterprise_input(cells).parse(today) {
                Ok(d) => enterprise_rows.push((*line, d)),
                Err(p) => problems_to_errors(*line, p, columns, &mut errors),
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        out.errors = errors;
        return render(StatusCode::UNPROCESSABLE_ENTITY, &out);
    }
    // 2. One transaction: all rows land, or (on any row refused by the database
    //    checks: scope, unknown enterprise) none do.
    let actor = auth.actor();
    let scope = auth.user().scope.clone();
    let outcome = state
        .db
        .read(move |conn| {
            let r = write_transaction(conn, |c| {
                if annual {
                    import_annual(c, &actor, &scope, annual_rows)
                } else {
                    import_enterprises(c, &actor, &scope, enterprise_rows)
                }
            });
            match r {
                Ok(s) => Ok(Ok(s)),
                Err(Abort::Rows(e)) => Ok(Err(e)),
                Err(Abort::App(e)) => Err(e),
            }
        })
        .await?;
    match outcome {
        Ok(summary) => {
            out.summary = Some(summary);
            page(&out)
        }
        Err(errors) => {
            out.errors = errors;
            render(StatusCode::UNPROCESSABLE_ENTITY, &out)
        }
    }
}
