"""The whole PIP as one case: `demo --case` builds and signs it once for this module (real
LibreOffice, real TSA over HTTP); documents are checked for their content, broken cases are made
by recombining signed documents, and bad input is refused before anything is written."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipdocs.cli.main import cli
from pipdocs.core.policy import CaseRules, Policy, load_policy
from pipdocs.demo import DemoResult, run_case_demo
from pipdocs.demo.case import Signers, case_inputs, sign_in_order
from pipdocs.lifecycle.case import verify_case
from pipdocs.lifecycle.casereport import CaseReport, say
from pipdocs.lifecycle.make import Options

INPUTS = case_inputs("zh")


@dataclass
class Built:
    demo: DemoResult
    signers: Signers
    work: Path

    @property
    def case(self) -> Path:
        return self.demo.out_dir / "case"

    @property
    def steps(self) -> Path:
        return self.demo.out_dir / "steps"

    @property
    def root(self) -> Path:
        return self.signers.root

    def options(self) -> Options:
        return Options(trust=[self.root], policy=self.signers.policy)

    def copy(self, name: str, swap: dict[str, Path] | None = None,
             drop: tuple[str, ...] = ()) -> Path:
        """A copy of the case with files replaced, added or left out."""
        folder = self.work / name
        folder.mkdir()
        for pdf in self.case.glob("*.pdf"):
            if pdf.stem not in drop:
                shutil.copyfile(pdf, folder / pdf.name)
        for target, source in (swap or {}).items():
            shutil.copyfile(source, folder / f"{target}.pdf")
        return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    from pipdocs.demo.case import ca_service

    out = tmp_path_factory.mktemp("case") / "demo"
    demo = run_case_demo(out, "zh", progress=lambda _: None)
    passwords = dict(line.split("=", 1) for line in
                     (out / "demo-passwords.txt").read_text().splitlines())
    policy = load_policy()
    keys = {role: out / "keys" / f"{role}.p12" for role in ("employee", "manager", "hr")}
    signers = Signers(out / "ca" / "root.pem", keys, passwords["PIPDOCS_KEY_PASSWORD"], None,
                      policy)
    with ca_service(out, passwords["PIPDOCS_CA_PASSWORD"], signers):
        yield Built(demo, signers, tmp_path_factory.mktemp("work"))


def invoke(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


def codes(folder: Path, built: Built, policy: Policy | None = None) -> set[str]:
    report = verify_case([folder], [built.root], policy or built.signers.policy)
    assert report.ok is not bool(report.problems)
    return {p.code for p in report.problems}


def signed_today(built: Built) -> Policy:
    """The policy with no limit on signing after a date: for cases recombined with documents
    dated 2025 but signed today, whose point is another finding (signed_long_after_date is
    tested on its own below)."""
    return built.signers.policy.model_copy(
        update={"case": CaseRules(sign_within_days=3650, sign_warn_days=3650)})


# --- the whole case ----------------------------------------------------------------------------


def test_demo_case_builds_and_verifies_the_whole_case(built: Built) -> None:
    assert built.demo.ok, built.demo.verdict
    names = sorted(p.name for p in built.case.glob("*.pdf"))
    assert names == ["01-plan.pdf", "02-checkin-1.pdf", "03-checkin-2.pdf", "04-revision.pdf",
                     "05-checkin-3.pdf", "06-evaluation.pdf"]
    assert "通过：整个案卷成立" in built.demo.files["verify"].read_text()
    # each document signed on its own date (a moved clock), so not even a note
    report = verify_case([built.case], [built.root], built.signers.policy)
    assert report.ok and report.problems == [] and report.warnings == []
    for doc in report.documents:
        assert {at.date() for at in doc.signed_at.values()} == {doc.date}, doc.file


def test_case_verify_command_text_json_and_html(built: Built, tmp_path: Path) -> None:
    code, out = invoke("case", "verify", built.case, "--trust", built.root, "--report",
                       tmp_path / "case.html")
    assert code == 0, out
    assert "计划变更（第 2 版）" in out and "v2 #3 2025-12-03" in out
    # each signature's time beside the document's date
    assert "签署时间：直接上级 2025-12-03 03:0" in out and "员工 2025-12-03 03:0" in out
    code, out = invoke("case", "verify", *sorted(built.case.glob("*.pdf")), "--trust",
                       built.root, "--json")
    data = json.loads(out)
    assert code == 0 and data["ok"] is True and data["version_in_force"] == 2
    kinds = [d["kind"] for d in data["documents"]]
    assert kinds == ["plan", "checkin", "checkin", "revision", "checkin", "evaluation"]
    assert [c["state"] for c in data["checkpoints"]] == ["covered"] * 3
    assert data["documents"][0]["signed_at"]["hr"].startswith("2025-10-08T03:0")
    page = (tmp_path / "case.html").read_text()
    assert "时间线" in page and "赵磊" in page and "06-evaluation.pdf" in page
    assert "签署时间（UTC）" in page and "人力资源 2025-12-31 03:0" in page
    # the record names each document; where it lay on the verifier's disk is not evidence
    assert built.case.is_absolute() and str(built.case) not in page
    code, out = invoke("verify", built.case / "01-plan.pdf", "--trust", built.root, "--report",
                       tmp_path / "plan.html")
    page = (tmp_path / "plan.html").read_text()
    assert code == 0 and "01-plan.pdf" in page and str(built.case) not in page, out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_committed_example_case_verifies(lang: str) -> None:
    """Signed on its dates: it passes with no note (not even signed_late)."""
    folder = case_inputs(lang)
    code, out = invoke("case", "verify", folder, "--trust", folder / "root.pem", "--json")
    data = json.loads(out)
    assert code == 0 and data["ok"] and data["warnings"] == [], out
    assert len(data["documents"]) == 6
    for doc in data["documents"]:
        assert {at[:10] for at in doc["signed_at"].values()} == {doc["date"]}, doc["file"]
    assert not list(folder.glob("*.key")) and not list(folder.glob("*.p12"))


def test_without_trust_anchors_the_case_does_not_pass(built: Built) -> None:
    code, out = invoke("case", "verify", built.case)
    assert code == 1 and "验证未通过" in out


# --- document content ----------------------------------------------------------------------------


def flat(text: str) -> str:
    """Text without any whitespace: pdftotext breaks lines wherever the layout does."""
    return "".join(text.split())


def test_checkin_record_content(built: Built, pdf_text: Callable[..., str]) -> None:
    text = flat(pdf_text(built.case / "02-checkin-1.pdf"))
    for expected in ("绩效改进计划回顾面谈记录", "赵磊", "孙浩", "第 1 个检查节点（共 3 个）",
                     "测试质量", "新增代码单元测试覆盖率", "存在风险", "已提供", "未提供",
                     "为支付回调模块补充边界用例", "直接上级签字", "员工签字"):
        assert flat(expected) in text, expected
    assert "人力资源部签字" not in text
    assert built.demo.files["case:01-plan"].exists()
    # the plan is also the parent: its digest is printed once, not a second time as the parent's
    plan_digest = hashlib.sha256((built.case / "01-plan.pdf").read_bytes()).hexdigest()
    assert text.count(plan_digest) == 1 and "上一份已签署文件" not in text


def test_evaluation_content_with_computed_results(built: Built,
                                                  pdf_text: Callable[..., str]) -> None:
    text = flat(pdf_text(built.case / "06-evaluation.pdf"))
    for expected in ("绩效改进计划最终评估", "总体评估结果：达成", "结束改进计划",
                     "系统计算：达成（实际 8.7，目标 ≤ 9）", "9%以下", "申诉", "吴静",
                     "直接上级签字", "人力资源部签字", "员工签字"):
        assert flat(expected) in text, expected


def test_revision_shows_reason_changes_and_the_full_new_plan(built: Built,
                                                             pdf_text: Callable[..., str]) -> None:
    text = flat(pdf_text(built.case / "04-revision.pdf"))
    for expected in ("绩效改进计划变更（第 2 版）", "遗留需求的缺陷约占缺陷总数的40%",
                     "目标2（代码质量）的改进目标：8%以下 → 9%以下",
                     "新增支持：研发经理每周1次缺陷复盘（30分钟）", "替代第 1 版",
                     "一、需要改进的具体领域", "三方签字确认"):
        assert flat(expected) in text, expected


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_revision_is_one_document_with_one_page_numbering(
        built: Built, english: dict[str, Path], pdf_text: Callable[..., str], lang: str) -> None:
    """Cover and revised plan read as one document: page i of n on every page (the plan part
    once restarted at 1 of its own count) and the revision's header over the plan's pages."""
    pdf = built.case / "04-revision.pdf" if lang == "zh" else english["revision"]
    pages = [flat(page) for page in pdf_text(pdf).split("\f")[:-1]]
    assert len(pages) >= 4
    for i, page in enumerate(pages, 1):
        assert (f"第{i}页/共{len(pages)}页" if lang == "zh" else f"Page{i}of{len(pages)}") in page
    header = flat("绩效改进计划变更" if lang == "zh" else "Plan revision")
    assert all(header in page for page in pages[1:])


# --- broken cases, each failing for its own reason ---------------------------------------------


def test_revision_not_signed_by_hr(built: Built) -> None:
    folder = built.copy("unsigned-revision",
                        swap={"04-revision": built.steps / "04-revision-manager.pdf"})
    found = codes(folder, built)
    assert "incomplete" in found
    report = verify_case([folder], [built.root], built.signers.policy)
    assert any(p.code == "incomplete" and p.params["detail"] == "hr" for p in report.problems)


def test_parent_hash_that_does_not_match(built: Built) -> None:
    """HR signs the plan a second time: an equally valid plan, but not the one the check-ins,
    the revision and the evaluation name."""
    from pipdocs.signing.sign import load_signer, sign_pdf

    other = built.work / "plan-signed-again.pdf"
    sign_pdf(built.steps / "01-plan-manager.pdf", other, role="hr",
             signer=load_signer(built.signers.keys["hr"], built.signers.key_password),
             timestamper=built.signers.timestamper, policy=built.signers.policy)
    folder = built.copy("other-plan-copy", swap={"01-plan": other})
    found = codes(folder, built, signed_today(built))
    assert found == {"parent_mismatch"}
    # HR's signature of today on a plan dated 2025-10-08: back-dated
    assert codes(folder, built) == {"parent_mismatch", "signed_long_after_date"}


def test_archive_refresh_keeps_the_chain(built: Built, tmp_path: Path) -> None:
    """`archive refresh` appends validation data and a timestamp to the plan and the revision:
    the documents that follow still name them (as they were), and the case still holds."""
    from pipdocs.archive.refresh import refresh_pdf

    folder = built.copy("refreshed")
    for name in ("01-plan", "04-revision"):
        before = (folder / f"{name}.pdf").read_bytes()
        refresh_pdf(folder / f"{name}.pdf", timestamper=built.signers.timestamper,
                    policy=built.signers.policy, trust=[built.root])
        assert (folder / f"{name}.pdf").read_bytes().startswith(before)
        assert (folder / f"{name}.pdf").read_bytes() != before
    assert codes(folder, built) == set()
    out = tmp_path / "late-revision.pdf"  # the refreshed plan was still replaced by version 2
    code, output = invoke("checkin", folder / "01-plan.pdf", INPUTS / "checkin-3.yml", "-o", out,
                          "--trust", built.root)
    assert code == 1 and "04-revision.pdf" in output and not out.exists(), output


def test_document_from_another_case(built: Built, english: dict[str, Path]) -> None:
    """A signed plan of another case (another plan id, other people) put into this one."""
    folder = built.copy("foreign", swap={"07-foreign": english["plan"]})
    found = codes(folder, built)
    assert "other_case" in found and found <= {"other_case", "several_plans"}


def _builder(built: Built) -> object:
    from pipdocs.demo.case import CaseBuild

    (built.work / "steps").mkdir(exist_ok=True)
    return CaseBuild(built.work, built.signers)


def test_checkin_dated_after_the_evaluation(built: Built) -> None:
    from pipdocs.lifecycle.checkin import make_checkin

    late = built.work / "late.yaml"
    late.write_text((INPUTS / "checkin-3.yml").read_text(encoding="utf-8")
                    .replace("date: 2025-12-03\nnumber: 3", "date: 2026-01-04"),
                    encoding="utf-8")
    made = make_checkin(built.case / "04-revision.pdf", late, built.work / "late.pdf",
                        built.options())
    assert made.warnings and "extra" in made.warnings[0]
    signed = sign_in_order(made.path, "late", _builder(built))  # type: ignore[arg-type]
    folder = built.copy("late-checkin", swap={"07-late-checkin": signed})
    assert codes(folder, built, signed_today(built)) == {"after_evaluation"}


def test_evaluation_of_a_superseded_version(built: Built) -> None:
    from pipdocs.lifecycle.evaluation import make_evaluation

    made = make_evaluation(built.case / "01-plan.pdf", INPUTS / "evaluation.yml",
                           built.work / "old-evaluation.pdf", built.options())
    signed = sign_in_order(made.path, "old-evaluation", _builder(built))  # type: ignore[arg-type]
    folder = built.copy("superseded", swap={"06-evaluation": signed})
    assert codes(folder, built, signed_today(built)) == {"superseded"}


def _case_record_text(report: CaseReport, out: Path) -> str:
    """The words of the case's evidence record (its Word document, before conversion)."""
    from docx import Document

    from pipdocs.archive.evidence_doc import clock
    from pipdocs.lifecycle.caseevidence import build_case_docx, named_only

    build_case_docx(named_only(report), None, clock(load_policy(), report.language), out)
    doc = Document(str(out))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _shifted(text: str, start: date) -> str:
    """A plan or input of the example case with every date moved so the plan starts on
    ``start`` (to sign it today, on its dates)."""
    import re

    shift = start - date(2025, 10, 8)
    return re.sub(r"\b(20\d\d-\d\d-\d\d)\b",
                  lambda m: (date.fromisoformat(m[1]) + shift).isoformat(), text)


