"""The front desk: accounts, login, CSRF, today's work, reprints and assisted entry."""

from __future__ import annotations

import re
import sqlite3

import httpx
from click.testing import CliRunner
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESK_PASSWORD, DESK_USER, add_desk_user, login_to_desk
from tests.conftest import Server, kiosk_args, wait_for
from ventanilla.cli import cli

COMPLAINT = {
    "kind": "complaint",
    "category": "ruido-excesivo",
    "fields": {
        "description": "Música fuerte de noche",
        "location": "Calle Lanza",
        "time_of_day": "noche",
    },
}


def rows(server, sql, params=()):
    with sqlite3.connect(server.data_dir / "kiosk.db") as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, params)]


def desk_client(server, username=DESK_USER, password=DESK_PASSWORD) -> httpx.Client:
    """An HTTP client logged in at the desk (CSRF token taken from the login form)."""
    client = httpx.Client(base_url=server.url, timeout=10)
    form = client.get("/desk/login").text
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form)[1]
    answer = client.post(
        "/desk/login", data={"_csrf_token": token, "username": username, "password": password}
    )
    assert answer.status_code == 303, answer.text
    return client


def test_user_add_hashes_with_argon2id(tmp_path):
    result = add_desk_user(tmp_path, "juan", "una-clave-larga")
    assert result.output == "Created desk user juan\n"
    [row] = rows_at(tmp_path, "SELECT username, password_hash FROM desk_users")
    assert row["username"] == "juan" and row["password_hash"].startswith("$argon2id$")
    assert "una-clave-larga" not in row["password_hash"]
    again = add_desk_user(tmp_path, "juan", "otra-clave-larga")
    assert again.output == "New password for desk user juan\n"
    short = CliRunner().invoke(
        cli,
        ["kiosk", "user", "add", "--data", str(tmp_path), "ana", "--password-stdin"],
        input="corta\n",
    )
    assert short.exit_code == 1 and "at least 8 characters" in short.output


def test_user_add_prompts_for_the_password_twice(tmp_path):
    result = CliRunner().invoke(
        cli,
        ["kiosk", "user", "add", "--data", str(tmp_path), "rosa"],
        input="clave-de-rosa\nclave-de-rosa\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created desk user rosa" in result.output


def rows_at(data_dir, sql):
    with sqlite3.connect(data_dir / "kiosk.db") as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql)]


def test_the_desk_needs_a_login(page: Page, screen):
    page.goto("/desk")
    assert page.url.endswith("/desk/login")
    page.fill("#username", DESK_USER)
    page.fill("#password", "not-the-password")
    page.click("button[type=submit]")
    expect(page.locator("#login-error")).to_have_text("Usuario o contraseña incorrectos.")
    login_to_desk(page)
    expect(page.locator("h1")).to_have_text("Hoy en esta ventanilla")
    [cookie] = [c for c in page.context.cookies() if c["name"] == "desk-session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.click("header button[type=submit]")  # log out
    page.goto("/desk")
    assert page.url.endswith("/desk/login")


def test_forms_without_a_csrf_token_are_refused(screen):
    with httpx.Client(base_url=screen.url, timeout=10) as client:
        client.get("/desk/login")  # has the CSRF cookie, but sends no token
        login = client.post("/desk/login", data={"username": DESK_USER, "password": DESK_PASSWORD})
        assert login.status_code == 403
        assert client.post("/es/track", data={"code": "TUN"}).status_code == 403
        assert client.post("/reset", data={"handles": ""}).status_code == 403
        # The JSON API and its programs are not affected.
        assert client.post("/api/v1/submissions", json=COMPLAINT).status_code == 201


def test_failed_desk_logins_make_that_name_wait(tmp_path):
    add_desk_user(tmp_path, "rosa", "clave-de-prueba")
    add_desk_user(tmp_path)
    server = Server(kiosk_args(tmp_path), tmp_path).start()
    try:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            token = re.search(
                r'name="_csrf_token" value="([^"]+)"', client.get("/desk/login").text
            )[1]

            def login(password: str) -> httpx.Response:
                return client.post(
                    "/desk/login",
                    data={"_csrf_token": token, "username": "rosa", "password": password},
                )

            assert [login("adivinando").status_code for _ in range(5)] == [401] * 5
            waiting = login("clave-de-prueba")  # the right one, too late
            assert waiting.status_code == 429 and int(waiting.headers["retry-after"]) > 0
            assert "Demasiados intentos" in waiting.text
        desk_client(server)  # another name still logs in (it asserts the 303)
    finally:
        server.stop()


def test_reprint_through_the_api_needs_a_desk_login(screen, printer):
    code = httpx.post(f"{screen.url}/api/v1/submissions", json=COMPLAINT, timeout=10).json()[
        "tracking_code"
    ]
    anonymous = httpx.post(f"{screen.url}/api/v1/submissions/{code}/print", timeout=10)
    assert anonymous.status_code == 401
    client = desk_client(screen)
    answer = client.post(f"/api/v1/submissions/{code}/print")
    client.close()
    assert answer.status_code == 202 and answer.json()["reason"] == "reprint"
    jobs = rows(
        screen,
        "SELECT reason FROM print_jobs JOIN submissions s ON s.id = submission_id "
        "WHERE s.tracking_code = ? ORDER BY print_jobs.id",
        [code],
    )
    assert [j["reason"] for j in jobs] == ["receipt", "reprint"]


def test_today_printer_sync_and_a_reprint_by_click(page: Page, screen, printer):
    code = httpx.post(f"{screen.url}/api/v1/submissions", json=COMPLAINT, timeout=10).json()[
        "tracking_code"
    ]
    login_to_desk(page)
    row = page.locator("tbody tr", has_text=code)
    expect(row).to_contain_text("Ruido excesivo")
    expect(page.locator("section[aria-labelledby=printer]")).to_contain_text("Estado:")
    sync = page.locator("section[aria-labelledby=sync]")
    expect(sync).to_contain_text("Inscrita: no")
    expect(sync).to_contain_text("Pendientes de enviar:")
    row.locator("button[type=submit]").click()
    wait_for(
        lambda: (
            rows(
                screen,
                "SELECT requested_by FROM print_jobs JOIN submissions s ON s.id = submission_id "
                "WHERE s.tracking_code = ? AND reason = 'reprint' AND state = 'printed'",
                [code],
            )
            == [{"requested_by": DESK_USER}]
        ),
        what="the reprint, printed in maria's name",
    )


def test_assisted_entry_of_an_application(page: Page, screen, printer):
    login_to_desk(page)
    page.click('a[href="/desk/apply"]')
    page.click('a[href="/desk/apply/ZOO-RUM"]')
    page.click("main button[type=submit]")
    expect(page.locator("#applicant-name-error")).to_have_text("Este dato es obligatorio.")
    page.fill("#fields-pet_name", "Bobby")
    page.check('input[name="fields.species"][value="perro"]')
    page.check('input[name="fields.sex"][value="macho"]')
    page.check('input[name="fields.vaccinated"][value="no"]')
    page.fill("#fields-address", "Av. Ayacucho 500")
    page.fill("#applicant-name", "Mario Vargas")
    page.fill("#applicant-ci", "12345678")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Solicitud registrada")
    code = page.inner_text("#tracking-code")
    [row] = rows(screen, "SELECT code, lang FROM submissions WHERE tracking_code = ?", [code])
    assert row == {"code": "ZOO-RUM", "lang": "es"}
    expect(page.locator("img.receipt-preview")).to_be_visible()
