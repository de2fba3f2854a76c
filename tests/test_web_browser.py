"""`pipdocs serve` end to end in a real headless Chromium: three parties sign a zh plan and an en
plan from their mailed links with keys made by WebCrypto in the page; the final PDF passes
`pipdocs verify` and pdfsig; refusals (out of turn, five wrong codes, a reused link, a decline,
a cancel) are shown on the page."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_support import (
    CA_PASSWORD,
    Server,
    ca_service,
    plan_starting_today,
    prepared_pdf,
    running,
)

from pipdocs.core.plan import load_plan
from pipdocs.demo import example_plan

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium missing")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`serve --ca-dir CA --tsa URL` beside `ca serve` at the CA's public URL: the certificates
    name its CRL and OCSP addresses, and pdfsig asks there (it checks OCSP online)."""
    root = tmp_path_factory.mktemp("web-browser")
    with ca_service(root / "ca") as url, pytest.MonkeyPatch.context() as env:
        env.setenv("PIPDOCS_CA_PASSWORD", CA_PASSWORD)
        with running(root / "data", ca_dir=root / "ca", tsa=url) as srv:
            yield srv


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(**PHONE)  # type: ignore[attr-defined]
    errors: list[str] = []
    pg = context.new_page()
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield pg
    context.close()


def status(pg: object) -> object:
    return pg.get_by_test_id("status")  # type: ignore[attr-defined]


def sign_in_browser(server: Server, pg: object, email: str, role: str, *, agree: bool = True,
                    comment: str = "", screenshot: Path | None = None) -> str:
    """Open the mailed link, ask for a code, read it from the outbox, sign; the final status."""
    from playwright.sync_api import expect

    pg.goto(server.link(email))  # type: ignore[attr-defined]
    expect(status(pg)).to_have_attribute("data-state", "ready")
    document = pg.get_by_test_id("document")  # type: ignore[attr-defined]
    expect(document.locator("img").first).to_be_visible()
    for image in document.locator("img").all():  # every page, scrolled into view as on a phone
        image.scroll_into_view_if_needed()
    pg.wait_for_function(  # type: ignore[attr-defined]
        "() => [...document.querySelectorAll('[data-testid=document] img')]"
        ".every(i => i.complete && i.naturalWidth > 300)")
    pg.evaluate("() => window.scrollTo(0, 0)")  # type: ignore[attr-defined]
    if screenshot is not None:
        pg.screenshot(path=str(screenshot.with_name("top-" + screenshot.name)))  # type: ignore[attr-defined]
    if role == "employee":
        pg.get_by_test_id("agree" if agree else "disagree").check()  # type: ignore[attr-defined]
        pg.get_by_test_id("comment").fill(comment)  # type: ignore[attr-defined]
    if screenshot is not None:
        pg.screenshot(path=str(screenshot), full_page=False)  # type: ignore[attr-defined]
    codes_before = len(server.mails(email, "code"))
    pg.get_by_test_id("request-code").click()  # type: ignore[attr-defined]
    expect(pg.locator("#message")).not_to_be_empty()  # type: ignore[attr-defined]
    assert len(server.mails(email, "code")) == codes_before + 1
    pg.get_by_test_id("code").fill(server.code(email))  # type: ignore[attr-defined]
    pg.get_by_test_id("sign").click()  # type: ignore[attr-defined]
    expect(status(pg)).not_to_have_attribute("data-state", "ready", timeout=30_000)
    return str(status(pg).get_attribute("data-state"))  # type: ignore[attr-defined]


