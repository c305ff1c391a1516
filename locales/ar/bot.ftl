# DRAFT translation (Arabic), awaiting review by a native medical translator.
# Source of truth: locales/en/bot.ftl. Keep message ids, variables and HTML tags unchanged.
# Arabic: Modern Standard Arabic, polite plural form of address; Telegram shows it right to left (no direction marks added).
# Interface texts of the bot: welcome, menus, commands, errors.
# Text is Telegram HTML: only <b>, <i>, <u>, <s>, <a href>, <code>, <pre>, <blockquote>.
# Write &amp; for "&" and &lt; for "<".

welcome =
    مرحبًا، { $name }! أنا مرشد المرضى في CancerFax.
    يمكنني أن أشرح لكم كيف تنشأ المقاومة للعلاج الموجّه للسرطان ولماذا تهمّ الفحوصات عند تطوّر المرض، وأن أصلكم بمنسّقي CancerFax. المنسّقون ليسوا أطباء: إنهم يساعدونكم في تنظيم سجلاتكم الطبية وتواصلكم مع المستشفيات.
welcome-anonymous =
    مرحبًا! أنا مرشد المرضى في CancerFax.
    يمكنني أن أشرح لكم كيف تنشأ المقاومة للعلاج الموجّه للسرطان ولماذا تهمّ الفحوصات عند تطوّر المرض، وأن أصلكم بمنسّقي CancerFax. المنسّقون ليسوا أطباء: إنهم يساعدونكم في تنظيم سجلاتكم الطبية وتواصلكم مع المستشفيات.
not-medical-advice = <i>معلومات فقط وليست استشارة طبية: اتخذوا أي قرار علاجي مع طبيب الأورام المعالج.</i>
no-guarantee = <i>لا تضمن CancerFax الحصول على العلاج أو الأهلية أو النتيجة السريرية.</i>
emergency-line = 🚑 <b>في حالة الطوارئ</b>، اتصلوا الآن برقم الطوارئ المحلي أو توجّهوا إلى أقرب قسم طوارئ. لا يمكن لهذه المحادثة المساعدة في حالات الطوارئ.

home-text =
    <b>القائمة الرئيسية</b>
    ماذا تودّون أن تفعلوا؟

help-text =
    <b>طريقة استخدام هذا البوت</b>
    اضغطوا على الأزرار الموجودة أسفل رسائلي للتنقّل. ويمكنكم أيضًا كتابة:
    القائمة الرئيسية: /menu
    تغيير اللغة: /language
    هذه المساعدة: /help
    إيقاف ما تقومون به والعودة إلى القائمة: /cancel

    إذا شعرتم بتوعّك شديد، فتواصلوا الآن مع طبيبكم أو اتصلوا برقم الطوارئ المحلي. هذه المحادثة ليست خدمة طوارئ.

cancel-done = تم الإيقاف. إليكم القائمة الرئيسية.

free-text-hint =
    أتعامل هنا مع الأزرار لا مع الرسائل المكتوبة. يُرجى الضغط على أحد الأزرار أدناه.
    للتحدث إلى شخص، اضغطوا على «التحدث إلى شخص».
unsupported-input = لا يمكنني قراءة هذا النوع من الرسائل هنا. يُرجى الضغط على أحد الأزرار أدناه.
edited-message = لاحظتُ أنكم عدّلتم رسالة. لا أقرأ التعديلات: يُرجى إرسال رسالة جديدة أو الضغط على أحد الأزرار أدناه.
stale-button = هذا الزر لم يعد صالحًا. إليكم القائمة الحالية.
unknown-command = لا أعرف هذا الأمر. إليكم القائمة الرئيسية.

language-prompt = يُرجى اختيار اللغة:
language-changed = تم ضبط اللغة على العربية.
# The name of this language, written in this language (shown in the language picker).
language-name = العربية


## Buttons. Keep them short: they are shown on a phone.

nav-back = ▶ رجوع
nav-home = 🏠 القائمة الرئيسية
nav-person = 💬 التحدث إلى شخص
menu-language = 🌐 اللغة

## Commands shown in Telegram's command menu (short descriptions, no HTML).

command-start = بدء مرشد المرضى
command-menu = القائمة الرئيسية
command-language = تغيير اللغة
command-help = طريقة استخدام هذا البوت
command-privacy = كيف تُستخدم بياناتكم
command-mydata = الحصول على نسخة من بياناتي
command-delete = حذف بياناتي
command-cancel = الإيقاف والعودة إلى القائمة

## Erasing a patient's data (/delete)

delete-confirm =
    <b>هل تريدون حذف بياناتكم؟</b>
    سيؤدي ذلك إلى حذف تفاصيل حالتكم والإجابات التي يحفظها هذا البوت، ولا يمكن التراجع عن ذلك.
delete-yes = 🗑 نعم، احذفوا بياناتي
delete-no = لا، احتفظوا ببياناتي
delete-done = تم حذف بياناتكم.
delete-kept = لم يُحذف أي شيء.

## Privacy (/privacy, /mydata)

privacy-text =
    <b>بياناتكم وخصوصيتكم</b>
    نحفظ: لغتكم وموضعكم في هذا البوت؛ وإن قدّمتموها، تفاصيل حالتكم ورقم هاتفكم ومستنداتكم (كمراجع لملفات تيليجرام)؛ والرسائل التي تتبادلونها مع منسّقي CancerFax (تحفظ تيليجرام الرسائل، ونحفظ نحن الربط بينها).
    لماذا: ليتمكّن منسّق من CancerFax (وهو ليس طبيبًا) من فهم حالتكم ومساعدتكم.
    من يراها: منسّقو CancerFax؛ ولا تطّلع عليها المستشفيات أو فرق التجارب السريرية إلا بموافقتكم.
    إلى متى: تُحذف المحادثات المغلقة بعد { $days ->
        [zero] { $days } يوم
        [one] يوم واحد
        [two] يومين
        [few] { $days } أيام
        [many] { $days } يومًا
       *[other] { $days } يوم
    }.
    القرار لكم: /mydata يرسل إليكم كل ما نحفظه عنكم، و/delete يحذفه.
mydata-sent = إليكم كل ما يحفظه هذا البوت عنكم.

## Flood control

flood-note = أنتم ترسلون رسائل كثيرة بسرعة كبيرة، لذلك أتوقّف عن الردّ لحظة. كل ما تكتبونه محفوظ. عندما تكونون مستعدّين، أرسلوا /menu للمتابعة.
