# DRAFT translation (Spanish), awaiting review by a native medical translator.
# Source of truth: locales/en/handoff.ftl. Keep message ids, attributes, variables and HTML tags unchanged.
# Conversación con un coordinador de CancerFax (no es médico): lo que ve el paciente mientras su caso
# está en la cola de los coordinadores.

handoff-opened =
    <b>Ahora está en contacto con los coordinadores de CancerFax.</b>
    Su referencia es <b>{ $reference }</b>. Escriba aquí su mensaje: un coordinador lo leerá y le responderá en este chat. Los coordinadores no son médicos: le ayudan a organizar sus informes médicos y la comunicación con los hospitales.
handoff-already-open =
    Ya está en contacto con los coordinadores de CancerFax (referencia <b>{ $reference }</b>). Solo tiene que escribir aquí su mensaje.
handoff-coordinator-joined = Un coordinador de CancerFax se ha unido a su conversación y le responderá aquí.
handoff-off-hours =
    Gracias, hemos recibido su mensaje. En este momento nuestros coordinadores no están trabajando; vuelven el { $opens }.
handoff-closed =
    Su conversación con los coordinadores de CancerFax se ha cerrado. Si vuelve a escribir aquí, la reabriremos.

    ¿En qué medida le ha resultado útil esta conversación? Por favor, valórela del 1 (nada útil) al 5 (muy útil).
handoff-rating-thanks = Gracias por su valoración.
handoff-reopened = Se ha reabierto su conversación con los coordinadores de CancerFax (referencia <b>{ $reference }</b>). Un coordinador le responderá aquí.
handoff-not-delivered = Lo sentimos, no se ha podido transmitir su mensaje. Por favor, inténtelo de nuevo dentro de unos minutos.
