//! Stored XSS and formula injection through every text field a form stores.
//!
//! The list of form fields is derived from the source: every `CsrfForm<T>` in
//! `src/routes`, the `String` fields of `T` (following `#[serde(flatten)]`). Each
//! one is either probed here (stored with a payload, then looked for on the pages and
//! exports that show it) or listed as parsed (a number, date, code, choice, id or
//! version: the payload is refused or never stored as typed). A new field fails
//! [`every_form_text_field_is_probed_or_parsed`] until it is put in one list.
//! Forms read as maps (`HashMap`/`BTreeMap`: index values and expert scores keyed by
//! indicator, attendance keyed by registration) are outside the derivation; their
//! values are numbers or fixed choices except the experts' `comment_*`, probed below.

use std::collections::{BTreeSet, HashMap};
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use srdi_board::domain::role::Role;

use super::{download, get};
use crate::helpers::{TestApp, location};

/// Payloads: each starts like a spreadsheet formula and carries markup; `{m}` is the
/// probe's marker (so a cell or a page can be traced to its field). At most 50
/// characters, the shortest limit of a probed field.
const PAYLOADS: [&str; 4] = [
    r#"=HYPERLINK("http://evil","x")<script>{m}"#,
    r#"+cmd|' /C calc'!A0<img src=x onerror=alert(1)>{m}"#,
    r#"@SUM(1)"><script>alert(1)</script>{{7*7}}{m}"#,
    r#"-2+3'"><svg onload=alert(1)>{m}"#,
];
/// For fields checked to look like an e-mail address (no spaces, an `@`, a dot).
const EMAIL_PAYLOAD: &str = r#""><img/src=x/onerror=alert(1)>{m}@evil.cn"#;
/// For fields checked to be an http(s) link.
const LINK_PAYLOAD: &str = r#"https://evil.example/"><script>alert(1)</script>{m}"#;

/// Markup that must never reach a page raw (the app's own pages contain none).
const RAW_MARKUP: [&str; 5] = [
    "<script>Q",
    "<script>alert",
    "<img src=x",
    "<img/src=x",
    "<svg onload",
];

/// A stored text field and where it shows: pages (HTML) and exports (CSV or XLSX).
/// `{e}` is the probed enterprise, `{p}` the partner, `{n}` the financing need (`{c}` the closed one), `{t}`
/// the training event, `{o}` the online event, `{u}` the user, `{r}` the proposal.
struct Probe {
    form: &'static str,
    field: &'static str,
    pages: &'static [&'static str],
    exports: &'static [&'static str],
}

const fn probe(
    form: &'static str,
    field: &'static str,
    pages: &'static [&'static str],
    exports: &'static [&'static str],
) -> Probe {
    Probe {
        form,
        field,
        pages,
        exports,
    }
}

const RECORD: &[&str] = &["/enterprises/{e}", "/enterprises/{e}/edit"];
const RECORD_EXPORTS: &[&str] = &["/enterprises.csv", "/enterprises.xlsx"];
const CULTIVATION: &[&str] = &["/enterprises/{e}/cultivation"];
const PARTNER: &[&str] = &["/partners/{p}"];
const NEED: &[&str] = &["/financing/needs/{n}"];
const INDEX_ADMIN: &[&str] = &["/admin/index"];
const INDEX_DATA: &[&str] = &["/enterprises/{e}/index/data?period=2025"];

