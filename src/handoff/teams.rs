//! Teams: several coordinators' groups, each a forum supergroup with its
//! own share of Telegram's limits (20 messages a minute per group), so
//! capacity grows with teams. A new case goes to the first team whose
//! rules it matches (the patient's language, the form's cancer type and
//! driver), else to the default team. One group and no file is the
//! zero-configuration default.
//!
//! The teams file (`TEAMS_FILE`, YAML), in order of precedence:
//!
//! ```yaml
//! teams:
//!   - name: Spanish desk
//!     group: -1001111111111
//!     languages: [es]
//!   - name: Lung EGFR
//!     group: -1002222222222
//!     cancer_types: [lung]
//!     drivers: [egfr]
//!   - name: General
//!     group: -1003333333333
//!     default: true
//! ```
//!
//! Plain data and parsing; must not touch Telegram or storage.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::intake::Answer;

/// One team: its group and which new cases it takes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    pub name: String,
    /// The team's forum supergroup (e.g. `-1001234567890`).
    pub group: i64,
    /// Patients' languages (locale tags, e.g. `es`, `zh-Hans`); empty: any.
    #[serde(default)]
    pub languages: Vec<String>,
    /// The form's `cancer_type` answers; empty: any.
    #[serde(default)]
    pub cancer_types: Vec<String>,
    /// The form's `driver` answers; empty: any.
    #[serde(default)]
    pub drivers: Vec<String>,
    /// Takes every case no other team takes.
    #[serde(default)]
    pub default: bool,
}

impl Team {
    fn has_rules(&self) -> bool {
        !(self.languages.is_empty() && self.cancer_types.is_empty() && self.drivers.is_empty())
    }

    /// Whether a new case matches every rule the team has.
    fn takes(&self, locale: &str, answers: &BTreeMap<String, Answer>) -> bool {
        let choice = |field: &str| match answers.get(field) {
            Some(Answer::Choice(value)) => Some(value.as_str()),
            _ => None,
        };
        let matches = |rules: &[String], value: Option<&str>| {
            rules.is_empty()
                || value
                    .is_some_and(|value| rules.iter().any(|rule| rule.eq_ignore_ascii_case(value)))
        };
        self.has_rules()
            && matches(&self.languages, Some(locale))
            && matches(&self.cancer_types, choice("cancer_type"))
            && matches(&self.drivers, choice("driver"))
    }
}

/// The teams, checked: distinct names and groups, exactly one default.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Teams {
    teams: Vec<Team>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TeamsFile {
    teams: Vec<Team>,
}

impl Teams {
    /// No group at all: cases are stored, nobody sees them.
    pub fn none() -> Teams {
        Teams::default()
    }

    /// One group takes everything (`COORDINATOR_CHAT_ID`).
    pub fn single(group: i64) -> Teams {
        Teams {
            teams: vec![Team {
                name: "Coordinators".to_owned(),
                group,
                languages: Vec::new(),
                cancer_types: Vec::new(),
                drivers: Vec::new(),
                default: true,
            }],
        }
    }

    /// Reads a teams file; `fallback` (`COORDINATOR_CHAT_ID`) is the default
    /// team when the file names none. Errors name the file and what is wrong.
    pub fn parse(text: &str, file: &str, fallback: Option<i64>) -> Result<Teams, String> {
        let parsed: TeamsFile =
            serde_norway::from_str(text).map_err(|err| format!("{file}: {err}"))?;
        let mut teams = parsed.teams;
        if teams.is_empty() {
            return Err(format!("{file}: no team is listed"));
        }
        for (index, team) in teams.iter().enumerate() {
            if team.name.trim().is_empty() {
                return Err(format!("{file}: team {} has no name", index + 1));
            }
            if team.group >= 0 {
                return Err(format!(
                    "{file}: team “{}”: group {} is not a group id (they are negative, e.g. -1001234567890)",
                    team.name, team.group
                ));
            }
            if teams[..index].iter().any(|other| other.group == team.group) {
                return Err(format!("{file}: group {} is listed twice", team.group));
            }
            if teams[..index]
                .iter()
                .any(|other| other.name.eq_ignore_ascii_case(&team.name))
            {
                return Err(format!("{file}: team “{}” is listed twice", team.name));
            }
        }
        match teams.iter().filter(|team| team.default).count() {
            1 => {}
            0 => match fallback {
                Some(group) if teams.iter().any(|team| team.group == group) => {
                    if let Some(team) = teams.iter_mut().find(|team| team.group == group) {
                        team.default = true;
                    }
                }
                Some(group) => teams.push(Team {
                    default: true,
                    ..Teams::single(group).teams.remove(0)
                }),
                None => {
                    return Err(format!(
                        "{file}: no team is the default (`default: true`), and COORDINATOR_CHAT_ID is not set"
                    ));
                }
            },
            _ => return Err(format!("{file}: more than one team is the default")),
        }
        Ok(Teams { teams })
    }

