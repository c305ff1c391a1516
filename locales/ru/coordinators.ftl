# DRAFT translation (Russian), awaiting review by a native medical translator.
# Source of truth: locales/en/coordinators.ftl. Keep message ids, attributes, variables and HTML tags unchanged.
# Что бот пишет координаторам в их группе (не пациентам). «Обращение» — это случай (case).

## Языки

coord-language-name = { $language ->
        [ar] арабский
        [de] немецкий
        [en] английский
        [es] испанский
        [fr] французский
        [he] иврит
        [hi] хинди
        [it] итальянский
        [ja] японский
        [pl] польский
        [pt] португальский
        [ru] русский
        [tr] турецкий
        [uk] украинский
        [zh] китайский
       *[other] этот язык
    }
coord-language = { coord-language-name } ({ $tag })

## Длительность

coord-duration-minutes = { $minutes } мин
coord-duration-hours = { $hours } ч { $minutes } мин
coord-duration-days = { $days } д { $hours } ч

## Ответы на кнопку или изменение

coord-answer-taken = Вы взяли обращение { $reference }.
coord-answer-yours = Обращение { $reference } уже ваше.
coord-answer-held = Обращение { $reference } уже взял(а) { $name }.
coord-answer-closed = Обращение { $reference } закрыто.
coord-answer-gone = Обращения { $reference } больше нет.
coord-answer-unchanged = Обращение { $reference } не изменилось.
coord-answer-released = Обращение { $reference } снова в очереди.
coord-answer-transferred = Обращение { $reference } теперь у { $name }.
coord-answer-urgent = Обращение { $reference } отмечено как срочное.
coord-answer-not-urgent = Обращение { $reference } больше не срочное.
coord-answer-noted = Заметка добавлена в { $reference }.

## Заметки в теме обращения

coord-note-released = ↩ { $name } вернул(а) обращение в очередь.
coord-note-transferred = ➡ { $name } передал(а) обращение: { $to }.
coord-note-closed = ✖ Закрыл(а): { $name }.
coord-note-closed-by-bot = ✖ Закрыто ботом.
coord-note-rated = ⭐ Пациент оценил этот разговор на { $stars }/5.
coord-note-blocked = ⛔ Пациент заблокировал бота. Обращение закрыто.
coord-note-blocked-undelivered = ⛔ Пациент заблокировал бота: это сообщение не доставлено. Обращение закрыто.
coord-note-undelivered = ⚠️ Это сообщение не удалось доставить пациенту. Пожалуйста, отправьте его ещё раз.
coord-note-document-not-shown = ⚠️ Документ не удалось показать здесь ({ $error }).
coord-note-edited = ✏️ <i>изменено { $time }</i> { $text }
coord-note-erased = { $count ->
        [one] 🗑 { $references }: пациент удалил свои данные. Тема обращения удалена вместе со всеми сообщениями.
        [few] 🗑 { $references }: пациент удалил свои данные. Темы обращений удалены вместе со всеми сообщениями.
        [many] 🗑 { $references }: пациент удалил свои данные. Темы обращений удалены вместе со всеми сообщениями.
       *[other] 🗑 { $references }: пациент удалил свои данные. Темы обращений удалены вместе со всеми сообщениями.
    }

## Отказы

coord-refused-not-member = Действовать с обращениями могут только участники этой группы, которым разрешено писать (обращение { $reference } не изменено).
coord-refused-held = { $change ->
        [release] Обращение { $reference } у { $name }: вернуть его в очередь может только этот координатор или администратор.
        [close] Обращение { $reference } у { $name }: закрыть его может только этот координатор или администратор.
        [transfer] Обращение { $reference } у { $name }: передать его может только этот координатор или администратор.
       *[other] Обращение { $reference } у { $name }: изменить его может только этот координатор или администратор.
    }

## Команды