def _refusal_yaml(path: Path, when: date, document: str = "plan") -> Path:
    path.write_text(f"date: {when.isoformat()}\ndocument: {document}\n"
                    "delivered: 面谈时当面送达纸质版并发送电子邮件\n"
                    "reason: 员工认为目标过高\nwitness: {name: 王芳, title: 行政主管}\n",
                    encoding="utf-8")
    return path


def test_refusal_stands_for_the_employees_signature(built: Built, tmp_path: Path,
                                                    pdf_text: Callable[..., str]) -> None:
    """The plan is signed by the employer first (the policy's order: manager, HR, employee);
    the employee refuses: the manager and HR record it; the case holds. Everything is dated
    and signed today. A refusal stands for the employee's step only: with HR's signature
    missing the case fails (employer_unsigned)."""
    from datetime import timedelta

    from pipdocs.core.plan import load_plan
    from pipdocs.demo.case import CaseBuild
    from pipdocs.document.pipeline import build_pdf
    from pipdocs.lifecycle.checkin import make_checkin
    from pipdocs.lifecycle.checkinsheet import run_checkin_sheet
    from pipdocs.lifecycle.refusal import make_refusal

    policy = built.signers.policy.model_copy(update={"order": ("manager", "hr", "employee")})
    start, today = date.today() - timedelta(days=3), date.today()
    (tmp_path / "plan.yaml").write_text(
        _shifted((INPUTS / "plan-v1-zh.yaml").read_text(encoding="utf-8"), start),
        encoding="utf-8")
    build_pdf(load_plan(tmp_path / "plan.yaml"), tmp_path / "plan.pdf", policy=policy)
    builder = CaseBuild(tmp_path, Signers(built.root, built.signers.keys,
                                          built.signers.key_password,
                                          built.signers.timestamper, policy))
    (tmp_path / "steps").mkdir()
    plan = sign_in_order(tmp_path / "plan.pdf", "plan", builder, roles=("manager", "hr"))
    options = Options(trust=[built.root], policy=policy)
    made = make_refusal(plan, _refusal_yaml(tmp_path / "refusal.yaml", today),
                        tmp_path / "refusal.pdf", options)
    assert made.record.order == ["manager", "hr"]
    signed = sign_in_order(made.path, "refusal", builder)
    text = flat(pdf_text(signed))
    for expected in ("拒签记录", "员工认为目标过高", "王芳（行政主管）", "面谈时当面送达纸质版",
                     "直接上级签字", "人力资源部签字"):
        assert flat(expected) in text, expected
    folder = tmp_path / "refused"
    folder.mkdir()
    shutil.copyfile(plan, folder / "01-plan.pdf")
    shutil.copyfile(signed, folder / "02-refusal.pdf")
    report = verify_case([folder], [built.root], policy)
    assert report.ok, [p.message for p in report.problems]
    assert {w.code for w in report.warnings} == {"refused", "no_evaluation"}
    assert report.version_in_force == 1
    record = _case_record_text(report, tmp_path / "refused-record.docx")
    assert "拒签（见拒签记录 02-refusal.pdf）" in record  # the employee's step in the signers
    assert "员工拒绝签署本文件；拒签记录 02-refusal.pdf 代替员工的签署步骤。" in record
    options.case_dir = folder  # the plan still applies: a check-in may follow it
    (tmp_path / "checkin.yml").write_text(
        _shifted((INPUTS / "checkin-1.yml").read_text(encoding="utf-8"), start),
        encoding="utf-8")
    checkin = make_checkin(folder / "01-plan.pdf", tmp_path / "checkin.yml",
                           tmp_path / "after-refusal.pdf", options)
    assert checkin.record.parent_sha256 == report.documents[0].sha256
    # the same from a sheet: the folder of plans is the case (its refusal record counts)
    sheet = tmp_path / "after-refusal.csv"
    sheet.write_text("计划编号,面谈日期,目标1进展,目标1状态,目标2进展,目标2状态,目标3进展,目标3状态,"
                     "已提供的支持,直接上级反馈,下一步行动\n"
                     f"PIP-2026-0103-CASE,{checkin.record.date.isoformat()},a,按计划推进,b,存在风险,"
                     "c,按计划推进,1,好,继续\n", encoding="utf-8")
    sheet_result = run_checkin_sheet(sheet, folder, tmp_path / "sheet-out", options)
    assert (sheet_result.made, sheet_result.failed) == (1, 0), sheet_result.rows
    # HR has not signed: the refusal does not stand for the employer
    shutil.copyfile(builder.steps["plan:manager"], folder / "01-plan.pdf")
    made = make_refusal(folder / "01-plan.pdf", tmp_path / "refusal.yaml",
                        tmp_path / "refusal-2.pdf", options)
    shutil.copyfile(sign_in_order(made.path, "refusal-2", builder), folder / "02-refusal.pdf")
    report = verify_case([folder], [built.root], policy)
    assert {p.code for p in report.problems} == {"employer_unsigned"}
    assert report.problems[0].params["detail"] == "hr" and report.version_in_force is None
    (folder / "02-refusal.pdf").unlink()
    assert codes(folder, built, policy) == {"incomplete"}


