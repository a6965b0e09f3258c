"""Tests of skactive/web/_cli.py: `label --serve` refusing clearly, before serving."""

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
