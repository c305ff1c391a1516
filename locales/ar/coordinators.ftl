# DRAFT translation (Arabic), awaiting review by a native medical translator.
# Source of truth: locales/en/coordinators.ftl. Keep message ids, attributes, variables and HTML tags unchanged.
# Arabic: Modern Standard Arabic, polite plural form of address; Telegram shows it right to left (no direction marks added).
# ما يكتبه البوت للمنسّقين في مجموعتهم (لا للمرضى).

## اللغات

coord-language-name = { $language ->
        [ar] العربية
        [de] الألمانية
        [en] الإنجليزية
        [es] الإسبانية
        [fr] الفرنسية
        [he] العبرية
        [hi] الهندية
        [it] الإيطالية
        [ja] اليابانية
        [pl] البولندية
        [pt] البرتغالية
        [ru] الروسية
        [tr] التركية
        [uk] الأوكرانية
        [zh] الصينية
       *[other] هذه اللغة
    }
coord-language = { coord-language-name } ({ $tag })

## المدد

coord-duration-minutes = { $minutes } دقيقة
coord-duration-hours = { $hours } ساعة و{ $minutes } دقيقة
coord-duration-days = { $days } يوم و{ $hours } ساعة

## الردود على زر أو تغيير

coord-answer-taken = لقد توليتم الحالة { $reference }.
coord-answer-yours = الحالة { $reference } لديكم بالفعل.
coord-answer-held = الحالة { $reference } يتولاها بالفعل { $name }.
coord-answer-closed = الحالة { $reference } مغلقة.
coord-answer-gone = الحالة { $reference } لم تعد موجودة.
coord-answer-unchanged = الحالة { $reference } كما كانت.
coord-answer-released = عادت الحالة { $reference } إلى قائمة الانتظار.
coord-answer-transferred = الحالة { $reference } الآن لدى { $name }.
coord-answer-urgent = تم وسم الحالة { $reference } بأنها عاجلة.
coord-answer-not-urgent = الحالة { $reference } لم تعد عاجلة.
coord-answer-noted = تمت إضافة الملاحظة إلى { $reference }.

## ملاحظات في موضوع الحالة

coord-note-released = ↩ أعادها { $name } إلى قائمة الانتظار.
coord-note-transferred = ➡ نقلها { $name } إلى { $to }.
coord-note-closed = ✖ أغلقها { $name }.
coord-note-closed-by-bot = ✖ أغلقها البوت.
coord-note-rated = ⭐ قيّم المريض هذه المحادثة بـ { $stars }/5.
coord-note-blocked = ⛔ حظر المريض البوت. تم إغلاق الحالة.
coord-note-blocked-undelivered = ⛔ حظر المريض البوت: لم تُسلَّم هذه الرسالة. تم إغلاق الحالة.
coord-note-undelivered = ⚠️ تعذّر تسليم هذه الرسالة إلى المريض. يُرجى إرسالها مرة أخرى.
coord-note-document-not-shown = ⚠️ تعذّر عرض أحد المستندات هنا ({ $error }).
coord-note-edited = ✏️ <i>عُدّلت { $time }</i> { $text }
coord-note-erased = { $count ->
        [zero] 🗑 { $references }: حذف المريض بياناته. تم حذف مواضيع الحالات مع كل الرسائل فيها.
        [one] 🗑 { $references }: حذف المريض بياناته. تم حذف موضوع الحالة مع كل الرسائل فيه.
        [two] 🗑 { $references }: حذف المريض بياناته. تم حذف موضوعَي الحالتين مع كل الرسائل فيهما.
        [few] 🗑 { $references }: حذف المريض بياناته. تم حذف مواضيع الحالات مع كل الرسائل فيها.
        [many] 🗑 { $references }: حذف المريض بياناته. تم حذف مواضيع الحالات مع كل الرسائل فيها.
       *[other] 🗑 { $references }: حذف المريض بياناته. تم حذف مواضيع الحالات مع كل الرسائل فيها.
    }

## الرفض

coord-refused-not-member = لا يمكن التصرف في الحالات إلا لأعضاء هذه المجموعة المسموح لهم بالكتابة (الحالة { $reference } لم تتغير).
coord-refused-held = { $change ->
        [release] الحالة { $reference } لدى { $name }: لا يمكن إعادتها إلى قائمة الانتظار إلا له أو لأحد المشرفين.
        [close] الحالة { $reference } لدى { $name }: لا يمكن إغلاقها إلا له أو لأحد المشرفين.
        [transfer] الحالة { $reference } لدى { $name }: لا يمكن نقلها إلا له أو لأحد المشرفين.
       *[other] الحالة { $reference } لدى { $name }: لا يمكن تغييرها إلا له أو لأحد المشرفين.
    }

## الأوامر

