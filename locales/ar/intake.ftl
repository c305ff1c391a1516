# DRAFT translation (Arabic), awaiting review by a native medical translator.
# Source of truth: locales/en/intake.ftl. Keep message ids, attributes, variables and HTML tags unchanged.
# Arabic: Modern Standard Arabic, polite plural form of address; Telegram shows it right to left (no direction marks added).
# The intake form (dialogues/intake.yaml): the case details a coordinator needs.
# Each question has a `.label` attribute: the short name shown on the review
# screen and in the coordinators' summary.

## Entering and leaving the form

menu-intake-start = 📝 طلب مراجعة حالة
menu-intake-continue = 📝 متابعة تفاصيل حالتكم
intake-paused =
    تم حفظ إجاباتكم. يمكنكم متابعة تفاصيل حالتكم في أي وقت من القائمة الرئيسية.

## Consent (asked first; nothing health-related is stored before it)

intake-consent =
    <b>قبل أن نبدأ</b>

    لمراجعة حالتكم، سنطرح بعض الأسئلة عن المريض: الاسم، والعمر، والبلد، والسرطان، وعلاجه، وفحوصاته، ورقم هاتف إذا فضّلتم أن نتصل بكم، ويمكنكم أيضًا إرسال تقارير أو صور أشعة.

    <b>السبب:</b> لكي يتمكّن منسّق من CancerFax من فهم الحالة ومساعدتكم. المنسّقون ليسوا أطباء.
    <b>من يطّلع عليها:</b> منسّقو CancerFax؛ ولا تطّلع عليها المستشفيات أو فرق التجارب السريرية إلا بموافقتكم.
    <b>تحكّمكم في بياناتكم:</b> يمكنكم حذف بياناتكم في أي وقت باستخدام /delete.

    هل توافقون على أن نحفظ هذه البيانات لهذا الغرض؟
    .label = الموافقة
intake-consent-agree = ✅ أوافق
intake-consent-decline = ✖ لا، شكرًا
intake-consent-declined =
    لا بأس: لم نحفظ أي شيء يتعلّق بصحتكم. لا يزال بإمكانكم قراءة المعلومات الواردة في هذا البوت، ويمكنكم البدء من جديد متى شئتم.

## Emergency screen

intake-emergency =
    <b>أولًا، هل هذه حالة طارئة؟</b>
    هل يعاني المريض الآن من أعراض شديدة، مثل صعوبة في التنفّس، أو ألم في الصدر، أو نزيف شديد، أو ارتباك، أو إغماء؟
    .label = التحقّق من الطوارئ
intake-emergency-no = لا، ليس الآن
intake-emergency-yes = نعم، أعراض شديدة الآن
intake-emergency-advice =
    <b>يُرجى طلب مساعدة طبية عاجلة الآن.</b>
    اتصلوا برقم الطوارئ المحلي أو توجّهوا إلى أقرب قسم طوارئ. أخبروهم عن السرطان وعلاجه.

    لا يمكن لهذه المحادثة المساعدة في حالات الطوارئ. عندما يكون المريض في أمان، يمكنكم العودة والمتابعة من القائمة الرئيسية.

## About the person

intake-writer =
    من يكتب؟
    .label = صفة الكاتب
intake-writer-patient = أكتب عن حالتي
intake-writer-family = أحد أفراد العائلة
intake-writer-caregiver = مقدّم رعاية أو صديق

intake-first-name =
    ما الاسم الأول للمريض؟
    .label = الاسم الأول
intake-age =
    كم عمر المريض؟ يُرجى كتابة رقم، مثلًا 56.
    .label = العمر
intake-country =
    في أي بلد يعيش المريض؟ اكتبوا اسم البلد، أو اختاروا من الخيارات أدناه.
    .label = البلد

## The cancer

intake-cancer-type =
    ما نوع السرطان؟
    .label = نوع السرطان