def nss_pdfsig(server: Server, pdf: Path) -> str:
    nss = pdf.parent / "nss"
    if not nss.exists():
        nss.mkdir()
        subprocess.run(["certutil", "-N", "--empty-password", "-d", f"sql:{nss}"], check=True)
        subprocess.run(["certutil", "-A", "-n", "root", "-t", "CT,C,C", "-i",
                        str(server.service.ca_dir / "root.pem"), "-d", f"sql:{nss}"], check=True)
    return subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(pdf)], capture_output=True,
                          text=True, check=False).stdout


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_three_parties_sign_from_their_links(server: Server, page: object, lang: str,
                                            tmp_path: Path, prepared: dict[str, Any]) -> None:
    plan, path = prepared[lang]  # the real pipeline's PDF: several pages, the people's names
    pdf = path.read_bytes()
    envelope = server.create(pdf)
    assert [s["role"] for s in envelope["signers"]] == ["employee", "manager", "hr"]
    assert {s["status"] for s in envelope["signers"]} == {"waiting"}
    comment = "目标二需要复核" if lang == "zh" else "Goal two needs review"
    states = []
    for person_role in ("employee", "manager", "hr"):
        person = plan.person(person_role)
        assert server.mails(person.email, "link"), f"{person_role} got no link in turn"
        shot = tmp_path / "zh-phone.png" if lang == "zh" and person_role == "employee" else None
        states.append(sign_in_browser(server, page, person.email, person_role, agree=False,
                                      comment=comment, screenshot=shot))
        if person_role != "hr":  # the next signer's link arrives only now
            later = plan.person("hr" if person_role == "employee" else "manager")
            assert bool(server.mails(later.email, "link")) == (person_role == "manager")
    assert states == ["signed", "signed", "completed"]
    if os.environ.get("PIPDOCS_SCREENSHOT_DIR") and lang == "zh":
        for name in ("top-zh-phone.png", "zh-phone.png"):
            shutil.copy(tmp_path / name, Path(os.environ["PIPDOCS_SCREENSHOT_DIR"]) / name)

    with server.api() as api:
        final = api.get(f"/api/envelopes/{envelope['id']}")
        assert final.json()["status"] == "completed"
        assert [s["status"] for s in final.json()["signers"]] == ["signed"] * 3
        document = api.get(f"/api/envelopes/{envelope['id']}/document")
    out = tmp_path / "final.pdf"
    out.write_bytes(document.content)
    verify = subprocess.run(
        [str(Path(os.sys.executable).with_name("pipdocs")), "verify", str(out), "--json",
         "--trust", str(server.service.ca_dir / "root.pem")],
        capture_output=True, text=True, check=False)
    report = json.loads(verify.stdout)
    assert verify.returncode == 0, verify.stdout
    assert [s["signer_name"] for s in report["signatures"]][:3] == \
        [plan.person(r).name for r in ("employee", "manager", "hr")]
    assert comment in report["signatures"][0]["reason"]
    sig = nss_pdfsig(server, out)
    assert sig.count("Signature Validation: Signature is Valid.") == 3, sig
    assert sig.count("Certificate Validation: Certificate is Trusted.") == 3, sig
    # every party got the final PDF
    for person_role in ("employee", "manager", "hr"):
        done = server.mails(plan.person(person_role).email, "completed")
        assert done and any(p.get_filename() == f"{plan.plan_id}-signed.pdf"
                            for p in done[-1].iter_attachments())


def _envelope(server: Server, lang: str = "en") -> tuple[dict[str, object], object]:
    return server.create(prepared_pdf(lang)), load_plan(example_plan(lang))


