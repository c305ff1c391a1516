# DRAFT translation (Spanish), awaiting review by a native medical translator.
# Source of truth: locales/en/coordinators.ftl. Keep message ids, attributes, variables and HTML tags unchanged.
# Lo que el bot escribe para los coordinadores en su grupo (no para los pacientes).

## Idiomas

coord-language-name = { $language ->
        [ar] árabe
        [de] alemán
        [en] inglés
        [es] español
        [fr] francés
        [he] hebreo
        [hi] hindi
        [it] italiano
        [ja] japonés
        [pl] polaco
        [pt] portugués
        [ru] ruso
        [tr] turco
        [uk] ucraniano
        [zh] chino
       *[other] este idioma
    }
coord-language = { coord-language-name } ({ $tag })

## Duraciones

coord-duration-minutes = { $minutes } min
coord-duration-hours = { $hours } h { $minutes } min
coord-duration-days = { $days } d { $hours } h

## Respuestas a un botón o a un cambio

coord-answer-taken = Ha tomado { $reference }.
coord-answer-yours = { $reference } ya es suyo.
coord-answer-held = { $reference } ya lo tiene { $name }.
coord-answer-closed = { $reference } está cerrado.
coord-answer-gone = { $reference } ya no existe.
coord-answer-unchanged = { $reference } sigue como estaba.
coord-answer-released = { $reference } ha vuelto a la cola.
coord-answer-transferred = { $reference } lo tiene ahora { $name }.
coord-answer-urgent = { $reference } está marcado como urgente.
coord-answer-not-urgent = { $reference } ya no es urgente.
coord-answer-noted = Anotado en { $reference }.

## Notas en el tema de un caso

coord-note-released = ↩ { $name } lo ha devuelto a la cola.
coord-note-transferred = ➡ { $name } lo ha transferido a { $to }.
coord-note-closed = ✖ Cerrado por { $name }.
coord-note-closed-by-bot = ✖ Cerrado por el bot.
coord-note-rated = ⭐ El paciente ha valorado esta conversación con { $stars }/5.
coord-note-blocked = ⛔ El paciente ha bloqueado el bot. El caso está cerrado.
coord-note-blocked-undelivered = ⛔ El paciente ha bloqueado el bot: este mensaje no se ha entregado. El caso está cerrado.
coord-note-undelivered = ⚠️ Este mensaje no se ha podido entregar al paciente. Envíelo de nuevo, por favor.
coord-note-document-not-shown = ⚠️ Un documento no se ha podido mostrar aquí ({ $error }).
coord-note-edited = ✏️ <i>editado { $time }</i> { $text }
coord-note-erased = { $count ->
        [one] 🗑 { $references }: el paciente ha borrado sus datos. El tema del caso se ha eliminado, con todos sus mensajes.
       *[other] 🗑 { $references }: el paciente ha borrado sus datos. Los temas de los casos se han eliminado, con todos sus mensajes.
    }

## Rechazos

coord-refused-not-member = Solo los miembros de este grupo que pueden escribir pueden actuar sobre los casos ({ $reference } no ha cambiado).
coord-refused-held = { $change ->
        [release] { $reference } lo tiene { $name }: solo esa persona o un administrador puede devolverlo a la cola.
        [close] { $reference } lo tiene { $name }: solo esa persona o un administrador puede cerrarlo.
        [transfer] { $reference } lo tiene { $name }: solo esa persona o un administrador puede transferirlo.
       *[other] { $reference } lo tiene { $name }: solo esa persona o un administrador puede cambiarlo.
    }

## Comandos

coord-unknown-command = { $command } no es un comando de este grupo (no se ha enviado nada al paciente). En el tema de un caso: /r (respuestas preparadas en el idioma del paciente), /note, /release, /transfer, /close; en cualquier lugar: /queue, /stats. Para escribir al paciente un texto que empiece por «/», ponga un espacio o una palabra delante.
coord-transfer-help = Para transferir, escriba <code>/transfer @usuario</code> (la persona debe haber escrito una vez en este grupo), responda a uno de sus mensajes con <code>/transfer</code>, o pase el caso a otro equipo con <code>/transfer Nombre del equipo</code>.
coord-team-already = { $reference } ya está en { $team }.
coord-moved-out = ➡ { $name } lo ha pasado a { $team }. La conversación continúa allí.
coord-moved-in = ⬅ Llega aquí desde { $team }, enviado por { $name }. Siguen los últimos mensajes.
coord-another-team = otro equipo

## La ficha del caso

coord-card-urgent = 🔴 <b>URGENTE</b>
coord-card-waiting = esperando desde hace { $waited }
coord-card-assigned = asignado a { $name }
coord-card-closed = cerrado
coord-card-language = Idioma del paciente: { $language } ({ $tag })
coord-card-no-details = <i>Aún no hay datos del caso: el paciente pidió hablar con una persona.</i>
coord-card-documents = { $count ->
        [one] 📎 { $count } documento: se reenvía a continuación.
       *[other] 📎 { $count } documentos: se reenvían a continuación.
    }
coord-button-take = ✋ Tomar
coord-button-release = ↩ Devolver
coord-button-urgent = 🔴 Urgente
coord-button-not-urgent = No urgente
coord-button-close = ✖ Cerrar

## /queue

coord-queue-empty =
    <b>Cola</b>
    No hay casos abiertos.
