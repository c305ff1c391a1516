# DRAFT translation (Simplified Chinese (as used in mainland China)), awaiting review by a native medical translator.
# Source of truth: locales/en/resistance.ftl. Keep message ids, variables and HTML tags unchanged.
# 译文草稿（简体中文），有待母语医学译者审校。以 locales/en/resistance.ftl 为准；医学内容不得增删或改动。

## 主菜单按钮

home-btn-resistance = 📖 靶向治疗耐药
home-btn-services = 🤝 CancerFax 如何帮助您

## 通用语句

resistance-reviewed = <i>审核：{ $reviewer }，{ $date }。</i>
resistance-reviewer = CancerFax 医学团队，肿瘤与血液病专科专家

## 概述

resistance-overview-text =
    <b>靶向治疗耐药</b>

    耐药并不意味着靶向治疗的大门就此关闭，而是改变了哪一扇门是敞开的。疾病进展时的分子检测，正是用来确定是哪一扇门。

    请选择一个主题：
resistance-btn-glance = 要点速览
resistance-btn-mechanisms = 耐药是如何产生的
resistance-btn-testing = 疾病进展时的检测
resistance-btn-next-gen = 新一代药物
resistance-btn-faq = 问题解答

## 要点速览

resistance-glance-text =
    <b>要点速览</b>

    • 获得性耐药是靶向治疗随着时间推移逐渐失效的最常见原因。
    • 耐药机制包括继发突变（例如 EGFR 基因的 T790M 突变）和旁路通路激活。
    • 疾病进展时进行液体活检和再次活检，对于明确耐药机制至关重要。
    • 新一代药物（奥希替尼、劳拉替尼）是为克服特定的耐药突变而设计的。

## 耐药是如何产生的

resistance-mechanisms-text =
    <b>耐药是如何产生的</b>

    了解具体的耐药机制会改变下一步的治疗决策。不同的机制需要不同的应对方式。

    请选择一种机制了解详情：
resistance-btn-on-target = 靶点依赖性耐药突变
resistance-btn-bypass = 非靶点依赖性旁路激活
resistance-btn-transformation = 组织学转化
resistance-btn-amplification = 靶点扩增

resistance-on-target-text =
    <b>靶点依赖性耐药突变</b>

    药物所针对的同一基因中出现了新的突变，改变了药物的结合位点，使药物无法再与之结合。

    EGFR 突变型肺癌中的 T790M 突变就是一个典型例子：它推动了奥希替尼的研发，专门用于克服这一突变。

resistance-bypass-text =
    <b>非靶点依赖性旁路机制</b>

    肿瘤激活了另一条替代通路，绕过了药物所阻断的那条通路。

    EGFR 突变型非小细胞肺癌（NSCLC）中的 MET 扩增就是一个例子：癌症找到了一条不同的路线，通往同样的生长终点。

resistance-transformation-text =
    <b>组织学转化</b>

    在某些情况下，肿瘤会在治疗压力下改变其细胞类型。

    EGFR 突变型非小细胞肺癌（NSCLC）在发生耐药时，偶尔会转化为小细胞肺癌，这时需要采用完全不同的治疗方法。

resistance-amplification-text =
    <b>靶点扩增</b>

    肿瘤产生了过多的靶蛋白，以致在标准剂量下，药物已无法有效地将其阻断。

    这种情况需要提高剂量，或换用具有不同结合特性的药物。

## 疾病进展时的检测

resistance-testing-text =
    <b>为什么疾病进展时的检测很重要</b>

    了解具体的耐药机制会改变下一步的治疗决策，而不同的机制需要不同的应对方式。

    疾病进展时进行液体活检和再次活检，对于明确耐药机制至关重要。疾病进展时的分子检测，正是用来确定哪一扇门是敞开的。

## 新一代药物

