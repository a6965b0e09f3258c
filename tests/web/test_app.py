"""Tests of skactive/web/_app.py: the routes over plain HTTP (methods, paths, answers)."""

import json

import pytest

pytest.importorskip("starlette", reason="the web extra (starlette) is absent")
pytest.importorskip("uvicorn", reason="the web extra (uvicorn) is absent")

from web_helpers import call, cookie, post_headers, stored  # noqa: E402


def test_state_changes_are_post_only(server):
    for path in ("/api/answer", "/api/next", "/api/undo"):
        status, _, _ = call(server, "GET", path, headers=cookie(server))
        assert status == 405


@pytest.mark.parametrize(
    "path",
    [
        "/static/../session.py",
        "/static/%2e%2e/_app.py",
        "/static/..%2f..%2fcli%2flabel.py",
        "/static/index.html/../../__init__.py",
        "/static//etc/passwd",
        "/../../../etc/passwd",
        "/static/app.js%00.py",
        "/static/",
        "/api/../static/app.js/..",
    ],
)
def test_no_route_serves_a_file_outside_the_static_folder(server, path):
    status, _, body = call(server, "GET", path, headers=cookie(server))
    assert status == 404
    assert b"import" not in body and b"root:" not in body


def test_answers_are_validated_before_storing(server):
    headers = post_headers(server)
    client = {"client": "validator-01", "annotator": "Val"}
    status, _, body = call(server, "POST", "/api/next", headers=headers, body=client)
    position = json.loads(body)["row"]["position"]
    before = stored(server)
    for value in ["1e308", "-inf", "NaN", "1e39", "<script>", ""]:
        status, _, body = call(
            server,
            "POST",
            "/api/answer",
            headers=headers,
            body={**client, "position": position, "value": value},
        )
        assert status == 422, (value, body)
    for bad in [{"client": "x"}, {"client": "validator-01", "annotator": ""}]:
        status, _, _ = call(
            server,
            "POST",
            "/api/answer",
            headers=headers,
            body={**bad, "position": position, "value": "1000"},
        )
        assert status in (400, 422)
    assert stored(server) == before
