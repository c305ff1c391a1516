# DRAFT translation (French), awaiting review by a native medical translator.
# Source of truth: locales/en/intake.ftl. Keep message ids, attributes, variables and HTML tags unchanged.
# Traduction provisoire (français), en attente de relecture par un traducteur médical natif.
# Le formulaire de prise en charge (dialogues/intake.yaml) : les informations dont un coordinateur a besoin.
# Chaque question a un attribut `.label` : le nom court affiché sur l’écran de vérification
# et dans le résumé destiné aux coordinateurs.

## Entrer dans le formulaire et le quitter

menu-intake-start = 📝 Demander l’examen du dossier
menu-intake-continue = 📝 Continuer votre dossier
intake-paused =
    Vos réponses sont enregistrées. Vous pouvez continuer à remplir votre dossier à tout moment depuis le menu principal.

## Consentement (demandé en premier ; aucune donnée de santé n’est enregistrée avant)

intake-consent =
    <b>Avant de commencer</b>

    Pour examiner votre dossier, nous allons vous poser quelques questions sur le patient : nom, âge, pays, le cancer, son traitement et ses examens, et un numéro de téléphone si vous préférez être appelé ; vous pourrez aussi envoyer des comptes rendus ou des examens d’imagerie.

    <b>Pourquoi :</b> pour qu’un coordinateur CancerFax puisse comprendre le dossier et vous aider. Les coordinateurs ne sont pas médecins.
    <b>Qui y a accès :</b> les coordinateurs CancerFax ; les hôpitaux ou les équipes d’essais cliniques seulement avec votre accord.
    <b>Vous gardez le contrôle :</b> vous pouvez supprimer vos informations à tout moment avec /delete.

    Acceptez-vous que nous conservions ces informations dans ce but ?
    .label = Consentement
intake-consent-agree = ✅ J’accepte
intake-consent-decline = ✖ Non, merci
intake-consent-declined =
    C’est entendu : nous n’avons rien enregistré concernant votre santé. Vous pouvez toujours lire les informations de ce bot, et vous pouvez recommencer quand vous le souhaitez.

## Vérification de l’urgence

intake-emergency =
    <b>Tout d’abord, s’agit-il d’une urgence ?</b>
    Le patient a-t-il en ce moment des symptômes graves, comme des difficultés à respirer, une douleur dans la poitrine, un saignement abondant, une confusion ou un évanouissement ?
    .label = Situation d’urgence
intake-emergency-no = Non, pas en ce moment
intake-emergency-yes = Oui, symptômes graves maintenant
intake-emergency-advice =
    <b>Veuillez demander une aide médicale urgente dès maintenant.</b>
    Appelez le numéro d’urgence local ou rendez-vous au service des urgences le plus proche. Informez-les du cancer et de son traitement.

    Cette conversation ne peut pas vous aider en cas d’urgence. Lorsque le patient sera en sécurité, vous pourrez revenir et continuer depuis le menu principal.

## À propos de la personne

intake-writer =
    Qui écrit ?
    .label = Qui écrit
intake-writer-patient = Je suis le/la patient(e)
intake-writer-family = Un membre de la famille
intake-writer-caregiver = Un aidant ou un ami

intake-first-name =
    Quel est le prénom du patient ?
    .label = Prénom
intake-age =
    Quel âge a le patient ? Veuillez taper un nombre, par exemple 56.
    .label = Âge
intake-country =
    Dans quel pays vit le patient ? Tapez le nom du pays, ou choisissez-le ci-dessous.
    .label = Pays

## Le cancer

intake-cancer-type =
    De quel type de cancer s’agit-il ?
    .label = Type de cancer
intake-cancer-lung = Poumon
intake-cancer-breast = Sein
intake-cancer-colorectal = Colorectal (intestin)
intake-cancer-thyroid = Thyroïde
intake-cancer-melanoma = Mélanome (peau)
intake-cancer-other = Un autre type
intake-cancer-type-other =
    Veuillez écrire le type de cancer.
    .label = Type de cancer (autre)

intake-driver =
    Quelle mutation motrice ou quel biomarqueur a été identifié ? Si vous n’êtes pas sûr(e), choisissez « Je ne sais pas ».
    .label = Mutation / biomarqueur
intake-driver-egfr = EGFR
intake-driver-alk = ALK
intake-driver-ros1 = ROS1
intake-driver-met = MET
intake-driver-kras-g12c = KRAS G12C
intake-driver-braf = BRAF
intake-driver-her2 = HER2
intake-driver-ret = RET
intake-driver-ntrk = NTRK
intake-driver-other = Une autre
intake-driver-unknown = Je ne sais pas

intake-therapy =
    Quelle thérapie ciblée le patient prend-il actuellement, ou a-t-il prise en dernier ? Tapez le nom du médicament tel qu’il est écrit sur la boîte ou dans le compte rendu.
    .label = Thérapie ciblée
intake-progressing =
    La maladie progresse-t-elle (grossit-elle ou s’étend-elle) sous cette thérapie ?
    .label = Progression
intake-progression-since =
    Depuis quand ? Tapez le mois et l’année, par exemple 03/2026.
    .label = Progression depuis

## Tests lors de la progression

intake-testing =
    Un test moléculaire a-t-il été réalisé depuis la progression de la maladie ?
    .label = Tests à la progression