def test_refusals_shown_in_the_browser(server: Server, page: object) -> None:
    """Out of turn, five wrong codes, a reused link, a decline and a cancel, as the signer sees
    them; each leaves the envelope as it was (or stopped, for decline and cancel)."""
    from playwright.sync_api import expect
    from web_support import Browserless

    from pipdocs.web.delivery import issue_link
    from pipdocs.web.models import Envelope

    envelope, plan = _envelope(server)
    employee, manager = plan.person("employee"), plan.person("manager")  # type: ignore[attr-defined]
    # out of turn: a manager's link while the employee has not signed says whom it waits for
    with server.service.sessions.begin() as session:
        row = session.get(Envelope, envelope["id"])
        early = issue_link(server.service, session, row.signers[1])
    pg = page
    pg.goto(early)  # type: ignore[attr-defined]
    expect(status(pg)).to_have_attribute("data-state", "waiting")
    expect(status(pg)).to_contain_text(employee.name)
    assert pg.get_by_test_id("sign").count() == 0  # type: ignore[attr-defined]

    # five wrong codes lock the signer; the right code is useless afterwards
    pg.goto(server.link(employee.email))  # type: ignore[attr-defined]
    pg.get_by_test_id("agree").check()  # type: ignore[attr-defined]
    pg.get_by_test_id("request-code").click()  # type: ignore[attr-defined]
    expect(pg.locator("#message")).not_to_be_empty()  # type: ignore[attr-defined]
    real = server.code(employee.email)
    wrong = f"{(int(real) + 1) % 1_000_000:06d}"
    for attempt in range(1, 6):
        pg.get_by_test_id("code").fill(wrong)  # type: ignore[attr-defined]
        pg.get_by_test_id("sign").click()  # type: ignore[attr-defined]
        if attempt < 5:
            expect(pg.locator("#message")).to_contain_text(  # type: ignore[attr-defined]
                f"{5 - attempt} tries left")
    expect(status(pg)).to_have_attribute("data-state", "locked")
    assert pg.get_by_test_id("sign").count() == 0  # type: ignore[attr-defined]
    late = Browserless(server, server.link(employee.email))
    assert late.start(real).status_code in (403, 409)
    with server.api() as api:
        assert api.get(f"/api/envelopes/{envelope['id']}").json()["signers"][0]["status"] \
            == "waiting"

    # a link used again after its signer's step shows that step, and nothing to do
    other, _plan = _envelope(server)
    link = server.link(employee.email)
    assert Browserless(server, link).sign(employee.email).json()["state"] == "signed"
    pg.goto(link)  # type: ignore[attr-defined]
    expect(status(pg)).to_have_attribute("data-state", "signed")
    expect(status(pg)).to_contain_text(manager.name)
    assert pg.get_by_test_id("sign").count() == 0  # type: ignore[attr-defined]
    assert pg.get_by_test_id("request-code").count() == 0  # type: ignore[attr-defined]

    # a decline stops the envelope and tells HR
    declined, _plan = _envelope(server)
    pg.goto(server.link(employee.email))  # type: ignore[attr-defined]
    pg.get_by_test_id("decline-reason").fill("The goals were never discussed with me")  # type: ignore[attr-defined]
    pg.get_by_test_id("decline").click()  # type: ignore[attr-defined]
    expect(status(pg)).to_have_attribute("data-state", "declined")
    with server.api() as api:
        body = api.get(f"/api/envelopes/{declined['id']}").json()
    assert body["status"] == "declined"
    assert body["signers"][0]["status"] == "declined"
    hr_mail = server.mails(plan.person("hr").email, "declined")  # type: ignore[attr-defined]
    assert hr_mail and "never discussed" in hr_mail[-1].get_body(("plain",)).get_content()

    # a cancelled envelope's link says so and offers nothing
    cancelled, _plan = _envelope(server)
    link = server.link(employee.email)
    with server.api() as api:
        assert api.post(f"/api/envelopes/{cancelled['id']}/cancel").json()["status"] \
            == "cancelled"
    pg.goto(link)  # type: ignore[attr-defined]
    expect(status(pg)).to_have_attribute("data-state", "cancelled")
    assert pg.get_by_test_id("sign").count() == 0  # type: ignore[attr-defined]
    codes = len(server.mails(employee.email, "code"))
    assert Browserless(server, link).post("code").status_code in (403, 409)
    assert len(server.mails(employee.email, "code")) == codes


def _hr_login(server: Server, pg: object, email: str, password: str) -> None:
    from pipdocs.web.access import add_user

    add_user(server.service.sessions, email, password, admin=True)  # sees the API's envelopes
    pg.goto(f"{server.url}/login")  # type: ignore[attr-defined]
    pg.locator("input[name=email]").fill(email)  # type: ignore[attr-defined]
    pg.locator("input[name=password]").fill(password)  # type: ignore[attr-defined]
    pg.locator("button[type=submit]").click()  # type: ignore[attr-defined]
    pg.wait_for_url(f"{server.url}/")  # type: ignore[attr-defined]


