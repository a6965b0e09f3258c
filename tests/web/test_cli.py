"""``skactive label --serve`` refusing clearly, before any page is served."""

import socket
import sys

from web_helpers import write_pool

from skactive.cli import main


def test_serve_without_the_web_extra_says_what_to_install(
    tmp_path, monkeypatch, capsys
):
    write_pool(tmp_path / "pool.csv")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if not installed
    status = main(
        ["label", "pool.csv", "--target", "price", "--session", "s.db", "--serve"]
    )
    assert status != 0
    assert "pip install 'skactive[web]'" in capsys.readouterr().err


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
