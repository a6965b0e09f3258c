"""Tests of skactive/web/_serve.py: binding the server and serving from Python."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import types

import pytest

pytest.importorskip("starlette", reason="the web extra (starlette) is absent")
pytest.importorskip("uvicorn", reason="the web extra (uvicorn) is absent")

from web_helpers import (  # noqa: E402
    ROOT,
    Server,
    call,
    cookie,
    post_headers,
    write_pool,
)

from skactive.cli import main  # noqa: E402
from skactive.web._serve import _bind, _is_loopback  # noqa: E402


def test_another_host_than_loopback_warns(tmp_path):
    write_pool(tmp_path / "pool.csv")
    server = Server(tmp_path, "--host", "0.0.0.0")
    try:
        time.sleep(0.5)
        assert "warning: serving on 0.0.0.0" in "".join(server.stderr)
        status, _, _ = call(server, "GET", "/api/state")
        assert status == 401
    finally:
        server.stop()


def test_serve_from_python(tmp_path):
    """skactive.serve(session) prints the link and guards it the same way."""
    script = tmp_path / "serve.py"
    script.write_text(
        "from sklearn.datasets import make_friedman1\n"
        "from skactive import ActiveLearningRegressor, LabelingSession, serve\n"
        "X, y = make_friedman1(n_samples=40, random_state=0)\n"
        "learner = ActiveLearningRegressor(random_state=0).fit(X[:10], y[:10])\n"
        "with LabelingSession(learner, X[10:], 's.db') as session:\n"
        "    serve(session, target='y')\n"
    )
    process = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    try:
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=([\w-]+)", line)
        assert match, line + process.stderr.read()
        server = types.SimpleNamespace(
            port=int(match.group(1)),
            token=match.group(2),
            base=f"http://127.0.0.1:{match.group(1)}",
        )
        assert call(server, "GET", "/")[0] == 401
        status, _, body = call(server, "GET", "/api/state", headers=cookie(server))
        assert status == 200 and json.loads(body)["target"] == "y"
        status, _, body = call(
            server,
            "POST",
            "/api/next",
            headers=post_headers(server),
            body={"client": "python-0001"},
        )
        assert status == 200 and json.loads(body)["row"]["columns"][0][
            "name"
        ].startswith("x")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def test_a_port_in_use_is_refused_with_a_clear_message(tmp_path, monkeypatch, capsys):
    write_pool(tmp_path / "pool.csv")
    monkeypatch.chdir(tmp_path)
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        port = taken.getsockname()[1]
        status = main(
            [
                "label",
                "pool.csv",
                "--target",
                "price",
                "--session",
                "s.db",
                "--serve",
                "--port",
                str(port),
            ]
        )
    finally:
        taken.close()
    assert status != 0
    err = capsys.readouterr().err
    assert f"Cannot serve on 127.0.0.1:{port}" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "host, loopback",
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("192.168.1.10", False),
        ("example.org", False),
    ],
)
def test_only_loopback_addresses_count_as_loopback(host, loopback):
    assert _is_loopback(host) is loopback


def test_bind_listens_and_refuses_a_taken_port_clearly():
    sock = _bind("127.0.0.1", 0)
    try:
        port = sock.getsockname()[1]
        assert port > 0 and sock.get_inheritable()
        with pytest.raises(ValueError, match=rf"Cannot serve on 127.0.0.1:{port}"):
            _bind("127.0.0.1", port)
    finally:
        sock.close()