def test_employer_alone_cannot_build_a_back_dated_case(built: Built, tmp_path: Path) -> None:
    """The reviewer's case (issue 18, finding 2): a plan no one signed, a refusal record, a
    check-in signed by the manager only and its refusal record, all dated 2025 and signed
    today. Before: 通过. Now: the plan does not verify, the employer never signed it, and
    every signature is long after its date."""
    from pipdocs.lifecycle.checkin import make_checkin
    from pipdocs.lifecycle.refusal import make_refusal

    folder = tmp_path / "forged"
    folder.mkdir()
    shutil.copyfile(built.steps / "01-plan.pdf", folder / "01-plan.pdf")
    options = built.options()
    made = make_refusal(folder / "01-plan.pdf",
                        _refusal_yaml(tmp_path / "r1.yaml", date(2025, 10, 8)),
                        tmp_path / "r1.pdf", options)
    shutil.copyfile(sign_in_order(made.path, "forged-r1", _builder(built)),  # type: ignore[arg-type]
                    folder / "02-refusal.pdf")
    options.case_dir = folder
    checkin = make_checkin(folder / "01-plan.pdf", INPUTS / "checkin-1.yml",
                           tmp_path / "c1.pdf", options)
    signed = sign_in_order(checkin.path, "forged-c1", _builder(built),  # type: ignore[arg-type]
                           roles=("manager",))
    shutil.copyfile(signed, folder / "03-checkin-1.pdf")
    made = make_refusal(folder / "03-checkin-1.pdf",
                        _refusal_yaml(tmp_path / "r2.yaml", date(2025, 10, 22), "checkin"),
                        tmp_path / "r2.pdf", options)
    shutil.copyfile(sign_in_order(made.path, "forged-r2", _builder(built)),  # type: ignore[arg-type]
                    folder / "04-refusal.pdf")
    report = verify_case([folder], [built.root], built.signers.policy)
    found = {(p.code, p.params["file"]) for p in report.problems}
    assert {("document_invalid", "01-plan.pdf"), ("employer_unsigned", "01-plan.pdf"),
            ("signed_long_after_date", "02-refusal.pdf"),
            ("signed_long_after_date", "03-checkin-1.pdf"),
            ("signed_long_after_date", "04-refusal.pdf")} <= found, found
    assert not report.ok and report.version_in_force is None
    code, out = invoke("case", "verify", folder, "--trust", built.root)
    assert code == 1 and "未通过" in out and "通过：整个案卷成立" not in out, out
    assert ("01-plan.pdf：直接上级、人力资源未签署；拒签记录 02-refusal.pdf"
            " 只代替员工的签署步骤") in out
    assert "03-checkin-1.pdf：直接上级在文件日期 2025-10-22 之后" in out