    /// The teams file if there is one, else `COORDINATOR_CHAT_ID` alone,
    /// else none.
    pub fn load(file: Option<&std::path::Path>, fallback: Option<i64>) -> Result<Teams, String> {
        // An empty TEAMS_FILE (as in `.env.example`) is no file.
        match file.filter(|path| !path.as_os_str().is_empty()) {
            Some(path) => {
                let shown = path.display().to_string();
                let text = std::fs::read_to_string(path)
                    .map_err(|err| format!("{shown}: cannot read the teams file ({err})"))?;
                Teams::parse(&text, &shown, fallback)
            }
            None => Ok(fallback.map_or_else(Teams::none, Teams::single)),
        }
    }

    pub fn all(&self) -> &[Team] {
        &self.teams
    }

    /// The team that takes every case no other team takes.
    pub fn default_team(&self) -> Option<&Team> {
        self.teams.iter().find(|team| team.default)
    }

    /// The team a new case goes to.
    pub fn route(&self, locale: &str, answers: &BTreeMap<String, Answer>) -> Option<&Team> {
        self.teams
            .iter()
            .find(|team| team.takes(locale, answers))
            .or_else(|| self.default_team())
    }

    /// The team of a group.
    pub fn of_group(&self, group: i64) -> Option<&Team> {
        self.teams.iter().find(|team| team.group == group)
    }

    /// A team by name (case-insensitive), as coordinators write it.
    pub fn named(&self, name: &str) -> Option<&Team> {
        let name = name.trim().trim_start_matches('#');
        self.teams
            .iter()
            .find(|team| team.name.eq_ignore_ascii_case(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "
teams:
  - name: Spanish desk
    group: -1001
    languages: [es]
  - name: Lung EGFR
    group: -1002
    cancer_types: [lung]
    drivers: [egfr]
  - name: General
    group: -1003
    default: true
";

    fn answers(cancer: &str, driver: &str) -> BTreeMap<String, Answer> {
        BTreeMap::from([
            ("cancer_type".to_owned(), Answer::Choice(cancer.into())),
            ("driver".to_owned(), Answer::Choice(driver.into())),
        ])
    }

    #[test]
    fn cases_go_to_the_first_team_whose_rules_they_match() {
        let teams = Teams::parse(FILE, "teams.yaml", None).unwrap();
        let team = |locale, cancer, driver| {
            teams
                .route(locale, &answers(cancer, driver))
                .map(|team| team.name.as_str())
        };
        assert_eq!(team("es", "lung", "egfr"), Some("Spanish desk"));
        assert_eq!(team("fr", "lung", "egfr"), Some("Lung EGFR"));
        assert_eq!(team("fr", "lung", "alk"), Some("General"));
        assert_eq!(
            teams.route("en", &BTreeMap::new()).map(|t| t.group),
            Some(-1003),
            "a case without a form (talk to a person) goes by language, else to the default"
        );
        assert_eq!(teams.named("#lung egfr").map(|t| t.group), Some(-1002));
        assert_eq!(
            teams.of_group(-1001).map(|t| t.name.as_str()),
            Some("Spanish desk")
        );
    }

    #[test]
    fn one_group_is_the_zero_configuration_default() {
        let teams = Teams::single(-100);
        assert_eq!(
            teams.route("ar", &BTreeMap::new()).map(|t| t.group),
            Some(-100)
        );
        assert!(Teams::none().route("ar", &BTreeMap::new()).is_none());
    }

    #[test]
    fn mistakes_in_the_file_are_named() {
        let no_default = "teams:\n  - { name: A, group: -1, languages: [es] }\n";
        assert!(
            Teams::parse(no_default, "t.yaml", None)
                .unwrap_err()
                .contains("no team is the default")
        );
        // COORDINATOR_CHAT_ID is the default team when the file names none.
        let teams = Teams::parse(no_default, "t.yaml", Some(-9)).unwrap();
        assert_eq!(teams.default_team().map(|t| t.group), Some(-9));
        let twice =
            "teams:\n  - { name: A, group: -1, default: true }\n  - { name: B, group: -1 }\n";
        assert!(
            Teams::parse(twice, "t.yaml", None)
                .unwrap_err()
                .contains("listed twice")
        );
        let positive = "teams:\n  - { name: A, group: 5, default: true }\n";
        assert!(
            Teams::parse(positive, "t.yaml", None)
                .unwrap_err()
                .contains("not a group id")
        );
        let typo = "teams:\n  - { name: A, group: -1, langauges: [es] }\n";
        let err = Teams::parse(typo, "t.yaml", None).unwrap_err();
        assert!(
            err.starts_with("t.yaml:") && err.contains("langauges"),
            "{err}"
        );
    }
}