coord-queue-header = <b>Cola</b> · en espera: { $waiting } · asignados: { $assigned }
coord-queue-page = página { $page }/{ $pages }
coord-queue-waiting = { $reference } · { $title } · esperando { $waited }
coord-queue-held = { $count ->
        [one] ⚠️ { $count } mensaje retenido: Telegram lo rechaza desde hace { $waited } ({ $error }). Se reintenta y saldrá cuando Telegram lo acepte.
       *[other] ⚠️ { $count } mensajes retenidos: Telegram los rechaza desde hace { $waited } ({ $error }). Se reintentan y saldrán cuando Telegram los acepte.
    }

## Recordatorios de casos olvidados

coord-reminder-second = <b>Segundo recordatorio, para todos</b>
coord-reminder-urgent = (urgente)
coord-reminder-waiting = <b>{ $reference }</b>{ $urgent } lleva { $waited } de horario laboral esperando a un coordinador: tómelo desde su ficha.
coord-reminder-holder = { $holder }, el paciente de <b>{ $reference }</b>{ $urgent } lleva { $waited } de horario laboral esperando su respuesta.
coord-reminder-everyone = el paciente de <b>{ $reference }</b>{ $urgent } lleva { $waited } de horario laboral esperando una respuesta de { $holder }. ¿Alguien puede responder?
coord-reminder-link = <a href="{ $link }">Abrir su tema</a>.

## Respuestas preparadas (/r)

coord-replies-none = No hay respuestas preparadas: los traductores las añaden en locales/{ $tag }/{ $file }.
coord-replies-menu =
    💬 <b>Respuestas preparadas para { $reference }</b>
    El paciente lee { $language }: la respuesta le llega en ese idioma y aquí se muestra en ambos. Pulse una para enviarla, o escriba <code>/r NOMBRE</code>; para una respuesta con fecha, <code>/r NOMBRE 2026-12-08 10:00</code>.
coord-replies-missing = 🚫 Aún sin traducir al { $language }, así que no se pueden enviar: { $replies }.
coord-reply-sent =
    📨 { $name } ha enviado la respuesta «{ $reply }» al paciente:
    <blockquote>{ $text }</blockquote>
coord-reply-sent-translated =
    📨 { $name } ha enviado la respuesta «{ $reply }» al paciente, en { $language }:
    <blockquote>{ $text }</blockquote>
    En el idioma de los coordinadores:
    <blockquote>{ $translation }</blockquote>
coord-reply-unknown = No existe la respuesta preparada «{ $reply }». No se ha enviado nada al paciente de { $reference }; /r muestra las respuestas.
coord-reply-not-translated = 🚫 La respuesta «{ $reply }» aún no está traducida al { $language }. No se ha enviado nada al paciente de { $reference }: nunca se envía en un idioma que el paciente no eligió. Pida a los traductores que la añadan a { $file }, o escriba usted al paciente.
coord-reply-needs-date = La respuesta «{ $reply }» indica una fecha: escriba <code>/r { $reply } 2026-12-08 10:00</code> (o solo el día, <code>/r { $reply } 2026-12-08</code>). No se ha enviado nada al paciente de { $reference }.
coord-reply-bad-date = «{ $given }» no es una fecha que este bot entienda: escriba <code>/r { $reply } 2026-12-08 10:00</code> (o solo el día). No se ha enviado nada al paciente de { $reference }.
coord-reply-needs-name = La respuesta «{ $reply }» saluda al paciente por su nombre, y este caso no lo tiene (no se rellenó el formulario). No se ha enviado nada al paciente de { $reference }; elija otra respuesta.
coord-reply-broken = La respuesta «{ $reply }» no se puede mostrar ({ $error }); `navigator check` indica dónde. No se ha enviado nada al paciente de { $reference }.
coord-reply-answer-sent = Enviado al paciente de { $reference }.
coord-reply-answer-not-sent = No se ha enviado nada al paciente de { $reference }: el motivo está en el tema.
coord-reply-answer-repeated = «{ $reply }» se envió a este paciente hace { $seconds } s: no se ha vuelto a enviar. Pulse otra vez pasado un minuto para enviarla una segunda vez.

## /stats y el resumen semanal

coord-stats-title = 📊 <b>Casos</b> ({ $zone })
coord-stats-now = Ahora: en espera: { $waiting } · asignados: { $assigned }
coord-stats-today = <b>Hoy</b>
coord-stats-week = <b>Esta semana</b> (desde el lunes)
coord-stats-all-teams = <b>Todos los equipos</b>
coord-stats-all-teams-week = <b>Esta semana</b>
coord-figures-cases = Abiertos: { $opened } · asignados: { $assigned } · cerrados: { $closed }
coord-figures-first-reply = Primera respuesta
coord-figures-to-close = Hasta el cierre
coord-figures-durations = { $count ->
        [one] { $label }: mediana { $median }, p90 { $p90 } ({ $count } caso)
       *[other] { $label }: mediana { $median }, p90 { $p90 } ({ $count } casos)
    }
coord-figures-no-durations = { $label }: –
coord-figures-rating = { $count ->
        [one] Valoración: { $average }/5 ({ $count } valoración)
       *[other] Valoración: { $average }/5 ({ $count } valoraciones)
    }
coord-figures-no-rating = Valoración: sin valoraciones
coord-figures-reminders = Recordatorios de casos olvidados: { $reminders } (segundos, para todos: { $second })
coord-figures-languages = Idiomas: { $counts }
coord-figures-cancer-types = Tipos de cáncer: { $counts }
coord-figures-drivers = Alteraciones: { $counts }
coord-figures-not-given = sin respuesta
coord-weekly-title = 🗓 <b>Resumen semanal</b>: { $from } – { $to }
coord-weekly-queue = En la cola ahora: en espera: { $waiting } · asignados: { $assigned }

## Quién actuó, cuando Telegram lo oculta

coord-anonymous = Coordinador