resistance-next-gen-text =
    <b>新一代药物</b>

    新一代药物（例如奥希替尼和劳拉替尼）是为克服特定的耐药突变而设计的。

    例如，EGFR 突变型肺癌中的 T790M 突变推动了奥希替尼的研发，专门用于克服这一突变。

    某种药物是否适合，取决于耐药机制，而耐药机制要通过疾病进展时的分子检测来确定。请务必咨询有资质的肿瘤科医生。

## 问题解答（仅依据原始资料作答）

resistance-faq-text =
    <b>问题解答</b>

    请选择一个问题：
faq-btn-why = 为什么我的靶向治疗不再有效了？
faq-btn-door = 耐药意味着靶向治疗结束了吗？
faq-btn-test = 疾病进展后哪些检测有帮助？
faq-btn-t790m = 什么是 T790M？
faq-btn-drugs = 有针对耐药的药物吗？

faq-why-text =
    <b>为什么我的靶向治疗不再有效了？</b>

    获得性耐药是靶向治疗随着时间推移逐渐失效的最常见原因。耐药机制包括继发突变（例如 EGFR 基因的 T790M 突变）和旁路通路激活。

faq-door-text =
    <b>耐药意味着靶向治疗结束了吗？</b>

    耐药并不意味着靶向治疗的大门就此关闭，而是改变了哪一扇门是敞开的。疾病进展时的分子检测，正是用来确定是哪一扇门。

faq-test-text =
    <b>疾病进展后哪些检测有帮助？</b>

    疾病进展时进行液体活检和再次活检，对于明确耐药机制至关重要。了解具体的耐药机制会改变下一步的治疗决策。

faq-t790m-text =
    <b>什么是 T790M？</b>

    T790M 是 EGFR 突变型肺癌中的一种突变。它是靶点依赖性耐药突变的典型例子：药物所针对的同一基因中出现了新的突变，改变了药物的结合位点，使药物无法再与之结合。它推动了奥希替尼的研发，专门用于克服这一突变。

faq-drugs-text =
    <b>有针对耐药的药物吗？</b>

    新一代药物（奥希替尼、劳拉替尼）是为克服特定的耐药突变而设计的。哪种治疗方案适合，取决于耐药机制。在做出治疗决定前，请务必咨询有资质的肿瘤科医生。

## CancerFax 如何帮助您

services-text =
    <b>CancerFax 如何帮助您</b>

    CancerFax 是一个专业的癌症治疗对接与患者导航平台。我们帮助患者及家属了解可选方案、整理病历资料、协调与医院的沟通，并在适当情况下支持跨境治疗规划。

    <i>CancerFax 不保证获得治疗的机会、符合资格条件或临床结果。我们的职责是帮助患者获取准确的信息、结构化的病例审阅以及合适的专科诊疗途径。</i>

services-btn-records = 📁 病历与资格评估
services-btn-hospitals = 🏥 医院沟通与出行
services-btn-pathways = 🧭 其他方案与全程协调

services-records-text =
    <b>病历审阅。</b>我们帮助收集和整理各类报告、影像资料、病理、生物标志物检测结果及治疗史，以便进行结构化的病例审阅。

    <b>资格评估协调。</b>我们与医院或临床试验团队沟通，评估病例是否可能适合进一步筛选。

services-hospitals-text =
    <b>医院沟通。</b>我们协助预约协调、文件递交、翻译，以及与医院国际部门的直接沟通。

    <b>出行与入院支持。</b>对于国际患者，我们协助处理实际的协调事务：出行规划、入院指导以及当地支持。

services-pathways-text =
    <b>治疗与临床试验导航。</b>如果当前方案不适合，我们会帮助探索其他相关治疗、临床试验或先进的诊疗途径。

    <b>全程协调。</b>从咨询到随访，我们的协调员为您的家庭提供统一的对接窗口。

    <b>对您的靶向治疗耐药有疑问？</b>CancerFax 会审阅您疾病进展时的检查资料，并为您对接在识别和应对靶向治疗耐药机制方面经验丰富的肿瘤科医生。