/// Every probed field (form struct, field) and where it shows.
const PROBES: &[Probe] = &[
    probe(
        "EnterpriseInput",
        "name",
        &[
            "/enterprises/{e}",
            "/enterprises/{e}/edit",
            "/enterprises",
            "/enterprises?q=Q00Z",
            "/pipeline",
            "/proposals?status=returned",
            "/proposals/{r}",
            "/financing/needs/{n}",
        ],
        &[
            "/enterprises.csv",
            "/enterprises.xlsx",
            "/pipeline.csv",
            "/pipeline.xlsx",
        ],
    ),
    probe(
        "EnterpriseInput",
        "legal_representative",
        RECORD,
        RECORD_EXPORTS,
    ),
    probe("EnterpriseInput", "niche_market", RECORD, RECORD_EXPORTS),
    probe("EnterpriseInput", "main_product", RECORD, RECORD_EXPORTS),
    probe(
        "EnterpriseInput",
        "recommending_institution",
        RECORD,
        RECORD_EXPORTS,
    ),
    probe("EnterpriseInput", "contact_name", RECORD, RECORD_EXPORTS),
    probe("EnterpriseInput", "contact_email", RECORD, RECORD_EXPORTS),
    probe("MoveForm@board", "reason", &["/enterprises/{e}"], &[]),
    probe("TitleForm", "batch", &["/enterprises/{e}"], &[]),
    probe("NoteForm", "note", &["/enterprises/{e}"], &[]),
    probe("ReturnForm", "reason", &["/enterprises/{e}"], &[]),
    probe("DiscoverForm", "note", CULTIVATION, &[]),
    probe("TickForm", "evidence", CULTIVATION, &[]),
    probe("TickForm", "document_ref", CULTIVATION, &[]),
    probe(
        "ProposeForm",
        "reason",
        &["/enterprises/{e}/cultivation", "/proposals/{r}"],
        &[],
    ),
    probe(
        "ProposeForm",
        "comment",
        &["/enterprises/{e}/cultivation", "/proposals/{r}"],
        &[],
    ),
    probe("DecisionForm", "comment", CULTIVATION, &[]),
    probe("PlanForm@cultivation", "note", CULTIVATION, &[]),
    probe("TaskForm", "title", CULTIVATION, &[]),
    probe(
        "PartnerInput",
        "name",
        &["/partners", "/partners/{p}", "/enterprises/{e}/cultivation"],
        &[],
    ),
    probe(
        "PartnerInput",
        "contact_name",
        &["/partners", "/partners/{p}"],
        &[],
    ),
    probe(
        "PartnerInput",
        "contact_email",
        &["/partners", "/partners/{p}"],
        &[],
    ),
    probe("PartnerInput", "note", PARTNER, &[]),
    probe("AgreementInput", "scope", PARTNER, &[]),
    probe("TerminationInput", "reason", PARTNER, &[]),
    probe("PlanInput", "name", PARTNER, &[]),
    probe("PlanInput", "products", PARTNER, &[]),
    probe("PlanInput", "target_levels", PARTNER, &[]),
    probe("NeedInput", "purpose", NEED, &[]),
    probe("CloseInput", "note", &["/financing/needs/{c}"], &[]),
    probe("ReferralInput", "decline_reason", NEED, &[]),
    probe(
        "EventInput",
        "title",
        &["/training", "/training/{t}", "/training/{t}/edit"],
        &[],
    ),
    probe(
        "EventInput",
        "place",
        &["/training/{t}", "/training/{t}/edit"],
        &[],
    ),
    probe(
        "EventInput",
        "description",
        &["/training/{t}", "/training/{t}/edit"],
        &[],
    ),
    probe("EventInput", "link", &["/training/{o}"], &[]),
    probe(
        "UserForm",
        "display_name",
        &["/admin/users", "/admin/users/{u}"],
        &[],
    ),
    probe(
        "DistrictForm",
        "name_zh",
        &["/admin/reference", "/enterprises/new"],
        &[],
    ),
    probe("DistrictForm", "name_en", &["/admin/reference"], &[]),
    probe("ConditionForm", "label_zh", &["/admin/reference"], &[]),
    probe("ConditionForm", "label_en", &["/admin/reference"], &[]),
    probe("AddForm", "label_zh", &["/admin/gates"], &[]),
    probe("AddForm", "label_en", &["/admin/gates"], &[]),
    probe("EditForm@gates", "label_zh", &["/admin/gates"], &[]),
    probe("EditForm@gates", "label_en", &["/admin/gates"], &[]),
    probe("IndicatorForm", "label_zh", INDEX_ADMIN, &[]),
    probe("IndicatorForm", "label_en", INDEX_ADMIN, &[]),
    probe("IndicatorForm", "definition_zh", INDEX_DATA, &[]),
    probe("IndicatorForm", "definition_en", INDEX_DATA, &[]),
    probe("IndicatorForm", "unit", INDEX_ADMIN, &[]),
    probe("IndicatorForm", "note", INDEX_ADMIN, &[]),
    probe("JsonForm", "note", INDEX_ADMIN, &[]),
];

