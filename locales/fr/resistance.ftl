# DRAFT translation (French), awaiting review by a native medical translator.
# Source of truth: locales/en/resistance.ftl. Keep message ids, variables and HTML tags unchanged.
# Traduction provisoire (français), en attente de relecture par un traducteur médical natif.
# Contenu de l’arborescence « Résistance aux médicaments en thérapie ciblée ».
# Source : shared/content/targeted-therapy-resistance.txt (équipe médicale CancerFax).
# Dire ce que dit la source, rien de plus : aucun fait médical ne doit être ajouté ni modifié.

## Boutons du menu principal

home-btn-resistance = 📖 Résistance en thérapie ciblée
home-btn-services = 🤝 Comment CancerFax vous aide

## Lignes communes

resistance-reviewed = <i>Relu par { $reviewer } le { $date }.</i>
resistance-reviewer = Équipe médicale CancerFax, spécialistes en oncologie &amp; hématologie

## Vue d’ensemble

resistance-overview-text =
    <b>Résistance aux médicaments en thérapie ciblée</b>

    La résistance ne ferme pas la porte à la thérapie ciblée. Elle change la porte qui est ouverte. C’est le test moléculaire lors de la progression qui permet d’identifier laquelle.

    Choisissez un sujet :
resistance-btn-glance = En bref
resistance-btn-mechanisms = Comment apparaît la résistance
resistance-btn-testing = Tests lors de la progression
resistance-btn-next-gen = Molécules de nouvelle génération
resistance-btn-faq = Questions et réponses

## En bref

resistance-glance-text =
    <b>En bref</b>

    • La résistance acquise est la cause la plus fréquente de l’échec progressif d’une thérapie ciblée.
    • Les mécanismes de résistance incluent les mutations secondaires (par ex. T790M de l’EGFR) et l’activation de voies de contournement.
    • La biopsie liquide et la rebiopsie à la progression sont essentielles pour comprendre le mécanisme de résistance.
    • Les médicaments de nouvelle génération (osimertinib, lorlatinib) sont conçus pour surmonter des mutations de résistance spécifiques.

## Comment la résistance se développe

resistance-mechanisms-text =
    <b>Comment la résistance se développe</b>

    Comprendre le mécanisme de résistance précis change la décision concernant le traitement suivant. Des mécanismes différents nécessitent des réponses différentes.

    Choisissez un mécanisme pour en savoir plus :
resistance-btn-on-target = Mutations sur la cible
resistance-btn-bypass = Contournement hors cible
resistance-btn-transformation = Transformation histologique
resistance-btn-amplification = Amplification de la cible

resistance-on-target-text =
    <b>Mutations de résistance sur la cible</b>

    Une nouvelle mutation dans le gène même que le médicament ciblait modifie le site de liaison, si bien que le médicament ne peut plus s’y fixer.

    La mutation T790M dans le cancer du poumon avec mutation de l’EGFR en est l’exemple classique : elle est à l’origine du développement de l’osimertinib, conçu spécifiquement pour la surmonter.

resistance-bypass-text =
    <b>Mécanismes de contournement hors cible</b>

    La tumeur active une voie alternative qui contourne celle que le médicament bloquait.

    L’amplification de MET dans le cancer bronchique non à petites cellules (CBNPC) avec mutation de l’EGFR en est un exemple : le cancer trouve un autre chemin vers la même destination, sa croissance.

resistance-transformation-text =
    <b>Transformation histologique</b>

    Dans certains cas, la tumeur change de type cellulaire sous la pression du traitement.

    Le cancer bronchique non à petites cellules (CBNPC) avec mutation de l’EGFR se transforme parfois en cancer bronchique à petites cellules au moment de la résistance, ce qui nécessite une approche thérapeutique complètement différente.

resistance-amplification-text =
    <b>Amplification de la cible</b>

    La tumeur produit une telle quantité de la protéine ciblée que le médicament ne peut plus la bloquer efficacement aux doses standard.

    Cela nécessite une augmentation de la dose ou le passage à une molécule aux caractéristiques de liaison différentes.

## Tests lors de la progression

resistance-testing-text =
    <b>Pourquoi les tests lors de la progression sont importants</b>

    Comprendre le mécanisme de résistance précis change la décision concernant le traitement suivant, et des mécanismes différents nécessitent des réponses différentes.

    La biopsie liquide et la rebiopsie lors de la progression sont essentielles pour comprendre le mécanisme de résistance. C’est le test moléculaire lors de la progression qui permet d’identifier quelle porte est ouverte.

## Médicaments de nouvelle génération

resistance-next-gen-text =
    <b>Médicaments de nouvelle génération</b>

    Les médicaments de nouvelle génération, comme l’osimertinib et le lorlatinib, sont conçus pour surmonter des mutations de résistance spécifiques.

    Par exemple, la mutation T790M du cancer du poumon avec mutation de l’EGFR a conduit à développer l’osimertinib, spécifiquement pour la surmonter.

    Savoir si un médicament convient dépend du mécanisme de résistance, que le test moléculaire lors de la progression permet d’identifier. Consultez toujours un oncologue qualifié.

