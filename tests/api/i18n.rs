//! Both interface languages have the same keys.

use std::collections::BTreeSet;

#[test]
fn both_locales_have_the_same_keys() {
    let backend = srdi_board::i18n_backend();
    let keys = |locale: &str| -> BTreeSet<String> {
        backend
            .messages_for_locale(locale)
            .unwrap_or_else(|| panic!("locale {locale} is loaded"))
            .into_iter()
            .map(|(k, _)| k.to_string())
            .collect()
    };
    let zh = keys("zh-CN");
    let en = keys("en");
    let only_zh: Vec<_> = zh.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&zh).collect();
    assert!(
        only_zh.is_empty() && only_en.is_empty(),
        "only in zh-CN: {only_zh:?}; only in en: {only_en:?}"
    );
    assert!(zh.len() > 100);
}

#[test]
fn every_key_used_in_templates_exists() {
    let backend = srdi_board::i18n_backend();
    let re = regex::Regex::new(r#"ctx\.t1?\("([a-z_.]+)""#).unwrap();
    let mut missing = Vec::new();
    for entry in walk(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")) {
        let text = std::fs::read_to_string(&entry).unwrap();
        for cap in re.captures_iter(&text) {
            if backend.translate("en", &cap[1]).is_none() {
                missing.push(format!("{}: {}", entry.display(), &cap[1]));
            }
        }
    }
    assert!(missing.is_empty(), "missing keys: {missing:?}");
}

fn walk(dir: std::path::PathBuf) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(p))
        } else {
            out.push(p)
        }
    }
    out
}
