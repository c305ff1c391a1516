//! Countries for the intake form: ISO 3166-1 alpha-2 codes, their names from
//! the catalog (`locales/<lang>/countries.ftl`), and a forgiving search so a
//! patient can type a country's name in their language (or in English).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

use crate::i18n::{Catalog, Locale};

/// Most matches offered as buttons after a typed search.
pub const MAX_MATCHES: usize = 6;

/// Offered as buttons before the patient types anything.
pub const DEFAULT_SUGGESTIONS: &[&str] =
    &["US", "GB", "IN", "CN", "RU", "SA", "AE", "EG", "ES", "MX"];

/// Every country a patient can pick.
pub const CODES: &[&str] = &[
    "AF", "AL", "DZ", "AD", "AO", "AG", "AR", "AM", "AU", "AT", "AZ", "BS", "BH", "BD", "BB", "BY",
    "BE", "BZ", "BJ", "BT", "BO", "BA", "BW", "BR", "BN", "BG", "BF", "BI", "CV", "KH", "CM", "CA",
    "CF", "TD", "CL", "CN", "CO", "KM", "CG", "CD", "CR", "CI", "HR", "CU", "CY", "CZ", "DK", "DJ",
    "DM", "DO", "EC", "EG", "SV", "GQ", "ER", "EE", "SZ", "ET", "FJ", "FI", "FR", "GA", "GM", "GE",
    "DE", "GH", "GR", "GD", "GT", "GN", "GW", "GY", "HT", "HN", "HU", "IS", "IN", "ID", "IR", "IQ",
    "IE", "IL", "IT", "JM", "JP", "JO", "KZ", "KE", "KI", "KW", "KG", "LA", "LV", "LB", "LS", "LR",
    "LY", "LI", "LT", "LU", "MG", "MW", "MY", "MV", "ML", "MT", "MH", "MR", "MU", "MX", "FM", "MD",
    "MC", "MN", "ME", "MA", "MZ", "MM", "NA", "NR", "NP", "NL", "NZ", "NI", "NE", "NG", "KP", "MK",
    "NO", "OM", "PK", "PW", "PA", "PG", "PY", "PE", "PH", "PL", "PT", "QA", "KR", "RO", "RU", "RW",
    "KN", "LC", "VC", "WS", "SM", "ST", "SA", "SN", "RS", "SC", "SL", "SG", "SK", "SI", "SB", "SO",
    "ZA", "SS", "ES", "LK", "SD", "SR", "SE", "CH", "SY", "TJ", "TZ", "TH", "TL", "TG", "TO", "TT",
    "TN", "TR", "TM", "TV", "UG", "UA", "AE", "GB", "US", "UY", "UZ", "VU", "VE", "VN", "YE", "ZM",
    "ZW", "PS", "XK", "TW", "HK", "MO", "VA", "PR",
];

pub fn is_known(code: &str) -> bool {
    CODES.contains(&code)
}

pub fn message_id(code: &str) -> String {
    format!("country-{code}")
}

pub fn name(catalog: &Catalog, locale: &Locale, code: &str) -> String {
    catalog.format(locale, &message_id(code), &[])
}

/// What a typed country name matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    /// Exactly one country has this name.
    Exact(String),
    /// Countries whose names contain the text, best first.
    Candidates(Vec<String>),
}

/// Finds countries by a typed name, in the patient's locale and in English,
/// ignoring case, accents and punctuation.
pub fn search(catalog: &Catalog, locale: &Locale, typed: &str) -> Search {
    let query = normalize(typed);
    if query.is_empty() {
        return Search::Candidates(Vec::new());
    }
    let locales = [locale, catalog.reference()];
    let mut starts = Vec::new();
    let mut contains = Vec::new();
    for code in CODES {
        let names: Vec<String> = locales
            .iter()
            .map(|l| normalize(&name(catalog, l, code)))
            .collect();
        if names.contains(&query) {
            return Search::Exact((*code).to_owned());
        }
        if names.iter().any(|name| {
            name.starts_with(&query) || name.split(' ').any(|word| word.starts_with(&query))
        }) {
            starts.push((*code).to_owned());
        } else if query.chars().count() >= 3 && names.iter().any(|name| name.contains(&query)) {
            contains.push((*code).to_owned());
        }
    }
    starts.extend(contains);
    starts.truncate(MAX_MATCHES);
    Search::Candidates(starts)
}

/// Lowercase, without accents, marks or punctuation, single-spaced.
fn normalize(text: &str) -> String {
    let folded: String = text
        .nfd()
        .filter(|ch| canonical_combining_class(*ch) == 0)
        .flat_map(char::to_lowercase)
        .map(|ch| if ch.is_alphanumeric() { ch } else { ' ' })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn catalog() -> Catalog {
        Catalog::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("locales")).unwrap()
    }

    #[test]
    fn finds_countries_by_name_in_the_patients_language_or_english() {
        let catalog = catalog();
        let es = catalog.find("es").unwrap();
        let ar = catalog.find("ar").unwrap();
        let zh = catalog.find("zh-Hans").unwrap();
        assert_eq!(search(&catalog, es, "méxico"), Search::Exact("MX".into()));
        assert_eq!(search(&catalog, es, "MEXICO"), Search::Exact("MX".into()));
        assert_eq!(search(&catalog, es, "Germany"), Search::Exact("DE".into()));
        assert_eq!(search(&catalog, ar, "مصر"), Search::Exact("EG".into()));
        assert_eq!(search(&catalog, zh, "中国"), Search::Exact("CN".into()));
        let Search::Candidates(found) = search(&catalog, catalog.reference(), "guin") else {
            panic!("several Guineas expected")
        };
        assert!(
            found.contains(&"GN".to_owned()) && found.contains(&"GW".to_owned()),
            "{found:?}"
        );
        assert!(found.len() <= MAX_MATCHES);
        assert_eq!(search(&catalog, es, "atlantis"), Search::Candidates(vec![]));
        assert_eq!(search(&catalog, es, "  !! "), Search::Candidates(vec![]));
    }

    #[test]
    fn every_country_has_a_name_in_every_locale() {
        let catalog = catalog();
        for locale in catalog.locales() {
            for code in CODES {
                assert!(
                    catalog.has_message(locale, &message_id(code)),
                    "{locale} {code}"
                );
            }
        }
    }
}
