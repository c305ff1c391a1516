# DRAFT translation (French), awaiting review by a native medical translator.
# Source of truth: locales/en/coordinators.ftl. Keep message ids, attributes, variables and HTML tags unchanged.
# Ce que le bot écrit pour les coordinateurs dans leur groupe (pas pour les patients).

## Langues

coord-language-name = { $language ->
        [ar] arabe
        [de] allemand
        [en] anglais
        [es] espagnol
        [fr] français
        [he] hébreu
        [hi] hindi
        [it] italien
        [ja] japonais
        [pl] polonais
        [pt] portugais
        [ru] russe
        [tr] turc
        [uk] ukrainien
        [zh] chinois
       *[other] cette langue
    }
coord-language = { coord-language-name } ({ $tag })

## Durées

coord-duration-minutes = { $minutes } min
coord-duration-hours = { $hours } h { $minutes } min
coord-duration-days = { $days } j { $hours } h

## Réponses à un bouton ou à un changement

coord-answer-taken = Vous avez pris { $reference }.
coord-answer-yours = { $reference } est déjà à vous.
coord-answer-held = { $reference } est déjà pris par { $name }.
coord-answer-closed = { $reference } est clos.
coord-answer-gone = { $reference } n’existe plus.
coord-answer-unchanged = { $reference } est inchangé.
coord-answer-released = { $reference } est de retour dans la file.
coord-answer-transferred = { $reference } est maintenant chez { $name }.
coord-answer-urgent = { $reference } est marqué urgent.
coord-answer-not-urgent = { $reference } n’est plus urgent.
coord-answer-noted = Noté dans { $reference }.

## Notes dans le sujet d’un dossier

coord-note-released = ↩ Remis dans la file par { $name }.
coord-note-transferred = ➡ Transféré par { $name } à { $to }.
coord-note-closed = ✖ Clos par { $name }.
coord-note-closed-by-bot = ✖ Clos par le bot.
coord-note-rated = ⭐ Le patient a noté cette conversation { $stars }/5.
coord-note-blocked = ⛔ Le patient a bloqué le bot. Le dossier est clos.
coord-note-blocked-undelivered = ⛔ Le patient a bloqué le bot : ce message n’a pas été remis. Le dossier est clos.
coord-note-undelivered = ⚠️ Ce message n’a pas pu être remis au patient. Veuillez le renvoyer.
coord-note-document-not-shown = ⚠️ Un document n’a pas pu être affiché ici ({ $error }).
coord-note-edited = ✏️ <i>modifié { $time }</i> { $text }
coord-note-erased = { $count ->
        [one] 🗑 { $references } : le patient a effacé ses données. Le sujet du dossier a été supprimé, avec tous ses messages.
       *[other] 🗑 { $references } : le patient a effacé ses données. Les sujets des dossiers ont été supprimés, avec tous leurs messages.
    }

## Refus

coord-refused-not-member = Seuls les membres de ce groupe autorisés à écrire peuvent agir sur les dossiers ({ $reference } est inchangé).
coord-refused-held = { $change ->
        [release] { $reference } est pris par { $name } : seule cette personne ou un administrateur peut le remettre dans la file.
        [close] { $reference } est pris par { $name } : seule cette personne ou un administrateur peut le clore.
        [transfer] { $reference } est pris par { $name } : seule cette personne ou un administrateur peut le transférer.
       *[other] { $reference } est pris par { $name } : seule cette personne ou un administrateur peut le modifier.
    }

## Commandes

coord-unknown-command = { $command } n’est pas une commande ici (rien n’a été envoyé au patient). Dans le sujet d’un dossier : /r (réponses toutes prêtes dans la langue du patient), /note, /release, /transfer, /close ; partout : /queue, /stats. Pour écrire au patient un texte qui commence par « / », mettez un espace ou un mot devant.
coord-transfer-help = Pour transférer, écrivez <code>/transfer @utilisateur</code> (la personne doit avoir écrit une fois dans ce groupe), répondez à l’un de ses messages par <code>/transfer</code>, ou confiez le dossier à une autre équipe avec <code>/transfer Nom de l’équipe</code>.
coord-team-already = { $reference } est déjà chez { $team }.
coord-moved-out = ➡ Confié par { $name } à { $team }. La conversation continue là-bas.
coord-moved-in = ⬅ Arrivé de { $team }, confié par { $name }. Les derniers messages suivent.
coord-another-team = une autre équipe

## La fiche du dossier

coord-card-urgent = 🔴 <b>URGENT</b>
coord-card-waiting = en attente depuis { $waited }
coord-card-assigned = attribué à { $name }
coord-card-closed = clos
coord-card-language = Langue du patient : { $language } ({ $tag })
coord-card-no-details = <i>Pas encore de détails : le patient a demandé à parler à une personne.</i>
coord-card-documents = { $count ->
        [one] 📎 { $count } document : renvoyé ci-dessous.
       *[other] 📎 { $count } documents : renvoyés ci-dessous.
    }
coord-button-take = ✋ Prendre
coord-button-release = ↩ Remettre
coord-button-urgent = 🔴 Urgent
coord-button-not-urgent = Pas urgent
coord-button-close = ✖ Clore

## /queue

coord-queue-empty =
    <b>File</b>
    Aucun dossier ouvert.
coord-queue-header = <b>File</b> · en attente : { $waiting } · attribués : { $assigned }
coord-queue-page = page { $page }/{ $pages }
coord-queue-waiting = { $reference } · { $title } · en attente depuis { $waited }
coord-queue-held = { $count ->
        [one] ⚠️ { $count } message retenu : Telegram le refuse depuis { $waited } ({ $error }). Il est réessayé et partira quand Telegram l’acceptera.
       *[other] ⚠️ { $count } messages retenus : Telegram les refuse depuis { $waited } ({ $error }). Ils sont réessayés et partiront quand Telegram les acceptera.
    }