## Questions et réponses (réponses fondées uniquement sur le texte source)

resistance-faq-text =
    <b>Questions et réponses</b>

    Choisissez une question :
faq-btn-why = Pourquoi ça ne marche plus ?
faq-btn-door = Est-ce la fin du traitement ?
faq-btn-test = Quels tests après progression ?
faq-btn-t790m = Qu’est-ce que T790M ?
faq-btn-drugs = Médicaments contre la résistance

faq-why-text =
    <b>Pourquoi ma thérapie ciblée a-t-elle cessé d’agir ?</b>

    La résistance acquise est la raison la plus fréquente pour laquelle une thérapie ciblée cesse d’agir avec le temps. Les mécanismes de résistance comprennent les mutations secondaires (par exemple T790M de l’EGFR) et l’activation de voies de contournement.

faq-door-text =
    <b>La résistance signifie-t-elle la fin de la thérapie ciblée ?</b>

    La résistance ne ferme pas la porte à la thérapie ciblée. Elle change la porte qui est ouverte. C’est le test moléculaire lors de la progression qui permet d’identifier laquelle.

faq-test-text =
    <b>Quels tests sont utiles après la progression ?</b>

    La biopsie liquide et la rebiopsie lors de la progression sont essentielles pour comprendre le mécanisme de résistance. Comprendre le mécanisme précis change la décision concernant le traitement suivant.

faq-t790m-text =
    <b>Qu’est-ce que T790M ?</b>

    T790M est une mutation observée dans le cancer du poumon avec mutation de l’EGFR. C’est l’exemple classique de mutation de résistance sur la cible : une nouvelle mutation dans le gène même que le médicament ciblait modifie le site de liaison, si bien que le médicament ne peut plus s’y fixer. Elle est à l’origine du développement de l’osimertinib, conçu spécifiquement pour la surmonter.

faq-drugs-text =
    <b>Existe-t-il des médicaments contre la résistance ?</b>

    Les médicaments de nouvelle génération (osimertinib, lorlatinib) sont conçus pour surmonter des mutations de résistance spécifiques. L’approche adaptée dépend du mécanisme de résistance. Consultez toujours un oncologue qualifié avant de prendre toute décision de traitement.

## Comment CancerFax vous aide

services-text =
    <b>Comment CancerFax vous aide</b>

    CancerFax est une plateforme spécialisée dans l’accès aux soins en cancérologie et l’accompagnement des patients. Nous aidons les patients et leurs familles à comprendre leurs options, à organiser leurs documents médicaux, à coordonner les échanges avec les hôpitaux et, le cas échéant, à planifier un traitement à l’étranger.

    <i>CancerFax ne garantit ni l’accès à un traitement, ni l’éligibilité, ni un résultat clinique. Notre rôle est d’aider les patients à accéder à des informations exactes, à un examen structuré de leur dossier et à des parcours spécialisés appropriés.</i>

services-btn-records = 📁 Dossier et éligibilité
services-btn-hospitals = 🏥 Hôpitaux et voyage
services-btn-pathways = 🧭 Autres options et suivi

services-records-text =
    <b>Examen du dossier médical.</b> Nous aidons à rassembler et à organiser les comptes rendus, les examens d’imagerie, les résultats d’anatomopathologie et de biomarqueurs, ainsi que l’historique des traitements, en vue d’un examen structuré du dossier.

    <b>Coordination de l’éligibilité.</b> Nous échangeons avec les hôpitaux ou les équipes d’essais cliniques pour évaluer si un dossier pourrait se prêter à une sélection plus approfondie.

services-hospitals-text =
    <b>Communication avec les hôpitaux.</b> Nous facilitons la coordination des rendez-vous, l’envoi des documents, la traduction et la communication directe avec les services internationaux.

    <b>Aide au voyage et à l’admission.</b> Pour les patients venant de l’étranger, nous aidons à la coordination pratique : organisation du voyage, conseils pour l’admission à l’hôpital et soutien sur place.

services-pathways-text =
    <b>Orientation vers les traitements et les essais.</b> Si cette option ne convient pas, nous vous aidons à explorer d’autres traitements pertinents, des essais cliniques ou des parcours de soins avancés.

    <b>Coordination de bout en bout.</b> De la première demande jusqu’au suivi, nos coordinateurs sont l’interlocuteur unique de la famille.

    <b>Des questions sur la résistance à votre thérapie ciblée ?</b> CancerFax examine votre bilan de progression et vous met en relation avec des oncologues expérimentés dans l’identification et la prise en charge des mécanismes de résistance aux thérapies ciblées.