/// Form fields that are parsed into a number, date, code, choice, id, flag or
/// version (arbitrary text is refused or not stored as typed), or never stored
/// (sign-in, password and language forms: their echo is checked in
/// [`typed_input_shown_back_stays_escaped`]). Two are JSON documents whose texts are
/// probed on their own: `RubricForm.definition` (the rubric's names, below) and
/// `JsonForm.json` (the model's labels, as `IndicatorForm`'s).
const PARSED: &[(&str, &str)] = &[
    ("ActiveForm@partners", "active"),
    ("ActiveForm@reference", "active"),
    ("AddForm", "field"),
    ("AddForm", "key"),
    ("AddForm", "position"),
    ("AddForm", "step"),
    ("AddForm", "value"),
    ("AgreementInput", "ends_on"),
    ("AgreementInput", "signed_on"),
    ("AgreementInput", "starts_on"),
    ("AnnualInput", "digitalisation_level"),
    ("AnnualInput", "distinctive_points"),
    ("AnnualInput", "employees"),
    ("AnnualInput", "equity_financing"),
    ("AnnualInput", "ip_class1"),
    ("AnnualInput", "ip_class1_high_value"),
    ("AnnualInput", "ip_class1_self"),
    ("AnnualInput", "ip_class2"),
    ("AnnualInput", "main_business_revenue"),
    ("AnnualInput", "market_share"),
    ("AnnualInput", "net_profit"),
    ("AnnualInput", "own_brand"),
    ("AnnualInput", "quality_items"),
    ("AnnualInput", "rd_expense"),
    ("AnnualInput", "rd_institution_level"),
    ("AnnualInput", "rd_staff"),
    ("AnnualInput", "revenue"),
    ("AnnualInput", "total_assets"),
    ("AnnualInput", "total_liabilities"),
    ("AnnualInput", "year"),
    ("AssignForm", "credit_code"),
    ("AssignForm", "expert_id"),
    ("AssignForm", "indicators"),
    ("AssignForm", "period"),
    ("CloseInput", "reason"),
    ("ConditionForm", "field"),
    ("ConditionForm", "tier"),
    ("ConditionForm", "value"),
    ("DecisionForm", "decision"),
    ("DistrictForm", "code"),
    ("DoneForm", "back"),
    ("DoneForm", "done"),
    ("EditForm@gates", "active"),
    ("EditForm@gates", "position"),
    ("EnterpriseInput", "company_type"),
    ("EnterpriseInput", "contact_phone"),
    ("EnterpriseInput", "credit_code"),
    ("EnterpriseInput", "district_code"),
    ("EnterpriseInput", "founded_on"),
    ("EnterpriseInput", "has_shareholder_register"),
    ("EnterpriseInput", "high_tech_title"),
    ("EnterpriseInput", "industry_division"),
    ("EnterpriseInput", "industry_section"),
    ("EnterpriseInput", "meets_common_gate"),
    ("EnterpriseInput", "niche_since"),
    ("EnterpriseInput", "product_field"),
    ("EnterpriseInput", "registered_capital"),
    ("EnterpriseInput", "sci_award_year"),
    ("EnterpriseInput", "strategic_emerging"),
    ("EventInput", "capacity"),
    ("EventInput", "ends_at"),
    ("EventInput", "kind"),
    ("EventInput", "levels"),
    ("EventInput", "online"),
    ("EventInput", "organiser_id"),
    ("EventInput", "stages"),
    ("EventInput", "starts_at"),
    ("EventInput", "status"),
    ("EventInput", "tiers"),
    ("EventInput", "version"),
    ("IndicatorForm", "bands"),
    ("IndicatorForm", "derivation"),
    ("IndicatorForm", "direction"),
    ("IndicatorForm", "key"),
    ("IndicatorForm", "method"),
    ("IndicatorForm", "source"),
    ("IndicatorForm", "sub"),
    ("IndicatorForm", "weight"),
    ("IntermediaryForm", "engaged_on"),
    ("IntermediaryForm", "kind"),
    ("IntermediaryForm", "partner_id"),
    ("InviteForm", "expected"),
    ("InviteOneForm", "credit_code"),
    ("JsonForm", "json"),
    ("LangForm", "lang"),
    ("LangForm", "next"),
    ("LoginForm", "next"),
    ("LoginForm", "password"),
    ("LoginForm", "username"),
    ("MatchForm", "partner_id"),
    ("MoveForm@board", "action"),
    ("MoveForm@board", "effective_on"),
    ("MoveForm@board", "source_board"),
    ("MoveForm@board", "target"),
    ("NeedForm", "enterprise_id"),
    ("NeedInput", "amount"),
    ("NeedInput", "kind"),
    ("NeedInput", "wanted_by"),
    ("PasswordForm", "confirm_password"),
    ("PasswordForm", "current_password"),
    ("PasswordForm", "new_password"),
    ("PlanForm@cultivation", "counsellor_id"),
    ("PlanForm@cultivation", "planned_filing_on"),
    ("PlanForm@cultivation", "planned_listing_on"),
    ("PlanForm@cultivation", "planned_raise"),
    ("PlanForm@cultivation", "target_board"),
    ("PlanForm@cultivation", "valuation"),
    ("PlanForm@cultivation", "valuation_on"),
    ("PartnerInput", "contact_phone"),
    ("PartnerInput", "kind"),
    ("PlanInput", "active"),
    ("PlanInput", "max_amount"),
    ("PlanInput", "min_amount"),
    ("PlanInput", "rate_max"),
    ("PlanInput", "rate_min"),
    ("PlanInput", "term_months"),
    ("ProposeForm", "action"),
    ("ProposeForm", "exit_kind"),
    ("ProposeForm", "to"),
    ("QueueForm", "back"),
    ("QueueForm", "direction"),
    ("RecomputeForm", "period"),
    ("RecomputeForm", "period_text"),
    ("ReferralInput", "approved_amount"),
    ("ReferralInput", "approved_on"),
    ("ReferralInput", "approved_rate"),
    ("ReferralInput", "status"),
    ("RubricForm", "definition"),
    ("TargetsForm", "year"),
    ("TaskForm", "due_on"),
    ("TaskForm", "owner_id"),
    ("TerminationInput", "terminated_on"),
    ("TickForm", "item"),
    ("TickForm", "withdraw"),
    ("TitleForm", "expires_on"),
    ("TitleForm", "level"),
    ("TitleForm", "recognized_on"),
    ("UserForm", "all_districts"),
    ("UserForm", "districts"),
    ("UserForm", "enterprise"),
    ("UserForm", "role"),
    ("UserForm", "username"),
];

/// Names a struct the way the tables do: `Name`, or `Name@file` when several route
/// files define a struct of that name.
fn display_name(name: &str, file: &str, ambiguous: bool) -> String {
    if ambiguous {
        let stem = std::path::Path::new(file)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        // The cultivation plan form lives in cultivation/enterprise.rs.
        let stem = if stem == "enterprise" {
            "cultivation".to_string()
        } else {
            stem
        };
        format!("{name}@{stem}")
    } else {
        name.to_string()
    }
}

