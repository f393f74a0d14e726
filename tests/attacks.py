"""Shared helpers of the attack tests (``test_security_*.py``): payloads, a populated app,
the routes of the URL map, and a check that a page shows hostile text as inert text."""

from __future__ import annotations

import difflib
import html
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from PIL import Image

from assessor.data.database import db
from assessor.data.models import Answer, Assessment, Client, DimensionNote, User

from .web import PASSWORD, answer_all, new_assessment, new_client, page_data, sign_in, start

#: Classic cross-site scripting and template-injection payloads; each under 120 characters
#: (the shortest field limit) and free of leading or trailing spaces (fields are stripped).
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    '<svg><script xlink:href="data:,alert(1)"></script></svg>',
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(1)",
    "<iframe src=javascript:alert(1)></iframe>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "';alert(1);//",
    '"onmouseover="alert(1)',
    "{{7*7}}",
    "${7*7}",
    "{% print(7*7) %}",
    "#{7*7} <%= 7*7 %>",
    "{{ config.items() }}",
    "\u202egnp.exe\u202c Bank",  # right-to-left override
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",  # full-width < and >
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<!--<img src=x onerror=alert(1)>-->",
    "<style>@import 'http://evil.example/x.css';</style>",
]
#: Strings that would show if a template engine evaluated a payload instead of printing it.
EVALUATED = ("49", "<Config")


def inert_in(body: str, payload: str) -> None:
    """Assert that ``payload`` shows in the HTML ``body`` as text, and as nothing else."""
    text = html.unescape(body)
    assert payload in text, f"{payload!r} is not shown as text"
    if "7*7" in payload:
        # The literal survives, so no template engine evaluated it.
        assert payload.replace(" ", "") in text.replace(" ", "")


URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href")


class _Structure(HTMLParser):
    """Every start tag with its attribute names, and every suspicious attribute value."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[str, ...]]] = []
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(sorted(name for name, _ in attrs))))
        for name, value in attrs:
            if name.startswith("on"):
                self.bad.append(f"<{tag} {name}>")
            url = re.sub(r"\s", "", value or "").lower()
            if name in URL_ATTRIBUTES and url.startswith(("javascript:", "data:text")):
                self.bad.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and not dict(attrs).get("src", "").startswith("/static/"):
            self.bad.append("<script> without a static src")


def structure(body: str) -> _Structure:
    parser = _Structure()
    parser.feed(body)
    parser.close()
    return parser


def same_structure(baseline: str, body: str, payload: str) -> None:
    """Assert the page with the payload has exactly the elements of the benign page."""
    found = structure(body)
    assert found.bad == [], (payload, found.bad)
    expected = structure(baseline)
    if found.tags != expected.tags:
        diff = list(difflib.unified_diff(list(map(str, expected.tags)), list(map(str, found.tags))))
        raise AssertionError(f"{payload!r} changed the page's elements: {diff[2:12]}")


def png_bytes(size=(60, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (18, 53, 91)).save(out, format="PNG")
    return out.getvalue()


def log_in_session(client, user_id: int) -> None:
    """Sign ``client`` in without a password check (the attack tests send many requests)."""
    from assessor.data.models import User

    with client.application.app_context():
        session_id = db.session.get(User, user_id).get_id()  # "<id>.<session version>"
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True


@dataclass
class World:
    """Two consultants, A with a client of two answered assessments, and a self-assessment."""

    app: object
    user_a: int
    user_b: int
    client_id: int
    assessment_id: int
    second_assessment_id: int
    token: str
    #: A self-assessment's token: its holder is a stranger to everything of A's.
    other_token: str
    #: Text that only A's objects show; nobody else's response may contain it.
    secrets: tuple[str, ...] = field(default=())

    def counts(self) -> tuple:
        """What a rejected request must leave unchanged."""
        with self.app.app_context():
            rows = []
            for model in (Answer, Assessment, Client, DimensionNote, User):
                rows.append(db.session.execute(db.select(db.func.count()).select_from(model)))
            counts = tuple(r.scalar_one() for r in rows)
            answers = db.session.execute(db.select(db.func.sum(Answer.value))).scalar_one()
            names = tuple(db.session.execute(db.select(Client.name).order_by(Client.id)).scalars())
            users = tuple(
                db.session.execute(
                    db.select(User.firm_name, User.accent_color, User.password_hash).order_by(
                        User.id
                    )
                ).all()
            )
            notes = tuple(
                db.session.execute(
                    db.select(DimensionNote.notes, DimensionNote.target_stage).order_by(
                        DimensionNote.id
                    )
                ).all()
            )
            assessments = tuple(
                db.session.execute(
                    db.select(
                        Assessment.bank_name, Assessment.respondent_role, Assessment.updated_at
                    ).order_by(Assessment.id)
                ).all()
            )
            return counts, answers, names, users, notes, assessments


def build_world(app) -> World:
    """Populate ``app`` through its own pages, as real users would."""
    from assessor.services import accounts

    bank = app.extensions["assessor.domain.bank"]
    with app.app_context():
        user_a = accounts.create("a@firm.example", PASSWORD).id
        user_b = accounts.create("b@firm.example", PASSWORD).id
    consultant = app.test_client()
    sign_in(consultant)
    client_id = new_client(consultant, "Zyxwv Private Bank")
    first, token = new_assessment(consultant, client_id)
    answer_all(consultant, bank, token, "0.25")
    second, token2 = new_assessment(consultant, client_id)
    answer_all(consultant, bank, token2, "0.75")
    dimension = bank.dimensions[0]
    consultant.post(
        f"/workspace/assessments/{first}/targets",
        data={f"notes-{dimension.id}": "Qwerty confidential note"},
    )
    consultant.post(
        "/workspace/branding",
        data={"firm_name": "Firmly Secret LLP", "logo": (io.BytesIO(png_bytes()), "l.png")},
        content_type="multipart/form-data",
    )
    stranger = app.test_client()
    other_token = start(stranger, "Stranger Bank")
    stranger.post(f"/a/{other_token}/step/1", data=page_data(dimension, "1"))
    return World(
        app=app,
        user_a=user_a,
        user_b=user_b,
        client_id=client_id,
        assessment_id=first,
        second_assessment_id=second,
        token=token,
        other_token=other_token,
        secrets=("Zyxwv Private Bank", "Qwerty confidential note", "Firmly Secret LLP", token),
    )


def make_app(tmp_path, **config):
    """A migrated app on a fresh SQLite file, its reports cached under ``tmp_path``."""
    from flask_migrate import upgrade

    from assessor import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'attack.db'}",
            "REPORT_CACHE_DIR": str(tmp_path / "report-cache"),
            "WTF_CSRF_ENABLED": False,
            **config,
        }
    )
    with app.app_context():
        upgrade()
    return app


def routes(app) -> list:
    """Every rule of the URL map except the static files."""
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def methods_of(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})
