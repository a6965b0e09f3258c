"""Fixtures of the web tests: a pool, real servers, real headless browsers."""

import os
import shutil
import tempfile

import pytest
from web_helpers import CHROMEDRIVER, CHROMIUM, Server, write_pool


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
