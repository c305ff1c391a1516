# DRAFT translation (Arabic), awaiting review by a native medical translator.
# Source of truth: locales/en/handoff.ftl. Keep message ids, attributes, variables and HTML tags unchanged.
# Arabic: Modern Standard Arabic, polite plural form of address; Telegram shows it right to left (no direction marks added).
# Talking with a care coordinator: what the patient sees when their case is
# with the coordinator queue.

handoff-opened =
    <b>أنتم الآن على تواصل مع فريق الرعاية في CancerFax.</b>
    رقمكم المرجعي هو <b>{ $reference }</b>. اكتبوا رسالتكم هنا: سيقرؤها أحد منسّقي الرعاية ويردّ عليكم في هذه المحادثة.
handoff-already-open =
    أنتم على تواصل بالفعل مع فريق الرعاية (الرقم المرجعي <b>{ $reference }</b>). ما عليكم سوى كتابة رسالتكم هنا.
handoff-coordinator-joined = انضمّ أحد منسّقي الرعاية إلى محادثتكم، وسيردّ عليكم هنا.
handoff-off-hours =
    شكرًا لكم، لقد استلمنا رسالتكم. منسّقو الرعاية لدينا ليسوا في العمل الآن، وسيردّون عليكم ابتداءً من { $opens } (بتوقيت { $zone }).
handoff-closed =
    تم إغلاق محادثتكم مع فريق الرعاية. إذا كتبتم هنا مرة أخرى، فسنعيد فتحها.

    ما مدى فائدة هذه المحادثة لكم؟ يُرجى تقييمها من 1 (غير مفيدة) إلى 5 (مفيدة جدًا).
handoff-rating-thanks = شكرًا لكم على تقييمكم.
handoff-reopened = تمت إعادة فتح محادثتكم مع فريق الرعاية (الرقم المرجعي <b>{ $reference }</b>). سيردّ عليكم أحد منسّقي الرعاية هنا.
handoff-not-delivered = نعتذر، تعذّر إيصال رسالتكم. يُرجى المحاولة مرة أخرى بعد بضع دقائق.
