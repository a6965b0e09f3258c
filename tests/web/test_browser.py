"""Labeling in a real headless Chromium, driven with the keyboard only.

The browser is the system's (``apt-get install -y chromium chromium-driver``);
these tests skip, saying so, when it is absent. Set ``SKACTIVE_SCREENSHOT`` to
a path to keep the screenshot the stopping test takes (the user guide's
``docs/user_guide/_static/labeling_in_the_browser.png`` comes from it).
"""

import os
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest

pytest.importorskip("starlette", reason="the web extra (starlette) is absent")
pytest.importorskip("uvicorn", reason="the web extra (uvicorn) is absent")

from web_helpers import HOSTILE, ROOT, write_pool  # noqa: E402

N_OWN = 8  # priced rows at the top of the pool CSV


def wait(driver, condition, timeout=60):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(condition)


def text_of(driver, element_id):
    return driver.find_element("id", element_id).text


def begin(driver, url, name):
    """Open the printed link, type a name once, wait for the first row."""
    from selenium.webdriver.common.keys import Keys

    driver.get(url)
    field = wait(
        driver,
        lambda d: (
            d.find_element("id", "name")
            if d.find_element("id", "name").is_displayed()
            else False
        ),
    )
    field.send_keys(name, Keys.ENTER)
    wait(driver, lambda d: text_of(d, "row-title").startswith("Row "))
    return text_of(driver, "row-title")


def row_number(title):
    return int(re.match(r"Row (\d+) of pool.csv", title).group(1))


