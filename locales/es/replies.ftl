# DRAFT translation (Spanish), awaiting review by a native medical translator.
# Source of truth: locales/en/replies.ftl. Keep message ids, attributes, variables and HTML tags unchanged.
# Respuestas preparadas de los coordinadores: el paciente las recibe en su idioma.

reply-hello =
    Hola, { $name }: le escribe el equipo de coordinación de pacientes de CancerFax. Estamos revisando ahora su caso { $reference }. No somos médicos: le ayudamos a reunir sus informes médicos y a contactar con hospitales.
    .label = 👋 Hola, vemos su caso
reply-received =
    Gracias, hemos recibido sus documentos del caso { $reference }. Un coordinador los está revisando y le escribirá aquí.
    .label = 📥 Documentos recibidos
reply-scan-report =
    ¿Podría enviarnos el informe de su última prueba de imagen (TAC, resonancia o PET)? Sirve una foto de cada página o un PDF: envíelo aquí, en este chat.
    .label = 🩻 Pedir último informe de imagen
reply-test-report =
    ¿Podría enviarnos el informe de su biopsia o de su última prueba molecular (genética)? Sirve una foto de cada página o un PDF.
    .label = 🧬 Pedir informe de la prueba
reply-call =
    Un coordinador le llamará el { $date }. Si ese momento no le viene bien, respóndanos aquí.
    .label = 📞 Le llamaremos (fecha)
reply-consent-hospital =
    Para compartir su caso { $reference } con un hospital, primero necesitamos su autorización. Responda aquí «sí» si podemos compartirlo con el hospital del que hablamos, o díganos si tiene preguntas.
    .label = ✅ Pedir permiso para compartir
reply-waiting-hospital =
    Hemos enviado sus preguntas al hospital y estamos esperando su respuesta. Le escribiremos aquí en cuanto sepamos algo.
    .label = ⏳ Esperando al hospital
reply-ask-oncologist =
    No podemos dar consejo médico. Por favor, consulte esta pregunta con su oncólogo; podemos ayudarle a preparar sus preguntas para esa consulta.
    .label = 🩺 Consulte a su oncólogo
