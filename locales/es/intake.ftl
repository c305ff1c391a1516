# DRAFT translation (Spanish), awaiting review by a native medical translator.
# Source of truth: locales/en/intake.ftl. Keep message ids, attributes, variables and HTML tags unchanged.
# Borrador en español neutro (España y Latinoamérica), trato de «usted».
# Formulario de solicitud (dialogues/intake.yaml): los datos del caso que necesita un coordinador.
# Cada pregunta tiene un atributo `.label`: el nombre breve que se muestra en la pantalla
# de revisión y en el resumen para los coordinadores.

## Entrar y salir del formulario

menu-intake-start = 📝 Solicitar revisión del caso
menu-intake-continue = 📝 Seguir con los datos del caso
intake-paused =
    Sus respuestas se han guardado. Puede continuar con los datos de su caso en cualquier momento desde el menú principal.

## Consentimiento (se pide primero; antes no se guarda nada relacionado con la salud)

intake-consent =
    <b>Antes de empezar</b>

    Para revisar su caso, le haremos algunas preguntas sobre el paciente: nombre, edad, país, el cáncer, su tratamiento y sus pruebas, y un número de teléfono si prefiere que le llamemos. También puede enviar informes o estudios de imagen.

    <b>Para qué:</b> para que un coordinador de CancerFax pueda entender el caso y ayudarle. Los coordinadores no son médicos.
    <b>Quién los ve:</b> los coordinadores de CancerFax; los hospitales o los equipos de ensayos clínicos, solo si usted está de acuerdo.
    <b>Usted tiene el control:</b> puede borrar sus datos en cualquier momento con /delete.

    ¿Acepta que guardemos estos datos con esta finalidad?
    .label = Consentimiento
intake-consent-agree = ✅ Acepto
intake-consent-decline = ✖ No, gracias
intake-consent-declined =
    De acuerdo: no hemos guardado nada sobre su salud. Puede seguir leyendo la información de este bot y volver a empezar cuando lo desee.

## Comprobación de emergencia

intake-emergency =
    <b>Primero: ¿se trata de una emergencia?</b>
    ¿Tiene el paciente ahora mismo síntomas graves, como dificultad para respirar, dolor en el pecho, una hemorragia abundante, confusión o desmayos?
    .label = Comprobación de emergencia
intake-emergency-no = No, ahora no
intake-emergency-yes = Sí, síntomas graves ahora
intake-emergency-advice =
    <b>Por favor, busque ayuda médica urgente ahora.</b>
    Llame al número de emergencias de su zona o acuda al servicio de urgencias más cercano. Infórmeles sobre el cáncer y su tratamiento.

    Este chat no puede ayudar en una emergencia. Cuando el paciente esté a salvo, puede volver y continuar desde el menú principal.

## Sobre la persona

intake-writer =
    ¿Quién escribe?
    .label = Quién escribe
intake-writer-patient = Soy el/la paciente
intake-writer-family = Un familiar
intake-writer-caregiver = Un cuidador o amigo

intake-first-name =
    ¿Cuál es el nombre del paciente?
    .label = Nombre
intake-age =
    ¿Qué edad tiene el paciente? Escriba un número, por ejemplo 56.
    .label = Edad
intake-country =
    ¿En qué país vive el paciente? Escriba el nombre del país o elíjalo a continuación.
    .label = País

## El cáncer

intake-cancer-type =
    ¿Qué tipo de cáncer es?
    .label = Tipo de cáncer
intake-cancer-lung = Pulmón
intake-cancer-breast = Mama
intake-cancer-colorectal = Colorrectal (intestino)
intake-cancer-thyroid = Tiroides
intake-cancer-melanoma = Melanoma (piel)
intake-cancer-other = Otro tipo
intake-cancer-type-other =
    Por favor, escriba el tipo de cáncer.
    .label = Tipo de cáncer (otro)

intake-driver =
    ¿Qué mutación conductora (driver) o biomarcador se encontró? Si no está seguro, elija «No lo sé».
    .label = Mutación conductora/biomarcador
intake-driver-egfr = EGFR
intake-driver-alk = ALK
intake-driver-ros1 = ROS1
intake-driver-met = MET
intake-driver-kras-g12c = KRAS G12C
intake-driver-braf = BRAF
intake-driver-her2 = HER2
intake-driver-ret = RET
intake-driver-ntrk = NTRK
intake-driver-other = Otro
intake-driver-unknown = No lo sé

intake-therapy =
    ¿Qué terapia dirigida está tomando el paciente ahora, o cuál fue la última que tomó? Escriba el nombre del medicamento tal como aparece en la caja o en el informe.
    .label = Terapia dirigida
intake-progressing =
    ¿La enfermedad está progresando (creciendo o extendiéndose) con esta terapia?
    .label = Progresión
intake-progression-since =
    ¿Desde cuándo? Escriba el mes y el año, por ejemplo 03/2026.
    .label = Progresión desde

## Pruebas en la progresión