intake-cancer-lung = الرئة
intake-cancer-breast = الثدي
intake-cancer-colorectal = القولون والمستقيم (الأمعاء)
intake-cancer-thyroid = الغدة الدرقية
intake-cancer-melanoma = الورم الميلانيني (الجلد)
intake-cancer-other = نوع آخر
intake-cancer-type-other =
    يُرجى كتابة نوع السرطان.
    .label = نوع السرطان (آخر)

intake-driver =
    ما الطفرة المحرِّكة أو المؤشر الحيوي الذي تم اكتشافه؟ إذا لم تكونوا متأكدين، فاختاروا «لا أعرف».
    .label = الطفرة / المؤشر الحيوي
intake-driver-egfr = EGFR
intake-driver-alk = ALK
intake-driver-ros1 = ROS1
intake-driver-met = MET
intake-driver-kras-g12c = KRAS G12C
intake-driver-braf = BRAF
intake-driver-her2 = HER2
intake-driver-ret = RET
intake-driver-ntrk = NTRK
intake-driver-other = غير ذلك
intake-driver-unknown = لا أعرف

intake-therapy =
    ما العلاج الموجّه الذي يتناوله المريض حاليًا، أو آخر علاج موجّه تناوله؟ اكتبوا اسم الدواء كما هو مكتوب على العلبة أو في التقرير.
    .label = العلاج الموجّه
intake-progressing =
    هل يتطوّر المرض (ينمو أو ينتشر) أثناء تلقّي هذا العلاج؟
    .label = تطوّر المرض
intake-progression-since =
    منذ متى؟ اكتبوا الشهر والسنة، مثلًا 03/2026.
    .label = تطوّر المرض منذ

## Testing at progression

intake-testing =
    هل أُجري فحص جزيئي منذ تطوّر المرض؟
    .label = الفحوصات عند تطوّر المرض
intake-testing-none = ليس بعد
intake-testing-liquid = خزعة سائلة (من الدم)
intake-testing-tissue = إعادة أخذ خزعة نسيجية
intake-testing-both = كلاهما
intake-testing-unsure = لا أعرف بالضبط

intake-egfr-finding =
    هل ذكر أحد التقارير بالفعل نتيجة تتعلّق بالمقاومة؟
    .label = نتيجة المقاومة
intake-finding-t790m = T790M
intake-finding-met-amp = تضخيم جين MET
intake-finding-small-cell = التحوّل إلى خلايا صغيرة
intake-finding-other = شيء آخر
intake-finding-none = لم يُذكر شيء بعد
intake-finding-text =
    إذا ذكر تقرير أحد الفحوصات نتيجة تتعلّق بالمقاومة، فيُرجى كتابتها كما وردت. وإلا فاضغطوا على «تخطٍّ».
    .label = النتيجة (كما وردت)

## The help wanted

intake-help =
    كيف يمكننا المساعدة؟ اختاروا كل ما ينطبق، ثم اضغطوا على «تم».
    .label = المساعدة المطلوبة
intake-help-record-review = مراجعة السجلات الطبية
intake-help-eligibility = الأهلية / تنسيق التجارب
intake-help-hospital = التواصل مع المستشفى، الترجمة
intake-help-travel = السفر والدخول إلى المستشفى
intake-help-navigation = الإرشاد بشأن العلاج والتجارب

## Documents

intake-documents =
    إذا كانت متوفّرة لديكم، فيُرجى إرسال التقارير، أو صور الأشعة، أو تقارير علم الأمراض (الباثولوجيا)، أو نتائج المؤشرات الحيوية، أو تاريخ العلاج، على شكل صور أو ملفات PDF. يمكنكم إرسال عدة ملفات. اضغطوا على «تم» عند الانتهاء، أو على «تخطٍّ».
    .label = المستندات
intake-documents-received = تم الاستلام: { $count ->
        [zero] لا توجد مستندات
        [one] مستند واحد
        [two] مستندان
        [few] { $count } مستندات
        [many] { $count } مستندًا
       *[other] { $count } مستند
    }. أرسلوا المزيد، أو اضغطوا على «تم».

