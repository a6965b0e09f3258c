"""Fixtures of the web tests: a pool, real servers, real headless browsers."""

import os
import shutil
import tempfile

import pytest
from sklearn.datasets import make_friedman1
from sklearn.ensemble import RandomForestRegressor
from web_helpers import CHROMEDRIVER, CHROMIUM, Server, write_pool

from skactive import ActiveLearningRegressor, LabelingSession
from skactive.web._labeler import Labeler


@pytest.fixture
def pool_dir(tmp_path):
    write_pool(tmp_path / "pool.csv")
    return tmp_path


@pytest.fixture
def start_server():
    servers = []

    def start(cwd, *extra, **kwargs):
        server = Server(cwd, *extra, **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def _browser_missing():
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.path.exists(path):
            return (
                f"{path} is absent: install the system browser "
                "(apt-get install -y chromium chromium-driver)"
            )
    return None


@pytest.fixture
def browser():
    """``browser()`` opens a fresh headless Chromium (its own profile)."""
    missing = _browser_missing()
    if missing:
        pytest.skip(missing)
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is absent")
    from selenium.webdriver.chrome.service import Service

    drivers, profiles = [], []

    def open_browser():
        profile = tempfile.mkdtemp(prefix="skactive-chromium-")
        profiles.append(profile)
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in (
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,860",
            f"--user-data-dir={profile}",
        ):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        driver.set_page_load_timeout(60)
        drivers.append(driver)
        return driver

    yield open_browser
    for driver in drivers:
        driver.quit()
    for profile in profiles:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def make_labeler(tmp_path):
    X, y = make_friedman1(n_samples=80, random_state=0)
    y = y * 1000
    sessions = []

    def make(stopping=None, batch=5, **kwargs):
        learner = ActiveLearningRegressor(
            RandomForestRegressor(n_estimators=10, oob_score=True, random_state=0),
            random_state=0,
        ).fit(X[:10], y[:10])
        session = LabelingSession(
            learner, X[10:], tmp_path / f"s{len(sessions)}.db", stopping=stopping
        )
        sessions.append(session)
        return Labeler(session, target="price", y_own=y[:10], batch=batch, **kwargs)

    yield make
    for session in sessions:
        session.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One labeling server per test module, on a pool of 60 houses."""
    cwd = tmp_path_factory.mktemp("security")
    write_pool(cwd / "pool.csv")
    server = Server(cwd)
    server.cwd = cwd
    yield server
    server.stop()