def test_employee_decline_becomes_a_signed_refusal_record(
        server: Server, browser: object, tmp_path: Path, pdf_text: Any) -> None:
    """The employee declines in the browser; HR records the refusal with a witness from the
    service's own facts; manager and HR sign it from their links; the record verifies, states
    the reason and the witness, names the declined document's SHA-256, and `case verify`
    accepts it as the employee's step. A second record, and a non-HR session, are refused."""
    import hashlib

    import httpx
    from helpers import plain_pdf
    from playwright.sync_api import expect

    from pipdocs.lifecycle.records import read_document

    plan = plan_starting_today(tmp_path)
    declined = server.create(plain_pdf(plan))
    employee = plan.person("employee")
    reason = "The goals were set without asking me"
    context = browser.new_context(**PHONE, locale="en-US")  # type: ignore[attr-defined]
    pg = context.new_page()
    pg.goto(server.link(employee.email))
    pg.get_by_test_id("decline-reason").fill(reason)
    pg.get_by_test_id("decline").click()
    expect(status(pg)).to_have_attribute("data-state", "declined")

    _hr_login(server, pg, "records@example.com", "witnessed refusal 1")
    row = pg.locator(f"tr[data-envelope='{declined['id']}']")
    expect(row).to_contain_text(reason)
    row.get_by_test_id("record-refusal").click()
    facts = pg.get_by_test_id("refusal-facts")
    expect(pg.get_by_test_id("refusal-reason")).to_have_text(reason)
    expect(pg.get_by_test_id("refusal-document")).to_have_attribute("data-kind", "plan")
    delivered = pg.get_by_test_id("refusal-delivered")
    expect(delivered).to_contain_text(f"e-mailed to {employee.email}")
    expect(delivered).to_contain_text("declined through that link")
    expect(delivered).to_contain_text("the link was opened on")
    expect(facts).to_contain_text(plan.plan_id)
    day = str(pg.get_by_test_id("refusal-date").text_content())
    pg.get_by_test_id("witness-name").fill("Morgan Witness")
    pg.get_by_test_id("witness-title").fill("Office Manager")
    pg.get_by_test_id("record").click()
    pg.wait_for_url(f"{server.url}/")
    expect(pg.locator(f"tr[data-envelope='{declined['id']}']").get_by_test_id("refusal-made")) \
        .to_be_visible()

    with server.api() as api:
        listing = api.get("/api/envelopes").json()
        parent = api.get(f"/api/envelopes/{declined['id']}/document").content
    record = next(e for e in listing if e.get("refusal_of") == declined["id"])
    assert record["kind"] == "refusal"
    assert [s["role"] for s in record["signers"]] == ["manager", "hr"]

    # once only: the form and a second submission are refused, and no envelope is added
    csrf = pg.locator("input[name=csrf]").first.get_attribute("value")
    again = pg.request.post(f"{server.url}/envelopes/{declined['id']}/refusal",
                            form={"csrf": csrf, "witness_name": "X Y", "witness_title": "Z"},
                            max_redirects=0)
    assert again.status == 409 and "already" in again.text()
    assert pg.request.get(f"{server.url}/envelopes/{declined['id']}/refusal").status == 409
    # a signer's browser session (its own CSRF token) is not an HR session
    signer_session = httpx.Client(timeout=30)
    signing_page = signer_session.get(server.link(plan.person("manager").email)).text
    signer_csrf = signing_page.split('name="csrf" value="')[1].split('"')[0]
    stranger = signer_session.post(f"{server.url}/envelopes/{declined['id']}/refusal",
                                   data={"csrf": signer_csrf, "witness_name": "A B",
                                         "witness_title": "C"})
    assert stranger.status_code == 303 and stranger.headers["location"] == "/login"
    with server.api() as api:
        assert len(api.get("/api/envelopes").json()) == len(listing)
    context.close()

    manager = plan.person("manager")
    assert "refusal record of the PIP" in str(server.mails(manager.email, "link")[-1]["Subject"])
    signer_page = browser.new_context(**PHONE).new_page()  # type: ignore[attr-defined]
    assert sign_in_browser(server, signer_page, manager.email, "manager") == "signed"
    expect(signer_page.locator("h1")).to_have_text("Sign the refusal record")
    assert sign_in_browser(server, signer_page, plan.person("hr").email, "hr") == "completed"
    with server.api() as api:
        final = api.get(f"/api/envelopes/{record['id']}/document").content
    case = tmp_path / "case"
    case.mkdir()
    (case / "plan-declined.pdf").write_bytes(parent)
    out = case / "refusal-signed.pdf"
    out.write_bytes(final)
    pipdocs = str(Path(os.sys.executable).with_name("pipdocs"))
    root = str(server.service.ca_dir / "root.pem")
    verify = subprocess.run([pipdocs, "verify", str(out), "--trust", root], capture_output=True,
                            text=True, check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    text = " ".join(pdf_text(out).split())
    assert reason in text and "Morgan Witness" in text and "Office Manager" in text
    assert employee.email in text
    doc = read_document(out)
    assert doc.kind == "refusal" and doc.record is not None
    assert doc.record.parent_sha256 == hashlib.sha256(parent).hexdigest()
    assert doc.record.data["document_sha256"] == hashlib.sha256(parent).hexdigest()
    assert doc.record.data["witness"] == {"name": "Morgan Witness", "title": "Office Manager"}
    assert doc.record.date.isoformat() == day
    case_verify = subprocess.run([pipdocs, "case", "verify", str(case), "--trust", root,
                                  "--json"], capture_output=True, text=True, check=False)
    # The refusal record stands for the employee's step only (issue 18): the employee declined
    # first under the shipped order, so the plan carries no employer signature and the case
    # does not hold on this alone (a policy that has the employer sign first lets it hold).
    found = json.loads(case_verify.stdout)
    assert case_verify.returncode == 1, case_verify.stdout + case_verify.stderr
    assert {(p["code"], p["params"]["file"]) for p in found["problems"]} == {
        ("document_invalid", "plan-declined.pdf"), ("employer_unsigned", "plan-declined.pdf")}
    assert "refused" in {w["code"] for w in found["warnings"]}
