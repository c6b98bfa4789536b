"""The central staff site in a real browser: a reviewer's day with one complaint,
escaping of what citizens write, axe-core on every kind of page, and nothing
fetched from anywhere but central itself."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import httpx
import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page, expect

from content.schema import Catalog
from tests.browser.conftest import LANDSCAPE, Watch, open_page, serious_violations
from tests.conftest import Server, add_staff
from ventanilla.cli import cli

PASSWORD = "clave-de-la-central"
REVIEWER, SUPERVISOR, ADMIN = "rosa", "sara", "ada"
XSS = '<img src=x onerror="window.__xss=1">'
LIGHT = "Poste apagado en la plazuela Colón"
PHONE = {"width": 390, "height": 844}


def invoke(*args: str, input: str | None = None) -> str:
    result = CliRunner().invoke(cli, ["central", *args], input=input)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One central for the module, with a reviewer of ALUMBRADO, a supervisor and an admin."""
    data_dir = tmp_path_factory.mktemp("central")
    invoke("init", "--data", str(data_dir))
    add_staff(data_dir, REVIEWER, "reviewer", "ALUMBRADO", password=PASSWORD)
    add_staff(data_dir, SUPERVISOR, "supervisor", password=PASSWORD)
    add_staff(data_dir, ADMIN, "admin", password=PASSWORD)
    server = Server(["central", "serve", "--data", str(data_dir)], data_dir).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def cases(central: Server) -> dict[str, str]:
    """Three complaints posted through Open311: two for ALUMBRADO, one for EMSA."""
    key = invoke("api-key", "add", "--data", str(central.data_dir), "--name", "Pruebas")
    key = key.strip().splitlines()[-1]

    def post(service_code: str, description: str, first_name: str = "Ana") -> str:
        answer = httpx.post(
            f"{central.url}/open311/v2/requests.json",
            data={
                "api_key": key,
                "service_code": service_code,
                "description": description,
                "address_string": "Calle Tarija y Oquendo",
                "first_name": first_name,
                "last_name": "Rojas",
                "email": "ana.rojas@example.bo",
            },
            timeout=10,
        )
        assert answer.status_code == 201, answer.text
        return answer.json()[0]["service_request_id"]

    return {
        "light": post("luminaria-apagada", LIGHT),
        "xss": post("luminaria-apagada", f"Foco roto {XSS}", first_name=XSS),
        "rubbish": post("basura-no-recogida", "Basura acumulada hace una semana"),
    }


@pytest.fixture
def new_page(browser: Browser, central: Server) -> Iterator[Callable[..., Page]]:
    """Fresh contexts on central; after the test, none may have asked another origin
    for anything, and the Content-Security-Policy may have refused nothing."""
    opened: list[tuple[Page, Watch]] = []

    def new(viewport=LANDSCAPE, **options) -> Page:
        page, watch = open_page(browser, central, viewport=viewport, **options)
        opened.append((page, watch))
        return page

    yield new
    for page, _ in opened:
        page.context.close()
    assert [url for _, watch in opened for url in watch.outside()] == [], "requests elsewhere"
    assert [error for _, watch in opened for error in watch.csp_errors] == []


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/staff/login")
    page.get_by_label("Usuario").press_sequentially(username)
    page.get_by_label("Contraseña").press_sequentially(password)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(re.compile(r"/staff/(admin/users)?$"))


def listed_codes(page: Page) -> list[str]:
    return page.locator("table.inbox a.code").all_inner_texts()


def unit_name(catalog: Catalog, code: str) -> str:
    return catalog.unit(code).name.get("es")


