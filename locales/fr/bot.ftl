# DRAFT translation (French), awaiting review by a native medical translator.
# Source of truth: locales/en/bot.ftl. Keep message ids, variables and HTML tags unchanged.
# Traduction provisoire (français), en attente de relecture par un traducteur médical natif.
# Textes de l’interface du bot : accueil, menus, commandes, erreurs.
# Le texte est en HTML Telegram : uniquement <b>, <i>, <u>, <s>, <a href>, <code>, <pre>, <blockquote>.
# Écrire &amp; pour « & » et &lt; pour « < ».

welcome =
    Bonjour { $name } ! Je suis l’assistant d’accompagnement des patients de CancerFax.
    Je peux vous expliquer comment se développe la résistance aux thérapies ciblées contre le cancer et pourquoi les tests lors de la progression sont importants, et vous mettre en relation avec les coordinateurs CancerFax. Les coordinateurs ne sont pas médecins : ils vous aident à organiser votre dossier médical et vos échanges avec les hôpitaux.
welcome-anonymous =
    Bonjour ! Je suis l’assistant d’accompagnement des patients de CancerFax.
    Je peux vous expliquer comment se développe la résistance aux thérapies ciblées contre le cancer et pourquoi les tests lors de la progression sont importants, et vous mettre en relation avec les coordinateurs CancerFax. Les coordinateurs ne sont pas médecins : ils vous aident à organiser votre dossier médical et vos échanges avec les hôpitaux.
not-medical-advice = <i>Information seulement, pas un avis médical : décidez de tout traitement avec votre oncologue.</i>
no-guarantee = <i>CancerFax ne garantit ni l’accès à un traitement, ni l’éligibilité, ni un résultat clinique.</i>
emergency-line = 🚑 <b>En cas d’urgence</b>, appelez dès maintenant le numéro d’urgence local ou rendez-vous au service des urgences le plus proche. Cette conversation ne peut pas vous aider en cas d’urgence.

home-text =
    <b>Menu principal</b>
    Que souhaitez-vous faire ?

help-text =
    <b>Comment utiliser ce bot</b>
    Appuyez sur les boutons sous mes messages pour naviguer. Vous pouvez aussi taper :
    /menu – le menu principal
    /language – changer de langue
    /help – cette aide
    /cancel – arrêter ce que vous faites et revenir au menu

    Si vous vous sentez très mal, contactez dès maintenant votre médecin ou le numéro d’urgence local. Cette conversation n’est pas un service d’urgence.

cancel-done = C’est arrêté. Voici le menu principal.

free-text-hint =
    Ici, je fonctionne avec les boutons plutôt qu’avec les messages écrits. Veuillez appuyer sur l’un des boutons ci-dessous.
    Pour parler à une personne, appuyez sur « Parler à une personne ».
unsupported-input = Je ne peux pas lire ce type de message ici. Veuillez appuyer sur l’un des boutons ci-dessous.
edited-message = J’ai remarqué que vous avez modifié un message. Je ne lis pas les modifications : veuillez envoyer un nouveau message ou appuyer sur un bouton ci-dessous.
stale-button = Ce bouton n’est plus à jour. Voici le menu actuel.
unknown-command = Je ne connais pas cette commande. Voici le menu principal.

language-prompt = Choisissez votre langue :
language-changed = La langue est maintenant le français.
# The name of this language, written in this language (shown in the language picker).
language-name = Français


## Boutons. Ils doivent rester courts : ils s’affichent sur un téléphone.

nav-back = ◀ Retour
nav-home = 🏠 Menu principal
nav-person = 💬 Parler à une personne
menu-language = 🌐 Langue

## Commandes affichées dans le menu des commandes de Telegram (descriptions courtes, sans HTML).

command-start = Démarrer l’assistant
command-menu = Menu principal
command-language = Changer de langue
command-help = Comment utiliser ce bot
command-privacy = Utilisation de vos données
command-mydata = Recevoir une copie de mes données
command-delete = Supprimer mes données
command-cancel = Arrêter et revenir au menu

## Erasing a patient's data (/delete)

delete-confirm =
    <b>Supprimer vos données ?</b>
    Cela efface les informations de votre dossier et les réponses enregistrées par ce bot. Cette action est définitive.
delete-yes = 🗑 Oui, supprimer
delete-no = Non, garder mes données
delete-done = Vos données ont été supprimées.
delete-kept = Rien n’a été supprimé.

## Privacy (/privacy, /mydata)

privacy-text =
    <b>Vos données et votre vie privée</b>
    Nous conservons : votre langue et l’endroit où vous êtes dans ce bot ; si vous les donnez, les informations de votre dossier, votre numéro de téléphone et vos documents (sous forme de références de fichiers Telegram) ; les messages échangés avec les coordinateurs CancerFax (Telegram conserve les messages ; nous conservons la correspondance entre eux).
    Pourquoi : pour qu’un coordinateur CancerFax (qui n’est pas médecin) puisse comprendre votre situation et vous aider.
    Qui les voit : les coordinateurs CancerFax ; les hôpitaux ou les équipes d’essais cliniques seulement avec votre accord.
    Combien de temps : les conversations closes sont effacées après { $days } jours.
    Vous décidez : /mydata vous envoie tout ce que nous conservons sur vous ; /delete l’efface.
mydata-sent = Voici tout ce que ce bot conserve à votre sujet.

## Flood control

flood-note = Vous envoyez beaucoup de messages très vite : je suspends donc mes réponses un instant. Tout ce que vous écrivez est conservé. Quand vous serez prêt, envoyez /menu pour continuer.