intake-testing-none = Pas encore
intake-testing-liquid = Biopsie liquide (sang)
intake-testing-tissue = Rebiopsie tissulaire
intake-testing-both = Les deux
intake-testing-unsure = Je ne suis pas sûr(e)

intake-egfr-finding =
    Un compte rendu a-t-il déjà mentionné un résultat lié à la résistance ?
    .label = Résultat lié à la résistance
intake-finding-t790m = T790M
intake-finding-met-amp = Amplification de MET
intake-finding-small-cell = Évolution en petites cellules
intake-finding-other = Autre chose
intake-finding-none = Rien d’indiqué pour l’instant
intake-finding-text =
    Si un compte rendu de test mentionne un résultat lié à la résistance, veuillez le recopier tel qu’il est écrit. Sinon, appuyez sur « Passer ».
    .label = Résultat (tel qu’indiqué)

## L’aide souhaitée

intake-help =
    Comment pouvons-nous vous aider ? Choisissez toutes les options qui vous concernent, puis appuyez sur « Terminé ».
    .label = Aide souhaitée
intake-help-record-review = Examen du dossier médical
intake-help-eligibility = Éligibilité / essais cliniques
intake-help-hospital = Lien avec l’hôpital, traduction
intake-help-travel = Voyage et admission
intake-help-navigation = Orientation traitements, essais

## Documents

intake-documents =
    Si vous en disposez, veuillez envoyer des comptes rendus, des examens d’imagerie, des résultats d’anatomopathologie ou de biomarqueurs, ou un historique des traitements, sous forme de photos ou de fichiers PDF. Vous pouvez en envoyer plusieurs. Appuyez sur « Terminé » lorsque vous avez fini, ou sur « Passer ».
    .label = Documents
intake-documents-received = { $count ->
        [one] { $count } document reçu
       *[other] { $count } documents reçus
    }. Envoyez-en d’autres, ou appuyez sur « Terminé ».

## Contact

intake-contact =
    Comment un coordinateur doit-il vous contacter ?
    .label = Contact préféré
intake-contact-telegram = Ici, sur Telegram
intake-contact-phone = Par téléphone
intake-phone =
    Veuillez partager votre numéro de téléphone avec le bouton ci-dessous, ou le taper avec l’indicatif du pays, par exemple +44 20 7946 0958.
    .label = Téléphone
intake-phone-share = 📱 Partager mon numéro
intake-language =
    Dans quelle langue souhaitez-vous que nous échangions avec vous ?
    .label = Langue

## Boutons communs à toutes les questions

intake-back = ◀ Question précédente
intake-skip = Passer
intake-done = ✅ Terminé
intake-yes = Oui
intake-no = Non
intake-unsure = Je ne suis pas sûr(e)

## Quand une réponse ne peut pas être utilisée (la même question est posée à nouveau)

intake-error-expected-button = Veuillez choisir l’un des boutons ci-dessous.
intake-error-expected-text = Veuillez taper votre réponse sous forme de message.
intake-error-too-short = Cette réponse est trop courte : veuillez écrire au moins { $min } caractères.
intake-error-too-long = Cette réponse est trop longue : veuillez ne pas dépasser { $max } caractères.
intake-error-not-a-number = Veuillez taper un nombre, par exemple 56.
intake-error-out-of-range = Veuillez taper un nombre entre { $min } et { $max }.
intake-error-month-year = Veuillez taper le mois et l’année de cette façon : 03/2026.
intake-error-future = Cette date est dans le futur. Veuillez vérifier le mois et l’année.
intake-error-phone = Cela ne ressemble pas à un numéro de téléphone. Veuillez inclure l’indicatif du pays, par exemple +44 20 7946 0958.
intake-error-country = Je n’ai pas trouvé ce pays. Veuillez vérifier l’orthographe, ou choisir dans la liste.
intake-error-choose-one = Veuillez choisir au moins une option, puis appuyez sur « Terminé ».
intake-error-expected-file = Veuillez envoyer une photo ou un fichier PDF, ou appuyer sur « Terminé ».
intake-error-file-type = Je ne peux accepter que des photos et des fichiers PDF.
intake-error-file-too-large = Ce fichier est trop volumineux (plus de { $max } Mo). Envoyez une photo ou un PDF plus petit, ou divisez le compte rendu.
intake-error-too-many-files = Vous pouvez envoyer jusqu’à { $max } documents. Appuyez sur « Terminé » pour continuer.
intake-country-matches = Vouliez-vous dire l’un de ces pays ?

## Vérification et envoi

intake-review =
    <b>Veuillez vérifier vos réponses</b>
    Appuyez sur une question pour modifier sa réponse, ou envoyez vos réponses lorsque tout est correct.
intake-review-skipped = (question passée)
intake-review-files = { $count ->
        [one] { $count } document
       *[other] { $count } documents
    }
intake-submit = 📨 Envoyer
intake-submitted =
    <b>Merci. Les informations de votre dossier ont été envoyées.</b>
    Votre référence est <b>{ $reference }</b>.
intake-submitted-chat = Un coordinateur CancerFax va les examiner et vous répondra ici, dans cette conversation. Vous n’avez rien d’autre à faire pour le moment.
intake-submitted-phone = Un coordinateur CancerFax va les examiner et vous appellera au numéro de téléphone que vous avez indiqué. Vous n’avez rien d’autre à faire pour le moment.
