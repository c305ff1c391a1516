# The intake form (dialogues/intake.yaml): the case details a coordinator needs.
# Each question has a `.label` attribute: the short name shown on the review
# screen and in the coordinators' summary.

## Entering and leaving the form

menu-intake-start = 📝 Request a case review
menu-intake-continue = 📝 Continue your case details
intake-paused =
    Your answers are saved. You can continue your case details at any time from the main menu.

## Consent (asked first; nothing health-related is stored before it)

intake-consent =
    <b>Before we start</b>

    To review your case, we will ask some questions about the patient: name, age, country, the cancer, its treatment and tests, and a phone number if you prefer to be called; you may also send reports or scans.

    <b>Why:</b> so that a CancerFax coordinator can understand the case and help you. Coordinators are not doctors.
    <b>Who sees it:</b> CancerFax coordinators; hospitals or trial teams only with your agreement.
    <b>Your control:</b> you can delete your details at any time with /delete.

    Do you agree that we store these details for this purpose?
    .label = Consent
intake-consent-agree = ✅ I agree
intake-consent-decline = ✖ No, thank you
intake-consent-declined =
    That is fine: we have not stored anything about your health. You can still read the information in this bot, and you can start again whenever you wish.

## Emergency screen

intake-emergency =
    <b>First, is this an emergency?</b>
    Does the patient have severe symptoms right now, such as trouble breathing, chest pain, heavy bleeding, confusion or fainting?
    .label = Emergency screen
intake-emergency-no = No, not right now
intake-emergency-yes = Yes, severe symptoms now
intake-emergency-advice =
    <b>Please get urgent medical help now.</b>
    Call your local emergency number or go to the nearest emergency department. Tell them about the cancer and its treatment.

    This chat cannot help in an emergency. When the patient is safe, you can come back and continue from the main menu.

## About the person

intake-writer =
    Who is writing?
    .label = Writing as
intake-writer-patient = I am the patient
intake-writer-family = A family member
intake-writer-caregiver = A caregiver or friend

intake-first-name =
    What is the patient’s first name?
    .label = First name
intake-age =
    How old is the patient? Please type a number, for example 56.
    .label = Age
intake-country =
    In which country does the patient live? Type the name of the country, or choose below.
    .label = Country

## The cancer

intake-cancer-type =
    What type of cancer is it?
    .label = Cancer type
intake-cancer-lung = Lung
intake-cancer-breast = Breast
intake-cancer-colorectal = Colorectal (bowel)
intake-cancer-thyroid = Thyroid
intake-cancer-melanoma = Melanoma (skin)
intake-cancer-other = Another type
intake-cancer-type-other =
    Please type the type of cancer.
    .label = Cancer type (other)

intake-driver =
    Which driver mutation or biomarker was found? If you are not sure, choose “I don’t know”.
    .label = Driver / biomarker
intake-driver-egfr = EGFR
intake-driver-alk = ALK
intake-driver-ros1 = ROS1
intake-driver-met = MET
intake-driver-kras-g12c = KRAS G12C
intake-driver-braf = BRAF
intake-driver-her2 = HER2
intake-driver-ret = RET
intake-driver-ntrk = NTRK
intake-driver-other = Another one
intake-driver-unknown = I don’t know

intake-therapy =
    Which targeted therapy is the patient taking now, or took last? Type the name of the medicine as it is written on the box or in the report.
    .label = Targeted therapy
intake-progressing =
    Is the disease progressing (growing or spreading) on this therapy?
    .label = Progressing
intake-progression-since =
    Since when? Type the month and year, for example 03/2026.
    .label = Progressing since

## Testing at progression

intake-testing =
    Has molecular testing been done since the disease progressed?
    .label = Testing at progression
intake-testing-none = Not yet
intake-testing-liquid = Liquid biopsy (blood)
intake-testing-tissue = Tissue rebiopsy
intake-testing-both = Both
intake-testing-unsure = I’m not sure

intake-egfr-finding =
    Did a report already name a resistance finding?
    .label = Resistance finding
intake-finding-t790m = T790M
intake-finding-met-amp = MET amplification
intake-finding-small-cell = Small cell transformation
intake-finding-other = Something else
intake-finding-none = None reported yet
intake-finding-text =
    If a test report names a resistance finding, please type it as written. Otherwise tap Skip.
    .label = Finding (as reported)

## The help wanted

intake-help =
    How can we help? Choose all that apply, then tap Done.
    .label = Help wanted
intake-help-record-review = Medical record review
intake-help-eligibility = Eligibility / trial coordination
intake-help-hospital = Hospital contact and translation
intake-help-travel = Travel and admission
intake-help-navigation = Treatment and trial navigation

## Documents

intake-documents =
    If you have them, please send reports, scans, pathology, biomarker results or a treatment history, as photos or PDF files. You can send several. Tap Done when you have finished, or Skip.
    .label = Documents
intake-documents-received = Received: { $count ->
        [one] one document
       *[other] { $count } documents
    }. Send more, or tap Done.

## Contact

intake-contact =
    How should a coordinator contact you?
    .label = Preferred contact
intake-contact-telegram = Here in Telegram
intake-contact-phone = By phone
intake-phone =
    Please share your phone number with the button below, or type it with the country code, for example +44 20 7946 0958.
    .label = Phone
intake-phone-share = 📱 Share my phone number
intake-language =
    In which language should we talk with you?
    .label = Language

## Buttons shared by all questions

intake-back = ◀ Previous question
intake-skip = Skip
intake-done = ✅ Done
intake-yes = Yes
intake-no = No
intake-unsure = I’m not sure

## When an answer cannot be used (the same question is asked again)

intake-error-expected-button = Please choose one of the buttons below.
intake-error-expected-text = Please type your answer as a message.
intake-error-too-short = This answer is too short: please write at least { $min } characters.
intake-error-too-long = This answer is too long: please keep it to { $max } characters or fewer.
intake-error-not-a-number = Please type a number, for example 56.
intake-error-out-of-range = Please type a number between { $min } and { $max }.
intake-error-month-year = Please type the month and year like this: 03/2026.
intake-error-future = This date is in the future. Please check the month and year.
intake-error-phone = This does not look like a phone number. Please include the country code, for example +44 20 7946 0958.
intake-error-country = I could not find this country. Please check the spelling, or choose from the list.
intake-error-choose-one = Please choose at least one option, then tap Done.
intake-error-expected-file = Please send a photo or a PDF file, or tap Done.
intake-error-file-type = I can only accept photos and PDF files.
intake-error-file-too-large = This file is too large (over { $max } MB). Please send a smaller photo or PDF, or split the report.
intake-error-too-many-files = You can send up to { $max } documents. Tap Done to continue.
intake-country-matches = Did you mean one of these?

## Review and submission

intake-review =
    <b>Please check your answers</b>
    Tap a question to change its answer, or submit when everything is right.
intake-review-skipped = (skipped)
intake-review-files = { $count ->
        [one] one document
       *[other] { $count } documents
    }
intake-submit = 📨 Submit
intake-submitted =
    <b>Thank you. Your case details have been sent.</b>
    Your reference is <b>{ $reference }</b>.
intake-submitted-chat = A CancerFax coordinator will review them and reply here in this chat. You do not need to do anything else now.
intake-submitted-phone = A CancerFax coordinator will review them and call you on the phone number you gave. You do not need to do anything else now.
