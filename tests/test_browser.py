"""End-to-end in a real browser (Debian's Chromium through Playwright), with axe-core checks.

Skipped with a reason when no Chromium is found, except under CI=true where they must run.
"""

from __future__ import annotations

import os
import re
import shutil
import threading

import pytest

from assessor.services import assessments

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"CI=true but no Chromium at {CHROMIUM}: install Debian's chromium")
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from assessor.data.database import db  # noqa: E402

from .databases import fresh_database  # noqa: E402

#: The flags this sandbox needs: no network chatter, no GPU, root without a sandbox.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    from flask_migrate import upgrade

    from assessor import create_app

    with fresh_database(tmp_path_factory.mktemp("browser")) as url:
        app = create_app({"TESTING": True, "SECRET_KEY": "e2e", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
        yield app
        server.shutdown()
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def base(live_app):
    return live_app.config["LIVE_URL"]


def in_language(app, language: str, message: str, **variables) -> str:
    """The interface string ``message`` as the app shows it in ``language``."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale(language):
        text = gettext(message, **variables)
    assert language == "en" or text != message % variables, f"{message!r} is not translated"
    return text


def serious_violations(page) -> list:
    """axe-core's serious and critical findings on the current page."""
    results = Axe().run(page)
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def answer_page(page, choice: int) -> None:
    """Choose option ``choice`` (0-4) of every question on the current page."""
    for fieldset in page.locator("fieldset.question").all():
        fieldset.locator("input[type=radio]").nth(choice).check()


def test_french_assessment_completed_and_resumed_in_a_new_context(browser, base, live_app):
    bank = live_app.extensions["assessor.domain.bank"]
    steps = len(bank.dimensions)

    def fr(message, **variables):
        return in_language(live_app, "fr", message, **variables)

    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(base + "/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("link", name=fr("Start the assessment")).first.click()
    page.get_by_label(fr("Bank name")).fill("Bank Spółdzielczy w Żółkiewce")
    page.get_by_label(fr("Country")).select_option("PL")
    page.get_by_role("button").last.click()

    link = page.locator("#resume-link").input_value()
    assert re.fullmatch(rf"{re.escape(base)}/a/[A-Za-z0-9_-]{{43}}", link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bank Spółdzielczy w Żółkiewce")
    page.get_by_role("link", name=fr("Begin the questions")).click()
    half = len(bank.dimensions) // 2
    for step in range(1, half + 1):
        expect(page.locator(".step-count")).to_have_text(
            fr("Step %(step)d of %(steps)d", step=step, steps=steps)
        )
        expect(page.get_by_role("heading", level=1)).to_have_text(
            bank.dimensions[step - 1].title["fr"]
        )
        answer_page(page, step % 5)
        page.locator("button[value=next]").click()
    context.close()

    # A new browser context has no cookies: the link alone brings the respondent back.
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(link)
    assert page.url.endswith(f"/step/{half + 1}")
    page.goto(link + "/step/1")
    first = bank.dimensions[0].questions[0]
    expect(page.locator(f"input[name='{first.id}'][value='0.25']")).to_be_checked()
    page.goto(link)
    for _step in range(half + 1, len(bank.dimensions) + 1):
        answer_page(page, 4)
        page.locator("button[value=next]").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(fr("Review your answers"))
    page.get_by_role("link", name=fr("See my results")).click()
    token = link.rsplit("/", 1)[1]
    with live_app.app_context():
        result = assessments.result(bank, assessments.by_token(token))
    expect(page.locator(".score-number")).to_have_text(str(result.points))
    expect(page.locator(".score-card .stage")).to_have_text(result.stage.name["fr"])
    expect(page.locator("svg.radar")).to_be_visible()
    rows = page.locator(".scores-table tbody tr")
    expect(rows).to_have_count(len(bank.dimensions))
    assert result.complete
    context.close()


def test_keyboard_only_and_without_javascript(browser, base, live_app):
    bank = live_app.extensions["assessor.domain.bank"]
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto(base + "/start")
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.locator(".skip-link")).to_be_focused()
    page.locator("#bank_name").focus()
    page.keyboard.type("Keyboard Bank")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Keyboard Bank")
    page.get_by_role("link", name="Begin the questions").focus()
    page.keyboard.press("Enter")
    first_radio = page.locator("input[type=radio]").first
    first_radio.focus()
    page.keyboard.press("Space")
    expect(first_radio).to_be_checked()
    page.keyboard.press("ArrowDown")  # moves within the question's radio group
    expect(page.locator("input[type=radio]").nth(1)).to_be_checked()
    page.locator("button[value=next]").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".step-count")).to_have_text(f"Step 2 of {len(bank.dimensions)}")
    context.close()


def test_no_serious_accessibility_violations_on_any_page_type(browser, base, live_app):
    bank = live_app.extensions["assessor.domain.bank"]
    context = browser.new_context(locale="pl-PL")
    page = context.new_page()
    checked = {}

    def check(name: str) -> None:
        checked[name] = serious_violations(page)

    page.goto(base + "/")
    check("home")
    page.goto(base + "/methodology")
    check("methodology")
    page.goto(base + "/start")
    check("start")
    page.locator("button[type=submit]").click()
    check("start with errors")
    page.get_by_role("textbox").first.fill("Bank Dostępny")
    page.locator("button[type=submit]").click()
    check("welcome")
    page.locator("a.button-primary").click()
    check("quiz step")
    for step in range(1, len(bank.dimensions) + 1):
        answer_page(page, step % 5)
        page.locator("button[value=next]").click()
    check("review")
    page.locator("a.button-primary").click()
    check("results")
    page.goto(base + "/a/unknown-token")
    check("not found")
    assert {name: v for name, v in checked.items() if v} == {}
    assert len(checked) == 9
    context.close()


def test_consultant_journey(browser, base, live_app, tmp_path):
    """Sign in, add a client, fill an assessment, set targets and notes, download the
    branded PDF, run a second assessment and open the comparison."""
    import io

    from PIL import Image
    from pypdf import PdfReader

    from assessor.services import accounts

    with live_app.app_context():
        accounts.create("journey@firm.example", "journey password 1")
    bank = live_app.extensions["assessor.domain.bank"]
    logo = tmp_path / "logo.jpg"  # a PNG under a .jpg name: the content decides
    Image.new("RGB", (240, 80), (20, 90, 60)).save(logo, format="PNG")

    context = browser.new_context(locale="en-GB", accept_downloads=True)
    page = context.new_page()
    page.goto(base + "/")
    page.get_by_role("link", name="Consultant sign-in").click()
    findings = {"login": serious_violations(page)}
    page.get_by_label("Email").fill("journey@firm.example")
    page.get_by_label("Password").fill("journey password 1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients")
    findings["empty dashboard"] = serious_violations(page)

    page.get_by_role("link", name="Branding").click()
    page.get_by_label("Firm name").fill("Journey Advisory")
    page.get_by_label("Accent colour").fill("#2e6b3a")
    page.locator("#logo").set_input_files(logo)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".logo-preview")).to_be_visible()
    findings["branding"] = serious_violations(page)

    page.get_by_role("link", name="Clients").click()
    page.get_by_role("link", name="Add a client").click()
    page.get_by_label("Bank name").fill("Banca di Credito Cooperativo")
    page.get_by_label("Language of the reports").select_option("it")
    page.get_by_role("button", name="Save").click()
    client_url = page.url

    for choice in (1, 3):
        page.goto(client_url)
        page.get_by_role("button", name="Start a new assessment").click()
        page.get_by_role("link", name="Fill in the answers").click()
        for _step in bank.dimensions:
            answer_page(page, choice)
            page.locator("button[value=next]").click()
        if choice == 1:
            page.goto(client_url)
            page.get_by_role("link", name="Open").first.click()
            findings["assessment"] = serious_violations(page)
            page.get_by_role("link", name="Set targets and notes").click()
            findings["targets"] = serious_violations(page)
            page.locator("textarea").first.fill("Name an owner for every account.")
            page.locator("select").first.select_option("5")
            page.get_by_role("button", name="Save targets and notes").click()
            expect(page.locator(".note-text").first).to_have_text(
                "Name an owner for every account."
            )
            with page.expect_download() as download:
                page.get_by_role("link", name="Download the branded PDF").click()
            pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
            cover = " ".join(pdf.pages[0].extract_text().split())
            assert "Journey Advisory" in cover and "Banca di Credito Cooperativo" in cover
            assert len(pdf.pages[0].images) == 1

    page.goto(client_url)
    findings["client"] = serious_violations(page)
    page.get_by_role("button", name="Compare").click()
    findings["comparison"] = serious_violations(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("From")
    expect(page.locator(".score-number")).to_have_text("+50")
    page.get_by_role("link", name="Clients").click()
    findings["dashboard"] = serious_violations(page)
    assert {name: found for name, found in findings.items() if found} == {}
    context.close()


#: Records every Content-Security-Policy violation the page reports, from its first script.
CSP_LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def test_no_page_breaks_the_content_security_policy(browser, base, live_app):
    """Every kind of page under the strict policy: no violation, and the script still runs."""
    from assessor.services import accounts

    with live_app.app_context():
        accounts.create("csp@firm.example", "csp password 12")
    bank = live_app.extensions["assessor.domain.bank"]
    context = browser.new_context(locale="en-GB")
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    violations = {}

    def visit(name: str, url: str | None = None) -> None:
        if url:
            page.goto(base + url)
        page.wait_for_load_state("load")
        violations[name] = page.evaluate("window.__csp")

    visit("home", "/")
    visit("methodology", "/methodology")
    visit("start", "/start")
    page.get_by_label("Bank name").fill("Policy Bank")
    page.get_by_role("button").last.click()
    visit("welcome")
    # app.js ran: it reveals the copy button only from script.
    expect(page.locator("button[data-copy]")).to_be_visible()
    page.get_by_role("link", name="Begin the questions").click()
    for _step in bank.dimensions:
        answer_page(page, 2)
        page.locator("button[value=next]").click()
    visit("review")
    page.get_by_role("link", name="See my results").click()
    visit("results")
    expect(page.locator(".bar-fill").first).to_have_attribute("width", re.compile(r"\d+"))
    visit("not found", "/a/" + "x" * 43)
    visit("login", "/login")
    page.get_by_label("Email").fill("csp@firm.example")
    page.get_by_label("Password").fill("csp password 12")
    page.get_by_role("button", name="Sign in").click()
    visit("dashboard")
    visit("branding", "/workspace/branding")
    visit("new client", "/workspace/clients/new")
    page.get_by_label("Bank name").fill("Policy Client")
    page.get_by_role("button", name="Save").click()
    visit("client")
    page.get_by_role("button", name="Start a new assessment").click()
    visit("assessment")
    page.get_by_role("link", name="Set targets and notes").click()
    visit("targets")
    visit("password", "/account/password")

    assert {name: found for name, found in violations.items() if found} == {}
    assert [m for m in console if "Content Security Policy" in m] == []

    # The listener does catch a violation: an inline script the policy must block.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"
    )
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.__ran === undefined")
    context.close()
