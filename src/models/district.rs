//! Districts (GB/T 2260 codes) known to the system.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::domain::locale::Locale;
use crate::schema::districts;

/// A district row.
#[derive(Debug, Clone, Queryable)]
pub struct District {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

impl District {
    /// The name in the interface language.
    pub fn name(&self, locale: Locale) -> &str {
        match locale {
            Locale::ZhCn => &self.name_zh,
            Locale::En => &self.name_en,
        }
    }

    /// The name of `code` among `districts` in the interface language, or the code
    /// itself when it is not known.
    pub fn name_of(districts: &[District], code: &str, locale: Locale) -> String {
        districts
            .iter()
            .find(|d| d.code == code)
            .map_or_else(|| code.to_string(), |d| d.name(locale).to_string())
    }

    /// All districts ordered by code.
    pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<District>> {
        districts::table.order(districts::code).load(conn)
    }
}

/// Adds a district (a GB/T 2260 code with its names), audited. Returns false if the
/// code exists already.
pub fn add(
    conn: &mut DbConnection,
    actor: &crate::models::audit::Actor,
    code: &crate::domain::district::DistrictCode,
    name_zh: &str,
    name_en: &str,
) -> QueryResult<bool> {
    let exists: bool = diesel::select(diesel::dsl::exists(
        districts::table.filter(districts::code.eq(code.as_str())),
    ))
    .get_result(conn)?;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(districts::table)
        .values((
            districts::code.eq(code.as_str()),
            districts::name_zh.eq(name_zh.trim()),
            districts::name_en.eq(name_en.trim()),
        ))
        .execute(conn)?;
    crate::models::audit::record(
        conn,
        actor,
        crate::models::audit::Change {
            action: "district.add",
            entity: "district",
            entity_id: Some(code.to_string()),
            district_code: Some(code.to_string()),
            after: Some(
                serde_json::json!({ "name_zh": name_zh.trim(), "name_en": name_en.trim() }),
            ),
            ..Default::default()
        },
    )?;
    Ok(true)
}
