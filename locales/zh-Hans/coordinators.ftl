# DRAFT translation (Simplified Chinese), awaiting review by a native medical translator.
# Source of truth: locales/en/coordinators.ftl. Keep message ids, attributes, variables and HTML tags unchanged.
# 机器人在协调员群组中写给协调员（而非患者）的内容。

## 语言

coord-language-name = { $language ->
        [ar] 阿拉伯语
        [de] 德语
        [en] 英语
        [es] 西班牙语
        [fr] 法语
        [he] 希伯来语
        [hi] 印地语
        [it] 意大利语
        [ja] 日语
        [pl] 波兰语
        [pt] 葡萄牙语
        [ru] 俄语
        [tr] 土耳其语
        [uk] 乌克兰语
        [zh] 中文
       *[other] 该语言
    }
coord-language = { coord-language-name }（{ $tag }）

## 时长

coord-duration-minutes = { $minutes } 分钟
coord-duration-hours = { $hours } 小时 { $minutes } 分钟
coord-duration-days = { $days } 天 { $hours } 小时

## 对按钮或更改的回应

coord-answer-taken = 您已接手 { $reference }。
coord-answer-yours = { $reference } 已经由您负责。
coord-answer-held = { $reference } 已由 { $name } 接手。
coord-answer-closed = { $reference } 已关闭。
coord-answer-gone = { $reference } 已不存在。
coord-answer-unchanged = { $reference } 保持不变。
coord-answer-released = { $reference } 已回到队列。
coord-answer-transferred = { $reference } 现由 { $name } 负责。
coord-answer-urgent = { $reference } 已标记为紧急。
coord-answer-not-urgent = { $reference } 已不再紧急。
coord-answer-noted = 已在 { $reference } 中记下。

## 病例话题中的提示

coord-note-released = ↩ { $name } 已将其放回队列。
coord-note-transferred = ➡ { $name } 已将其转交给 { $to }。
coord-note-closed = ✖ 由 { $name } 关闭。
coord-note-closed-by-bot = ✖ 由机器人关闭。
coord-note-rated = ⭐ 患者给这次对话的评分为 { $stars }/5。
coord-note-blocked = ⛔ 患者已屏蔽机器人。病例已关闭。
coord-note-blocked-undelivered = ⛔ 患者已屏蔽机器人：这条消息未送达。病例已关闭。
coord-note-undelivered = ⚠️ 这条消息未能送达患者。请重新发送。
coord-note-document-not-shown = ⚠️ 有一份文件无法在此显示（{ $error }）。
coord-note-edited = ✏️ <i>已于 { $time } 编辑</i> { $text }
coord-note-erased = { $count ->
       *[other] 🗑 { $references }：患者已删除其数据。相关病例的话题及其中所有消息均已删除。
    }

## 拒绝

coord-refused-not-member = 只有本群组中可以发言的成员才能处理病例（{ $reference } 未更改）。
coord-refused-held = { $change ->
        [release] { $reference } 由 { $name } 负责：只有其本人或管理员可以将其放回队列。
        [close] { $reference } 由 { $name } 负责：只有其本人或管理员可以关闭它。
        [transfer] { $reference } 由 { $name } 负责：只有其本人或管理员可以转交它。
       *[other] { $reference } 由 { $name } 负责：只有其本人或管理员可以更改它。
    }

## 命令

coord-unknown-command = { $command } 不是这里的命令（没有向患者发送任何内容）。在病例话题中：/r（患者语言的预设回复）、/note、/release、/transfer、/close；在任何地方：/queue、/stats。若要给患者发送以“/”开头的文字，请在前面加一个空格或一个词。
coord-transfer-help = 要转交，请写 <code>/transfer @用户名</code>（对方须曾在本群组发过言），或用 <code>/transfer</code> 回复对方的一条消息，或用 <code>/transfer 团队名称</code> 将病例转给另一个团队。
coord-team-already = { $reference } 已在 { $team }。
coord-moved-out = ➡ { $name } 已将其转给 { $team }。对话在那里继续。
coord-moved-in = ⬅ 由 { $name } 从 { $team } 转来。以下是最近的消息。
coord-another-team = 另一个团队

## 病例卡片

coord-card-urgent = 🔴 <b>紧急</b>
coord-card-waiting = 已等待 { $waited }
coord-card-assigned = 由 { $name } 负责
coord-card-closed = 已关闭
coord-card-language = 患者语言：{ $language }（{ $tag }）
coord-card-no-details = <i>暂无病例详情：患者要求与真人交谈。</i>
coord-card-documents = { $count ->
       *[other] 📎 { $count } 份文件：已在下方重新发送。
    }
coord-button-take = ✋ 接手
coord-button-release = ↩ 放回
coord-button-urgent = 🔴 紧急
coord-button-not-urgent = 不紧急
coord-button-close = ✖ 关闭

## /queue

coord-queue-empty =
    <b>队列</b>
    没有未关闭的病例。
