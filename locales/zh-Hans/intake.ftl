# DRAFT translation (Simplified Chinese), awaiting review by a native medical translator.
# Source of truth: locales/en/intake.ftl. Keep message ids, attributes, variables and HTML tags unchanged.
# 译文草稿（简体中文），有待母语医学译者审校。以 locales/en/intake.ftl 为准。
# 病例信息登记表（dialogues/intake.yaml）：协调员所需的病例资料。
# 每个问题都有一个 `.label` 属性：在核对页面和协调员摘要中显示的简短名称。

## 进入和离开登记表

menu-intake-start = 📝 申请病例审阅
menu-intake-continue = 📝 继续填写病例资料
intake-paused =
    您的回答已保存。您可以随时从主菜单继续填写病例资料。

## 同意（最先询问；在此之前不保存任何健康相关信息）

intake-consent =
    <b>开始之前</b>

    为了审阅您的病例，我们会询问一些关于患者的问题：姓名、年龄、国家、癌症情况及其治疗和检查；如果您希望我们打电话联系您，还会询问电话号码。您也可以发送报告或影像资料。

    <b>目的：</b>让 CancerFax 协调员了解病例并为您提供帮助。协调员不是医生。
    <b>谁能看到：</b>CancerFax 协调员；医院或临床试验团队只有在征得您同意后才能看到。
    <b>由您掌控：</b>您可以随时通过 /delete 删除您的资料。

    您是否同意我们为上述目的保存这些资料？
    .label = 知情同意
intake-consent-agree = ✅ 我同意
intake-consent-decline = ✖ 不用了，谢谢
intake-consent-declined =
    没关系：我们没有保存任何有关您健康状况的信息。您仍然可以阅读本机器人中的信息，也可以随时重新开始。

## 紧急情况筛查

intake-emergency =
    <b>首先，请问这是紧急情况吗？</b>
    患者现在是否有严重症状，例如呼吸困难、胸痛、大量出血、意识混乱或晕厥？
    .label = 紧急情况筛查
intake-emergency-no = 没有，目前没有
intake-emergency-yes = 有，现在症状严重
intake-emergency-advice =
    <b>请立即寻求紧急医疗帮助。</b>
    请拨打当地急救电话，或前往最近的医院急诊科。请告知医护人员患者的癌症情况及其治疗。

    本聊天无法在紧急情况下提供帮助。待患者安全后，您可以回来，从主菜单继续填写。

## 关于填写人和患者

intake-writer =
    请问是谁在填写？
    .label = 填写人身份
intake-writer-patient = 我是患者本人
intake-writer-family = 患者家属
intake-writer-caregiver = 照护者或朋友

intake-first-name =
    请问患者的名字是什么？
    .label = 名字
intake-age =
    请问患者多大年龄？请输入数字，例如 56。
    .label = 年龄
intake-country =
    患者居住在哪个国家？请输入国家名称，或在下方选择。
    .label = 国家

## 癌症情况

intake-cancer-type =
    请问是哪种类型的癌症？
    .label = 癌症类型
intake-cancer-lung = 肺癌
intake-cancer-breast = 乳腺癌
intake-cancer-colorectal = 结直肠癌（肠癌）
intake-cancer-thyroid = 甲状腺癌
intake-cancer-melanoma = 黑色素瘤（皮肤）
intake-cancer-other = 其他类型
intake-cancer-type-other =
    请输入癌症类型。
    .label = 癌症类型（其他）

intake-driver =
    检测发现了哪种驱动基因突变或生物标志物？如果您不确定，请选择“我不知道”。
    .label = 驱动基因/生物标志物
intake-driver-egfr = EGFR
intake-driver-alk = ALK
intake-driver-ros1 = ROS1
intake-driver-met = MET
intake-driver-kras-g12c = KRAS G12C
intake-driver-braf = BRAF
intake-driver-her2 = HER2
intake-driver-ret = RET
intake-driver-ntrk = NTRK
intake-driver-other = 其他
intake-driver-unknown = 我不知道

intake-therapy =
    患者目前正在接受哪种靶向治疗，或最近一次接受的是哪种？请按照药盒或报告上的写法输入药物名称。
    .label = 靶向治疗
intake-progressing =
    在这种治疗期间，疾病是否在进展（肿瘤增大或扩散）？
    .label = 疾病进展
intake-progression-since =
    从什么时候开始的？请输入月份和年份，例如 03/2026。
    .label = 进展开始时间