def type_in(driver, keys, *, expect):
    """Type into the focused page (the value box has the focus); wait for
    the status line to match ``expect``."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.action_chains import ActionChains

    before = text_of(driver, "status")
    ActionChains(driver).send_keys(*keys).perform()
    try:
        wait(
            driver,
            lambda d: (
                text_of(d, "status") != before
                and re.search(expect, text_of(d, "status"))
            ),
        )
    except TimeoutException:
        raise AssertionError(
            f"status {text_of(driver, 'status')!r} (was {before!r}) never matched "
            f"{expect!r}"
        ) from None
    return text_of(driver, "status")


def answer(driver, value):
    """Type a value and Enter; return the row number the page says it saved."""
    from selenium.webdriver.common.keys import Keys

    status = type_in(driver, [value, Keys.ENTER], expect=r"^Saved: ")
    return row_number(re.search(r"for (Row .*)\.$", status).group(1))


def exported(cwd):
    """Every stored answer, as ``--write-labeled`` gets it out: {CSV row: value}."""
    out = cwd / f"labeled-{len(list(cwd.glob('labeled-*.csv')))}.csv"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "skactive.cli",
            "label",
            "pool.csv",
            "--target",
            "price",
            "--session",
            "s.db",
            "--write-labeled",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert done.returncode == 0, done.stderr
    pool, labeled = pd.read_csv(cwd / "pool.csv"), pd.read_csv(out)
    assert list(labeled.columns) == list(pool.columns)
    new = labeled["price"].notna() & pool["price"].isna()
    return {int(row): float(labeled.loc[row, "price"]) for row in labeled.index[new]}


def test_three_answers_by_keyboard_survive_kill_9(pool_dir, start_server, browser):
    server = start_server(pool_dir)
    driver = browser()
    begin(driver, server.url, "Ada")
    assert "token" not in driver.current_url  # the token moved to a cookie
    given = {}
    for value in ["250000", "312,500", "199000"]:
        given[answer(driver, value)] = float(value.replace(",", ""))
    assert len(given) == 3
    server.kill9()
    assert exported(pool_dir) == given
    # The page notices at its next heartbeat that the server is gone.
    wait(driver, lambda d: "Cannot reach the labeling server" in text_of(d, "notice"))

    # Restarting the server (same port: the browser keeps the name per
    # address) and opening its new link resumes with every answer.
    server = start_server(pool_dir, "--port", str(server.port))
    driver.get(server.url)
    wait(driver, lambda d: text_of(d, "n-labels").startswith(f"{N_OWN + 3} "))
    assert row_number(text_of(driver, "row-title")) not in given
    answer(driver, "280000")
    server.stop()
    assert len(exported(pool_dir)) == 4


def test_a_hostile_cell_is_shown_as_text(tmp_path, start_server, browser):
    write_pool(tmp_path / "pool.csv", hostile=True)
    server = start_server(tmp_path)
    driver = browser()
    begin(driver, server.url, "<b>Eve</b>")
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    # Every column is one key away (the notes column matters least).
    ActionChains(driver).key_down(Keys.ALT).send_keys("a").key_up(Keys.ALT).perform()
    cells = wait(
        driver,
        lambda d: [
            c.text
            for c in d.find_elements("css selector", "#cells td")
            if c.text == HOSTILE
        ],
    )
    assert cells == [HOSTILE]
    assert driver.find_elements("css selector", "#cells img") == []
    assert driver.title != "pwned"
    assert text_of(driver, "who-name") == "<b>Eve</b>"
    assert driver.find_elements("css selector", "#who b") == []


def test_two_browsers_are_shown_different_rows(pool_dir, start_server, browser):
    server = start_server(pool_dir)
    ada, bob = browser(), browser()
    first_ada = begin(ada, server.url, "Ada")
    first_bob = begin(bob, server.url, "Bob")
    assert first_ada != first_bob
    saved = answer(ada, "240000")
    assert saved == row_number(first_ada)
    assert text_of(ada, "row-title") not in {first_ada, first_bob}
    assert text_of(bob, "row-title") == first_bob
    # Reloading keeps Bob's row: his tab still holds it.
    bob.refresh()
    wait(bob, lambda d: text_of(d, "row-title") == first_bob)
    assert answer(bob, "260000") == row_number(first_bob)
    # The server is the only writer: a second process is turned away.
    second = subprocess.run(
        [
            sys.executable,
            "-m",
            "skactive.cli",
            "label",
            "pool.csv",
            "--target",
            "price",
            "--session",
            "s.db",
            "--forget",
            "0",
        ],
        capture_output=True,
        text=True,
        cwd=pool_dir,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert second.returncode != 0 and "in use" in second.stderr
    server.stop()
    assert exported(pool_dir) == {
        row_number(first_ada): 240000.0,
        row_number(first_bob): 260000.0,
    }


def test_undo_brings_back_the_last_answer(pool_dir, start_server, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    server = start_server(pool_dir)
    driver = browser()
    first = begin(driver, server.url, "Ada")
    answer(driver, "100000")
    assert text_of(driver, "row-title") != first
    # Alt+U: back to the row just answered, its answer in the box.
    before = text_of(driver, "status")
    ActionChains(driver).key_down(Keys.ALT).send_keys("u").key_up(Keys.ALT).perform()
    wait(
        driver,
        lambda d: (
            text_of(d, "status") != before
            and text_of(d, "status").startswith("Back to ")
        ),
    )
    assert text_of(driver, "row-title") == first
    box = driver.find_element("name", "value")
    assert box.get_attribute("value") == "100,000"
    assert driver.switch_to.active_element == box  # selected: typing replaces it
    assert answer(driver, "150000") == row_number(first)
    second = text_of(driver, "row-title")
    answer(driver, "210000")
    # "u" then Enter does the same.
    type_in(driver, ["u", Keys.ENTER], expect=r"^Back to ")
    assert text_of(driver, "row-title") == second
    answer(driver, "220000")
    server.stop()
    assert exported(pool_dir) == {
        row_number(first): 150000.0,
        row_number(second): 220000.0,
    }


def test_skip_a_typo_and_a_confirmed_outlier_by_keyboard(
    pool_dir, start_server, browser
):
    from selenium.webdriver.common.keys import Keys

    server = start_server(pool_dir)
    driver = browser()
    first = begin(driver, server.url, "Ada")
    type_in(driver, ["s", Keys.ENTER], expect=r"^Skipped Row ")
    second = text_of(driver, "row-title")
    assert second != first
    wait(driver, lambda d: "1 skipped" in text_of(d, "n-labels"))
    type_in(driver, ["2,50", Keys.ENTER], expect=r"not a number")
    box = driver.find_element("name", "value")
    box.send_keys(Keys.CONTROL, "a")
    type_in(driver, ["25000000000", Keys.ENTER], expect=r"Press Enter again")
    assert text_of(driver, "row-title") == second
    assert answer(driver, Keys.ENTER) == row_number(second)  # confirmed
    server.stop()
    assert exported(pool_dir) == {row_number(second): 25e9}


def true_price(cwd, title):
    """The price the pool's houses follow (what an appraiser would say)."""
    row = pd.read_csv(cwd / "pool.csv").loc[row_number(title)]
    return str(round(row["sqft"] * 2000 + row["rooms"] * 10000))


def test_stopping_advice_appears_once_the_criterion_fires(
    pool_dir, start_server, browser
):
    server = start_server(pool_dir, "--max-labels", str(N_OWN + 4), "--batch", "1")
    driver = browser()
    title = begin(driver, server.url, "Ada")
    for _ in range(3):
        answer(driver, true_price(pool_dir, title))
        title = text_of(driver, "row-title")
        assert not driver.find_element("id", "advice").is_displayed()
    answer(driver, true_price(pool_dir, title))
    wait(driver, lambda d: d.find_element("id", "advice").is_displayed())
    assert text_of(driver, "advice").startswith(
        "You have the number of labels you asked for: you can stop."
    )
    assert len(driver.find_elements("css selector", "#curve svg circle")) >= 4
    path = pool_dir / "labeling_in_the_browser.png"
    driver.save_screenshot(str(path))
    target = os.environ.get("SKACTIVE_SCREENSHOT")
    if target:
        shutil.copyfile(path, target)


def test_the_page_without_the_token_is_refused(pool_dir, start_server, browser):
    server = start_server(pool_dir)
    driver = browser()
    driver.get(server.base + "/")
    assert "needs its access token" in driver.find_element("tag name", "body").text
    driver.get(server.base + "/?token=wrong")
    assert "Wrong access token" in driver.find_element("tag name", "body").text