## Rappels des dossiers oubliés

coord-reminder-second = <b>Deuxième rappel, pour tous</b>
coord-reminder-urgent = (urgent)
coord-reminder-waiting = <b>{ $reference }</b>{ $urgent } attend un coordinateur depuis { $waited } d’heures ouvrées : prenez-le depuis sa fiche.
coord-reminder-holder = { $holder }, le patient de <b>{ $reference }</b>{ $urgent } attend votre réponse depuis { $waited } d’heures ouvrées.
coord-reminder-everyone = le patient de <b>{ $reference }</b>{ $urgent } attend une réponse de { $holder } depuis { $waited } d’heures ouvrées. Quelqu’un peut-il répondre ?
coord-reminder-link = <a href="{ $link }">Ouvrir son sujet</a>.

## Réponses toutes prêtes (/r)

coord-replies-none = Il n’y a pas de réponses toutes prêtes : les traducteurs les ajoutent dans locales/{ $tag }/{ $file }.
coord-replies-menu =
    💬 <b>Réponses toutes prêtes pour { $reference }</b>
    Langue du patient : { $language }. La réponse lui parvient dans cette langue et s’affiche ici dans les deux. Touchez-en une pour l’envoyer, ou écrivez <code>/r NOM</code> ; pour une réponse avec une date, <code>/r NOM 2026-12-08 10:00</code>.
coord-replies-missing = 🚫 Pas encore traduites en { $language }, elles ne peuvent donc pas être envoyées : { $replies }.
coord-reply-sent =
    📨 { $name } a envoyé la réponse « { $reply } » au patient :
    <blockquote>{ $text }</blockquote>
coord-reply-sent-translated =
    📨 { $name } a envoyé la réponse « { $reply } » au patient, en { $language } :
    <blockquote>{ $text }</blockquote>
    Dans la langue des coordinateurs :
    <blockquote>{ $translation }</blockquote>
coord-reply-unknown = Il n’existe pas de réponse toute prête « { $reply } ». Rien n’a été envoyé au patient de { $reference } ; /r liste les réponses.
coord-reply-not-translated = 🚫 La réponse « { $reply } » n’est pas encore traduite en { $language }. Rien n’a été envoyé au patient de { $reference } : elle n’est jamais envoyée dans une langue que le patient n’a pas choisie. Demandez aux traducteurs de l’ajouter à { $file }, ou écrivez vous-même au patient.
coord-reply-needs-date = La réponse « { $reply } » donne une date : écrivez <code>/r { $reply } 2026-12-08 10:00</code> (ou seulement le jour, <code>/r { $reply } 2026-12-08</code>). Rien n’a été envoyé au patient de { $reference }.
coord-reply-bad-date = « { $given } » n’est pas une date que ce bot comprend : écrivez <code>/r { $reply } 2026-12-08 10:00</code> (ou seulement le jour). Rien n’a été envoyé au patient de { $reference }.
coord-reply-needs-name = La réponse « { $reply } » salue le patient par son prénom, et ce dossier n’en a pas (le formulaire n’a pas été rempli). Rien n’a été envoyé au patient de { $reference } ; choisissez une autre réponse.
coord-reply-broken = La réponse « { $reply } » ne peut pas être affichée ({ $error }) ; `navigator check` indique où. Rien n’a été envoyé au patient de { $reference }.
coord-reply-answer-sent = Envoyé au patient de { $reference }.
coord-reply-answer-not-sent = Rien n’a été envoyé au patient de { $reference } : la raison est dans le sujet.
coord-reply-answer-repeated = « { $reply } » a été envoyé à ce patient il y a { $seconds } s : il n’a pas été renvoyé. Appuyez encore une fois dans une minute pour l’envoyer une seconde fois.

## /stats et le résumé hebdomadaire

coord-stats-title = 📊 <b>Dossiers</b> ({ $zone })
coord-stats-now = Maintenant : en attente : { $waiting } · attribués : { $assigned }
coord-stats-today = <b>Aujourd’hui</b>
coord-stats-week = <b>Cette semaine</b> (depuis lundi)
coord-stats-all-teams = <b>Toutes les équipes</b>
coord-stats-all-teams-week = <b>Cette semaine</b>
coord-figures-cases = Ouverts : { $opened } · attribués : { $assigned } · clos : { $closed }
coord-figures-first-reply = Première réponse
coord-figures-to-close = Jusqu’à la clôture
coord-figures-durations = { $count ->
        [one] { $label } : médiane { $median }, p90 { $p90 } ({ $count } dossier)
       *[other] { $label } : médiane { $median }, p90 { $p90 } ({ $count } dossiers)
    }
coord-figures-no-durations = { $label } : –
coord-figures-rating = { $count ->
        [one] Évaluation : { $average }/5 ({ $count } évaluation)
       *[other] Évaluation : { $average }/5 ({ $count } évaluations)
    }
coord-figures-no-rating = Évaluation : aucune évaluation
coord-figures-reminders = Rappels de dossiers oubliés : { $reminders } (seconds, pour tous : { $second })
coord-figures-languages = Langues : { $counts }
coord-figures-cancer-types = Types de cancer : { $counts }
coord-figures-drivers = Altérations : { $counts }
coord-figures-not-given = non renseigné
coord-weekly-title = 🗓 <b>Résumé hebdomadaire</b> : { $from } – { $to }
coord-weekly-queue = Dans la file maintenant : en attente : { $waiting } · attribués : { $assigned }

## Qui a agi, quand Telegram le cache

coord-anonymous = Coordinateur