## 疾病进展时的检测

intake-testing =
    疾病进展后，是否做过分子检测？
    .label = 进展时的检测
intake-testing-none = 还没有
intake-testing-liquid = 液体活检（血液）
intake-testing-tissue = 组织再次活检
intake-testing-both = 两种都做过
intake-testing-unsure = 我不确定

intake-egfr-finding =
    是否已有报告写明了耐药相关的检测结果？
    .label = 耐药检测结果
intake-finding-t790m = T790M
intake-finding-met-amp = MET 扩增
intake-finding-small-cell = 小细胞转化
intake-finding-other = 其他结果
intake-finding-none = 报告中尚未提及
intake-finding-text =
    如果检测报告中写明了耐药相关的结果，请按报告原文输入。否则请点击“跳过”。
    .label = 检测结果（报告原文）

## 所需帮助

intake-help =
    我们可以如何帮助您？请选择所有适用的选项，然后点击“完成”。
    .label = 所需帮助
intake-help-record-review = 病历审阅
intake-help-eligibility = 资格评估/临床试验协调
intake-help-hospital = 医院沟通、翻译
intake-help-travel = 出行与入院
intake-help-navigation = 治疗与临床试验导航

## 文件资料

intake-documents =
    如果您手头有相关资料，请以照片或 PDF 文件的形式发送报告、影像资料、病理、生物标志物检测结果或治疗史。您可以发送多份。发送完毕后请点击“完成”，或点击“跳过”。
    .label = 文件资料
intake-documents-received = 已收到：{ $count ->
       *[other] { $count } 份文件
    }。您可以继续发送，或点击“完成”。

## 联系方式

intake-contact =
    您希望协调员通过什么方式联系您？
    .label = 首选联系方式
intake-contact-telegram = 就在 Telegram 中
intake-contact-phone = 通过电话
intake-phone =
    请点击下方按钮分享您的电话号码，或输入带国家代码的号码，例如 +44 20 7946 0958。
    .label = 电话
intake-phone-share = 📱 分享我的电话号码
intake-language =
    我们应该用哪种语言与您沟通？
    .label = 语言

## 所有问题共用的按钮

intake-back = ◀ 上一个问题
intake-skip = 跳过
intake-done = ✅ 完成
intake-yes = 是
intake-no = 否
intake-unsure = 我不确定

## 回答无法使用时（会再次询问同一问题）

intake-error-expected-button = 请选择下方的一个按钮。
intake-error-expected-text = 请以消息形式输入您的回答。
intake-error-too-short = 回答太短：请至少输入 { $min } 个字符。
intake-error-too-long = 回答太长：请控制在 { $max } 个字符以内。
intake-error-not-a-number = 请输入数字，例如 56。
intake-error-out-of-range = 请输入 { $min } 到 { $max } 之间的数字。
intake-error-month-year = 请按以下格式输入月份和年份：03/2026。
intake-error-future = 这是一个未来的日期。请核对月份和年份。
intake-error-phone = 这看起来不像电话号码。请包含国家代码，例如 +44 20 7946 0958。
intake-error-country = 我找不到这个国家。请检查输入是否正确，或从列表中选择。
intake-error-choose-one = 请至少选择一项，然后点击“完成”。
intake-error-expected-file = 请发送照片或 PDF 文件，或点击“完成”。
intake-error-file-type = 我只能接收照片和 PDF 文件。
intake-error-file-too-large = 此文件太大（超过 { $max } MB）。请发送较小的照片或 PDF，或将报告拆分后发送。
intake-error-too-many-files = 您最多可以发送 { $max } 份文件。请点击“完成”继续。
intake-country-matches = 您是指以下其中一个吗？

## 核对与提交

intake-review =
    <b>请核对您的回答</b>
    点击某个问题即可修改答案；如果一切无误，请提交。
intake-review-skipped = （已跳过）
intake-review-files = { $count ->
       *[other] { $count } 份文件
    }
intake-submit = 📨 提交
intake-submitted =
    <b>谢谢您。您的病例资料已发送。</b>
    您的参考编号是 <b>{ $reference }</b>。
intake-submitted-chat = CancerFax 协调员将审阅这些资料，并在本聊天中回复您。您现在无需再做任何操作。
intake-submitted-phone = CancerFax 协调员将审阅这些资料，并拨打您提供的电话号码与您联系。您现在无需再做任何操作。
