# Content of the tree "Drug resistance in targeted therapy".
# Source: shared/content/targeted-therapy-resistance.txt (CancerFax Medical Team).
# Say what the source says, no more: medical facts must not be added or changed.

## Main menu buttons

home-btn-resistance = 📖 Targeted therapy resistance
home-btn-services = 🤝 How CancerFax helps

## Shared lines

resistance-reviewed = <i>Reviewed by { $reviewer } on { $date }.</i>
resistance-reviewer = CancerFax Medical Team, Oncology &amp; Haematology Specialists

## Overview

resistance-overview-text =
    <b>Drug resistance in targeted therapy</b>

    Resistance does not close the door on targeted therapy. It changes which door is open. Molecular testing at progression is what identifies which one.

    Choose a topic:
resistance-btn-glance = At a glance
resistance-btn-mechanisms = How resistance develops
resistance-btn-testing = Testing at progression
resistance-btn-next-gen = Next-generation drugs
resistance-btn-faq = Questions and answers

## At a glance

resistance-glance-text =
    <b>At a glance</b>

    • Acquired resistance is the most common reason targeted therapy stops working over time.
    • Resistance mechanisms include secondary mutations (for example T790M in EGFR) and bypass pathway activation.
    • Liquid biopsy and rebiopsy at progression are essential to understand the resistance mechanism.
    • Next-generation drugs (osimertinib, lorlatinib) are designed to overcome specific resistance mutations.

## How resistance develops

resistance-mechanisms-text =
    <b>How resistance develops</b>

    Understanding the specific resistance mechanism changes the next treatment decision. Different mechanisms require different responses.

    Choose a mechanism to read more:
resistance-btn-on-target = On-target resistance mutations
resistance-btn-bypass = Off-target bypass
resistance-btn-transformation = Histologic transformation
resistance-btn-amplification = Target amplification

resistance-on-target-text =
    <b>On-target resistance mutations</b>

    A new mutation in the same gene the drug was targeting alters the binding site, so the drug can no longer attach.

    The T790M mutation in EGFR-mutant lung cancer is the classic example: it drove the development of osimertinib specifically to overcome it.

resistance-bypass-text =
    <b>Off-target bypass mechanisms</b>

    The tumour activates an alternative pathway that bypasses the one the drug was blocking.

    MET amplification in EGFR-mutant non-small cell lung cancer (NSCLC) is an example: the cancer finds a different route to the same growth destination.

resistance-transformation-text =
    <b>Histologic transformation</b>

    In some cases the tumour changes its cell type under treatment pressure.

    EGFR-mutant non-small cell lung cancer (NSCLC) occasionally transforms to small cell lung cancer at resistance, requiring a completely different treatment approach.

resistance-amplification-text =
    <b>Target amplification</b>

    The tumour produces so much of the targeted protein that the drug can no longer block it effectively at standard doses.

    This requires dose escalation or switching to an agent with different binding characteristics.

## Testing at progression

resistance-testing-text =
    <b>Why testing at progression matters</b>

    Understanding the specific resistance mechanism changes the next treatment decision, and different mechanisms require different responses.

    Liquid biopsy and rebiopsy at progression are essential to understand the resistance mechanism. Molecular testing at progression is what identifies which door is open.

## Next-generation drugs

resistance-next-gen-text =
    <b>Next-generation drugs</b>

    Next-generation drugs, such as osimertinib and lorlatinib, are designed to overcome specific resistance mutations.

    For example, the T790M mutation in EGFR-mutant lung cancer drove the development of osimertinib specifically to overcome it.

    Whether a drug fits depends on the resistance mechanism, which molecular testing at progression identifies. Always consult a qualified oncologist.

## Questions and answers (answered only from the source text)

resistance-faq-text =
    <b>Questions and answers</b>

    Choose a question:
faq-btn-why = Why did my therapy stop working?
faq-btn-door = Does resistance end therapy?
faq-btn-test = Which tests after progression?
faq-btn-t790m = What is T790M?
faq-btn-drugs = Are there drugs for resistance?

faq-why-text =
    <b>Why did my targeted therapy stop working?</b>

    Acquired resistance is the most common reason targeted therapy stops working over time. Resistance mechanisms include secondary mutations (for example T790M in EGFR) and bypass pathway activation.

faq-door-text =
    <b>Does resistance mean targeted therapy is over?</b>

    Resistance does not close the door on targeted therapy. It changes which door is open. Molecular testing at progression is what identifies which one.

faq-test-text =
    <b>Which tests help after progression?</b>

    Liquid biopsy and rebiopsy at progression are essential to understand the resistance mechanism. Understanding the specific mechanism changes the next treatment decision.

faq-t790m-text =
    <b>What is T790M?</b>

    T790M is a mutation in EGFR-mutant lung cancer. It is the classic example of an on-target resistance mutation: a new mutation in the same gene the drug was targeting alters the binding site so the drug can no longer attach. It drove the development of osimertinib specifically to overcome it.

faq-drugs-text =
    <b>Are there drugs for resistance?</b>

    Next-generation drugs (osimertinib, lorlatinib) are designed to overcome specific resistance mutations. Which approach fits depends on the resistance mechanism. Always consult a qualified oncologist before making treatment decisions.

## How CancerFax helps

services-text =
    <b>How CancerFax helps</b>

    CancerFax is a specialist cancer access and patient-navigation platform. We help patients and families understand their options, organise medical records, coordinate hospital communication, and support cross-border treatment planning where appropriate.

    <i>CancerFax does not guarantee treatment access, eligibility, or clinical outcome. Our role is to help patients access accurate information, structured review, and appropriate specialist pathways.</i>

services-btn-records = 📁 Records and eligibility
services-btn-hospitals = 🏥 Hospitals and travel
services-btn-pathways = 🧭 Other options and follow-up

services-records-text =
    <b>Medical record review.</b> We help collect and organise reports, scans, pathology, biomarker results, and treatment history for structured case review.

    <b>Eligibility coordination.</b> We communicate with hospitals or trial teams to assess whether a case may be suitable for further screening.

services-hospitals-text =
    <b>Hospital communication.</b> We support appointment coordination, document submission, translation, and direct communication with international departments.

    <b>Travel and admission support.</b> For international patients, we help with practical coordination: travel planning, hospital admission guidance, and local support.

services-pathways-text =
    <b>Treatment and trial navigation.</b> If this option is not suitable, we help explore other relevant treatments, clinical trials, or advanced care pathways.

    <b>End-to-end coordination.</b> From inquiry through to follow-up, our coordinators provide a single point of contact for the family.

    <b>Questions about resistance to your targeted therapy?</b> CancerFax reviews your progression workup and connects you with oncologists experienced in identifying and addressing targeted therapy resistance mechanisms.