/// Every (form struct, field) of type `String`, `Option<String>` or `Vec<String>`
/// that a `CsrfForm<T>` in `src/routes` deserialises, read from the source.
fn form_text_fields() -> BTreeSet<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push((
                    p.to_string_lossy().into_owned(),
                    std::fs::read_to_string(&p).unwrap(),
                ));
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let struct_re =
        regex::Regex::new(r"(?s)pub struct (\w+)\s*\{(.*?)\n\}").expect("struct pattern");
    // name -> [(file, body)]
    let mut structs: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for (f, text) in &files {
        for c in struct_re.captures_iter(text) {
            structs
                .entry(c[1].to_string())
                .or_default()
                .push((f.clone(), c[2].to_string()));
        }
    }
    let field_re =
        regex::Regex::new(r"^\s*(?:pub(?:\([^)]*\))? )?(\w+): (.+),\s*$").expect("field pattern");
    let form_re = regex::Regex::new(r"CsrfForm<([\w:]+)>").expect("form pattern");
    let mut out = BTreeSet::new();
    fn fields_of(
        name: &str,
        from: &str,
        structs: &HashMap<String, Vec<(String, String)>>,
        field_re: &regex::Regex,
        out: &mut BTreeSet<(String, String)>,
    ) {
        let defs = structs
            .get(name)
            .unwrap_or_else(|| panic!("no struct {name}"));
        let (file, body) = defs
            .iter()
            .find(|(f, _)| f == from)
            .or_else(|| (defs.len() == 1).then(|| &defs[0]))
            .unwrap_or_else(|| panic!("{name} is ambiguous from {from}"));
        let shown = display_name(name, file, defs.len() > 1);
        let mut flatten = false;
        for line in body.lines() {
            if line.contains("serde(flatten)") {
                flatten = true;
                continue;
            }
            let Some(c) = field_re.captures(line) else {
                continue;
            };
            if std::mem::take(&mut flatten) {
                // A flattened map (plan targets by stage) has no fixed fields.
                if !c[2].contains("Map<") {
                    fields_of(c[2].trim(), file, structs, field_re, out);
                }
            } else if c[2].contains("String") {
                out.insert((shown.clone(), c[1].to_string()));
            }
        }
    }
    for (f, text) in files.iter().filter(|(f, _)| f.contains("/routes/")) {
        for c in form_re.captures_iter(text) {
            let name = c[1].rsplit("::").next().unwrap();
            if name != "Empty" {
                fields_of(name, f, &structs, &field_re, &mut out);
            }
        }
    }
    out
}

#[test]
fn every_form_text_field_is_probed_or_parsed() {
    let found = form_text_fields();
    assert!(found.len() >= 180, "{} fields found", found.len());
    let mut listed = BTreeSet::new();
    let mut add = |form: &str, field: &str| {
        assert!(
            listed.insert((form.to_string(), field.to_string())),
            "{form}.{field} listed twice"
        );
    };
    PROBES.iter().for_each(|p| add(p.form, p.field));
    PARSED.iter().for_each(|(f, x)| add(f, x));
    let unlisted: Vec<_> = found.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&found).collect();
    assert!(
        unlisted.is_empty(),
        "form fields in no list (probe them or say they are parsed): {unlisted:?}"
    );
    assert!(stale.is_empty(), "listed fields no form has: {stale:?}");
}

/// What a probed field was given.
fn payload(form: &str, field: &str) -> String {
    let i = PROBES
        .iter()
        .position(|p| p.form == form && p.field == field)
        .unwrap_or_else(|| panic!("{form}.{field} is not a probe"));
    let marker = format!("Q{i:02}Z");
    let template = if field.contains("email") {
        EMAIL_PAYLOAD
    } else if field == "link" {
        LINK_PAYLOAD
    } else {
        PAYLOADS[i % PAYLOADS.len()]
    };
    template.replace("{m}", &marker)
}

