# DRAFT translation (French), awaiting review by a native medical translator.
# Source of truth: locales/en/handoff.ftl. Keep message ids, attributes, variables and HTML tags unchanged.
# Échanger avec un coordinateur CancerFax (qui n’est pas médecin) : ce que voit le patient lorsque son dossier
# est dans la file d’attente des coordinateurs.

handoff-opened =
    <b>Vous êtes maintenant en relation avec les coordinateurs CancerFax.</b>
    Votre référence est <b>{ $reference }</b>. Écrivez votre message ici : un coordinateur le lira et vous répondra dans cette conversation. Les coordinateurs ne sont pas médecins : ils vous aident à organiser votre dossier médical et vos échanges avec les hôpitaux.
handoff-already-open =
    Vous êtes déjà en relation avec les coordinateurs CancerFax (référence <b>{ $reference }</b>). Il vous suffit d’écrire votre message ici.
handoff-coordinator-joined = Un coordinateur CancerFax a rejoint votre conversation et vous répondra ici.
handoff-off-hours =
    Merci, votre message a bien été reçu. Nos coordinateurs ne travaillent pas en ce moment ; ils seront de retour le { $opens }.
handoff-closed =
    Votre conversation avec les coordinateurs CancerFax a été clôturée. Si vous écrivez de nouveau ici, nous la rouvrirons.

    Dans quelle mesure cette conversation vous a-t-elle été utile ? Veuillez lui attribuer une note de 1 (pas utile) à 5 (très utile).
handoff-rating-thanks = Merci pour votre note.
handoff-reopened = Votre conversation avec les coordinateurs CancerFax a été rouverte (référence <b>{ $reference }</b>). Un coordinateur vous répondra ici.
handoff-not-delivered = Nous sommes désolés, votre message n’a pas pu être transmis. Veuillez réessayer dans quelques minutes.
