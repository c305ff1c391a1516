//! `navigator graph`: the dialogue trees and the intake form on one page,
//! as Mermaid or Graphviz, to stdout or a file.
//!
//! Owns the output. Must not draw (that is `crate::graph`'s).

use std::path::Path;

use anyhow::Context;

use super::Failed;
use crate::config::ContentDirs;
use crate::content::Content;

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
}

pub fn graph(format: GraphFormat, output: Option<&Path>, dirs: &ContentDirs) -> anyhow::Result<()> {
    let content = match Content::load(&dirs.locales_dir, &dirs.dialogues_dir) {
        Ok(content) => content,
        Err(problems) => {
            eprint!("{problems}");
            return Err(Failed.into());
        }
    };
    let text = match format {
        GraphFormat::Mermaid => crate::graph::mermaid(&content),
        GraphFormat::Dot => crate::graph::dot(&content),
    };
    match output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            print!("{text}");
            Ok(())
        }
    }
}