def test_a_reviewer_handles_a_complaint_the_citizen_follows(new_page, central, cases, catalog):
    page = new_page()
    page.goto("/staff/")
    assert page.url.endswith("/staff/login")
    log_in(page, REVIEWER)
    expect(page.locator("h1")).to_have_text("Bandeja")
    expect(page.locator("header .logout")).to_contain_text(f"{REVIEWER} (Revisor)")

    # Only ALUMBRADO's complaints, and only ALUMBRADO to filter by.
    assert sorted(listed_codes(page)) == sorted([cases["light"], cases["xss"]])
    units = page.get_by_label("Unidad").locator("option").all_inner_texts()
    assert units == ["Todas", unit_name(catalog, "ALUMBRADO")]
    page.goto(f"/staff/cases/{cases['rubbish']}")
    expect(page.locator("main")).to_contain_text("Este trámite está asignado a otra unidad.")
    page.go_back()

    # "colon" finds "Colón".
    page.get_by_label("Buscar").fill("colon")
    page.get_by_role("button", name="Filtrar").click()
    expect(page.locator("table.inbox tbody tr")).to_have_count(1)
    assert listed_codes(page) == [cases["light"]]
    assert "q=colon" in page.url

    page.get_by_role("link", name=cases["light"]).click()
    expect(page.locator("h1")).to_contain_text(cases["light"])
    expect(page.locator("dl.fields").first).to_contain_text(LIGHT)
    expect(page.locator("main")).not_to_contain_text("ana.rojas@example.bo")

    page.get_by_role("link", name="Ver datos personales").click()
    assert page.url.endswith(f"/staff/cases/{cases['light']}/personal")
    expect(page.locator("p.notice")).to_have_text("Esta consulta quedó registrada.")
    expect(page.locator("main")).to_contain_text("Ana Rojas")
    expect(page.locator("main")).to_contain_text("ana.rojas@example.bo")

    note = "Un técnico revisará el poste esta semana."
    page.get_by_label("Nuevo estado").select_option("en_revision")
    page.get_by_label("Nota pública (la ve el ciudadano)").fill(note)
    page.get_by_label("Nota interna (opcional)").fill("Cuadrilla 3")
    page.get_by_role("button", name="Cambiar estado").click()
    page.wait_for_url(f"**/staff/cases/{cases['light']}")
    expect(page.locator(".facts .status-en_revision")).to_have_text("En revisión")
    history = page.locator("ol.history")
    expect(history).to_contain_text(note)
    expect(history).to_contain_text("Cuadrilla 3")

    # The citizen, with no session at all.
    public = new_page()
    public.goto(f"/t/{cases['light']}")
    expect(public.locator("p.status")).to_contain_text("En revisión")
    expect(public.locator("ol.history")).to_contain_text(note)
    opened = public.locator("ul.opened li")
    expect(opened).to_have_count(1)
    expect(opened).to_contain_text(f"Revisor, {unit_name(catalog, 'ALUMBRADO')}")
    body = public.locator("body").inner_text()
    assert re.search(rf"\b{REVIEWER}\b", body, re.IGNORECASE) is None
    assert "Cuadrilla 3" not in body and "ana.rojas" not in body
    assert public.context.cookies() == []


def test_what_citizens_write_is_shown_as_text(new_page, central, cases):
    # The policy (script-src 'none') would stop an injected handler anyway; it is
    # bypassed here so that only the escaping stands between the payload and the page.
    page = new_page(bypass_csp=True)
    log_in(page, REVIEWER)
    page.get_by_label("Buscar").fill(XSS)
    page.get_by_role("button", name="Filtrar").click()
    expect(page.get_by_label("Buscar")).to_have_value(XSS)
    page.get_by_label("Buscar").fill("foco roto")
    page.get_by_role("button", name="Filtrar").click()
    assert listed_codes(page) == [cases["xss"]]
    page.get_by_role("link", name=cases["xss"]).click()
    expect(page.locator("dl.fields").first).to_contain_text(f"Foco roto {XSS}")
    page.get_by_role("link", name="Ver datos personales").click()
    expect(page.locator("main")).to_contain_text(f"{XSS} Rojas")
    page.get_by_label("Nuevo estado").select_option("en_revision")
    page.get_by_label("Nota pública (la ve el ciudadano)").fill(f"Nota {XSS}")
    page.get_by_role("button", name="Cambiar estado").click()
    expect(page.locator("ol.history")).to_contain_text(f"Nota {XSS}")

    public = new_page(bypass_csp=True)
    public.goto(f"/t/{cases['xss']}")
    expect(public.locator("ol.history")).to_contain_text(f"Nota {XSS}")

    for shown in (page, public):
        assert shown.locator("img").count() == 0
        assert shown.evaluate("typeof window.__xss") == "undefined"
    answer = httpx.get(f"{central.url}/staff/login", timeout=10)
    assert "script-src 'none'" in answer.headers["content-security-policy"]


