# DRAFT translation (Spanish), awaiting review by a native medical translator.
# Source of truth: locales/en/handoff.ftl. Keep message ids, attributes, variables and HTML tags unchanged.
# Conversación con un coordinador de atención: lo que ve el paciente mientras su caso
# está en la cola de los coordinadores.

handoff-opened =
    <b>Ahora está en contacto con el equipo de atención de CancerFax.</b>
    Su referencia es <b>{ $reference }</b>. Escriba aquí su mensaje: un coordinador de atención lo leerá y le responderá en este chat.
handoff-already-open =
    Ya está en contacto con el equipo de atención (referencia <b>{ $reference }</b>). Solo tiene que escribir aquí su mensaje.
handoff-coordinator-joined = Un coordinador de atención se ha unido a su conversación y le responderá aquí.
handoff-off-hours =
    Gracias, hemos recibido su mensaje. En este momento nuestros coordinadores de atención no están trabajando; le responderán a partir del { $opens } (hora de { $zone }).
handoff-closed =
    Su conversación con el equipo de atención se ha cerrado. Si vuelve a escribir aquí, la reabriremos.

    ¿En qué medida le ha resultado útil esta conversación? Por favor, valórela del 1 (nada útil) al 5 (muy útil).
handoff-rating-thanks = Gracias por su valoración.
handoff-reopened = Se ha reabierto su conversación con el equipo de atención (referencia <b>{ $reference }</b>). Un coordinador de atención le responderá aquí.
handoff-not-delivered = Lo sentimos, no se ha podido transmitir su mensaje. Por favor, inténtelo de nuevo dentro de unos minutos.
