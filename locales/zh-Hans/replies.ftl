# DRAFT translation (Simplified Chinese), awaiting review by a native medical translator.
# Source of truth: locales/en/replies.ftl. Keep message ids, attributes, variables and HTML tags unchanged.
# 协调员的预设回复：患者以自己的语言收到。

reply-hello =
    { $name }，您好！这里是 CancerFax 患者协调团队。我们正在查看您的病例 { $reference }。我们不是医生：我们帮助您整理医疗资料并联系医院。
    .label = 👋 您好，我们在跟进
reply-received =
    谢谢，我们已收到您病例 { $reference } 的资料。协调员正在查看，并会在这里给您回复。
    .label = 📥 资料已收到
reply-scan-report =
    请发送您最近一次影像检查（CT、MRI 或 PET）的报告。每页拍一张照片或一个 PDF 文件均可：请直接在此对话中发送。
    .label = 🩻 索取最新影像报告
reply-test-report =
    请发送您的活检报告或最近一次分子（基因）检测报告。每页拍一张照片或一个 PDF 文件均可。
    .label = 🧬 索取检测报告
reply-call =
    协调员将于{ $date }给您打电话。如果这个时间不方便，请在这里回复。
    .label = 📞 我们会致电（日期）
reply-consent-hospital =
    要将您的病例 { $reference } 分享给医院，我们需要先征得您的同意。如果我们可以将其分享给我们讨论过的医院，请在这里回复“同意”；如有疑问也请告诉我们。
    .label = ✅ 征求分享同意
reply-waiting-hospital =
    我们已将您的问题发送给医院，正在等待答复。一有消息，我们会立即在这里告诉您。
    .label = ⏳ 等待医院答复
reply-ask-oncologist =
    我们无法提供医疗建议。请与您的肿瘤科医生讨论这个问题；我们可以帮您准备就诊时要问的问题。
    .label = 🩺 请咨询肿瘤科医生
