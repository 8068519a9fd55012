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

    /// All districts ordered by code.
    pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<District>> {
        districts::table.order(districts::code).load(conn)
    }
}