def test_a_revision_nobody_signed_is_not_in_force(built: Built, tmp_path: Path) -> None:
    """A prepared revision that nobody signed, and a refusal record naming it: version 1 stays
    in force, and the case fails."""
    from pipdocs.lifecycle.refusal import make_refusal

    made = make_refusal(built.steps / "04-revision.pdf",
                        _refusal_yaml(tmp_path / "r.yaml", date(2025, 11, 12), "revision"),
                        tmp_path / "r.pdf", built.options())
    refusal = sign_in_order(made.path, "revision-refusal", _builder(built))  # type: ignore[arg-type]
    folder = built.copy("unsigned-revision-refused", swap={
        "04-revision": built.steps / "04-revision.pdf", "07-refusal": refusal})
    report = verify_case([folder], [built.root], signed_today(built))
    found = {(p.code, p.params["file"]) for p in report.problems}
    assert {("document_invalid", "04-revision.pdf"),
            ("employer_unsigned", "04-revision.pdf")} <= found, found
    assert not report.ok and report.version_in_force == 1


# --- signature times against the documents' dates -------------------------------------------


def test_checkin_signed_after_the_evaluation_was_signed(built: Built) -> None:
    """The third check-in signed only now, after the final evaluation: made after the case was
    decided (a failure); signed by the manager before it but by the employee only after it, it
    is a note (the employee acknowledged late)."""
    late = sign_in_order(built.steps / "05-checkin-3.pdf", "late-signing", _builder(built))  # type: ignore[arg-type]
    report = verify_case([built.copy("signed-late", swap={"05-checkin-3": late})], [built.root],
                         signed_today(built))
    assert {p.code for p in report.problems} == {"signed_after_evaluation"}
    assert report.problems[0].params["detail"] == "manager, employee"
    acknowledged = sign_in_order(built.steps / "05-checkin-3-manager.pdf", "acknowledged",
                                 _builder(built), roles=("employee",))  # type: ignore[arg-type]
    report = verify_case([built.copy("acknowledged", swap={"05-checkin-3": acknowledged})],
                         [built.root], signed_today(built))
    assert report.ok, [p.message for p in report.problems]
    assert [w.params["detail"] for w in report.warnings
            if w.code == "acknowledged_after_evaluation"] == ["employee"]


