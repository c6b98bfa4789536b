"""A citizen who uses no pointer at all: Tab, typing and Enter through a complaint."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import text_of


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def follow(page: Page) -> None:
    """Enter on a link or in a form, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_complaint_by_keyboard_alone(page: Page):
    page.goto("/")
    tab_to(page, 'a[href="/en"]')
    follow(page)
    tab_to(page, 'a[href="/en/complaints"]')
    follow(page)
    tab_to(page, 'a[href="/en/complaints/arbol-peligroso"]')
    follow(page)
    if not page.url.endswith("/new"):
        tab_to(page, 'a[href="/en/complaints/arbol-peligroso/new"]')
        follow(page)
    tab_to(page, "#fields-description")
    page.keyboard.type("A eucalyptus leaning over the school's yard")
    tab_to(page, "#fields-location")
    follow(page)  # submitted with the location missing
    expect(page.locator("#fields-location-error")).to_have_text("This is required.")
    expect(page.locator("#fields-location")).to_be_focused()  # the first field to fix
    page.keyboard.type("Parque Lincoln, Av. Oquendo")
    follow(page)
    expect(page.locator("h1")).to_have_text("Check before sending")
    tab_to(page, "main form button[type=submit]")
    follow(page)
    expect(page.locator("#tracking-code")).to_be_visible()
    assert text_of(page, "#tracking-code").startswith("TUN-")
    tab_to(page, "main form button[type=submit]")  # Finish
    follow(page)
    assert page.url.endswith("/")