coord-unknown-command = { $command } — здесь нет такой команды (пациенту ничего не отправлено). В теме обращения: /r (готовые ответы на языке пациента), /note, /release, /transfer, /close; везде: /queue, /stats. Чтобы написать пациенту текст, который начинается с «/», поставьте перед ним пробел или слово.
coord-transfer-help = Чтобы передать обращение, напишите <code>/transfer @имя_пользователя</code> (этот человек должен хотя бы раз написать в этой группе), ответьте на одно из его сообщений командой <code>/transfer</code> или передайте обращение другой команде: <code>/transfer Название команды</code>.
coord-team-already = Обращение { $reference } уже в команде «{ $team }».
coord-moved-out = ➡ { $name } передал(а) обращение команде «{ $team }». Разговор продолжается там.
coord-moved-in = ⬅ Передано сюда из команды «{ $team }»; передал(а): { $name }. Ниже последние сообщения.
coord-another-team = другая команда

## Карточка обращения

coord-card-urgent = 🔴 <b>СРОЧНО</b>
coord-card-waiting = ждёт { $waited }
coord-card-assigned = у координатора { $name }
coord-card-closed = закрыто
coord-card-language = Язык пациента: { $language } ({ $tag })
coord-card-no-details = <i>Данных пока нет: пациент попросил связать его с человеком.</i>
coord-card-documents = { $count ->
        [one] 📎 { $count } документ: отправлен ещё раз ниже.
        [few] 📎 { $count } документа: отправлены ещё раз ниже.
        [many] 📎 { $count } документов: отправлены ещё раз ниже.
       *[other] 📎 { $count } документа: отправлены ещё раз ниже.
    }
coord-button-take = ✋ Взять
coord-button-release = ↩ Вернуть
coord-button-urgent = 🔴 Срочно
coord-button-not-urgent = Не срочно
coord-button-close = ✖ Закрыть

## /queue

coord-queue-empty =
    <b>Очередь</b>
    Открытых обращений нет.
coord-queue-header = <b>Очередь</b> · ждут: { $waiting } · у координаторов: { $assigned }
coord-queue-page = страница { $page }/{ $pages }
coord-queue-waiting = { $reference } · { $title } · ждёт { $waited }
coord-queue-held = { $count ->
        [one] ⚠️ Задержано { $count } сообщение: Telegram не принимает его уже { $waited } ({ $error }). Попытки продолжаются; оно уйдёт, когда Telegram его примет.
        [few] ⚠️ Задержано { $count } сообщения: Telegram не принимает их уже { $waited } ({ $error }). Попытки продолжаются; они уйдут, когда Telegram их примет.
        [many] ⚠️ Задержано { $count } сообщений: Telegram не принимает их уже { $waited } ({ $error }). Попытки продолжаются; они уйдут, когда Telegram их примет.
       *[other] ⚠️ Задержано { $count } сообщения: Telegram не принимает их уже { $waited } ({ $error }). Попытки продолжаются; они уйдут, когда Telegram их примет.
    }

## Напоминания о забытых обращениях

coord-reminder-second = <b>Второе напоминание, для всех</b>
coord-reminder-urgent = (срочно)
coord-reminder-waiting = <b>{ $reference }</b>{ $urgent } ждёт координатора уже { $waited } рабочего времени: возьмите обращение в его карточке.
coord-reminder-holder = { $holder }, пациент обращения <b>{ $reference }</b>{ $urgent } ждёт вашего ответа уже { $waited } рабочего времени.
coord-reminder-everyone = пациент обращения <b>{ $reference }</b>{ $urgent } ждёт ответа от { $holder } уже { $waited } рабочего времени. Может кто-нибудь ответить?
coord-reminder-link = <a href="{ $link }">Открыть тему</a>.

## Готовые ответы (/r)

coord-replies-none = Готовых ответов нет: переводчики добавляют их в locales/{ $tag }/{ $file }.
coord-replies-menu =
    💬 <b>Готовые ответы для { $reference }</b>
    Язык пациента: { $language }. Ответ придёт ему на этом языке, а здесь будет показан на обоих. Нажмите на ответ, чтобы отправить его, или напишите <code>/r ИМЯ</code>; для ответа с датой — <code>/r ИМЯ 2026-12-08 10:00</code>.
coord-replies-missing = 🚫 Ещё не переведены (язык: { $language }), поэтому их нельзя отправить: { $replies }.
coord-reply-sent =
    📨 { $name } отправил(а) пациенту ответ «{ $reply }»:
    <blockquote>{ $text }</blockquote>
