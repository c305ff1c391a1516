# DRAFT translation (Spanish), awaiting review by a native medical translator.
# Source of truth: locales/en/resistance.ftl. Keep message ids, variables and HTML tags unchanged.
# Borrador en español neutro (España y Latinoamérica), trato de «usted».
# Contenido del árbol «Resistencia a los fármacos en la terapia dirigida».
# Fuente: shared/content/targeted-therapy-resistance.txt (Equipo Médico de CancerFax).
# Decir lo que dice la fuente, nada más: no se deben añadir ni cambiar datos médicos.

## Botones del menú principal

home-btn-resistance = 📖 Terapia dirigida: resistencia
home-btn-services = 🤝 Cómo le ayuda CancerFax

## Líneas compartidas

resistance-reviewed = <i>Revisado por { $reviewer } el { $date }.</i>
resistance-reviewer = Equipo Médico de CancerFax, especialistas en Oncología y Hematología

## Presentación

resistance-overview-text =
    <b>Resistencia a los fármacos en la terapia dirigida</b>

    La resistencia no cierra la puerta a la terapia dirigida. Cambia la puerta que queda abierta. Las pruebas moleculares en el momento de la progresión son las que identifican cuál es.

    Elija un tema:
resistance-btn-glance = De un vistazo
resistance-btn-mechanisms = Cómo surge la resistencia
resistance-btn-testing = Pruebas en la progresión
resistance-btn-next-gen = Fármacos de nueva generación
resistance-btn-faq = Preguntas y respuestas

## De un vistazo

resistance-glance-text =
    <b>De un vistazo</b>

    • La resistencia adquirida es la causa más frecuente de que la terapia dirigida deje de funcionar con el tiempo.
    • Entre los mecanismos de resistencia están las mutaciones secundarias (por ejemplo, T790M en EGFR) y la activación de vías alternativas.
    • La biopsia líquida y la rebiopsia en la progresión son esenciales para entender el mecanismo de resistencia.
    • Los fármacos de nueva generación (osimertinib, lorlatinib) están diseñados para superar mutaciones de resistencia específicas.

## Cómo se desarrolla la resistencia

resistance-mechanisms-text =
    <b>Cómo se desarrolla la resistencia</b>

    Conocer el mecanismo de resistencia concreto cambia la siguiente decisión de tratamiento. Mecanismos distintos requieren respuestas distintas.

    Elija un mecanismo para leer más:
resistance-btn-on-target = Mutaciones en la diana
resistance-btn-bypass = Bypass fuera de la diana
resistance-btn-transformation = Transformación histológica
resistance-btn-amplification = Amplificación de la diana

resistance-on-target-text =
    <b>Mutaciones de resistencia en la diana</b>

    Una nueva mutación en el mismo gen al que se dirigía el fármaco altera el sitio de unión, de modo que el fármaco ya no puede unirse.

    La mutación T790M en el cáncer de pulmón con mutación de EGFR es el ejemplo clásico: motivó el desarrollo de osimertinib específicamente para superarla.

resistance-bypass-text =
    <b>Mecanismos de bypass fuera de la diana</b>

    El tumor activa una vía alternativa que sortea (bypass) la vía que el fármaco estaba bloqueando.

    La amplificación de MET en el cáncer de pulmón de células no pequeñas (CPCNP) con mutación de EGFR es un ejemplo: el cáncer encuentra una ruta diferente para llegar al mismo destino de crecimiento.

resistance-transformation-text =
    <b>Transformación histológica</b>

    En algunos casos, el tumor cambia de tipo celular bajo la presión del tratamiento.

    El cáncer de pulmón de células no pequeñas (CPCNP) con mutación de EGFR se transforma en ocasiones en cáncer de pulmón de células pequeñas al desarrollar resistencia, lo que requiere un enfoque de tratamiento completamente diferente.

resistance-amplification-text =
    <b>Amplificación de la diana</b>

    El tumor produce tanta cantidad de la proteína diana que el fármaco ya no puede bloquearla eficazmente a las dosis estándar.

    Esto requiere aumentar la dosis o cambiar a un fármaco con características de unión diferentes.

## Pruebas en la progresión

resistance-testing-text =
    <b>Por qué son importantes las pruebas en la progresión</b>

    Conocer el mecanismo de resistencia concreto cambia la siguiente decisión de tratamiento, y mecanismos distintos requieren respuestas distintas.

    La biopsia líquida y la nueva biopsia (rebiopsia) en el momento de la progresión son esenciales para entender el mecanismo de resistencia. Las pruebas moleculares en el momento de la progresión son las que identifican qué puerta está abierta.

## Fármacos de nueva generación

