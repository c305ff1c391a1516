//! Content: the validated bundle of everything editors write — the Fluent
//! catalog (`locales/`) and the dialogue trees (`dialogues/`) — loaded and
//! cross-checked together, and the `Problem` type every loader reports with.
//!
//! Owns file reading for content. Must not touch Telegram or storage.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::dialogue::Trees;
use crate::i18n::Catalog;
use crate::intake::Form;

/// One thing wrong in a content file, phrased for the person who edits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl Problem {
    pub fn in_file(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Problem {
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found while loading, so an editor fixes them in one pass.
#[derive(Debug, thiserror::Error)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} problem(s) in the content files:", self.0.len())?;
        for problem in &self.0 {
            writeln!(f, "  {problem}")?;
        }
        Ok(())
    }
}

/// Locales and trees, loaded and validated against each other.
pub struct Content {
    pub catalog: Catalog,
    pub trees: Trees,
    pub form: Form,
}

impl Content {
    pub fn load(locales_dir: &Path, dialogues_dir: &Path) -> Result<Content, Problems> {
        let catalog = Catalog::load(locales_dir);
        let trees = Trees::load(dialogues_dir);
        let form = Form::load(dialogues_dir);
        let (catalog, trees, form) = match (catalog, trees, form) {
            (Ok(catalog), Ok(trees), Ok(form)) => (catalog, trees, form),
            (catalog, trees, form) => {
                let mut problems = Vec::new();
                problems.extend(catalog.err().into_iter().flat_map(|Problems(p)| p));
                problems.extend(trees.err().into_iter().flat_map(|Problems(p)| p));
                problems.extend(form.err().into_iter().flat_map(|Problems(p)| p));
                return Err(Problems(problems));
            }
        };
        let mut problems = catalog.check_required_messages(locales_dir);
        problems.extend(trees.check_against(&catalog));
        problems.extend(form.check_against(&catalog));
        problems.extend(form.safety_problems());
        if problems.is_empty() {
            Ok(Content {
                catalog,
                trees,
                form,
            })
        } else {
            Err(Problems(problems))
        }
    }
}