def test_child_signed_before_its_parent_was_fully_signed(built: Built) -> None:
    """Timestamps no clock could give: the check-in's manager signed an hour before the plan's
    last signature (only a wrong TSA clock or a forgery does that; checked on the entries)."""
    from datetime import timedelta

    from pipdocs.lifecycle.findings import Entry, Findings
    from pipdocs.lifecycle.records import read_document
    from pipdocs.lifecycle.timeline import check_signing_times

    plan = read_document(built.case / "01-plan.pdf")
    checkin = read_document(built.case / "02-checkin-1.pdf")
    hr_signed = datetime(2025, 10, 30, 9, 0, tzinfo=timezone.utc)
    entries = [Entry(plan, "valid", [], [], [], signed_at={"hr": hr_signed}),
               Entry(checkin, "valid", [], [], [], signed_at={
                   "manager": hr_signed - timedelta(hours=1),
                   "employee": hr_signed + timedelta(hours=1)})]
    found = Findings()
    check_signing_times(entries, found)
    assert [(p.code, p.params["detail"]) for p in found.problems] == [
        ("signed_before_parent", "manager")]
    entries[1].signed_at["manager"] = hr_signed + timedelta(minutes=1)
    found = Findings()
    check_signing_times(entries, found)
    assert found.problems == []


def test_signed_long_after_the_date(built: Built) -> None:
    """A check-in signed 31 days after its date fails, 8 days after is a note, 7 is nothing;
    days are counted where the fewest have passed (UTC-12), so no time zone is wronged; a plan
    first signed after its period ended fails. Both limits are the policy's."""
    from datetime import timedelta

    from pipdocs.lifecycle.findings import Entry, Findings
    from pipdocs.lifecycle.records import read_document
    from pipdocs.lifecycle.timeline import check_signing_times

    plan = read_document(built.case / "01-plan.pdf")
    checkin = read_document(built.case / "02-checkin-1.pdf")  # dated 2025-10-22
    noon = datetime(2025, 10, 22, 13, 0, tzinfo=timezone.utc)

    def found_for(days: int, hour: int = 13, rules: CaseRules | None = None) -> Findings:
        at = noon.replace(hour=hour) + timedelta(days=days)
        found = Findings()
        check_signing_times([Entry(checkin, "valid", [], [], [], signed_at={
            "manager": noon, "employee": at})], found, rules)
        return found

    late = found_for(31)
    assert [(p.code, p.params["detail"], p.params["days"]) for p in late.problems] == [
        ("signed_long_after_date", "employee", "31")] and late.warnings == []
    assert "员工在文件日期 2025-10-22 之后 31 天才签署（最多 30 天）" in say(late.problems[0], "zh")
    assert found_for(31, hour=11).problems == []  # still the 30th day at UTC-12
    note = found_for(8)
    assert note.problems == [] and [w.code for w in note.warnings] == ["signed_late"]
    assert found_for(7).problems == [] and found_for(7).warnings == []
    assert found_for(31, rules=CaseRules(sign_within_days=60, sign_warn_days=40)).warnings == []
    after = datetime.combine(plan.plan.period.end, datetime.min.time(), tzinfo=timezone.utc)
    found = Findings()
    check_signing_times([Entry(plan, "valid", [], [], [], signed_at={
        "employee": after + timedelta(days=1, hours=13)})], found)
    assert {p.code for p in found.problems} == {"plan_signed_after_period",
                                                "signed_long_after_date"}


def test_refusal_signed_before_its_own_date(built: Built, tmp_path: Path) -> None:
    """A plan starting in ten days; its refusal record dated in five days but signed today."""
    import re
    from datetime import timedelta

    from pipdocs.core.plan import load_plan
    from pipdocs.document.pipeline import build_pdf
    from pipdocs.lifecycle.refusal import make_refusal

    shift = date.today() + timedelta(days=10) - date(2025, 10, 8)
    text = re.sub(r"\b(20\d\d-\d\d-\d\d)\b",
                  lambda m: (date.fromisoformat(m[1]) + shift).isoformat(),
                  (INPUTS / "plan-v1-zh.yaml").read_text(encoding="utf-8"))
    (tmp_path / "plan.yaml").write_text(text, encoding="utf-8")
    folder = tmp_path / "case"
    folder.mkdir()
    build_pdf(load_plan(tmp_path / "plan.yaml"), folder / "01-plan.pdf")
    when = (date.today() + timedelta(days=5)).isoformat()
    (tmp_path / "refusal.yaml").write_text(
        f"date: {when}\ndocument: plan\ndelivered: 当面送达\n"
        "witness: {name: 王芳, title: 行政主管}\n", encoding="utf-8")
    made = make_refusal(folder / "01-plan.pdf", tmp_path / "refusal.yaml",
                        tmp_path / "refusal.pdf", built.options())
    signed = sign_in_order(made.path, "future-refusal", _builder(built))  # type: ignore[arg-type]
    shutil.copyfile(signed, folder / "02-refusal.pdf")
    report = verify_case([folder], [built.root], built.signers.policy)
    # the plan nobody signed fails too (a refusal stands for the employee's step only)
    assert {(p.code, p.params["file"]) for p in report.problems} == {
        ("signed_before_date", "02-refusal.pdf"), ("document_invalid", "01-plan.pdf"),
        ("employer_unsigned", "01-plan.pdf")}
    early = next(p for p in report.problems if p.code == "signed_before_date")
    assert early.params == {
        "detail": "manager, hr", "detail_roles": "manager,hr", "expected": when,
        "file": "02-refusal.pdf"}
    code, out = invoke("case", "verify", folder, "--trust", built.root)
    assert code == 1
    assert f"02-refusal.pdf：直接上级、人力资源的签名时间早于文件本身的日期 {when}" in out