coord-unknown-command = { $command } ليس أمرًا هنا (لم يُرسَل شيء إلى المريض). في موضوع الحالة: /r (ردود جاهزة بلغة المريض)، /note، /release، /transfer، /close؛ وفي أي مكان: /queue، /stats. لكتابة نص للمريض يبدأ بـ «/»، ضعوا قبله مسافة أو كلمة.
coord-transfer-help = للنقل، اكتبوا <code>/transfer @username</code> (يجب أن يكون الشخص قد كتب في هذه المجموعة مرة واحدة على الأقل)، أو ردّوا على إحدى رسائله بـ <code>/transfer</code>، أو انقلوا الحالة إلى فريق آخر بـ <code>/transfer اسم الفريق</code>.
coord-team-already = الحالة { $reference } لدى { $team } بالفعل.
coord-moved-out = ➡ نقلها { $name } إلى { $team }. تستمر المحادثة هناك.
coord-moved-in = ⬅ نُقلت إلى هنا من { $team } بواسطة { $name }. تليها آخر الرسائل.
coord-another-team = فريق آخر

## بطاقة الحالة

coord-card-urgent = 🔴 <b>عاجل</b>
coord-card-waiting = في الانتظار منذ { $waited }
coord-card-assigned = لدى { $name }
coord-card-closed = مغلقة
coord-card-language = لغة المريض: { $language } ({ $tag })
coord-card-no-details = <i>لا توجد تفاصيل للحالة بعد: طلب المريض التحدث إلى شخص.</i>
coord-card-documents = { $count ->
        [zero] 📎 لا توجد مستندات.
        [one] 📎 مستند واحد: أُعيد إرساله أدناه.
        [two] 📎 مستندان: أُعيد إرسالهما أدناه.
        [few] 📎 { $count } مستندات: أُعيد إرسالها أدناه.
        [many] 📎 { $count } مستندًا: أُعيد إرسالها أدناه.
       *[other] 📎 { $count } مستند: أُعيد إرسالها أدناه.
    }
coord-button-take = ✋ تولّي
coord-button-release = ↩ إعادة
coord-button-urgent = 🔴 عاجل
coord-button-not-urgent = غير عاجل
coord-button-close = ✖ إغلاق

## /queue

coord-queue-empty =
    <b>قائمة الانتظار</b>
    لا توجد حالات مفتوحة.
coord-queue-header = <b>قائمة الانتظار</b> · في الانتظار: { $waiting } · مُسندة: { $assigned }
coord-queue-page = الصفحة { $page }/{ $pages }
coord-queue-waiting = { $reference } · { $title } · في الانتظار منذ { $waited }
coord-queue-held = { $count ->
        [zero] ⚠️ لا توجد رسائل محتجزة.
        [one] ⚠️ رسالة واحدة محتجزة: يرفضها تيليجرام منذ { $waited } ({ $error }). تُعاد المحاولة، وستُرسَل عندما يقبلها تيليجرام.
        [two] ⚠️ رسالتان محتجزتان: يرفضهما تيليجرام منذ { $waited } ({ $error }). تُعاد المحاولة، وستُرسَلان عندما يقبلهما تيليجرام.
        [few] ⚠️ { $count } رسائل محتجزة: يرفضها تيليجرام منذ { $waited } ({ $error }). تُعاد المحاولة، وستُرسَل عندما يقبلها تيليجرام.
        [many] ⚠️ { $count } رسالة محتجزة: يرفضها تيليجرام منذ { $waited } ({ $error }). تُعاد المحاولة، وستُرسَل عندما يقبلها تيليجرام.
       *[other] ⚠️ { $count } رسالة محتجزة: يرفضها تيليجرام منذ { $waited } ({ $error }). تُعاد المحاولة، وستُرسَل عندما يقبلها تيليجرام.
    }

## تذكيرات بالحالات المنسية

coord-reminder-second = <b>تذكير ثانٍ، للجميع</b>
coord-reminder-urgent = (عاجل)
coord-reminder-waiting = <b>{ $reference }</b>{ $urgent } تنتظر منسّقًا منذ { $waited } من وقت العمل: تولَّوها من بطاقتها.
coord-reminder-holder = { $holder }، مريض الحالة <b>{ $reference }</b>{ $urgent } ينتظر ردّكم منذ { $waited } من وقت العمل.
coord-reminder-everyone = مريض الحالة <b>{ $reference }</b>{ $urgent } ينتظر ردًّا من { $holder } منذ { $waited } من وقت العمل. هل يمكن لأحد أن يردّ؟
coord-reminder-link = <a href="{ $link }">افتحوا موضوعها</a>.

## الردود الجاهزة (/r)

coord-replies-none = لا توجد ردود جاهزة: يضيفها المترجمون في locales/{ $tag }/{ $file }.
coord-replies-menu =
    💬 <b>ردود جاهزة للحالة { $reference }</b>
    لغة المريض: { $language }. يصله الرد بهذه اللغة، ويظهر هنا باللغتين. اضغطوا على أحدها لإرساله، أو اكتبوا <code>/r NAME</code>؛ ولرد يتضمن تاريخًا:
    <code>/r NAME 2026-12-08 10:00</code>
coord-replies-missing = 🚫 لم تُترجم بعد إلى { $language }، لذا لا يمكن إرسالها: { $replies }.
coord-reply-sent =
    📨 أرسل { $name } الرد «{ $reply }» إلى المريض:
    <blockquote>{ $text }</blockquote>