resistance-next-gen-text =
    <b>Fármacos de nueva generación</b>

    Los fármacos de nueva generación, como osimertinib y lorlatinib, están diseñados para superar mutaciones de resistencia específicas.

    Por ejemplo, la mutación T790M en el cáncer de pulmón con mutación de EGFR motivó el desarrollo de osimertinib específicamente para superarla.

    Que un fármaco sea adecuado depende del mecanismo de resistencia, que se identifica con las pruebas moleculares en el momento de la progresión. Consulte siempre a un oncólogo cualificado.

## Preguntas y respuestas (respondidas solo a partir del texto fuente)

resistance-faq-text =
    <b>Preguntas y respuestas</b>

    Elija una pregunta:
faq-btn-why = ¿Por qué falla mi terapia?
faq-btn-door = ¿Es el fin de la terapia?
faq-btn-test = ¿Qué pruebas tras la progresión?
faq-btn-t790m = ¿Qué es T790M?
faq-btn-drugs = ¿Fármacos para la resistencia?

faq-why-text =
    <b>¿Por qué dejó de funcionar mi terapia dirigida?</b>

    La resistencia adquirida es la causa más frecuente de que la terapia dirigida deje de funcionar con el tiempo. Entre los mecanismos de resistencia se encuentran las mutaciones secundarias (por ejemplo, T790M en EGFR) y la activación de vías alternativas (bypass).

faq-door-text =
    <b>¿La resistencia significa que se acabó la terapia dirigida?</b>

    La resistencia no cierra la puerta a la terapia dirigida. Cambia la puerta que queda abierta. Las pruebas moleculares en el momento de la progresión son las que identifican cuál es.

faq-test-text =
    <b>¿Qué pruebas ayudan después de la progresión?</b>

    La biopsia líquida y la nueva biopsia (rebiopsia) en el momento de la progresión son esenciales para entender el mecanismo de resistencia. Conocer el mecanismo concreto cambia la siguiente decisión de tratamiento.

faq-t790m-text =
    <b>¿Qué es T790M?</b>

    T790M es una mutación en el cáncer de pulmón con mutación de EGFR. Es el ejemplo clásico de mutación de resistencia en la diana: una nueva mutación en el mismo gen al que se dirigía el fármaco altera el sitio de unión, de modo que el fármaco ya no puede unirse. Motivó el desarrollo de osimertinib específicamente para superarla.

faq-drugs-text =
    <b>¿Hay fármacos para la resistencia?</b>

    Los fármacos de nueva generación (osimertinib, lorlatinib) están diseñados para superar mutaciones de resistencia específicas. El enfoque adecuado depende del mecanismo de resistencia. Consulte siempre a un oncólogo cualificado antes de tomar decisiones sobre el tratamiento.

## Cómo le ayuda CancerFax

services-text =
    <b>Cómo le ayuda CancerFax</b>

    CancerFax es una plataforma especializada en el acceso a la atención oncológica y en la orientación de pacientes. Ayudamos a pacientes y familias a entender sus opciones, organizar su historial médico, coordinar la comunicación con los hospitales y apoyar la planificación de tratamientos en otros países cuando corresponda.

    <i>CancerFax no garantiza el acceso al tratamiento, la elegibilidad ni el resultado clínico. Nuestra función es ayudar a los pacientes a acceder a información precisa, a una revisión estructurada y a las vías especializadas adecuadas.</i>

services-btn-records = 📁 Historial y elegibilidad
services-btn-hospitals = 🏥 Hospitales y viajes
services-btn-pathways = 🧭 Otras opciones y seguimiento

services-records-text =
    <b>Revisión del historial médico.</b> Le ayudamos a reunir y organizar informes, estudios de imagen, informes de patología, resultados de biomarcadores y el historial de tratamientos para una revisión estructurada del caso.

    <b>Coordinación de la elegibilidad.</b> Nos comunicamos con hospitales o equipos de ensayos clínicos para valorar si un caso podría ser adecuado para una evaluación adicional.

services-hospitals-text =
    <b>Comunicación con hospitales.</b> Apoyamos la coordinación de citas, el envío de documentos, la traducción y la comunicación directa con los departamentos internacionales.

    <b>Apoyo con el viaje y la admisión hospitalaria.</b> Para pacientes internacionales, ayudamos con la coordinación práctica: planificación del viaje, orientación sobre la admisión en el hospital y apoyo local.

services-pathways-text =
    <b>Orientación sobre tratamientos y ensayos.</b> Si esta opción no es adecuada, le ayudamos a explorar otros tratamientos pertinentes, ensayos clínicos o vías de atención avanzada.

    <b>Coordinación integral.</b> Desde la primera solicitud hasta el seguimiento, nuestros coordinadores son el único punto de contacto para la familia.

    <b>¿Tiene preguntas sobre la resistencia a su terapia dirigida?</b> CancerFax revisa las pruebas realizadas en el momento de la progresión y le facilita el contacto con oncólogos con experiencia en identificar y abordar los mecanismos de resistencia a la terapia dirigida.
