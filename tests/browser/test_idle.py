"""The idle reset: a screen left alone goes back to its welcome screen with nothing left."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.conftest import open_page

DESCRIPTION = "Se rompió la cañería frente a la escuela Ñuñoa"


def test_an_abandoned_screen_forgets_everything(browser: Browser, start_kiosk, tmp_path):
    kiosk = start_kiosk(tmp_path / "kiosk", "--idle-seconds", "1.5", "--idle-countdown", "2")
    page, watch = open_page(browser, kiosk)
    page.goto("/qu/complaints/fuga-de-agua/new")
    page.fill("#fields-description", DESCRIPTION)
    page.fill("#fields-location", "Calle Ecuador")
    page.fill("#applicant-name", "Rosa Choque")
    page.click("main button[type=submit]")
    review_url = page.url
    assert "/qu/review/" in review_url

    # A touch during the countdown keeps the screen as it is.
    dialog = page.locator("#idle")
    expect(dialog).to_be_visible(timeout=5_000)
    expect(page.locator("#idle-stay")).to_be_focused()
    page.click("#idle-stay")
    expect(dialog).to_be_hidden()
    assert page.url == review_url

    # Left alone: countdown, then the welcome screen, in Spanish.
    expect(dialog).to_be_visible(timeout=5_000)
    page.wait_for_url(kiosk.url + "/", timeout=10_000)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert DESCRIPTION not in page.content()

    # Nothing kept by the browser but the CSRF cookie, which holds no citizen data.
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert {c["name"] for c in page.context.cookies()} <= {"csrftoken"}
    # The review's entry in the history was replaced; going back finds an empty form.
    page.go_back()
    assert page.url.endswith("/qu/complaints/fuga-de-agua/new")
    expect(page.locator("#fields-description")).to_have_value("")
    assert "Rosa" not in page.content()
    # The server forgot the answers too: the old review address leads nowhere.
    page.goto(review_url)
    assert page.url == kiosk.url + "/qu"
    assert DESCRIPTION not in page.content()
    page.context.close()
    assert watch.outside() == [] and watch.csp_errors == []


def test_the_welcome_screen_does_not_count_down(browser: Browser, start_kiosk, tmp_path):
    kiosk = start_kiosk(tmp_path / "kiosk", "--idle-seconds", "0.5", "--idle-countdown", "1")
    page, _ = open_page(browser, kiosk)
    page.goto("/")
    page.wait_for_timeout(2_000)
    expect(page.locator("#idle")).to_be_hidden()
    assert page.url == kiosk.url + "/"
    page.context.close()


def test_production_timings_are_60_and_20_seconds(page):
    page.goto("/es")
    body = page.locator("body")
    expect(body).to_have_attribute("data-idle-seconds", "60.0")
    expect(body).to_have_attribute("data-countdown-seconds", "20.0")
