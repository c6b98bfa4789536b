"""axe-core (vendored, tests/browser/vendor/) finds no serious or critical WCAG 2.2 AA
violation on any screen, in portrait and landscape."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import (
    LANDSCAPE,
    PORTRAIT,
    login_to_desk,
    open_page,
    serious_violations,
)


@pytest.fixture(params=[PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def audited(request, browser: Browser, screen):
    # The CSP is bypassed only to let the audit script in; the pages are unchanged.
    page, _ = open_page(browser, screen, viewport=request.param, bypass_csp=True)
    found: list[str] = []
    yield page, found
    page.context.close()
    assert found == []


def test_citizen_screens(audited, screen):
    page, found = audited

    def check():
        found.extend(serious_violations(page))

    httpx.post(
        f"{screen.url}/api/v1/submissions",
        json={
            "kind": "complaint",
            "category": "calle-sucia",
            "fields": {"description": "Calle sucia", "location": "Av. Petrolera"},
        },
        timeout=10,
    )
    for path in ["/", "/es", "/qu", "/en/procedures", "/es/procedures/ZOO-RUM", "/qu/complaints"]:
        page.goto(path)
        check()
    page.goto("/es/procedures")
    page.fill("#q", "mascotas")
    page.press("#q", "Enter")
    check()
    page.goto("/es/procedures/ZOO-RUM/apply")
    check()
    page.click("main button[type=submit]")  # every message showing
    check()
    page.click("#fields-pet_name")  # the on-screen keyboard open
    expect(page.locator("#osk")).to_be_visible()
    check()
    page.evaluate("document.getElementById('idle').hidden = false")  # the countdown
    check()
    page.goto("/es/complaints/calle-sucia")  # is it the same problem?
    check()
    page.click("li.card button[type=submit]")
    check()
    page.goto("/en/complaints/calle-sucia/new")
    page.fill("#fields-description", "Rubbish everywhere")
    page.fill("#fields-location", "Av. Petrolera km 2")
    page.click("main button[type=submit]")
    check()  # review
    page.click("main form button[type=submit]")
    check()  # receipt
    code = page.inner_text("#tracking-code")
    page.goto("/qu/track")
    page.fill("#code", "nada")
    page.click("main button[type=submit]")
    check()
    page.fill("#code", code)
    page.click("main button[type=submit]")
    check()
    page.goto("/es/procedures/NOPE")
    check()


def test_desk_screens(audited):
    page, found = audited
    page.goto("/desk/login")
    found.extend(serious_violations(page))
    page.fill("#username", "nobody")
    page.fill("#password", "wrong-password")
    page.click("button[type=submit]")
    found.extend(serious_violations(page))
    login_to_desk(page)
    for path in ["/desk", "/desk/apply", "/desk/apply/ZOO-RUM"]:
        page.goto(path)
        found.extend(serious_violations(page))
    page.click("main button[type=submit]")
    found.extend(serious_violations(page))


def test_the_audit_sees_a_real_violation(browser: Browser, screen):
    """The harness itself: a page with an unlabelled image and field does fail."""
    page, _ = open_page(browser, screen, bypass_csp=True)
    page.goto("/es")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', "
        "'<img src=\"/static/none.png\"><input type=text>')"
    )
    found = serious_violations(page)
    page.context.close()
    assert any("image-alt" in v for v in found) and any("label" in v for v in found)
