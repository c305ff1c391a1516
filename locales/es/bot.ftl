# DRAFT translation (Spanish), awaiting review by a native medical translator.
# Source of truth: locales/en/bot.ftl. Keep message ids, variables and HTML tags unchanged.
# Borrador en español neutro (España y Latinoamérica), trato de «usted».
# Textos de la interfaz del bot: bienvenida, menús, comandos, errores.
# El texto es HTML de Telegram: solo <b>, <i>, <u>, <s>, <a href>, <code>, <pre>, <blockquote>.
# Escriba &amp; para "&" y &lt; para "<".

welcome =
    ¡Hola, { $name }! Soy el asistente de orientación para pacientes de CancerFax.
    Puedo explicarle cómo se desarrolla la resistencia a la terapia dirigida contra el cáncer y por qué son importantes las pruebas en la progresión, y ponerle en contacto con los coordinadores de CancerFax. Los coordinadores no son médicos: le ayudan a organizar sus informes médicos y la comunicación con los hospitales.
welcome-anonymous =
    ¡Hola! Soy el asistente de orientación para pacientes de CancerFax.
    Puedo explicarle cómo se desarrolla la resistencia a la terapia dirigida contra el cáncer y por qué son importantes las pruebas en la progresión, y ponerle en contacto con los coordinadores de CancerFax. Los coordinadores no son médicos: le ayudan a organizar sus informes médicos y la comunicación con los hospitales.
not-medical-advice = <i>Solo información, no consejo médico: decida cualquier tratamiento con su oncólogo.</i>
no-guarantee = <i>CancerFax no garantiza el acceso al tratamiento, la elegibilidad ni el resultado clínico.</i>
emergency-line = 🚑 <b>En caso de emergencia</b>, llame ahora al número de emergencias de su zona o acuda al servicio de urgencias más cercano. Este chat no puede ayudar en una emergencia.

home-text =
    <b>Menú principal</b>
    ¿Qué desea hacer?

help-text =
    <b>Cómo usar este bot</b>
    Toque los botones que aparecen debajo de mis mensajes para desplazarse. También puede escribir:
    /menu – el menú principal
    /language – cambiar el idioma
    /help – esta ayuda
    /cancel – detener lo que está haciendo y volver al menú

    Si se siente muy mal, póngase en contacto ahora con su médico o con el número de emergencias de su zona. Este chat no es un servicio de emergencias.

cancel-done = Detenido. Aquí tiene el menú principal.

free-text-hint =
    Aquí funciono con botones, no con mensajes escritos. Por favor, toque uno de los botones de abajo.
    Para hablar con una persona, toque «Hablar con una persona».
unsupported-input = Aquí no puedo leer este tipo de mensaje. Por favor, toque uno de los botones de abajo.
edited-message = He notado que ha editado un mensaje. No leo los mensajes editados: envíe un mensaje nuevo o toque uno de los botones de abajo.
stale-button = Este botón está desactualizado. Aquí tiene el menú actual.
unknown-command = No conozco ese comando. Aquí tiene el menú principal.

language-prompt = Elija su idioma:
language-changed = Idioma cambiado a español.
# The name of this language, written in this language (shown in the language picker).
language-name = Español


## Botones. Deben ser breves: se muestran en un teléfono.

nav-back = ◀ Atrás
nav-home = 🏠 Menú principal
nav-person = 💬 Hablar con una persona
menu-language = 🌐 Idioma

## Comandos del menú de comandos de Telegram (descripciones breves, sin HTML).

command-start = Iniciar el asistente
command-menu = Menú principal
command-language = Cambiar el idioma
command-help = Cómo usar este bot
command-privacy = Cómo se usan sus datos
command-mydata = Obtener una copia de mis datos
command-delete = Eliminar mis datos
command-cancel = Detener y volver al menú

## Erasing a patient's data (/delete)

delete-confirm =
    <b>¿Eliminar sus datos?</b>
    Se borrarán los datos de su caso y las respuestas guardadas por este bot. No se puede deshacer.
delete-yes = 🗑 Sí, eliminar
delete-no = No, conservar mis datos
delete-done = Sus datos han sido eliminados.
delete-kept = No se ha eliminado nada.

## Privacy (/privacy, /mydata)

privacy-text =
    <b>Sus datos y su privacidad</b>
    Guardamos: su idioma y en qué parte del bot se encuentra; si nos los da, los datos de su caso, su número de teléfono y sus documentos (como referencias de archivos de Telegram); los mensajes que intercambia con los coordinadores de CancerFax (Telegram guarda los mensajes; nosotros guardamos qué mensaje es cuál).
    Para qué: para que un coordinador de CancerFax (que no es médico) pueda entender su caso y ayudarle.
    Quién lo ve: los coordinadores de CancerFax; los hospitales o los equipos de ensayos clínicos, solo si usted está de acuerdo.
    Durante cuánto tiempo: las conversaciones cerradas se borran a los { $days } días.
    Usted decide: /mydata le envía todo lo que guardamos sobre usted; /delete lo borra.
mydata-sent = Aquí tiene todo lo que este bot guarda sobre usted.

## Flood control

flood-note = Está enviando muchos mensajes muy rápido, así que dejo de responder un momento. Todo lo que escribe se guarda. Cuando quiera, envíe /menu para continuar.