coord-reply-sent-translated =
    📨 { $name } отправил(а) пациенту ответ «{ $reply }» (язык: { $language }):
    <blockquote>{ $text }</blockquote>
    На языке координаторов:
    <blockquote>{ $translation }</blockquote>
coord-reply-unknown = Готового ответа «{ $reply }» нет. Пациенту обращения { $reference } ничего не отправлено; /r покажет список ответов.
coord-reply-not-translated = 🚫 Ответ «{ $reply }» ещё не переведён (язык: { $language }). Пациенту обращения { $reference } ничего не отправлено: ответ никогда не отправляется на языке, который пациент не выбирал. Попросите переводчиков добавить его в { $file } или напишите пациенту сами.
coord-reply-needs-date = Ответ «{ $reply }» содержит дату: напишите <code>/r { $reply } 2026-12-08 10:00</code> (или только день, <code>/r { $reply } 2026-12-08</code>). Пациенту обращения { $reference } ничего не отправлено.
coord-reply-bad-date = «{ $given }» — не дата, которую понимает бот: напишите <code>/r { $reply } 2026-12-08 10:00</code> (или только день). Пациенту обращения { $reference } ничего не отправлено.
coord-reply-needs-name = Ответ «{ $reply }» обращается к пациенту по имени, а в этом обращении имени нет (анкета не заполнена). Пациенту обращения { $reference } ничего не отправлено; выберите другой ответ.
coord-reply-broken = Ответ «{ $reply }» не удаётся показать ({ $error }); `navigator check` покажет, где ошибка. Пациенту обращения { $reference } ничего не отправлено.
coord-reply-answer-sent = Отправлено пациенту обращения { $reference }.
coord-reply-answer-not-sent = Пациенту обращения { $reference } ничего не отправлено: причина указана в теме.
coord-reply-answer-repeated = «{ $reply }» уже отправлен этому пациенту { $seconds } с назад: повторно не отправлено. Нажмите ещё раз через минуту, чтобы отправить его второй раз.

## /stats и еженедельная сводка

coord-stats-title = 📊 <b>Обращения</b> ({ $zone })
coord-stats-now = Сейчас: ждут: { $waiting } · у координаторов: { $assigned }
coord-stats-today = <b>Сегодня</b>
coord-stats-week = <b>На этой неделе</b> (с понедельника)
coord-stats-all-teams = <b>Все команды</b>
coord-stats-all-teams-week = <b>На этой неделе</b>
coord-figures-cases = Открыто: { $opened } · взято: { $assigned } · закрыто: { $closed }
coord-figures-first-reply = Первый ответ
coord-figures-to-close = До закрытия
coord-figures-durations = { $count ->
        [one] { $label }: медиана { $median }, p90 { $p90 } ({ $count } обращение)
        [few] { $label }: медиана { $median }, p90 { $p90 } ({ $count } обращения)
        [many] { $label }: медиана { $median }, p90 { $p90 } ({ $count } обращений)
       *[other] { $label }: медиана { $median }, p90 { $p90 } ({ $count } обращения)
    }
coord-figures-no-durations = { $label }: –
coord-figures-rating = { $count ->
        [one] Оценка: { $average }/5 ({ $count } оценка)
        [few] Оценка: { $average }/5 ({ $count } оценки)
        [many] Оценка: { $average }/5 ({ $count } оценок)
       *[other] Оценка: { $average }/5 ({ $count } оценки)
    }
coord-figures-no-rating = Оценка: оценок нет
coord-figures-reminders = Напоминания о забытых обращениях: { $reminders } (повторные, для всех: { $second })
coord-figures-languages = Языки: { $counts }
coord-figures-cancer-types = Типы рака: { $counts }
coord-figures-drivers = Мутации: { $counts }
coord-figures-not-given = не указано
coord-weekly-title = 🗓 <b>Сводка за неделю</b>: { $from } – { $to }
coord-weekly-queue = Сейчас в очереди: ждут: { $waiting } · у координаторов: { $assigned }

## Кто действовал, когда Telegram это скрывает

coord-anonymous = Координатор