# Each kind of page, reached as a user would; the audit runs on the page it ends on.
def on_login(page: Page, cases: dict[str, str]) -> None:
    page.goto("/staff/login")
    page.get_by_label("Usuario").fill(REVIEWER)
    page.get_by_label("Contraseña").fill("not-the-password")
    page.get_by_role("button", name="Entrar").click()  # with its error showing
    expect(page.get_by_role("alert")).to_have_text("Usuario o contraseña incorrectos.")


def on_inbox(page: Page, cases: dict[str, str]) -> None:
    log_in(page, SUPERVISOR)


def on_case(page: Page, cases: dict[str, str]) -> None:
    log_in(page, SUPERVISOR)
    page.goto(f"/staff/cases/{cases['rubbish']}/personal")  # every form showing


def on_users(page: Page, cases: dict[str, str]) -> None:
    log_in(page, ADMIN)
    page.goto("/staff/admin/users")


def on_content_edit(page: Page, cases: dict[str, str]) -> None:
    log_in(page, ADMIN)
    page.goto("/staff/admin/content")
    page.locator("main table a").first.click()
    expect(page.locator("h1")).to_contain_text("Editar")


def on_content_preview(page: Page, cases: dict[str, str]) -> None:
    on_content_edit(page, cases)
    page.get_by_role("button", name="Vista previa").click()
    expect(page.get_by_role("button", name="Publicar para todas las ventanillas")).to_be_visible()


def on_tracking(page: Page, cases: dict[str, str]) -> None:
    page.goto(f"/t/{cases['light']}")


@pytest.mark.parametrize(
    "reach",
    [on_login, on_inbox, on_case, on_users, on_content_edit, on_content_preview, on_tracking],
    ids=lambda reach: reach.__name__.removeprefix("on_"),
)
def test_no_serious_accessibility_violations(new_page, cases, reach):
    # The CSP is bypassed only to let the audit script in; the pages are unchanged.
    # Citizens open their tracking page on a phone; staff work at a desk.
    page = new_page(bypass_csp=True, viewport=PHONE if reach is on_tracking else LANDSCAPE)
    reach(page, cases)
    assert serious_violations(page) == []


def test_the_staff_site_asks_nothing_of_other_origins(new_page, central, cases):
    """Every page, for every role, in every language: only central's own origin."""
    seen: list[str] = []
    visits = {
        SUPERVISOR: ["/staff/", f"/staff/cases/{cases['light']}/personal"],
        ADMIN: [
            "/staff/admin/users",
            "/staff/admin/webhooks",
            "/staff/admin/content",
            "/staff/admin/content/ZOO-RUM",
        ],
    }
    for username, paths in visits.items():
        page = new_page()
        page.on("response", lambda response: seen.append(response.url))
        log_in(page, username)
        for path in paths:
            for lang in ("es", "qu", "en"):
                answer = page.goto(f"{path}?lang={lang}")
                assert answer.status == 200, path
                assert answer.headers["content-security-policy"].startswith("default-src 'self'")
    assert f"{central.url}/static/staff.css" in seen
    assert [url for url in seen if not url.startswith(central.url + "/")] == []
    # new_page's own check, after the test, covers requests that got no answer.