# --- messages in the case's language -------------------------------------------------------------


def test_case_verify_in_chinese_has_no_english_finding(built: Built,
                                                        english: dict[str, Path]) -> None:
    """Many broken links at once; every finding in the text report is Chinese: what is left
    after file names, digests, dates and plan ids is no English word."""
    import re

    folder = built.copy("many-findings", swap={
        "04-revision": built.steps / "04-revision-manager.pdf", "07-foreign": english["plan"],
        "08-checkin": english["checkin"]})
    (folder / "09-junk.pdf").write_bytes(b"%PDF-1.7 not really")
    code, out = invoke("case", "verify", folder, "--trust", built.root)
    assert code == 1, out
    findings = out.split("问题：", 1)[1]
    lines = [line for line in findings.splitlines() if line.startswith("  - ")]
    assert len(lines) >= 4, out
    for line in lines:
        rest = re.sub(r"[\w.-]+\.pdf|[0-9a-f]{16}|PIP-[\w-]+|\d{4}-\d\d-\d\d|SHA-256|PDF|PIP"
                      r"|\w+Error", "", line)
        assert not re.findall(r"[A-Za-z]{3,}", rest), line
    code, out = invoke("--lang", "en", "case", "verify", folder, "--trust", built.root)
    assert code == 1 and "Problems:" in out and "not signed by HR" in out


# --- bad input: a clear error, exit 1 or 2, no output file -------------------------------------


def one_chinese_line(output: str) -> str:
    """The output is one error line, in Chinese (the case's plan is Chinese)."""
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误："), output
    return lines[0]


@pytest.mark.parametrize(("name", "edit", "message"), [
    ("goal", ("{goal: 3,", "{goal: 5,"), "计划中没有目标5（目标编号为 1 至 3）；目标3没有填写"),
    ("date", ("date: 2025-10-22", "date: 2026-02-01"),
     "date: 2026-02-01 不在计划周期 2025-10-08 至 2026-01-05 内"),
])
def test_checkin_bad_input(built: Built, tmp_path: Path, name: str, edit: tuple[str, str],
                           message: str) -> None:
    source = tmp_path / f"{name}.yaml"
    source.write_text((INPUTS / "checkin-1.yml").read_text(encoding="utf-8").replace(*edit),
                      encoding="utf-8")
    out = tmp_path / "out.pdf"
    plan = tmp_path / "plan.pdf"  # alone: in the case folder, version 2 replaced it
    shutil.copyfile(built.case / "01-plan.pdf", plan)
    code, output = invoke("checkin", plan, source, "-o", out, "--trust", built.root)
    assert code == 1 and message in one_chinese_line(output) and not out.exists()
    code, output = invoke("--lang", "en", "checkin", plan, source, "-o", out, "--trust",
                          built.root)
    assert code == 1 and output.startswith("error: ") and "plan" in output


def test_checkin_file_problems_are_all_in_chinese(built: Built, tmp_path: Path) -> None:
    """Several problems in a check-in file for a Chinese plan: every line is Chinese, prefix
    included; a missing check-in file is not called a plan file."""
    source = tmp_path / "fields.yaml"
    source.write_text("date: 2025-10-22\ndelivered: x\n", encoding="utf-8")
    out = tmp_path / "out.pdf"
    code, output = invoke("checkin", built.case / "04-revision.pdf", source, "-o", out,
                          "--trust", built.root)
    lines = output.strip().splitlines()
    assert code == 1 and len(lines) >= 3 and not out.exists(), output
    assert all(line.startswith("错误：") for line in lines), output
    code, output = invoke("checkin", built.case / "04-revision.pdf", tmp_path / "nope.yaml",
                          "-o", out, "--trust", built.root)
    assert code == 2 and "计划文件" not in one_chinese_line(output) and not out.exists()


def test_evaluation_before_the_last_checkpoint(built: Built, tmp_path: Path) -> None:
    source = tmp_path / "early.yaml"
    source.write_text((INPUTS / "evaluation.yml").read_text(encoding="utf-8")
                      .replace("date: 2025-12-31", "date: 2025-11-20"), encoding="utf-8")
    out = tmp_path / "out.pdf"
    code, output = invoke("evaluate", built.case / "04-revision.pdf", source, "-o", out,
                          "--trust", built.root)
    assert code == 1 and "早于计划的最后一个检查节点 2025-12-03" in one_chinese_line(output)
    assert not out.exists()