intake-testing =
    ¿Se han hecho pruebas moleculares desde que la enfermedad progresó?
    .label = Pruebas en la progresión
intake-testing-none = Todavía no
intake-testing-liquid = Biopsia líquida (sangre)
intake-testing-tissue = Nueva biopsia de tejido
intake-testing-both = Ambas
intake-testing-unsure = No estoy seguro/a

intake-egfr-finding =
    ¿Algún informe indica ya un hallazgo de resistencia?
    .label = Hallazgo de resistencia
intake-finding-t790m = T790M
intake-finding-met-amp = Amplificación de MET
intake-finding-small-cell = Transformación a microcítico
intake-finding-other = Otra cosa
intake-finding-none = Ninguno informado todavía
intake-finding-text =
    Si un informe de las pruebas indica un hallazgo de resistencia, escríbalo tal como aparece. Si no, toque «Omitir».
    .label = Hallazgo (según el informe)

## La ayuda que se solicita

intake-help =
    ¿Cómo podemos ayudarle? Elija todas las opciones que correspondan y luego toque «Listo».
    .label = Ayuda solicitada
intake-help-record-review = Revisión del historial médico
intake-help-eligibility = Elegibilidad / ensayos clínicos
intake-help-hospital = Hospital: contacto y traducción
intake-help-travel = Viaje y admisión hospitalaria
intake-help-navigation = Guía en tratamientos y ensayos

## Documentos

intake-documents =
    Si los tiene, envíe informes, estudios de imagen, informes de patología, resultados de biomarcadores o el historial de tratamientos, como fotos o archivos PDF. Puede enviar varios. Toque «Listo» cuando haya terminado, o «Omitir».
    .label = Documentos
intake-documents-received = { $count ->
        [one] Se ha recibido un documento.
       *[other] Se han recibido { $count } documentos.
    } Envíe más o toque «Listo».

## Contacto

intake-contact =
    ¿Cómo prefiere que un coordinador se ponga en contacto con usted?
    .label = Contacto preferido
intake-contact-telegram = Aquí, en Telegram
intake-contact-phone = Por teléfono
intake-phone =
    Comparta su número de teléfono con el botón de abajo, o escríbalo con el prefijo del país, por ejemplo +44 20 7946 0958.
    .label = Teléfono
intake-phone-share = 📱 Compartir mi teléfono
intake-language =
    ¿En qué idioma prefiere que hablemos con usted?
    .label = Idioma

## Botones comunes a todas las preguntas

intake-back = ◀ Pregunta anterior
intake-skip = Omitir
intake-done = ✅ Listo
intake-yes = Sí
intake-no = No
intake-unsure = No estoy seguro/a

## Cuando no se puede usar una respuesta (se vuelve a hacer la misma pregunta)

intake-error-expected-button = Por favor, elija uno de los botones de abajo.
intake-error-expected-text = Por favor, escriba su respuesta en un mensaje.
intake-error-too-short = Esta respuesta es demasiado corta: escriba al menos { $min } caracteres.
intake-error-too-long = Esta respuesta es demasiado larga: use { $max } caracteres o menos.
intake-error-not-a-number = Escriba un número, por ejemplo 56.
intake-error-out-of-range = Escriba un número entre { $min } y { $max }.
intake-error-month-year = Escriba el mes y el año de esta forma: 03/2026.
intake-error-future = Esta fecha es futura. Compruebe el mes y el año.
intake-error-phone = Esto no parece un número de teléfono. Incluya el prefijo del país, por ejemplo +44 20 7946 0958.
intake-error-country = No he encontrado este país. Compruebe cómo está escrito o elíjalo de la lista.
intake-error-choose-one = Elija al menos una opción y luego toque «Listo».
intake-error-expected-file = Envíe una foto o un archivo PDF, o toque «Listo».
intake-error-file-type = Solo puedo aceptar fotos y archivos PDF.
intake-error-file-too-large = Este archivo es demasiado grande (más de { $max } MB). Envíe una foto o un PDF más pequeño, o divida el informe.
intake-error-too-many-files = Puede enviar hasta { $max } documentos. Toque «Listo» para continuar.
intake-country-matches = ¿Quiso decir uno de estos?

## Revisión y envío

intake-review =
    <b>Revise sus respuestas</b>
    Toque una pregunta para cambiar su respuesta, o envíelas cuando todo esté correcto.
intake-review-skipped = (omitida)
intake-review-files = { $count ->
        [one] un documento
       *[other] { $count } documentos
    }
intake-submit = 📨 Enviar
intake-submitted =
    <b>Gracias. Se han enviado los datos de su caso.</b>
    Su referencia es <b>{ $reference }</b>.
intake-submitted-chat = Un coordinador de CancerFax los revisará y le responderá aquí, en este chat. No necesita hacer nada más por ahora.
intake-submitted-phone = Un coordinador de CancerFax los revisará y le llamará al número de teléfono que nos ha dado. No necesita hacer nada más por ahora.
