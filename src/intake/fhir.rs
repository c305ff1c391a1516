//! HL7 FHIR R4 views of the intake form: the `Questionnaire` generated from
//! `dialogues/intake.yaml`, and a case's answers as a `QuestionnaireResponse`.
//! Labels are English (the coordinators' language); values keep their
//! stable ids as codes.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use crate::i18n::Catalog;

use super::countries;
use super::engine::{Answer, DocumentKind};
use super::form::{Field, Form, Kind};

/// Canonical URL of the generated Questionnaire; responses point at it.
pub const QUESTIONNAIRE_URL: &str = "https://cancerfax.example/fhir/Questionnaire/intake";
const VALUE_SYSTEM: &str = "https://cancerfax.example/fhir/CodeSystem/intake";
const COUNTRY_SYSTEM: &str = "urn:iso:std:iso:3166";
const LANGUAGE_SYSTEM: &str = "urn:ietf:bcp:47";

/// The FHIR item type that carries a field's answers.
pub fn item_type(kind: &Kind) -> &'static str {
    match kind {
        Kind::Consent => "boolean",
        Kind::Choice(_)
        | Kind::Multi(_)
        | Kind::YesNoUnsure
        | Kind::Country { .. }
        | Kind::Language => "choice",
        Kind::Text { max, .. } if *max > 200 => "text",
        Kind::Text { .. } | Kind::Phone => "string",
        Kind::Integer { .. } => "integer",
        Kind::MonthYear { .. } => "date",
        Kind::Files { .. } => "attachment",
    }
}

pub fn questionnaire(form: &Form, catalog: &Catalog) -> Value {
    let english = catalog.reference();
    let items: Vec<Value> = form
        .fields
        .iter()
        .map(|field| {
            let mut item = json!({
                "linkId": field.id,
                "text": catalog.format_attribute(english, &field.prompt, "label"),
                "type": item_type(&field.kind),
                "required": field.required,
            });
            let options: Vec<Value> = field
                .choices()
                .iter()
                .map(|choice| json!({"valueCoding": coding(VALUE_SYSTEM, &choice.value, &catalog.format(english, &choice.label, &[]))}))
                .collect();
            if !options.is_empty() {
                item["answerOption"] = Value::Array(options);
            }
            if let Kind::Multi(_) | Kind::Files { .. } = field.kind {
                item["repeats"] = json!(true);
            }
            if let Kind::Country { .. } = field.kind {
                item["answerValueSet"] = json!("http://hl7.org/fhir/ValueSet/iso3166-1-2");
            }
            if let Kind::Text { max, .. } = field.kind {
                item["maxLength"] = json!(max);
            }
            if let Some(condition) = &field.when {
                let enable: Vec<Value> = condition
                    .any_of
                    .iter()
                    .map(|value| json!({"question": condition.field, "operator": "=", "answerCoding": {"system": VALUE_SYSTEM, "code": value}}))
                    .collect();
                item["enableWhen"] = Value::Array(enable);
                item["enableBehavior"] = json!("any");
            }
            item
        })
        .collect();
    json!({
        "resourceType": "Questionnaire",
        "url": QUESTIONNAIRE_URL,
        "version": form.consent_version,
        "name": "CancerFaxIntake",
        "title": "CancerFax initial case details",
        "status": "active",
        "subjectType": ["Patient"],
        "item": items,
    })
}

/// A case's answers. Skipped questions are left out, as FHIR expects.
pub fn questionnaire_response(
    form: &Form,
    catalog: &Catalog,
    reference: &str,
    created_at: i64,
    answers: &BTreeMap<String, Answer>,
) -> Value {
    let items: Vec<Value> = form
        .fields
        .iter()
        .filter_map(|field| {
            let answer = answers.get(&field.id)?;
            let values = answer_values(field, catalog, answer);
            (!values.is_empty()).then(|| {
                json!({
                    "linkId": field.id,
                    "text": catalog.format_attribute(catalog.reference(), &field.prompt, "label"),
                    "answer": values,
                })
            })
        })
        .collect();
    json!({
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": "https://cancerfax.example/case", "value": reference},
        "questionnaire": QUESTIONNAIRE_URL,
        "status": "completed",
        "authored": iso_time(created_at),
        "item": items,
    })
}

fn answer_values(field: &Field, catalog: &Catalog, answer: &Answer) -> Vec<Value> {
    let english = catalog.reference();
    let choice = |value: &str| {
        let display = field
            .choices()
            .into_iter()
            .find(|c| c.value == value)
            .map(|c| catalog.format(english, &c.label, &[]))
            .unwrap_or_else(|| value.to_owned());
        json!({"valueCoding": coding(VALUE_SYSTEM, value, &display)})
    };
    match answer {
        Answer::Consent { .. } => vec![json!({"valueBoolean": true})],
        Answer::Choice(value) => vec![choice(value)],
        Answer::Multi(values) => values.iter().map(|v| choice(v)).collect(),
        Answer::Text(text) => vec![json!({"valueString": text})],
        Answer::Integer(number) => vec![json!({"valueInteger": number})],
        Answer::MonthYear(month) => {
            vec![json!({"valueDate": format!("{}-{:02}", month.year, month.month)})]
        }
        Answer::Phone(phone) => vec![json!({"valueString": phone.as_str()})],
        Answer::Country(code) => {
            vec![
                json!({"valueCoding": coding(COUNTRY_SYSTEM, code, &countries::name(catalog, english, code))}),
            ]
        }
        Answer::Language(tag) => vec![json!({"valueCoding": coding(LANGUAGE_SYSTEM, tag, tag)})],
        Answer::Files(files) => files
            .iter()
            .map(|file| {
                let content_type = match file.kind {
                    DocumentKind::Pdf => "application/pdf",
                    DocumentKind::Photo => "image/jpeg",
                    DocumentKind::Image => "image/*",
                };
                let mut attachment = json!({
                    "contentType": content_type,
                    "url": format!("urn:telegram:file:{}", file.file_id),
                });
                if let Some(name) = &file.name {
                    attachment["title"] = json!(name);
                }
                if let Some(size) = file.size {
                    attachment["size"] = json!(size);
                }
                json!({"valueAttachment": attachment})
            })
            .collect(),
        Answer::Skipped => Vec::new(),
    }
}