def test_unsigned_or_failing_parent(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    code, output = invoke("checkin", built.steps / "01-plan.pdf", INPUTS / "checkin-1.yml",
                          "-o", out, "--trust", built.root)
    assert code == 1 and "尚未经员工、直接上级、人力资源全部签署" in one_chinese_line(output)
    tampered = tmp_path / "tampered.pdf"
    data = (built.case / "01-plan.pdf").read_bytes()
    tampered.write_bytes(data.replace(b"/Author", b"/Auth0r", 1))
    code, output = invoke("checkin", tampered, INPUTS / "checkin-1.yml", "-o", out,
                          "--trust", built.root)
    assert code == 1 and "验证未通过" in one_chinese_line(output)
    code, output = invoke("checkin", built.case / "01-plan.pdf", INPUTS / "checkin-1.yml",
                          "-o", out)
    assert code == 1 and "没有信任根无法验证；请用 --trust" in one_chinese_line(output)
    assert not out.exists()


def test_checkin_for_a_version_that_a_revision_replaced(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    alone = tmp_path / "plan.pdf"
    shutil.copyfile(built.case / "01-plan.pdf", alone)
    for parent, case in ((alone, ("--case", built.case)), (built.case / "01-plan.pdf", ())):
        # --case names the folder; without it, the folder the plan is in is the case
        code, output = invoke("checkin", parent, INPUTS / "checkin-3.yml", "-o", out,
                              "--trust", built.root, *case)
        assert code == 1 and "已被第 2 版（04-revision.pdf）替代" in one_chinese_line(output)
        assert not out.exists()
    code, output = invoke("revise", alone, INPUTS / "plan-v2-zh.yaml",
                          "--reason", " ", "--date", "2025-11-12", "-o", out,
                          "--trust", built.root)
    assert code == 1 and "--reason: 请填写计划变更的原因" in one_chinese_line(output)
    assert not out.exists()


# --- the English documents ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def english(built: Built) -> dict[str, Path]:
    """The English example plan signed with the module's CA, and each English document made
    from it (prepared: their content is what is checked here)."""
    from pipdocs.core.plan import load_plan
    from pipdocs.demo.case import CaseBuild
    from pipdocs.document.pipeline import build_pdf
    from pipdocs.lifecycle.checkin import make_checkin
    from pipdocs.lifecycle.evaluation import make_evaluation
    from pipdocs.lifecycle.refusal import make_refusal
    from pipdocs.lifecycle.revise import make_revision
    from pipdocs.pki.ca import issue_signer

    inputs = case_inputs("en")
    work = built.work / "english"
    (work / "steps").mkdir(parents=True)
    plan = load_plan(inputs / "plan-v1-en.yaml")
    passwords = dict(line.split("=", 1) for line in
                     (built.demo.out_dir / "demo-passwords.txt").read_text().splitlines())
    keys = {}
    for role in ("employee", "manager", "hr"):
        keys[role] = work / f"{role}.p12"
        person = plan.person(role)
        issue_signer(built.demo.out_dir / "ca", person.name, person.email, keys[role],
                     passwords["PIPDOCS_CA_PASSWORD"], built.signers.key_password)
    signers = Signers(built.root, keys, built.signers.key_password, built.signers.timestamper,
                      built.signers.policy)
    build_pdf(plan, work / "plan.pdf")
    signed = sign_in_order(work / "plan.pdf", "plan", CaseBuild(work, signers))
    options = built.options()
    refusal = work / "refusal.yaml"
    refusal.write_text("date: 2025-12-02\ndocument: plan\ndelivered: Handed over in the meeting"
                       " and sent by e-mail\nwitness: {name: Alex Wu, title: Office Manager}\n")
    return {
        "plan": signed,
        "checkin": make_checkin(signed, inputs / "checkin-1.yml", work / "checkin.pdf",
                                options).path,
        "evaluation": make_evaluation(signed, inputs / "evaluation.yml",
                                      work / "evaluation.pdf", options).path,
        "refusal": make_refusal(work / "plan.pdf", refusal, work / "refusal.pdf", options).path,
        "revision": make_revision(signed, inputs / "plan-v2-en.yaml", "Legacy defects",
                                  work / "revision.pdf", options,
                                  date(2026, 1, 5)).path,
    }


@pytest.mark.parametrize(("kind", "expected"), [
    ("checkin", ("check-in record", "Dana Lee", "Checkpoint 1 of 3", "Code quality", "At risk",
                 "Not given", "Boundary tests for the payment callback module", "Line manager")),
    ("evaluation", ("final evaluation", "Overall outcome: Partially met",
                    "Computed: Partially met (actual 8.7, target ≤ 8)",
                    "Kim Park", "appeal", "Human Resources")),
    ("refusal", ("Record of refusal to sign", "Alex Wu, Office Manager", "No reason given",
                 "Handed over in the meeting")),
    ("revision", ("Plan revision: version 2", "Legacy defects", "target: 8% or lower → 9% or"
                  " lower", "replaces version 1", "1. Areas for improvement")),
])
def test_english_documents(english: dict[str, Path], pdf_text: Callable[..., str], kind: str,
                           expected: tuple[str, ...]) -> None:
    text = flat(pdf_text(english[kind]))
    for words in expected:
        assert flat(words) in text, words


def test_bulk_checkins_from_a_sheet(tmp_path: Path, pdf_text: Callable[..., str]) -> None:
    """One row per check-in, keyed by plan id; each against the version in force; a bad row
    never costs the good one."""
    from pipdocs.lifecycle.records import read_document

    plans = tmp_path / "plans"
    plans.mkdir()
    for name in ("01-plan.pdf", "04-revision.pdf"):
        shutil.copyfile(INPUTS / name, plans / name)
    sheet = tmp_path / "week.csv"
    sheet.write_text(
        "计划编号,面谈日期,目标1进展,目标1状态,目标1依据,目标2进展,目标2状态,目标3进展,目标3状态,"
        "已提供的支持,直接上级反馈,下一步行动\n"
        "PIP-2026-0103-CASE,2025/12/3,覆盖率 74%,按计划推进,JaCoCo,缺陷率 8.9%,存在风险,"
        "建议 3 条,按计划推进,\"1, 4\",继续保持,\"保持复盘\n期末前覆盖率 80%\"\n"
        "PIP-NOPE,2025-12-03,x,按计划推进,,y,按计划推进,z,按计划推进,1,好,\n"
        "PIP-2026-0103-CASE,2025-12-10,x,按计划推进,,y,按计划推进,z,按计划推进,9,好,\n"
        "PIP-2026-0103-CASE,2025-12-03,x,按计划推进,,y,按计划推进,z,按计划推进,1,好,\n",
        encoding="utf-8")
    out = tmp_path / "out"
    code, output = invoke("bulk", sheet, "--plans", plans, "-o", out, "--trust",
                          INPUTS / "root.pem")
    assert code == 1, output
    assert "1 made, 0 skipped, 3 failed" in output
    assert "row 3: no signed plan PIP-NOPE" in output
    assert "week.csv: 第4行: support_given[1]: 计划中没有支持项9" in output  # a Chinese plan
    made = out / "PIP-2026-0103-CASE-checkin-2025-12-03.pdf"
    doc = read_document(made)
    assert doc.record is not None and doc.record.plan_version == 2
    assert doc.record.data["checkpoint"] == 3
    text = flat(pdf_text(made))
    assert "研发经理每周1次缺陷复盘（30分钟）已提供" in text and "期末前覆盖率80%" in text
    report = (out / "report.csv").read_text(encoding="utf-8-sig").splitlines()
    assert [line.split(",")[2] for line in report[1:]] == ["ok", "error", "error", "error"]
    assert "计划和日期与第2行相同" in report[4]  # rows are converted at once: no overwriting


def test_sign_follows_the_documents_own_signers(built: Built, tmp_path: Path) -> None:
    """A check-in has boxes for the manager and the employee only, in that order."""
    from pipdocs.core.errors import SigningRefused
    from pipdocs.signing.sign import load_signer, sign_pdf

    prepared = built.steps / "02-checkin-1.pdf"
    for role, message in (  # in the document's language, with the rule's code
            ("hr", r"本文件只由直接上级、员工签署，不由人力资源签署 \[not_a_signer\]"),
            ("employee", r"直接上级须在员工之前签署（签署顺序：直接上级、员工） \[order\]")):
        key = load_signer(built.signers.keys[role], built.signers.key_password)
        with pytest.raises(SigningRefused, match=message):
            sign_pdf(prepared, tmp_path / f"{role}.pdf", role=role, signer=key,
                     timestamper=built.signers.timestamper, policy=built.signers.policy)
        assert not (tmp_path / f"{role}.pdf").exists()
    signed = built.case / "02-checkin-1.pdf"
    code, output = invoke("verify", signed, "--trust", built.root, "--json")
    report = json.loads(output)
    assert code == 0 and report["required_roles"] == ["manager", "employee"]
    assert "直接上级确认本次回顾面谈记录" in [s["reason"] for s in report["signatures"]]


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice converts the record")
def test_english_case_record(built: Built, records_ca: Path, tmp_path: Path,
                             pdf_text: Callable[..., str]) -> None:
    """`case verify --report X.pdf` on an English case (its signed plan, no evaluation yet):
    English words, UTC times, the case still running, and the record (sealed by the
    organisation's seal, tests/conftest.py records_ca) verifies."""
    import re

    folder = tmp_path / "case"
    folder.mkdir()
    example = case_inputs("en")  # the committed English case's plan: signed on its date
    shutil.copyfile(example / "01-plan.pdf", folder / "01-plan.pdf")
    passwords = dict(line.split("=", 1) for line in
                     (built.demo.out_dir / "demo-passwords.txt").read_text().splitlines())
    record = tmp_path / "record.pdf"
    result = CliRunner().invoke(cli, [str(a) for a in (
        "case", "verify", folder, "--trust", example / "root.pem", "--report", record,
        "--tsa-dir", built.demo.out_dir / "ca", "--seal", records_ca)],
        env=passwords | {"PIPDOCS_SEAL_PASSWORD": "ca-secret"})
    assert result.exit_code == 0, result.output
    flat = " ".join(pdf_text(record, "-layout").split())
    for expected in ("PIP case verification record", "Example Payments Ltd", "Dana Lee",
                     "E1024", "01-plan.pdf", "The case holds. Every document in it (1 in all)",
                     "no final evaluation yet: the case is still running", "Sam Ortiz",
                     "Times are given in Coordinated Universal Time (UTC)",
                     "Appendix: technical details"):
        assert expected in flat, expected
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", flat) and str(tmp_path) not in flat
    result = CliRunner().invoke(cli, ["verify", str(record), "--trust", str(built.root),
                                      "--trust", str(records_ca / "root.pem")])
    assert result.exit_code == 0 and "VALID verification record" in result.output
    assert "case PIP-" in result.output, result.output


def test_an_evaluation_rewritten_under_a_recomputed_audit_trail_fails(built: Built) -> None:
    """Issue 18: the final evaluation's document.json rewritten in place ('met, close' becomes
    'not met, training'), hidden under an audit trail anyone can recompute and a document
    timestamp of the organisation's TSA: the case fails, and reads the signed evaluation."""
    import tamperkit as tk

    from pipdocs.lifecycle.records import read_document

    def harsher(record: dict[str, object]) -> None:
        data = record["data"]
        assert isinstance(data, dict) and data["decision"] == "close"
        data.update(outcome="not_met", decision="training",
                    results={k: "not_met" for k in data["results"]})

    signed = (built.case / "06-evaluation.pdf").read_bytes()
    forged = built.work / "06-evaluation-forged.pdf"
    forged.write_bytes(tk.audit_revision(tk.rewrite_in_place(signed, "document.json", harsher),
                                         signed, built.signers.timestamper))
    record = read_document(forged).record
    assert record is not None and record.data["decision"] == "close"
    folder = built.copy("evaluation-rewritten", swap={"06-evaluation": forged})
    report = verify_case([folder], [built.root], built.signers.policy)
    assert not report.ok, report
    code, out = invoke("case", "verify", folder, "--trust", built.root)
    assert code == 1, out