coord-reply-sent-translated =
    📨 أرسل { $name } الرد «{ $reply }» إلى المريض، باللغة { $language }:
    <blockquote>{ $text }</blockquote>
    بلغة المنسّقين:
    <blockquote>{ $translation }</blockquote>
coord-reply-unknown = لا يوجد رد جاهز باسم «{ $reply }». لم يُرسَل شيء إلى مريض الحالة { $reference }؛ يعرض /r قائمة الردود.
coord-reply-not-translated = 🚫 الرد «{ $reply }» لم يُترجم بعد إلى { $language }. لم يُرسَل شيء إلى مريض الحالة { $reference }: لا يُرسَل أبدًا بلغة لم يخترها المريض. اطلبوا من المترجمين إضافته إلى { $file }، أو اكتبوا إلى المريض بأنفسكم.
coord-reply-needs-date =
    الرد «{ $reply }» يتضمن تاريخًا، فاكتبوا:
    <code>/r { $reply } 2026-12-08 10:00</code>
    أو اليوم فقط:
    <code>/r { $reply } 2026-12-08</code>
    لم يُرسَل شيء إلى مريض الحالة { $reference }.
coord-reply-bad-date =
    «{ $given }» ليس تاريخًا يفهمه هذا البوت. اكتبوا (أو اليوم فقط):
    <code>/r { $reply } 2026-12-08 10:00</code>
    لم يُرسَل شيء إلى مريض الحالة { $reference }.
coord-reply-needs-name = الرد «{ $reply }» يحيّي المريض باسمه الأول، وهذه الحالة بلا اسم (لم يُملأ النموذج). لم يُرسَل شيء إلى مريض الحالة { $reference }؛ اختاروا ردًّا آخر.
coord-reply-broken = تعذّر عرض الرد «{ $reply }» ({ $error })؛ يبيّن `navigator check` موضع الخطأ. لم يُرسَل شيء إلى مريض الحالة { $reference }.
coord-reply-answer-sent = أُرسل إلى مريض الحالة { $reference }.
coord-reply-answer-not-sent = لم يُرسَل شيء إلى مريض الحالة { $reference }: السبب مذكور في الموضوع.
coord-reply-answer-repeated = أُرسل «{ $reply }» إلى هذا المريض قبل { $seconds } ثانية: لم يُرسَل مرة أخرى. اضغطوا مرة أخرى بعد دقيقة لإرساله مرة ثانية.

## /stats والملخص الأسبوعي

coord-stats-title = 📊 <b>الحالات</b> ({ $zone })
coord-stats-now = الآن: في الانتظار: { $waiting } · مُسندة: { $assigned }
coord-stats-today = <b>اليوم</b>
coord-stats-week = <b>هذا الأسبوع</b> (منذ يوم الاثنين)
coord-stats-all-teams = <b>كل الفرق</b>
coord-stats-all-teams-week = <b>هذا الأسبوع</b>
coord-figures-cases = مفتوحة: { $opened } · مُسندة: { $assigned } · مغلقة: { $closed }
coord-figures-first-reply = الرد الأول
coord-figures-to-close = حتى الإغلاق
coord-figures-durations = { $count ->
        [zero] { $label }: الوسيط { $median }، p90 { $p90 } (لا حالات)
        [one] { $label }: الوسيط { $median }، p90 { $p90 } (حالة واحدة)
        [two] { $label }: الوسيط { $median }، p90 { $p90 } (حالتان)
        [few] { $label }: الوسيط { $median }، p90 { $p90 } ({ $count } حالات)
        [many] { $label }: الوسيط { $median }، p90 { $p90 } ({ $count } حالة)
       *[other] { $label }: الوسيط { $median }، p90 { $p90 } ({ $count } حالة)
    }
coord-figures-no-durations = { $label }: –
coord-figures-rating = { $count ->
        [zero] التقييم: { $average }/5 (لا تقييمات)
        [one] التقييم: { $average }/5 (تقييم واحد)
        [two] التقييم: { $average }/5 (تقييمان)
        [few] التقييم: { $average }/5 ({ $count } تقييمات)
        [many] التقييم: { $average }/5 ({ $count } تقييمًا)
       *[other] التقييم: { $average }/5 ({ $count } تقييم)
    }
coord-figures-no-rating = التقييم: لا توجد تقييمات
coord-figures-reminders = تذكيرات بالحالات المنسية: { $reminders } (الثانية، للجميع: { $second })
coord-figures-languages = اللغات: { $counts }
coord-figures-cancer-types = أنواع السرطان: { $counts }
coord-figures-drivers = الطفرات: { $counts }
coord-figures-not-given = غير مذكور
coord-weekly-title = 🗓 <b>الملخص الأسبوعي</b>: { $from } – { $to }
coord-weekly-queue = في قائمة الانتظار الآن: في الانتظار: { $waiting } · مُسندة: { $assigned }

## من قام بالإجراء، حين يخفيه تيليغرام

coord-anonymous = منسّق
