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
from web_support import Server, prepared_pdf, running

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
    with running(tmp_path_factory.mktemp("web-browser")) as srv:
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

    from pipdocs.web.models import Envelope

    envelope, plan = _envelope(server)
    employee, manager = plan.person("employee"), plan.person("manager")  # type: ignore[attr-defined]
    # out of turn: a manager's link while the employee has not signed says whom it waits for
    with server.service.sessions.begin() as session:
        row = session.get(Envelope, envelope["id"])
        early = server.service.issue_link(session, row.signers[1])
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
