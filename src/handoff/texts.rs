//! The coordinators' texts: every word the bot writes in the coordinators'
//! group (answers to presses, notes in topics, cards, `/queue`, refusals,
//! reminders, the ready replies' notes, `/stats` and the weekly summary)
//! comes from `locales/<lang>/coordinators.ftl`, in the coordinators'
//! language (`COORDINATORS_LANGUAGE`), falling back to English message by
//! message.
//!
//! Owns which catalog and locale the coordinator core speaks in. Must not
//! touch Telegram, storage or the clock; the ids are listed for
//! `navigator check` in `check::dialogues::CODE_FORMATTED`.

use crate::i18n::{Arg, Catalog, Locale};

/// The file coordinators' texts live in, in every locale.
pub const FILE: &str = "coordinators.ftl";

/// The catalog and the coordinators' locale: what the core renders
/// coordinators' texts with.
#[derive(Clone, Copy)]
pub struct Texts<'a> {
    catalog: &'a Catalog,
    locale: &'a Locale,
}

impl<'a> Texts<'a> {
    pub fn new(catalog: &'a Catalog, locale: &'a Locale) -> Texts<'a> {
        Texts { catalog, locale }
    }

    /// The coordinators' locale: `language` (a tag) if the catalog has
    /// it, else English.
    pub fn locale_of(catalog: &Catalog, language: &str) -> Locale {
        catalog
            .find(language)
            .unwrap_or_else(|| catalog.reference())
            .clone()
    }

    pub fn catalog(&self) -> &'a Catalog {
        self.catalog
    }

    pub fn locale(&self) -> &'a Locale {
        self.locale
    }

    /// A message as Telegram HTML (`Arg::Text` values are escaped).
    pub fn say(&self, id: &str, args: &[(&str, Arg)]) -> String {
        self.catalog.format(self.locale, id, args)
    }

    /// A language's name for the coordinators ("Spanish (es)").
    pub fn language(&self, locale: &Locale) -> String {
        let tag = locale.tag();
        let language = tag.split('-').next().unwrap_or_default().to_owned();
        self.say(
            "coord-language",
            &[("language", Arg::Text(&language)), ("tag", Arg::Text(&tag))],
        )
    }

    /// A language's name alone ("Spanish").
    pub fn language_name(&self, locale: &Locale) -> String {
        let tag = locale.tag();
        let language = tag.split('-').next().unwrap_or_default().to_owned();
        self.say("coord-language-name", &[("language", Arg::Text(&language))])
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::Path;
    use std::sync::LazyLock;

    use super::*;

    static SHIPPED: LazyLock<Catalog> = LazyLock::new(shipped);

    pub(crate) fn shipped() -> Catalog {
        Catalog::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("locales")).unwrap()
    }

    /// The shipped catalog's texts in `tag` (tests only: the locale leaks).
    pub(crate) fn texts_in(tag: &str) -> Texts<'static> {
        let locale: &'static Locale = Box::leak(Box::new(SHIPPED.find(tag).unwrap().clone()));
        Texts::new(&SHIPPED, locale)
    }

    pub(crate) fn english() -> Texts<'static> {
        texts_in("en")
    }

    #[test]
    fn language_names_follow_the_coordinators_language() {
        let catalog = shipped();
        let en = catalog.find("en").unwrap().clone();
        let es = catalog.find("es").unwrap().clone();
        let zh = catalog.find("zh-Hans").unwrap().clone();
        let english = Texts::new(&catalog, &en);
        assert_eq!(english.language(&es), "Spanish (es)");
        assert_eq!(english.language(&zh), "Chinese (zh-Hans)");
        assert_eq!(english.language_name(&es), "Spanish");
        let spanish = Texts::new(&catalog, &es);
        assert_eq!(spanish.language(&en), "inglés (en)");
    }

    /// Every coordinators' message, rendered in Spanish with every variable
    /// given: each one is there, renders without a Fluent error, and says
    /// something else than English (only abbreviations are shared).
    #[test]
    fn every_coordinators_text_renders_in_spanish_with_no_english_left() {
        let catalog = &*SHIPPED;
        let (en, es) = (catalog.reference(), catalog.find("es").unwrap());
        let args = [
            ("reference", Arg::Text("CF-000007")),
            ("name", Arg::Text("Ana")),
            ("to", Arg::Text("Maria")),
            ("language", Arg::Text("ar")),
            ("tag", Arg::Text("ar")),
            ("minutes", Arg::Text("05")),
            ("hours", Arg::Number(2)),
            ("days", Arg::Number(3)),
            ("count", Arg::Number(2)),
            ("references", Arg::Text("CF-000007, CF-000008")),
            ("error", Arg::Text("Bad Request")),
            ("time", Arg::Text("09:14")),
            ("text", Arg::Text("hola")),
            ("translation", Arg::Text("hello")),
            ("stars", Arg::Number(4)),
            ("change", Arg::Text("close")),
            ("command", Arg::Text("frobnicate")),
            ("team", Arg::Text("General")),
            ("waited", Arg::Text("3 min")),
            ("title", Arg::Text("Lung")),
            ("waiting", Arg::Number(3)),
            ("assigned", Arg::Number(1)),
            ("page", Arg::Number(1)),
            ("pages", Arg::Number(2)),
            ("holder", Arg::Text("Ana")),
            ("urgent", Arg::Text("")),
            ("link", Arg::Text("https://t.me/c/1/2")),
            ("replies", Arg::Text("call")),
            ("reply", Arg::Text("call")),
            ("given", Arg::Text("mañana")),
            ("file", Arg::Text(FILE)),
            ("seconds", Arg::Number(5)),
            ("zone", Arg::Text("Europe/Madrid")),
            ("opened", Arg::Number(3)),
            ("closed", Arg::Number(2)),
            ("label", Arg::Html("Primera respuesta")),
            ("median", Arg::Html("30 min")),
            ("p90", Arg::Html("2 h 05 min")),
            ("average", Arg::Text("4.5")),
            ("reminders", Arg::Number(2)),
            ("second", Arg::Number(1)),
            ("counts", Arg::Html("es 2, ar 1")),
            ("from", Arg::Text("mié, 18 nov")),
        ];
        // The same in both: units everyone abbreviates alike.
        let shared = [
            "coord-duration-minutes",
            "coord-duration-hours",
            "coord-duration-days",
            // Only the label given, and a dash.
            "coord-figures-no-durations",
        ];
        let ids = catalog.ids_in_file(en, FILE);
        assert!(ids.len() > 60, "{ids:?}");
        for id in &ids {
            let spanish = catalog
                .format_exact(es, id, &args)
                .unwrap_or_else(|err| panic!("{id} in Spanish: {err:?}"));
            let english = catalog.format_exact(en, id, &args).unwrap();
            if !shared.contains(&id.as_str()) {
                assert_ne!(spanish, english, "{id} is still English in Spanish");
            }
            assert!(
                !spanish.contains('{') && !spanish.contains('…'),
                "{id}: {spanish}"
            );
        }
        assert_eq!(
            catalog.ids_in_file(es, FILE),
            ids,
            "the same messages, in order"
        );
        for tag in ["fr", "ru", "ar", "zh-Hans"] {
            let locale = catalog.find(tag).unwrap();
            assert_eq!(catalog.ids_in_file(locale, FILE), ids, "{tag}");
            for id in &ids {
                catalog
                    .format_exact(locale, id, &args)
                    .unwrap_or_else(|err| panic!("{id} in {tag}: {err:?}"));
            }
        }
    }

    /// The card, `/queue` and a reminder's words in Spanish, end to end
    /// through the core's functions.
    #[test]
    fn the_card_and_the_queue_speak_spanish() {
        use crate::handoff::queue::{card, listing};
        use crate::handoff::{CaseStatus, CaseView, Coordinator};
        use crate::intake::CaseRef;
        let spanish = texts_in("es");
        let case = CaseView {
            reference: CaseRef(7),
            chat_id: 1,
            locale: "ar".into(),
            status: CaseStatus::Waiting,
            urgent: true,
            coordinator: None,
            title: String::new(),
            summary: String::new(),
            queued_at: 0,
            documents: 1,
            thread_id: None,
            group_chat_id: None,
        };
        let (html, buttons) = card(&spanish, &case, "العربية", 3 * 3600);
        assert_eq!(
            html,
            "🔴 <b>URGENTE</b> · <b>CF-000007</b> · esperando desde hace 3 h 00 min\n\
             Idioma del paciente: العربية (ar)\n\n\
             <i>Aún no hay datos del caso: el paciente pidió hablar con una persona.</i>\n\n\
             📎 1 documento: se reenvía a continuación."
        );
        let labels: Vec<&str> = buttons[0].iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["✋ Tomar", "No urgente", "✖ Cerrar"]);
        let mut held = case.clone();
        held.status = CaseStatus::Assigned;
        held.coordinator = Some(Coordinator {
            id: 1,
            name: "Ana".into(),
        });
        let (queue, _) = listing(&spanish, &[case, held], 4 * 86_400, 0);
        assert_eq!(
            queue,
            "<b>Cola</b> · en espera: 1 · asignados: 1\n🔴 CF-000007 · AR · esperando 4 d 0 h\n\
             ✋ CF-000007 · AR · Ana"
        );
    }
}
