# DRAFT translation (French), awaiting review by a native medical translator.
# Source of truth: locales/en/replies.ftl. Keep message ids, attributes, variables and HTML tags unchanged.
# Réponses toutes prêtes des coordinateurs : le patient les reçoit dans sa langue.

reply-hello =
    Bonjour { $name }, ici l’équipe de coordination des patients de CancerFax. Nous examinons en ce moment votre dossier { $reference }. Nous ne sommes pas médecins : nous vous aidons à rassembler vos documents médicaux et à contacter des hôpitaux.
    .label = 👋 Bonjour, on suit votre dossier
reply-received =
    Merci, nous avons bien reçu vos documents pour le dossier { $reference }. Un coordinateur les examine et vous écrira ici.
    .label = 📥 Documents reçus
reply-scan-report =
    Pourriez-vous nous envoyer le compte rendu de votre dernier examen d’imagerie (scanner, IRM ou TEP) ? Une photo de chaque page ou un PDF convient : envoyez-le ici, dans cette conversation.
    .label = 🩻 Demander le dernier examen
reply-test-report =
    Pourriez-vous nous envoyer le compte rendu de votre biopsie ou de votre dernier test moléculaire (génétique) ? Une photo de chaque page ou un PDF convient.
    .label = 🧬 Demander le résultat du test
reply-call =
    Un coordinateur vous appellera le { $date }. Si ce moment ne vous convient pas, répondez-nous ici.
    .label = 📞 Nous vous appellerons (date)
reply-consent-hospital =
    Pour partager votre dossier { $reference } avec un hôpital, nous avons d’abord besoin de votre accord. Répondez « oui » ici si nous pouvons le partager avec l’hôpital dont nous avons parlé, ou dites-nous si vous avez des questions.
    .label = ✅ Demander l’accord de partage
reply-waiting-hospital =
    Nous avons envoyé vos questions à l’hôpital et attendons sa réponse. Nous vous écrirons ici dès que nous aurons des nouvelles.
    .label = ⏳ En attente de l’hôpital
reply-ask-oncologist =
    Nous ne pouvons pas donner d’avis médical. Veuillez poser cette question à votre oncologue ; nous pouvons vous aider à préparer vos questions pour ce rendez-vous.
    .label = 🩺 Voir avec votre oncologue
