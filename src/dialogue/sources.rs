//! The medical source a tree's screens draw from (a plain-text file named
//! by the tree's `source:`), cut into paragraphs, and the quotes by which a
//! node names the paragraphs it says (`source: ["A new mutation in the
//! same gene", …]`): a quote is a phrase copied from the source, and it
//! names the one paragraph that contains it.
//!
//! Quotes rather than numbers or line ranges, so that a content editor
//! writes what they see, and a source edited elsewhere still matches (or
//! `navigator check` says which quote no longer does: `unknown-source`).
//!
//! Pure, apart from `SourceText::read`.

use std::fs;
use std::io;
use std::path::Path;

/// A source text as paragraphs: runs of non-blank lines, each line trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceText {
    pub paragraphs: Vec<String>,
}

/// Why a quote names no paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuoteError {
    /// No paragraph contains it.
    NotFound,
    /// Several do (1-based paragraph numbers): quote more words.
    Ambiguous(Vec<usize>),
}

impl SourceText {
    pub fn read(path: &Path) -> io::Result<SourceText> {
        fs::read_to_string(path).map(|text| SourceText::parse(&text))
    }

    pub fn parse(text: &str) -> SourceText {
        let mut paragraphs = Vec::new();
        let mut current: Vec<String> = Vec::new();
        for line in text.lines().map(str::trim).map(without_icon_names) {
            if line.is_empty() {
                if !current.is_empty() {
                    paragraphs.push(current.join("\n"));
                    current.clear();
                }
            } else {
                current.push(line);
            }
        }
        if !current.is_empty() {
            paragraphs.push(current.join("\n"));
        }
        SourceText { paragraphs }
    }

    /// The index of the one paragraph containing `quote` (white space of any
    /// kind and length matches any other).
    pub fn paragraph_of(&self, quote: &str) -> Result<usize, QuoteError> {
        let wanted = squeeze(quote);
        let found: Vec<usize> = self
            .paragraphs
            .iter()
            .enumerate()
            .filter(|(_, paragraph)| !wanted.is_empty() && squeeze(paragraph).contains(&wanted))
            .map(|(index, _)| index)
            .collect();
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(QuoteError::NotFound),
            many => Err(QuoteError::Ambiguous(
                many.iter().map(|index| index + 1).collect(),
            )),
        }
    }

    /// The paragraphs `quotes` name, in source order, each once; quotes
    /// that name none are left out (`check` reports them).
    pub fn paragraphs_of<'a>(&'a self, quotes: &[String]) -> Vec<(usize, &'a str)> {
        let mut found: Vec<usize> = quotes
            .iter()
            .filter_map(|quote| self.paragraph_of(quote).ok())
            .collect();
        found.sort_unstable();
        found.dedup();
        found
            .into_iter()
            .map(|index| (index, self.paragraphs[index].as_str()))
            .collect()
    }
}

/// The line without the names of web icons the source was copied with
/// (`• check_circleAcquired resistance…`: an icon font's ligature glued to
/// the word after it), which a reviewer would only stumble on.
fn without_icon_names(line: &str) -> String {
    line.split(' ')
        .map(|word| {
            let name_end = word
                .char_indices()
                .find(|(_, c)| !(c.is_ascii_lowercase() || *c == '_'))
                .map(|(at, _)| at);
            match name_end {
                Some(at)
                    if word[..at].contains('_')
                        && word[at..].starts_with(|c: char| c.is_uppercase()) =>
                {
                    &word[at..]
                }
                _ => word,
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Title\n\n  Heading One\n\n  A first   paragraph\n  on two lines.\n\n\nA second paragraph.\nAnother paragraph line.\n";

    #[test]
    fn icon_names_glued_to_words_are_left_out() {
        let source = SourceText::parse(
            "  • check_circleAcquired resistance is common\nsnake_case stays, so does T790M\n",
        );
        assert_eq!(
            source.paragraphs,
            ["• Acquired resistance is common\nsnake_case stays, so does T790M"]
        );
    }

    #[test]
    fn paragraphs_are_runs_of_lines_and_quotes_name_one() {
        let source = SourceText::parse(TEXT);
        assert_eq!(
            source.paragraphs,
            [
                "Title",
                "Heading One",
                "A first   paragraph\non two lines.",
                "A second paragraph.\nAnother paragraph line."
            ]
        );
        assert_eq!(source.paragraph_of("first paragraph on two"), Ok(2));
        assert_eq!(source.paragraph_of("Heading One"), Ok(1));
        assert_eq!(source.paragraph_of("a first"), Err(QuoteError::NotFound));
        assert_eq!(source.paragraph_of("  "), Err(QuoteError::NotFound));
        assert_eq!(
            source.paragraph_of("paragraph"),
            Err(QuoteError::Ambiguous(vec![3, 4]))
        );
        let quotes = [
            "A second".to_owned(),
            "Heading".to_owned(),
            "Another".to_owned(),
        ];
        let named: Vec<usize> = source
            .paragraphs_of(&quotes)
            .into_iter()
            .map(|(index, _)| index)
            .collect();
        assert_eq!(named, [1, 3]);
    }
}
