# DRAFT translation (Simplified Chinese (as used in mainland China)), awaiting review by a native medical translator.
# Source of truth: locales/en/bot.ftl. Keep message ids, variables and HTML tags unchanged.
# 译文草稿（简体中文），有待母语医学译者审校。以 locales/en/bot.ftl 为准。

welcome =
    您好，{ $name }！我是 CancerFax 患者导航助手。
    我可以为您讲解靶向抗癌治疗的耐药是如何产生的、为什么疾病进展时的检测很重要，并帮您联系 CancerFax 协调员。协调员不是医生：他们帮助您整理病历资料，并协助您与医院沟通。
welcome-anonymous =
    您好！我是 CancerFax 患者导航助手。
    我可以为您讲解靶向抗癌治疗的耐药是如何产生的、为什么疾病进展时的检测很重要，并帮您联系 CancerFax 协调员。协调员不是医生：他们帮助您整理病历资料，并协助您与医院沟通。
not-medical-advice = <i>仅供参考，不构成医疗建议：任何治疗决定请与您的肿瘤科医生商定。</i>
no-guarantee = <i>CancerFax 不保证能够获得治疗、符合资格条件或取得特定的临床结果。</i>
emergency-line = 🚑 <b>如遇紧急情况</b>，请立即拨打当地急救电话，或前往最近的医院急诊科。本聊天无法在紧急情况下提供帮助。

home-text =
    <b>主菜单</b>
    请问您想做什么？

help-text =
    <b>如何使用本机器人</b>
    点击我消息下方的按钮即可浏览各项内容。您也可以输入：
    /menu – 主菜单
    /language – 切换语言
    /help – 本帮助
    /cancel – 停止当前操作并返回菜单

    如果您感到非常不适，请立即联系您的医生或拨打当地急救电话。本聊天不是急救服务。

cancel-done = 已停止。以下是主菜单。

free-text-hint =
    在这里，我只能识别按钮操作，无法读取您输入的文字。请点击下方的任一按钮。
    如需与工作人员交谈，请点击“人工咨询”。
unsupported-input = 在这里我无法读取这类消息。请点击下方的任一按钮。
edited-message = 我注意到您编辑了一条消息。我不会读取编辑后的内容：请发送一条新消息，或点击下方的按钮。
stale-button = 此按钮已过期。以下是当前菜单。
unknown-command = 我无法识别该命令。以下是主菜单。

language-prompt = 请选择语言：
language-changed = 语言已设置为简体中文。
# The name of this language, written in this language (shown in the language picker).
language-name = 简体中文


## 按钮。请保持简短：它们显示在手机上。

nav-back = ◀ 返回
nav-home = 🏠 主菜单
nav-person = 💬 人工咨询
menu-language = 🌐 语言

## Telegram 命令菜单中显示的命令（简短说明，不含 HTML）。

command-start = 启动患者导航助手
command-menu = 打开主菜单
command-language = 切换语言
command-help = 如何使用本机器人
command-privacy = 您的数据如何使用
command-mydata = 获取我的数据副本
command-delete = 删除我的数据
command-cancel = 停止并返回菜单

## Erasing a patient's data (/delete)

delete-confirm =
    <b>要删除您的数据吗？</b>
    这将删除本机器人保存的您的病例信息和回答，且无法恢复。
delete-yes = 🗑 是的，删除
delete-no = 不，保留我的数据
delete-done = 您的数据已删除。
delete-kept = 未删除任何内容。

## Privacy (/privacy, /mydata)

privacy-text =
    <b>您的数据与隐私</b>
    我们保存：您的语言以及您在本机器人中的位置；如果您提供，还包括您的病例信息、电话号码和文件（以 Telegram 文件引用的形式）；您与 CancerFax 协调员之间的消息（消息本身由 Telegram 保存，我们只保存消息之间的对应关系）。
    目的：让 CancerFax 协调员（非医生）了解您的情况并为您提供帮助。
    谁能看到：CancerFax 协调员；医院或临床试验团队只有在征得您同意后才能看到。
    保存多久：已结束的对话将在 { $days } 天后删除。
    由您决定：/mydata 会把我们保存的关于您的全部数据发送给您；/delete 会将其删除。
mydata-sent = 以下是本机器人保存的关于您的全部数据。

## Flood control

flood-note = 您发送消息的速度太快了，我将暂停回复片刻。您写的所有内容都会被保存。准备好后，请发送 /menu 继续。
