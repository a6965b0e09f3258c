"""Helpers of the web tests: a pool CSV, a real labeling server in a child
process, and plain HTTP calls to it."""

import http.client
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"


def write_pool(path, n=60, hostile=False):
    """Houses: numbers, a category; 8 priced, the rest to label."""
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(
        {
            "sqft": rng.uniform(50, 200, n).round(1),
            "rooms": rng.randint(1, 6, n),
            "district": rng.choice(["north", "south", "east"], n),
            "year_built": rng.randint(1900, 2020, n),
            "lot_size": rng.uniform(100, 5000, n).round(0),
            "garage": rng.choice(["yes", "no"], n),
            "notes": ["plain"] * n,
            "distance_km": rng.uniform(0.5, 40, n).round(2),
        }
    )
    frame["price"] = (frame["sqft"] * 2000 + frame["rooms"] * 10000).round(0)
    if hostile:
        frame["notes"] = HOSTILE
    frame.loc[8:, "price"] = np.nan
    frame.to_csv(path, index=False)
    return path


class Server:
    """``skactive label POOL --serve`` in a child process."""

    def __init__(self, cwd, *extra, pool="pool.csv", session="s.db"):
        env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "skactive.cli",
                "label",
                pool,
                "--target",
                "price",
                "--session",
                session,
                "--serve",
                *extra,
            ],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stderr = []
        threading.Thread(target=self._drain, daemon=True).start()
        line = self._read_url(timeout=90)
        match = re.search(r"(http://[^/\s]+)/\?token=([A-Za-z0-9_-]+)", line)
        assert match, line
        self.base, self.token = match.group(1), match.group(2)
        self.url = f"{self.base}/?token={self.token}"
        self.port = int(self.base.rsplit(":", 1)[1])

    def _drain(self):
        for line in self.process.stderr:
            self.stderr.append(line)

    def _read_url(self, timeout):
        deadline = time.monotonic() + timeout
        result = []

        def read():
            result.append(self.process.stdout.readline())

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(max(deadline - time.monotonic(), 0))
        if not result or not result[0]:
            self.process.kill()
            raise AssertionError(f"no URL printed; stderr: {''.join(self.stderr)}")
        return result[0]

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def answer_some(labeler, n, client="client-aaaa"):
    rng = np.random.RandomState(0)
    payload = labeler.next(client)
    for _ in range(n):
        position = payload["row"]["position"]
        payload = labeler.answer(client, "Al", position, str(rng.uniform(5000, 20000)))
    return payload


def call(server, method, path, *, headers=None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        headers = dict(headers or {})
        headers.setdefault("Host", f"127.0.0.1:{server.port}")
        data = None if body is None else json.dumps(body).encode()
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def cookie(server):
    return {"Cookie": f"skactive_token_{server.port}={server.token}"}


def csrf(server):
    status, _, body = call(server, "GET", "/api/state", headers=cookie(server))
    assert status == 200
    return json.loads(body)["csrf"]


def post_headers(server, **extra):
    return {
        **cookie(server),
        "Content-Type": "application/json",
        "X-CSRF-Token": csrf(server),
        "Origin": server.base,
        **extra,
    }


def stored(server):
    connection = sqlite3.connect(f"file:{server.cwd / 's.db'}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    finally:
        connection.close()