/// Askama's HTML escaping, to find what the user typed on a page.
fn esc(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// The cell a spreadsheet export must hold for `text` (formula-like text led by `'`).
fn inert(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// Posts a form and insists it was accepted (a redirect).
async fn accepted(app: &TestApp, c: &reqwest::Client, path: &str, fields: &[(&str, &str)]) {
    let r = app.post_form(c, path, fields).await;
    let status = r.status();
    let to = location(&r);
    let body = r.text().await.unwrap();
    assert_eq!(status, 303, "POST {path} refused: {body}");
    assert!(!to.is_empty());
}

/// The id at the end of a redirect after a create.
async fn created(app: &TestApp, c: &reqwest::Client, path: &str, fields: &[(&str, &str)]) -> i32 {
    let r = app.post_form(c, path, fields).await;
    let status = r.status();
    let to = location(&r);
    let body = r.text().await.unwrap();
    assert_eq!(status, 303, "POST {path} refused: {body}");
    to.rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{path} went to {to}"))
}

/// A version field on a page.
fn version_in(html: &str) -> String {
    let re = regex::Regex::new(r#"name="version" value="([^"]*)""#).unwrap();
    re.captures(html).expect("a version field")[1].to_string()
}

/// Every string cell of an XLSX download, after checking no cell is a formula.
fn xlsx_cells(path: &str, bytes: Vec<u8>) -> Vec<String> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let mut cells = Vec::new();
    for name in book.sheet_names() {
        let formulas = book.worksheet_formula(&name).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{path}: sheet {name} has a formula"
        );
        for (_, _, cell) in book.worksheet_range(&name).unwrap().used_cells() {
            if let Data::String(s) = cell {
                cells.push(s.clone());
            }
        }
    }
    cells
}

/// Every cell of a CSV download.
fn csv_cells(bytes: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .flat_map(|r| {
            r.unwrap()
                .iter()
                .map(str::to_string)
                .collect::<Vec<String>>()
        })
        .collect()
}

#[tokio::test]
async fn stored_payloads_stay_inert_on_every_page_and_export() {
    let app = TestApp::spawn().await;
    app.user("root", Role::Admin);
    app.user("ops", Role::Staff);
    app.user("gov", Role::Official);
    let admin = app.signed_in("root").await;
    let en = app.signed_in("root").await;
    accepted(&app, &en, "/lang", &[("lang", "en"), ("next", "/")]).await;
    let staff = app.signed_in("ops").await;
    let official = app.signed_in("gov").await;
    let p = |form: &str, field: &str| payload(form, field);
    let mut ids: HashMap<&str, String> = HashMap::new();

    // The enterprise record.
    let code = srdi_board::domain::credit_code::CreditCode::complete("9137021210000099")
        .unwrap()
        .to_string();
    let record: Vec<(&str, String)> = vec![
        ("credit_code", code.clone()),
        ("district_code", "370212".into()),
        ("company_type", "llc".into()),
        ("founded_on", "2012-05-01".into()),
        ("industry_section", "C".into()),
        ("industry_division", "35".into()),
        ("niche_since", "2013".into()),
        ("product_field", "2".into()),
        ("meets_common_gate", "on".into()),
        ("contact_phone", "0532-88888888".into()),
    ]
    .into_iter()
    .chain(
        [
            "name",
            "legal_representative",
            "niche_market",
            "main_product",
            "recommending_institution",
            "contact_name",
            "contact_email",
        ]
        .map(|f| (f, p("EnterpriseInput", f))),
    )
    .collect();
    let fields: Vec<(&str, &str)> = record.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let e = created(&app, &staff, "/enterprises", &fields).await;
    ids.insert("e", e.to_string());
    app.user_with("company", Role::Enterprise, Some(e), &[], false);
    let company = app.signed_in("company").await;

    // Board move, title, revocation note, returned annual data.
    let (_, html) = get(&app, &staff, &format!("/enterprises/{e}")).await;
    let v = version_in(&html);
    accepted(
        &app,
        &staff,
        &format!("/enterprises/{e}/board-moves"),
        &[
            ("action", "enter"),
            ("target", "display"),
            ("version", &v),
            ("reason", &p("MoveForm@board", "reason")),
        ],
    )
    .await;
    accepted(
        &app,
        &staff,
        &format!("/enterprises/{e}/qualifications"),
        &[
            ("level", "municipal"),
            ("batch", &p("TitleForm", "batch")),
            ("recognized_on", "2024-06-01"),
        ],
    )
    .await;
    let title: i32 = app.with_db(|c| {
        use diesel::prelude::*;
        use srdi_board::schema::qualifications as q;
        Ok(q::table.select(q::id).first(c)?)
    });
    accepted(
        &app,
        &staff,
        &format!("/qualifications/{title}/revocation"),
        &[("note", &p("NoteForm", "note"))],
    )
    .await;
    accepted(
        &app,
        &company,
        &format!("/enterprises/{e}/annual"),
        &[("year", "2025"), ("revenue", "9600")],
    )
    .await;
    let (_, queue) = get(&app, &staff, "/submissions").await;
    let sid = regex::Regex::new(r#"/submissions/(\d+)/return"#)
        .unwrap()
        .captures(&queue)
        .expect("a submission")[1]
        .to_string();
    accepted(
        &app,
        &staff,
        &format!("/submissions/{sid}/return"),
        &[("reason", &p("ReturnForm", "reason"))],
    )
    .await;

    // A partner with an agreement (then terminated) and a service plan.
    let partner = created(
        &app,
        &staff,
        "/partners",
        &[
            ("name", &p("PartnerInput", "name")),
            ("kind", "bank"),
            ("contact_name", &p("PartnerInput", "contact_name")),
            ("contact_email", &p("PartnerInput", "contact_email")),
            ("note", &p("PartnerInput", "note")),
        ],
    )
    .await;
    ids.insert("p", partner.to_string());
    let here = format!("/partners/{partner}");
    accepted(
        &app,
        &staff,
        &format!("{here}/agreements"),
        &[
            ("signed_on", "2025-12-01"),
            ("scope", &p("AgreementInput", "scope")),
            ("starts_on", "2026-01-01"),
            ("ends_on", ""),
        ],
    )
    .await;
    let agreement = app.with_db(|c| {
        Ok(srdi_board::models::financing::Agreement::for_partner(
            c, partner,
        )?)
    })[0]
        .id;
    accepted(
        &app,
        &staff,
        &format!("{here}/agreements/{agreement}/terminate"),
        &[
            ("terminated_on", "2026-03-01"),
            ("reason", &p("TerminationInput", "reason")),
            ("version", "1"),
        ],
    )
    .await;
    accepted(
        &app,
        &staff,
        &format!("{here}/plans"),
        &[
            ("name", &p("PlanInput", "name")),
            ("products", &p("PlanInput", "products")),
            ("min_amount", "50"),
            ("max_amount", "1000"),
            ("term_months", "12"),
            ("rate_min", "3.2"),
            ("rate_max", "4.5"),
            ("target_levels", &p("PlanInput", "target_levels")),
            ("active", "1"),
        ],
    )
    .await;

    // IPO cultivation: discovery, a tick, the plan, a task, an intermediary, an exit
    // proposal returned by the official.
    let cult = format!("/enterprises/{e}/cultivation");
    accepted(
        &app,
        &staff,
        &format!("{cult}/discover"),
        &[("note", &p("DiscoverForm", "note"))],
    )
    .await;
    accepted(
        &app,
        &staff,
        &format!("{cult}/ticks"),
        &[
            ("item", "reserve.willing"),
            ("evidence", &p("TickForm", "evidence")),
            ("document_ref", &p("TickForm", "document_ref")),
        ],
    )
    .await;
    accepted(
        &app,
        &staff,
        &format!("{cult}/plan"),
        &[
            ("target_board", "star"),
            ("valuation", ""),
            ("planned_raise", ""),
            ("planned_filing_on", ""),
            ("planned_listing_on", ""),
            ("counsellor_id", ""),
            ("note", &p("PlanForm@cultivation", "note")),
            ("version", "0"),
        ],
    )
    .await;
    let staff_id = app.with_db(|c| {
        Ok(srdi_board::models::user::User::by_username(c, "ops")?
            .unwrap()
            .id)
    });
    let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
    accepted(
        &app,
        &staff,
        &format!("{cult}/tasks"),
        &[
            ("title", &p("TaskForm", "title")),
            ("owner_id", &staff_id.to_string()),
            ("due_on", &due),
        ],
    )
    .await;
    accepted(
        &app,
        &staff,
        &format!("{cult}/intermediaries"),
        &[
            ("kind", "bank"),
            ("partner_id", &partner.to_string()),
            ("engaged_on", "2026-01-05"),
        ],
    )
    .await;
    accepted(
        &app,
        &staff,
        &format!("{cult}/proposals"),
        &[
            ("action", "exit"),
            ("exit_kind", "withdrawn"),
            ("reason", &p("ProposeForm", "reason")),
            ("comment", &p("ProposeForm", "comment")),
        ],
    )
    .await;
    let proposal = app.with_db(|c| {
        Ok(srdi_board::models::cultivation::proposals_of(c, e)?
            .into_iter()
            .find(|p| p.is_pending())
            .expect("a pending proposal")
            .id)
    });
    ids.insert("r", proposal.to_string());
    accepted(
        &app,
        &official,
        &format!("/proposals/{proposal}/decision"),
        &[
            ("decision", "return"),
            ("comment", &p("DecisionForm", "comment")),
        ],
    )
    .await;

    // Financing: a need referred to the partner and declined; another closed.
    accepted(
        &app,
        &company,
        "/financing/needs",
        &[
            ("kind", "first_loan"),
            ("amount", "300"),
            ("purpose", &p("NeedInput", "purpose")),
            ("wanted_by", ""),
        ],
    )
    .await;
    let needs = || app.with_db(|c| Ok(srdi_board::models::financing::Need::for_enterprise(c, e)?));
    let need = needs()[0].id;
    ids.insert("n", need.to_string());
    accepted(
        &app,
        &staff,
        &format!("/financing/needs/{need}/referrals"),
        &[("partner_id", &partner.to_string())],
    )
    .await;
    let referral = app.with_db(|c| {
        Ok(srdi_board::models::financing::Referral::for_needs(
            c,
            &[need],
        )?)
    })[0]
        .0
        .id;
    accepted(
        &app,
        &staff,
        &format!("/financing/referrals/{referral}"),
        &[
            ("status", "declined"),
            ("decline_reason", &p("ReferralInput", "decline_reason")),
            ("version", "1"),
        ],
    )
    .await;
    accepted(
        &app,
        &company,
        "/financing/needs",
        &[
            ("kind", "first_loan"),
            ("amount", "100"),
            ("purpose", "x"),
            ("wanted_by", ""),
        ],
    )
    .await;
    let other = needs().iter().map(|n| n.id).max().unwrap();
    ids.insert("c", other.to_string());
    accepted(
        &app,
        &company,
        &format!("/financing/needs/{other}/close"),
        &[
            ("reason", "other"),
            ("note", &p("CloseInput", "note")),
            ("version", "1"),
        ],
    )
    .await;

    // Training: an event on site and one online (a javascript: link is refused).
    let day = |d: i64, h: u32| {
        (chrono::Utc::now() + chrono::Duration::hours(8) + chrono::Duration::days(d))
            .date_naive()
            .and_hms_opt(h, 0, 0)
            .unwrap()
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    let event = |title: String, place: String, description: String| {
        vec![
            ("title", title),
            ("kind", "training".to_string()),
            ("starts_at", day(10, 9)),
            ("ends_at", day(10, 12)),
            ("place", place),
            ("capacity", "30".to_string()),
            ("description", description),
        ]
    };
    let fields = event(
        p("EventInput", "title"),
        p("EventInput", "place"),
        p("EventInput", "description"),
    );
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    ids.insert(
        "t",
        created(&app, &staff, "/training", &borrowed)
            .await
            .to_string(),
    );
    let mut online = event("线上直播".into(), String::new(), String::new());
    online.push(("online", "1".into()));
    online.push(("link", "javascript:alert(1)".into()));
    let borrowed: Vec<(&str, &str)> = online.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post_form(&staff, "/training", &borrowed).await;
    assert_eq!(r.status(), 422, "a javascript: link is refused");
    assert!(r.text().await.unwrap().contains(r#"id="link-error""#));
    online.last_mut().unwrap().1 = p("EventInput", "link");
    let borrowed: Vec<(&str, &str)> = online.iter().map(|(k, v)| (*k, v.as_str())).collect();
    ids.insert(
        "o",
        created(&app, &staff, "/training", &borrowed)
            .await
            .to_string(),
    );

    // Accounts and reference data.
    // The account is made on a page that shows its temporary password once.
    let r = app
        .post_form(
            &admin,
            "/admin/users",
            &[
                ("username", "xss.user"),
                ("display_name", &p("UserForm", "display_name")),
                ("role", "staff"),
                ("enterprise", ""),
                ("all_districts", "on"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let user = app.with_db(|c| {
        Ok(srdi_board::models::user::User::by_username(c, "xss.user")?
            .unwrap()
            .id)
    });
    ids.insert("u", user.to_string());
    accepted(
        &app,
        &admin,
        "/admin/districts",
        &[
            ("code", "370299"),
            ("name_zh", &p("DistrictForm", "name_zh")),
            ("name_en", &p("DistrictForm", "name_en")),
        ],
    )
    .await;
    accepted(
        &app,
        &admin,
        "/admin/board-conditions",
        &[
            ("tier", "display"),
            ("field", "company_type"),
            ("value", "joint_stock"),
            ("label_zh", &p("ConditionForm", "label_zh")),
            ("label_en", &p("ConditionForm", "label_en")),
        ],
    )
    .await;
    accepted(
        &app,
        &admin,
        "/admin/gates",
        &[
            ("step", "reserve"),
            ("field", "manual"),
            ("value", ""),
            ("key", "reserve.xss_probe"),
            ("label_zh", &p("AddForm", "label_zh")),
            ("label_en", &p("AddForm", "label_en")),
            ("position", ""),
        ],
    )
    .await;

    let gate = app
        .with_db(|c| Ok(srdi_board::models::cultivation::gate_rows(c)?))
        .into_iter()
        .find(|r| r.key == "filing.receipt")
        .expect("a built-in gate item")
        .id;
    accepted(
        &app,
        &admin,
        &format!("/admin/gates/{gate}"),
        &[
            ("label_zh", &p("EditForm@gates", "label_zh")),
            ("label_en", &p("EditForm@gates", "label_en")),
            ("position", "0"),
            ("active", "1"),
        ],
    )
    .await;

    // The index model: a local indicator (a new version), then the same model saved
    // as JSON with a note.
    let sub = srdi_board::domain::index::model::IndexModel::builtin().dimensions[5].subs[0]
        .key
        .clone();
    accepted(
        &app,
        &admin,
        "/admin/index/indicators/new",
        &[
            ("sub", &sub),
            ("key", "xss_probe"),
            ("label_zh", &p("IndicatorForm", "label_zh")),
            ("label_en", &p("IndicatorForm", "label_en")),
            ("definition_zh", &p("IndicatorForm", "definition_zh")),
            ("definition_en", &p("IndicatorForm", "definition_en")),
            ("unit", &p("IndicatorForm", "unit")),
            ("direction", "higher"),
            ("source", "entered"),
            ("derivation", ""),
            ("method", "min_max"),
            ("bands", ""),
            ("weight", "0.2"),
            ("note", &p("IndicatorForm", "note")),
        ],
    )
    .await;
    let model = app.with_db(|c| Ok(srdi_board::models::index::active(c)?.id));
    let json_path = format!("/admin/index/models/{model}/json");
    let (_, html) = get(&app, &admin, &json_path).await;
    let json = regex::Regex::new(r#"(?s)<textarea id="json" name="json"[^>]*>(.*?)</textarea>"#)
        .unwrap()
        .captures(&html)
        .expect("the model's JSON")[1]
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&");
    let json = json.replacen("\"weight\": 0.2", "\"weight\": 0.3", 1);
    accepted(
        &app,
        &admin,
        &json_path,
        &[("json", &json), ("note", &p("JsonForm", "note"))],
    )
    .await;

    // A rubric definition (JSON): its names are stored text.
    let srdi = srdi_board::domain::rubric::builtin()
        .into_iter()
        .find(|d| d.code == "srdi_sme")
        .unwrap();
    let mut rubric = serde_json::to_value(&srdi).unwrap();
    let rubric_zh = PAYLOADS[2].replace("{m}", "QR0Z");
    let rubric_en = PAYLOADS[3].replace("{m}", "QR1Z");
    rubric["version"] = "2099".into();
    rubric["name_zh"] = rubric_zh.clone().into();
    rubric["name_en"] = rubric_en.clone().into();
    accepted(
        &app,
        &admin,
        "/admin/rubrics",
        &[("definition", &rubric.to_string())],
    )
    .await;
    // (The rubric page evaluates a year of annual data.)
    accepted(
        &app,
        &staff,
        &format!("/enterprises/{e}/annual"),
        &[
            ("year", "2024"),
            ("revenue", "8000"),
            ("main_business_revenue", "7200"),
            ("rd_expense", "400"),
        ],
    )
    .await;
    let rubric_page = format!("/enterprises/{e}/rubric?rubric=srdi_sme");
    let (_, html) = get(&app, &admin, &rubric_page).await;
    assert!(html.contains(&esc(&rubric_zh)) && !html.contains(&rubric_zh));
    let (_, html) = get(&app, &en, &rubric_page).await;
    assert!(html.contains(&esc(&rubric_en)) && !html.contains(&rubric_en));

    // An expert's comment (a map form: `comment_<indicator>`).
    let reputation = "spec_market_reputation";
    let expert = app.user("prof", Role::Expert).id;
    accepted(
        &app,
        &admin,
        "/index/experts",
        &[
            ("expert_id", &expert.to_string()),
            ("credit_code", &code),
            ("period", "2025"),
            ("indicators", reputation),
        ],
    )
    .await;
    let prof = app.signed_in("prof").await;
    let score_path = format!("/index/expert/{e}/2025");
    let (_, html) = get(&app, &prof, &score_path).await;
    let v = version_in(&html);
    let comment = PAYLOADS[1].replace("{m}", "QX1Z");
    accepted(
        &app,
        &prof,
        &score_path,
        &[
            ("version", &v),
            (&format!("score_{reputation}"), "80"),
            (&format!("comment_{reputation}"), &comment),
        ],
    )
    .await;
    let (_, html) = get(&app, &prof, &score_path).await;
    assert!(html.contains(&esc(&comment)) && !html.contains(&comment));

    // Every page that shows a probed field, in both languages, by an account that
    // sees it; and every export.
    let fill = |path: &str| {
        let mut out = path.to_string();
        for (k, v) in &ids {
            out = out.replace(&format!("{{{k}}}"), v);
        }
        out
    };
    let mut pages: HashMap<String, Vec<&Probe>> = HashMap::new();
    let mut exports: HashMap<String, Vec<&Probe>> = HashMap::new();
    for probe in PROBES {
        for page in probe.pages {
            pages.entry(fill(page)).or_default().push(probe);
        }
        for export in probe.exports {
            exports.entry(fill(export)).or_default().push(probe);
        }
    }
    for (path, probes) in &pages {
        for (who, client) in [("admin", &admin), ("admin in English", &en)] {
            let (status, html) = get(&app, client, path).await;
            assert_eq!(status, 200, "{who} GET {path}");
            for raw in RAW_MARKUP {
                assert!(!html.contains(raw), "{who} GET {path}: raw {raw}");
            }
            for probe in probes {
                let typed = payload(probe.form, probe.field);
                assert!(
                    !html.contains(&typed),
                    "{who} GET {path}: {}.{} unescaped",
                    probe.form,
                    probe.field
                );
                // A bilingual label shows in its own language.
                let english = who.ends_with("English");
                let shown_here = if probe.field.ends_with("_zh") {
                    !english
                } else if probe.field.ends_with("_en") {
                    english
                } else {
                    true
                };
                if shown_here {
                    assert!(
                        html.contains(&esc(&typed)),
                        "{who} GET {path}: {}.{} not shown as typed",
                        probe.form,
                        probe.field
                    );
                }
            }
        }
    }
    // The enterprise's own account, staff and the official see the same text, escaped.
    for (client, path, shows) in [
        (
            &company,
            format!("/enterprises/{e}"),
            ("ReturnForm", "reason"),
        ),
        (&company, "/financing".to_string(), ("NeedInput", "purpose")),
        (&staff, "/tasks".to_string(), ("TaskForm", "title")),
        (&staff, "/tasks".to_string(), ("EnterpriseInput", "name")),
        (
            &official,
            format!("/enterprises/{e}/cultivation"),
            ("ProposeForm", "reason"),
        ),
        (
            &official,
            format!("/proposals/{proposal}"),
            ("ProposeForm", "comment"),
        ),
    ] {
        let (status, html) = get(&app, client, &path).await;
        assert_eq!(status, 200, "GET {path}");
        for raw in RAW_MARKUP {
            assert!(!html.contains(raw), "GET {path}: raw {raw}");
        }
        assert!(
            html.contains(&esc(&payload(shows.0, shows.1))),
            "GET {path}: {shows:?}"
        );
    }
    for (path, probes) in &exports {
        let (status, bytes) = download(&app, &admin, path).await;
        assert_eq!(status, 200, "GET {path}");
        let cells = if path.ends_with(".xlsx") {
            xlsx_cells(path, bytes)
        } else {
            csv_cells(&bytes)
        };
        for probe in probes {
            let typed = payload(probe.form, probe.field);
            let marker = &typed[typed.find("Q").unwrap()..][..4];
            let found: Vec<&String> = cells.iter().filter(|c| c.contains(marker)).collect();
            assert!(
                !found.is_empty(),
                "{path}: {}.{} missing",
                probe.form,
                probe.field
            );
            // XLSX cells are typed strings (never formulas, checked above) holding
            // exactly what was typed; CSV cells that look like formulas lead with '.
            let want = if path.ends_with(".xlsx") {
                typed.clone()
            } else {
                inert(&typed)
            };
            for cell in found {
                assert_eq!(cell, &want, "{path}: {}.{}", probe.form, probe.field);
            }
        }
    }
}

#[tokio::test]
async fn typed_input_shown_back_stays_escaped() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let attack = r#""><script>alert(1)</script>"#;
    // A failed sign-in keeps the typed name in the form.
    let r = app
        .login(&app.client(), attack, "wrong-password-1234")
        .await;
    let html = r.text().await.unwrap();
    assert!(html.contains(&esc(attack)), "the name is kept, escaped");
    assert!(!html.contains(attack));
    // A refused form shows every field as typed, escaped in its value attribute.
    let staff = app.signed_in("ops").await;
    let r = app
        .post_form(
            &staff,
            "/enterprises",
            &[
                ("credit_code", attack),
                ("name", attack),
                ("main_product", attack),
                ("founded_on", attack),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!(r#"value="{}""#, esc(attack))));
    for raw in RAW_MARKUP {
        assert!(!html.contains(raw), "raw {raw}");
    }
}
