# Interface texts of the bot: welcome, menus, commands, errors.
# English is the reference locale: every other locale translates these ids.
# Text is Telegram HTML: only <b>, <i>, <u>, <s>, <a href>, <code>, <pre>, <blockquote>.
# Write &amp; for "&" and &lt; for "<".

welcome =
    Hello, { $name }! I am the CancerFax patient navigator.
    I can explain how resistance to targeted cancer therapy develops and why testing at progression matters, and put you in touch with CancerFax coordinators. The coordinators are not doctors: they help organise your medical records and your communication with hospitals.
welcome-anonymous =
    Hello! I am the CancerFax patient navigator.
    I can explain how resistance to targeted cancer therapy develops and why testing at progression matters, and put you in touch with CancerFax coordinators. The coordinators are not doctors: they help organise your medical records and your communication with hospitals.
not-medical-advice = <i>Information only, not medical advice: decide on any treatment with your oncologist.</i>
no-guarantee = <i>CancerFax does not guarantee treatment access, eligibility, or clinical outcome.</i>
emergency-line = 🚑 <b>In an emergency</b>, call your local emergency number or go to the nearest emergency department now. This chat cannot help in an emergency.

home-text =
    <b>Main menu</b>
    What would you like to do?

help-text =
    <b>How to use this bot</b>
    Tap the buttons under my messages to move around. You can also type:
    /menu – the main menu
    /language – change the language
    /help – this help
    /cancel – stop what you are doing and go back to the menu

    If you feel very unwell, contact your doctor or your local emergency number now. This chat is not an emergency service.

cancel-done = Stopped. Here is the main menu.

free-text-hint =
    I read buttons rather than typed messages here. Please tap one of the buttons below.
    To talk to a person, tap “Talk to a person”.
unsupported-input = I can’t read this kind of message here. Please tap one of the buttons below.
edited-message = I noticed you edited a message. I don’t read edits: please send a new message or tap a button below.
stale-button = This button is out of date. Here is the current menu.
unknown-command = I don’t know that command. Here is the main menu.

language-prompt = Choose your language:
language-changed = Language set to English.
# The name of this language, written in this language (shown in the language picker).
language-name = English


## Buttons. Keep them short: they are shown on a phone.

nav-back = ◀ Back
nav-home = 🏠 Main menu
nav-person = 💬 Talk to a person
menu-language = 🌐 Language

## Commands shown in Telegram's command menu (short descriptions, no HTML).

command-start = Start the navigator
command-menu = Main menu
command-language = Change language
command-help = How to use this bot
command-privacy = How your data is used
command-mydata = Get a copy of my data
command-delete = Delete my data
command-cancel = Stop and return to the menu

## Erasing a patient's data (/delete)

delete-confirm =
    <b>Delete your data?</b>
    This erases your case details and answers stored by this bot. It cannot be undone.
delete-yes = 🗑 Yes, delete
delete-no = No, keep my data
delete-done = Your data has been deleted.
delete-kept = Nothing was deleted.

## Privacy (/privacy, /mydata)

privacy-text =
    <b>Your data and your privacy</b>
    We store: your language and where you are in this bot; if you give them, your case details, your phone number and your documents (as Telegram file references); the messages you exchange with CancerFax coordinators (Telegram keeps the messages; we keep which message is which).
    Why: so that a CancerFax coordinator (not a doctor) can understand your case and help you.
    Who sees it: CancerFax coordinators; hospitals or trial teams only with your agreement.
    How long: closed conversations are erased after { $days } days.
    Your control: /mydata sends you everything we hold about you; /delete erases it.
mydata-sent = Here is everything this bot holds about you.

## Flood control

flood-note = You are sending many messages very quickly, so I pause my answers for a moment. Everything you write is kept. When you are ready, send /menu to go on.