coord-queue-header = <b>队列</b> · 等待中 { $waiting } · 已分配 { $assigned }
coord-queue-page = 第 { $page }/{ $pages } 页
coord-queue-waiting = { $reference } · { $title } · 已等待 { $waited }
coord-queue-held = { $count ->
       *[other] ⚠️ { $count } 条消息被暂扣：Telegram 已拒绝 { $waited }（{ $error }）。系统会继续重试，Telegram 接受后即发出。
    }

## 被遗忘病例的提醒

coord-reminder-second = <b>第二次提醒，请所有人注意</b>
coord-reminder-urgent = （紧急）
coord-reminder-waiting = <b>{ $reference }</b>{ $urgent } 已在工作时间内等待协调员 { $waited }：请从其卡片接手。
coord-reminder-holder = { $holder }，<b>{ $reference }</b>{ $urgent } 的患者已在工作时间内等待您的回复 { $waited }。
coord-reminder-everyone = <b>{ $reference }</b>{ $urgent } 的患者已在工作时间内等待 { $holder } 的回复 { $waited }。有人可以回复吗？
coord-reminder-link = <a href="{ $link }">打开其话题</a>。

## 预设回复（/r）

coord-replies-none = 没有预设回复：译者会将其添加到 locales/{ $tag }/{ $file }。
coord-replies-menu =
    💬 <b>{ $reference } 的预设回复</b>
    患者语言：{ $language }。回复会以该语言送达患者，并在此处以两种语言显示。点按其中一条即可发送，或写 <code>/r 名称</code>；带日期的回复写 <code>/r 名称 2026-12-08 10:00</code>。
coord-replies-missing = 🚫 尚未翻译成{ $language }，因此无法发送：{ $replies }。
coord-reply-sent =
    📨 { $name } 向患者发送了回复“{ $reply }”：
    <blockquote>{ $text }</blockquote>
coord-reply-sent-translated =
    📨 { $name } 向患者发送了回复“{ $reply }”，语言为{ $language }：
    <blockquote>{ $text }</blockquote>
    协调员语言版本：
    <blockquote>{ $translation }</blockquote>
coord-reply-unknown = 没有名为“{ $reply }”的预设回复。未向 { $reference } 的患者发送任何内容；/r 会列出所有回复。
coord-reply-not-translated = 🚫 回复“{ $reply }”尚未翻译成{ $language }。未向 { $reference } 的患者发送任何内容：回复绝不会以患者未选择的语言发送。请让译者将其添加到 { $file }，或由您亲自给患者写信。
coord-reply-needs-date = 回复“{ $reply }”需要日期：请写 <code>/r { $reply } 2026-12-08 10:00</code>（或只写日期，<code>/r { $reply } 2026-12-08</code>）。未向 { $reference } 的患者发送任何内容。
coord-reply-bad-date = “{ $given }”不是本机器人能识别的日期：请写 <code>/r { $reply } 2026-12-08 10:00</code>（或只写日期）。未向 { $reference } 的患者发送任何内容。
coord-reply-needs-name = 回复“{ $reply }”会以名字称呼患者，但此病例没有名字（表单未填写）。未向 { $reference } 的患者发送任何内容；请选择其他回复。
coord-reply-broken = 回复“{ $reply }”无法显示（{ $error }）；`navigator check` 会指出问题所在。未向 { $reference } 的患者发送任何内容。
coord-reply-answer-sent = 已发送给 { $reference } 的患者。
coord-reply-answer-not-sent = 未向 { $reference } 的患者发送任何内容：原因见话题。
coord-reply-answer-repeated = “{ $reply }”已于 { $seconds } 秒前发送给该患者：未再次发送。请在一分钟后再按一次以发送第二次。

## /stats 和每周摘要

coord-stats-title = 📊 <b>个案</b>（{ $zone }）
coord-stats-now = 当前：等待中 { $waiting } · 已分配 { $assigned }
coord-stats-today = <b>今天</b>
coord-stats-week = <b>本周</b>（自周一起）
coord-stats-all-teams = <b>所有团队</b>
coord-stats-all-teams-week = <b>本周</b>
coord-figures-cases = 新开 { $opened } · 已分配 { $assigned } · 已关闭 { $closed }
coord-figures-first-reply = 首次回复
coord-figures-to-close = 至关闭
coord-figures-durations = { $count ->
       *[other] { $label }：中位数 { $median }，p90 { $p90 }（{ $count } 个个案）
    }
coord-figures-no-durations = { $label }：–
coord-figures-rating = { $count ->
       *[other] 评分：{ $average }/5（{ $count } 个评分）
    }
coord-figures-no-rating = 评分：暂无评分
coord-figures-reminders = 被遗忘个案的提醒：{ $reminders }（第二次，面向所有人：{ $second }）
coord-figures-languages = 语言：{ $counts }
coord-figures-cancer-types = 癌症类型：{ $counts }
coord-figures-drivers = 驱动基因：{ $counts }
coord-figures-not-given = 未填写
coord-weekly-title = 🗓 <b>每周摘要</b>：{ $from } – { $to }
coord-weekly-queue = 当前队列：等待中 { $waiting } · 已分配 { $assigned }

## 执行者（当 Telegram 隐藏身份时）

coord-anonymous = 协调员
