# DRAFT translation (Simplified Chinese), awaiting review by a native medical translator.
# Source of truth: locales/en/handoff.ftl. Keep message ids, attributes, variables and HTML tags unchanged.
# 译文草稿（简体中文），有待母语医学译者审校。以 locales/en/handoff.ftl 为准。
# 与 CancerFax 协调员（非医生）沟通：患者的病例进入协调员队列后看到的内容。

handoff-opened =
    <b>您现在已与 CancerFax 协调员建立联系。</b>
    您的参考编号是 <b>{ $reference }</b>。请在这里输入您的消息：协调员会阅读并在本聊天中回复您。协调员不是医生：他们帮助您整理病历资料，并协助您与医院沟通。
handoff-already-open =
    您已经与 CancerFax 协调员建立联系（参考编号 <b>{ $reference }</b>）。请直接在这里输入您的消息。
handoff-coordinator-joined = 一位 CancerFax 协调员已加入您的对话，并将在这里回复您。
handoff-off-hours =
    谢谢您，我们已收到您的消息。我们的协调员目前不在工作时间，将于 { $opens } 恢复工作。
handoff-closed =
    您与 CancerFax 协调员的对话已关闭。如果您再次在这里发送消息，我们将重新开启对话。

    本次对话对您有多大帮助？请从 1（没有帮助）到 5（非常有帮助）进行评分。
handoff-rating-thanks = 感谢您的评分。
handoff-reopened = 您与 CancerFax 协调员的对话已重新开启（参考编号 <b>{ $reference }</b>）。协调员将在这里回复您。
handoff-not-delivered = 抱歉，您的消息未能转达。请过几分钟再试。