fn coding(system: &str, code: &str, display: &str) -> Value {
    json!({"system": system, "code": code, "display": display})
}

fn iso_time(unix: i64) -> String {
    Utc.timestamp_opt(unix, 0)
        .single()
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::Path;

    use super::*;
    use crate::content::Content;
    use crate::intake::engine::Document;
    use crate::intake::values::{MonthYear, Phone};

    fn content() -> Content {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        Content::load(&root.join("locales"), &root.join("dialogues")).unwrap()
    }

    fn sample_answers() -> BTreeMap<String, Answer> {
        let mut answers = BTreeMap::new();
        let mut put = |id: &str, answer| {
            answers.insert(id.to_owned(), answer);
        };
        put(
            "consent",
            Answer::Consent {
                version: "v".into(),
                at: 0,
            },
        );
        put("emergency", Answer::Choice("no".into()));
        put("writer", Answer::Choice("family".into()));
        put("first_name", Answer::Text("Ana".into()));
        put("age", Answer::Integer(56));
        put("country", Answer::Country("ES".into()));
        put("cancer_type", Answer::Choice("lung".into()));
        put("driver", Answer::Choice("egfr".into()));
        put("therapy", Answer::Text("osimertinib".into()));
        put("progressing", Answer::Choice("yes".into()));
        put(
            "progression_since",
            Answer::MonthYear(MonthYear {
                year: 2026,
                month: 3,
            }),
        );
        put("testing", Answer::Choice("both".into()));
        put("egfr_finding", Answer::Choice("c797s".into()));
        put("finding_text", Answer::Skipped);
        put(
            "help_wanted",
            Answer::Multi(vec!["record_review".into(), "travel_admission".into()]),
        );
        put(
            "documents",
            Answer::Files(vec![Document {
                file_id: "F1".into(),
                kind: DocumentKind::Pdf,
                name: Some("ct.pdf".into()),
                size: Some(10),
            }]),
        );
        put("contact", Answer::Choice("phone".into()));
        put(
            "phone",
            Answer::Phone(Phone::parse_typed("+34 600 000 000").unwrap()),
        );
        put("language", Answer::Language("es".into()));
        answers
    }

    /// The value[x] name an answer of each item type must use (FHIR R4).
    fn value_key(item_type: &str) -> &'static str {
        match item_type {
            "boolean" => "valueBoolean",
            "choice" => "valueCoding",
            "string" | "text" => "valueString",
            "integer" => "valueInteger",
            "date" => "valueDate",
            "attachment" => "valueAttachment",
            other => panic!("unexpected item type {other}"),
        }
    }

    #[test]
    fn response_matches_the_questionnaire_item_by_item() {
        let content = content();
        let q = questionnaire(&content.form, &content.catalog);
        assert_eq!(q["resourceType"], "Questionnaire");
        let types: HashMap<&str, &str> = q["item"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| {
                (
                    item["linkId"].as_str().unwrap(),
                    item["type"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(types.len(), content.form.fields.len());

        let r = questionnaire_response(
            &content.form,
            &content.catalog,
            "CF-000007",
            1_795_000_000,
            &sample_answers(),
        );
        assert_eq!(r["resourceType"], "QuestionnaireResponse");
        assert_eq!(r["questionnaire"], q["url"]);
        assert_eq!(r["status"], "completed");
        assert_eq!(r["authored"], "2026-11-18T11:06:40Z");
        let items = r["item"].as_array().unwrap();
        assert_eq!(
            items.len(),
            sample_answers().len() - 1,
            "the skipped answer is left out"
        );
        for item in items {
            let link_id = item["linkId"].as_str().unwrap();
            let item_type = types
                .get(link_id)
                .unwrap_or_else(|| panic!("{link_id} not in the Questionnaire"));
            for answer in item["answer"].as_array().unwrap() {
                let object = answer.as_object().unwrap();
                assert_eq!(object.len(), 1, "{link_id}: exactly one value[x]");
                assert!(
                    object.contains_key(value_key(item_type)),
                    "{link_id}: {answer} for type {item_type}"
                );
            }
        }
        let by_id = |id: &str| items.iter().find(|i| i["linkId"] == id).unwrap()["answer"].clone();
        assert_eq!(by_id("progression_since")[0]["valueDate"], "2026-03");
        assert_eq!(by_id("country")[0]["valueCoding"]["code"], "ES");
        assert_eq!(by_id("help_wanted").as_array().unwrap().len(), 2);
        assert_eq!(
            by_id("documents")[0]["valueAttachment"]["contentType"],
            "application/pdf"
        );
    }

    #[test]
    fn conditions_become_enable_when() {
        let content = content();
        let q = questionnaire(&content.form, &content.catalog);
        let egfr = q["item"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["linkId"] == "egfr_finding")
            .unwrap();
        assert_eq!(egfr["enableWhen"][0]["question"], "driver");
        assert_eq!(egfr["enableWhen"][0]["answerCoding"]["code"], "egfr");
        assert_eq!(egfr["required"], false);
    }
}
