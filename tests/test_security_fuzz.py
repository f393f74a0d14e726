"""Fuzzing every route: random methods, field names, values, lengths and encodings (invalid
UTF-8 included), anonymous or signed in. Never a 500, and a refused request writes nothing.

Bounded so that the suite stays quick: a few hundred requests in all. Printing PDFs is
replaced by the report's HTML (the renderer has its own tests): what is fuzzed here is
how the app reads a request.
"""

from __future__ import annotations

from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import encode_multipart

from assessor.pdf import render

from .attacks import World, build_world, log_in_session, make_app, routes

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples on every run: a failure is reproducible
    database=None,
)


@pytest.fixture(scope="module")
def world():
    import tempfile
    from pathlib import Path

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "write_pdf", lambda html, fetcher=None: html.encode())
        with tempfile.TemporaryDirectory() as tmp:
            app = make_app(Path(tmp))
            app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash is a 500, as in production
            yield build_world(app)


def field_names(world: World) -> list[str]:
    bank = world.app.extensions["assessor.domain.bank"]
    first = bank.dimensions[0]
    names = [q.id for q in first.questions]
    names += [f"notes-{first.id}", f"target-{first.id}"]
    names += [
        "bank_name",
        "respondent_role",
        "country",
        "bank_type",
        "size",
        "name",
        "report_language",
    ]
    names += [
        "dimension",
        "nav",
        "email",
        "password",
        "current",
        "new",
        "confirm",
        "firm_name",
        "accent_color",
    ]
    names += ["remove_logo", "logo", "client", "q", "page", "a", "b", "lang", "next", "csrf_token"]
    return names


def to_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # lone surrogates: invalid UTF-8


@st.composite
def requests(draw, world: World, endpoints: set[str] | None = None):
    """A method, a URL of a real route with real or random arguments, a query and a body."""
    rules = [r for r in routes(world.app) if endpoints is None or r.endpoint in endpoints]
    rule = draw(st.sampled_from(sorted(rules, key=lambda r: r.rule)))
    #: Boundary numbers: the database's integer sizes and just past them.
    edges = st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, 10**30])
    values = {
        "token": draw(
            st.sampled_from([world.token, world.other_token, "x" * 43])
            | st.text(min_size=1, max_size=70).filter(lambda t: "/" not in t)
        ),
        "step": draw(st.integers(0, 15) | edges | st.integers(0, 2**70)),
        "client_id": draw(st.just(world.client_id) | edges | st.integers(0, 2**70)),
        "assessment_id": draw(
            st.sampled_from([world.assessment_id, world.second_assessment_id])
            | edges
            | st.integers(0, 2**70)
        ),
    }
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<{name}>", "{}").replace(f"<int:{name}>", "{}")
        path = path.replace("{}", quote_from_bytes(to_bytes(str(values[name])), safe=""), 1)

    keys = st.sampled_from(field_names(world)).map(str.encode) | st.binary(max_size=12)
    payload = (
        st.text(max_size=60).map(to_bytes)
        | st.binary(max_size=60)
        | st.sampled_from([b"0.5", b"na", b"1", b"-1", b"nan", b"inf", b"1e999", b"back"])
        | st.sampled_from([b"review", b"#12355b", b"\xff\xfe\x00", b"x" * 5000, b"2147483648"])
        | st.integers(-(2**70), 2**70).map(lambda n: str(n).encode())
        | st.sampled_from([2**31, 2**63, 2**64, 10**30]).map(lambda n: str(n).encode())
    )
    pairs = draw(st.lists(st.tuples(keys, payload), max_size=6))
    query = "&".join(
        quote_from_bytes(k) + "=" + quote_from_bytes(v)
        for k, v in draw(st.lists(st.tuples(keys, payload), max_size=3))
    )
    kind = draw(st.sampled_from(["form", "multipart", "raw", "json", "none"]))
    if kind == "form":
        body = b"&".join(
            quote_from_bytes(k).encode() + b"=" + quote_from_bytes(v).encode() for k, v in pairs
        )
        content_type = "application/x-www-form-urlencoded"
    elif kind == "multipart":
        fields = {k.decode("latin-1"): v.decode("latin-1") for k, v in pairs}
        boundary, body = encode_multipart(fields, boundary="fuzz-boundary-7f3a")
        content_type = f"multipart/form-data; boundary={boundary}"
    elif kind == "raw":
        body = draw(st.binary(max_size=300))
        content_type = draw(
            st.sampled_from(
                [
                    "multipart/form-data; boundary=x",
                    "multipart/form-data",
                    "application/x-www-form-urlencoded; charset=utf-16",
                    "text/plain",
                ]
            )
        )
    elif kind == "json":
        body = b"{" + draw(st.binary(max_size=100)) + b"}"
        content_type = "application/json"
    else:
        body, content_type = b"", None
    return {
        "method": draw(st.sampled_from(METHODS)),
        "path": path,
        "query_string": query,
        "data": body,
        "content_type": content_type,
        "signed_in": draw(st.booleans()),
    }


def send(world: World, request: dict):
    client = world.app.test_client()
    if request["signed_in"]:
        log_in_session(client, world.user_a)
    response = client.open(
        request["path"],
        method=request["method"],
        query_string=request["query_string"],
        data=request["data"],
        content_type=request["content_type"],
    )
    response.get_data()
    response.close()
    return response


def check(world: World, request: dict) -> None:
    before = world.counts()
    response = send(world, request)
    where = (request["method"], request["path"], request["query_string"][:80])
    assert response.status_code < 500, where
    if response.status_code >= 400:
        assert world.counts() == before, ("a refused request wrote something", where)


def test_fuzz_every_route(world):
    @FUZZ
    @given(request=requests(world))
    def run(request):
        check(world, request)

    run()


def test_fuzz_the_forms_that_write(world):
    """More examples where writes happen: the quiz pages, the start, targets and branding."""
    writing = {
        "quiz.start",
        "quiz.step",
        "workspace.targets",
        "workspace.branding",
        "workspace.new_client",
        "workspace.edit_client",
        "auth.change_password",
    }

    @settings(FUZZ, max_examples=100)
    @given(request=requests(world, writing))
    def run(request):
        request["method"] = "POST"
        check(world, request)

    rules = [r for r in routes(world.app) if r.endpoint in writing]
    assert len(rules) == len(writing)
    run()


@pytest.mark.parametrize(
    "path",
    [
        "/workspace/clients/99999999999999999999999",
        "/workspace/assessments/99999999999999999999999/targets",
        "/workspace/clients/2147483648/compare",
        "/a/T/step/99999999999999999999999",
    ],
)
def test_ids_too_large_for_the_database_are_404(world, path):
    """Found by the fuzzer: these reached SQLite and failed there with a 500."""
    response = send(
        world,
        {
            "method": "GET",
            "path": path.replace("/a/T/", f"/a/{world.token}/"),
            "query_string": "",
            "data": b"",
            "content_type": None,
            "signed_in": True,
        },
    )
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["99999999999999999999999", "²", "-1", "1.5"])
def test_odd_client_ids_in_exports_are_ignored(world, value):
    for url in ("/workspace/export.csv", "/workspace/export.json"):
        response = send(
            world,
            {
                "method": "GET",
                "path": url,
                "query_string": "client=" + quote_from_bytes(value.encode()),
                "data": b"",
                "content_type": None,
                "signed_in": True,
            },
        )
        assert response.status_code == 200
