# DRAFT translation (Arabic), awaiting review by a native medical translator.
# Source of truth: locales/en/replies.ftl. Keep message ids, attributes, variables and HTML tags unchanged.
# Arabic: Modern Standard Arabic, polite plural form of address; Telegram shows it right to left (no direction marks added).
# ردود جاهزة للمنسّقين: يتلقّاها المريض بلغته.

reply-hello =
    مرحبًا { $name }، معكم فريق تنسيق المرضى في CancerFax. نحن نطّلع الآن على حالتكم { $reference }. لسنا أطباء: نساعدكم في جمع سجلاتكم الطبية والتواصل مع المستشفيات.
    .label = 👋 مرحبًا، نتابع حالتكم
reply-received =
    شكرًا لكم، لقد استلمنا مستنداتكم الخاصة بالحالة { $reference }. يطّلع عليها أحد المنسّقين وسيكتب إليكم هنا.
    .label = 📥 تم استلام المستندات
reply-scan-report =
    هل يمكنكم إرسال تقرير آخر فحص تصوير أجريتموه (التصوير المقطعي أو الرنين المغناطيسي أو PET)؟ تكفي صورة لكل صفحة أو ملف PDF: أرسلوه هنا في هذه المحادثة.
    .label = 🩻 طلب تقرير آخر فحص تصوير
reply-test-report =
    هل يمكنكم إرسال تقرير الخزعة أو تقرير آخر فحص جزيئي (جيني) أجريتموه؟ تكفي صورة لكل صفحة أو ملف PDF.
    .label = 🧬 طلب تقرير الفحص
reply-call =
    سيتصل بكم أحد المنسّقين في { $date }. إذا لم يكن هذا الموعد مناسبًا لكم، فيُرجى الرد هنا.
    .label = 📞 سنتصل بكم (التاريخ)
reply-consent-hospital =
    لمشاركة حالتكم { $reference } مع مستشفى، نحتاج أولًا إلى موافقتكم. يُرجى الرد هنا بكلمة «نعم» إذا كنتم توافقون على مشاركتها مع المستشفى الذي تحدّثنا عنه، أو أخبرونا إن كانت لديكم أسئلة.
    .label = ✅ طلب الموافقة على المشاركة
reply-waiting-hospital =
    لقد أرسلنا أسئلتكم إلى المستشفى وننتظر ردّهم. سنكتب إليكم هنا فور وصول الرد.
    .label = ⏳ بانتظار رد المستشفى
reply-ask-oncologist =
    لا يمكننا تقديم استشارة طبية. يُرجى مناقشة هذا السؤال مع طبيب الأورام المعالج؛ ويمكننا مساعدتكم في تحضير أسئلتكم لذلك الموعد.
    .label = 🩺 اسألوا طبيب الأورام
