//! `navigator export`: a case's answers as FHIR or plain JSON, or the form
//! as a FHIR Questionnaire. Reads the database (its URL and data keys
//! through `config`, as `run` reads them); writes a file or stdout.
//!
//! Owns the command and the plain JSON shape. Must not build FHIR (that is
//! `intake::fhir`'s) nor write anywhere but the file or stdout it is given
//! (and the audit log).

use std::path::PathBuf;

use anyhow::Context;
use serde_json::{Value, json};

use crate::config::{self, ContentDirs, DataKeys, DatabaseArgs};
use crate::content::Content;
use crate::intake::CaseRef;
use crate::intake::fhir;
use crate::storage::{Storage, StoredCase};

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ExportFormat {
    Fhir,
    Json,
}

pub struct Request {
    /// `None` exports the Questionnaire.
    pub case: Option<String>,
    pub format: ExportFormat,
    pub output: Option<PathBuf>,
    pub database: DatabaseArgs,
    /// Needed to read a database whose data is encrypted.
    pub keys: DataKeys,
    pub dirs: ContentDirs,
}

pub fn export(request: Request) -> anyhow::Result<()> {
    super::block_on(run(request))
}

async fn run(request: Request) -> anyhow::Result<()> {
    let content = Content::load(&request.dirs.locales_dir, &request.dirs.dialogues_dir)
        .map_err(|problems| anyhow::anyhow!("{problems}"))?;
    let document = match &request.case {
        None => fhir::questionnaire(&content.form, &content.catalog),
        Some(reference) => {
            let reference = CaseRef::parse(reference).with_context(|| {
                format!("“{reference}” is not a case reference (expected e.g. CF-000123)")
            })?;
            let (url, sealer) = config::database_and_keys(&request.database, &request.keys)?;
            let storage = Storage::connect_sealed(url.expose(), sealer).await?;
            let case = storage
                .case(reference)
                .await?
                .with_context(|| format!("no case {reference} in this database"))?;
            let who = std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned());
            storage
                .audit(
                    Some(reference),
                    None,
                    "export",
                    &format!("navigator export by {who}"),
                )
                .await?;
            storage.close().await;
            tracing::info!(case = %reference, "case exported");
            if matches!(request.format, ExportFormat::Fhir) {
                fhir::questionnaire_response(
                    &content.form,
                    &content.catalog,
                    &reference.to_string(),
                    case.created_at,
                    &case.answers,
                )
            } else {
                plain_json(&case)
            }
        }
    };
    let text = serde_json::to_string_pretty(&document)? + "\n";
    crate::files::write_output(request.output.as_deref(), text.as_bytes())
}

pub fn plain_json(case: &StoredCase) -> Value {
    json!({
        "reference": case.reference.to_string(),
        "status": case.status.as_str(),
        "locale": case.locale,
        "created_at": case.created_at,
        "consent": {"version": case.consent_version, "at": case.consent_at},
        "answers": case.answers,
    })
}