## Contact

intake-contact =
    كيف تفضّلون أن يتواصل معكم أحد المنسّقين؟
    .label = وسيلة التواصل المفضّلة
intake-contact-telegram = هنا عبر تيليجرام
intake-contact-phone = عبر الهاتف
intake-phone =
    يُرجى مشاركة رقم هاتفكم باستخدام الزر أدناه، أو كتابته مع رمز البلد، مثلًا:
    +44 20 7946 0958
    .label = الهاتف
intake-phone-share = 📱 مشاركة رقم هاتفي
intake-language =
    بأي لغة تودّون أن نتحدّث معكم؟
    .label = اللغة

## Buttons shared by all questions

intake-back = ▶ السؤال السابق
intake-skip = تخطٍّ
intake-done = ✅ تم
intake-yes = نعم
intake-no = لا
intake-unsure = لا أعرف بالضبط

## When an answer cannot be used (the same question is asked again)

intake-error-expected-button = يُرجى اختيار أحد الأزرار أدناه.
intake-error-expected-text = يُرجى كتابة إجابتكم في رسالة.
intake-error-too-short = هذه الإجابة قصيرة جدًا: يُرجى ألا يقل عدد الأحرف عن { $min }.
intake-error-too-long = هذه الإجابة طويلة جدًا: يُرجى ألا يزيد عدد الأحرف على { $max }.
intake-error-not-a-number = يُرجى كتابة رقم، مثلًا 56.
intake-error-out-of-range = يُرجى كتابة رقم بين { $min } و{ $max }.
intake-error-month-year = يُرجى كتابة الشهر والسنة بهذا الشكل: 03/2026.
intake-error-future = هذا التاريخ في المستقبل. يُرجى التحقّق من الشهر والسنة.
intake-error-phone = لا يبدو هذا رقم هاتف. يُرجى إضافة رمز البلد، مثلًا:
    +44 20 7946 0958
intake-error-country = لم أتمكّن من العثور على هذا البلد. يُرجى التحقّق من الإملاء، أو الاختيار من القائمة.
intake-error-choose-one = يُرجى اختيار خيار واحد على الأقل، ثم الضغط على «تم».
intake-error-expected-file = يُرجى إرسال صورة أو ملف PDF، أو الضغط على «تم».
intake-error-file-type = لا يمكنني قبول سوى الصور وملفات PDF.
intake-error-file-too-large = هذا الملف كبير جدًا: الحدّ الأقصى لحجم الملف بالميغابايت هو { $max }. يُرجى إرسال صورة أو ملف PDF أصغر، أو تقسيم التقرير.
intake-error-too-many-files = الحدّ الأقصى لعدد المستندات التي يمكنكم إرسالها هو { $max }. اضغطوا على «تم» للمتابعة.
intake-country-matches = هل تقصدون أحد هذه البلدان؟

## Review and submission

intake-review =
    <b>يُرجى مراجعة إجاباتكم</b>
    اضغطوا على سؤال لتغيير إجابته، أو أرسلوا إجاباتكم عندما يكون كل شيء صحيحًا.
intake-review-skipped = (تم التخطّي)
intake-review-files = { $count ->
        [zero] لا توجد مستندات
        [one] مستند واحد
        [two] مستندان
        [few] { $count } مستندات
        [many] { $count } مستندًا
       *[other] { $count } مستند
    }
intake-submit = 📨 إرسال
intake-submitted =
    <b>شكرًا لكم. تم إرسال تفاصيل حالتكم.</b>
    رقمكم المرجعي هو <b>{ $reference }</b>.
intake-submitted-chat = سيراجعها أحد منسّقي CancerFax ويردّ عليكم هنا في هذه المحادثة. لا تحتاجون إلى فعل أي شيء آخر الآن.
intake-submitted-phone = سيراجعها أحد منسّقي CancerFax ويتصل بكم على رقم الهاتف الذي قدّمتموه. لا تحتاجون إلى فعل أي شيء آخر الآن.
