"""The case record's own words (``case verify --report X.pdf``), in Chinese and English, for a
labour arbitrator who is not a specialist. The single-document record's words
(:mod:`pipdocs.archive.evidence_words`) cover the signers, findings and appendix; these cover
the case: its chain checks, its timeline, and a plain sentence for every case finding whose
message carries technical detail."""

from __future__ import annotations

from typing import Any

#: Which chain check each case finding belongs to; a code not listed goes to "other".
CHECK_CODES: dict[str, tuple[str, ...]] = {
    "signed": ("document_invalid", "incomplete", "wrong_signers", "unreadable",
               "employer_unsigned"),
    "same_case": ("no_plan", "several_plans", "other_case", "parties_differ"),
    "parents": ("parent_missing", "parent_mismatch", "version_conflict"),
    "dates": ("date_outside", "date_order", "after_evaluation", "several_evaluations",
              "signed_before_date", "signed_before_parent", "signed_after_evaluation",
              "signed_long_after_date", "plan_signed_after_period"),
    "checkpoints": ("checkpoint_missing",),
    "in_force": ("superseded",),
    "content": ("input_invalid", "termination_unsupported"),
}

CASE_TEXT: dict[str, dict[str, Any]] = {
    "zh": {
        "title": "绩效改进计划案卷核验记录",
        "subtitle": "对整个案卷（计划、回顾面谈、计划变更、拒签记录、最终评估）的签署和前后衔接的"
                    "核验结论",
        "extension": "延期至", "in_force": "现行计划版本", "version_fmt": "第 {n} 版",
        "count": "案卷文件数", "count_fmt": "{n} 份",
        "verdict_ok": "成立。案卷中的 {n} 份文件均已有效签署，签署后未被改动；各文件属于同一份计划"
                      "和同一批当事人，每份文件都记载了其所依据文件的摘要，日期先后有序，每个已到期的"
                      "检查节点都有回顾面谈记录，最终评估依据的是当时有效的计划版本。",
        "verdict_fail": "不成立。案卷存在下列 {n} 个问题，不能证明改进计划已按规定完整执行：",
        "checks": "案卷衔接核验", "check": "核验项目", "result": "结果", "detail": "说明",
        "pass": "符合", "failed": "不符合",
        "check_names": {
            "signed": "每份文件均由规定的人员有效签署（员工拒签的，以拒签记录代替员工一方；"
                      "用人单位一方的签署不可代替）",
            "same_case": "所有文件属于同一计划编号和同一批当事人",
            "parents": "每份文件记载的上一文件 SHA-256 摘要与案卷中的文件一致",
            "dates": "日期先后有序，且在计划期间（或延长期）内；每份文件在其日期当天或之后不久签署",
            "checkpoints": "计划的每个已到期检查节点都有回顾面谈记录",
            "in_force": "回顾面谈和最终评估依据的是当时有效的计划版本",
            "content": "各记录的内容符合计划的规则",
            "other": "其他核验",
        },
        "timeline": "案卷时间线", "date": "日期", "document": "文件", "what": "内容",
        "signed_at": "签署时间",
        "checkpoints": "检查节点", "point": "节点", "focus": "重点", "state": "状态",
        "record": "记录", "point_fmt": "第 {v} 版第 {n} 个节点",
        "states": {"covered": "已面谈", "missing": "缺失", "not_due": "尚未到期",
                   "by_evaluation": "由最终评估覆盖"},
        "documents": "文件与签署", "doc_heading": "{i}. {kind}（第 {v} 版）",
        "kind_fmt": "{kind}（第 {v} 版）",
        "parent": "所依据文件的 SHA-256", "root": "无（案卷的第一份文件）",
        "doc_date": "文件日期", "doc_verdict": "核验结论",
        "refused_line": "员工拒绝签署本文件；拒签记录 {file} 代替员工的签署步骤。",
        "notes": "需要注意的事项",
        "appendix_doc": "文件 {i}（{name}）",
        "raw": "案卷核验的原始记录",
        "seal": "本记录已由组织的时间戳服务加盖时间戳，可用签署系统的核验功能检查其是否被改动。",
        "plain": {
            "document_invalid": "{file}：该文件的签署核验未通过（原因见“文件与签署”一节）。",
            "input_invalid": "{file}：文件记载的内容不符合计划的规则（详见附录）。",
            "unreadable": "{file}：不是本系统生成的绩效改进计划文件，或无法读取。",
            "other": "{file}：还发现了其他问题（详见附录）。",
        },
    },
    "en": {
        "title": "PIP case verification record",
        "subtitle": "Findings on the signing and the sequence of the whole case (plan, check-ins,"
                    " revisions, refusal records, final evaluation)",
        "extension": "Extended until", "in_force": "Plan version in force",
        "version_fmt": "version {n}", "count": "Documents in the case",
        "count_fmt": "{n}",
        "verdict_ok": "The case holds. Every document in it ({n} in all) was validly signed"
                      " and has not been changed since; they belong to one plan and the same"
                      " people; each names the digest of the document it follows; the dates"
                      " are in order; every checkpoint that has come has its check-in; and the"
                      " final evaluation is of the plan version then in force.",
        "verdict_fail": "The case does not hold. It has the {n} problems below, so it does not"
                        " show that the improvement plan was carried out as required:",
        "checks": "Checks on the case", "check": "Check", "result": "Result",
        "detail": "Details", "pass": "holds", "failed": "fails",
        "check_names": {
            "signed": "Every document is validly signed by the required people (a refusal"
                      " record stands for an employee who refused, never for the employer)",
            "same_case": "All documents belong to one plan id and the same people",
            "parents": "Each document's record of its parent's SHA-256 matches the case",
            "dates": "Dates are in order and inside the plan period (or its extension); each"
                     " document is signed on or shortly after its date",
            "checkpoints": "Every checkpoint that has come has its check-in",
            "in_force": "Check-ins and the evaluation refer to the version then in force",
            "content": "Each record's content keeps to the plan's rules",
            "other": "Other checks",
        },
        "timeline": "Timeline of the case", "date": "Date", "document": "Document",
        "what": "What", "signed_at": "Signed at", "checkpoints": "Checkpoints",
        "point": "Checkpoint",
        "focus": "Focus", "state": "State", "record": "Record",
        "point_fmt": "version {v}, no. {n}",
        "states": {"covered": "checked in", "missing": "missing", "not_due": "not yet due",
                   "by_evaluation": "covered by the final evaluation"},
        "documents": "Documents and signatures", "doc_heading": "{i}. {kind} (version {v})",
        "kind_fmt": "{kind} (version {v})",
        "parent": "SHA-256 of the document it follows",
        "root": "none (the case's first document)", "doc_date": "Dated",
        "doc_verdict": "Verdict",
        "refused_line": "The employee refused to sign this document; the refusal record {file}"
                        " stands for the employee's step.",
        "notes": "Points to note",
        "appendix_doc": "Document {i} ({name})",
        "raw": "The case check's own record",
        "seal": "This record carries a timestamp from the organisation's timestamp service;"
                " pipdocs verify checks that it is unchanged.",
        "plain": {
            "document_invalid": "{file}: the signatures of this document do not verify (see"
                                " \"Documents and signatures\").",
            "input_invalid": "{file}: what the document records breaks the plan's rules (see"
                             " the appendix).",
            "unreadable": "{file}: not a PIP document made by this system, or unreadable.",
            "other": "{file}: a further problem was found (see the appendix).",
        },
    },
}
