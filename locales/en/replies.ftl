# Ready replies for coordinators. In a case's topic a coordinator writes /r and taps one
# (or writes /r NAME): the patient receives it in their language, the topic shows it in both.
# A reply missing in the patient's language is never sent (the coordinator is told).
# Each reply: reply-NAME = what the patient receives; .label = its button for the coordinators
# (within 32 characters). Variables: { $reference } the case (CF-000123); { $name } the patient's
# first name from the form (a reply with it cannot be sent for a case without one); { $date } a day
# or a day and time the coordinator gives (/r call 2026-12-08 10:00), written in the reader's language.
# Coordinators are not doctors: a reply asks, informs or organises; it never advises on treatment.
# Text is Telegram HTML: only <b>, <i>, <u>, <s>, <a href>, <code>, <pre>, <blockquote>.

reply-hello =
    Hello { $name }, this is the CancerFax patient coordination team. We are looking at your case { $reference } now. We are not doctors: we help you gather your medical records and contact hospitals.
    .label = 👋 Hello, we are on your case
reply-received =
    Thank you, we have received your documents for case { $reference }. A coordinator is looking at them and will write to you here.
    .label = 📥 Documents received
reply-scan-report =
    Could you please send us your latest scan report (CT, MRI or PET)? A photo of each page or a PDF is fine: send it here in this chat.
    .label = 🩻 Ask for the latest scan report
reply-test-report =
    Could you please send us the report of your biopsy or of your latest molecular (genetic) test? A photo of each page or a PDF is fine.
    .label = 🧬 Ask for the test report
reply-call =
    A coordinator will call you on { $date }. If this time does not suit you, please reply here.
    .label = 📞 We will call you (date)
reply-consent-hospital =
    To share your case { $reference } with a hospital, we need your agreement first. Please reply here with “yes” if we may share it with the hospital we discussed, or tell us if you have questions.
    .label = ✅ Ask consent to share
reply-waiting-hospital =
    We have sent your questions to the hospital and are waiting for their answer. We will write to you here as soon as we hear back.
    .label = ⏳ Waiting for the hospital
reply-ask-oncologist =
    We cannot give medical advice. Please discuss this question with your oncologist; we can help you prepare your questions for that visit.
    .label = 🩺 Ask your oncologist
