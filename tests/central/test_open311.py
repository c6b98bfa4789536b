"""Open311 GeoReport v2 with a real HTTP client: services, a posted request, its status."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx
import pytest
from click.testing import CliRunner

from ventanilla.cli import cli


@pytest.fixture
def central(start_central):
    return start_central()


@pytest.fixture
def api_key(central) -> str:
    result = CliRunner().invoke(
        cli,
        [
            "central",
            "api-key",
            "add",
            "--data",
            str(central.data_dir),
            "--name",
            "Sistema de Obras",
        ],
    )
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def open311(central, path: str, **kwargs) -> httpx.Response:
    return httpx.request(
        kwargs.pop("method", "GET"), f"{central.url}/open311/v2/{path}", timeout=10, **kwargs
    )


def test_services_are_the_complaint_categories(central, catalog):
    services = open311(central, "services.json").json()
    assert {s["service_code"] for s in services} == {c.code for c in catalog.complaints}
    light = next(s for s in services if s["service_code"] == "luminaria-apagada")
    assert light["service_name"] == "Luminaria apagada" and light["metadata"] is True
    definition = open311(central, "services/luminaria-apagada.json").json()
    assert [a["code"] for a in definition["attributes"]] == ["pole_number"]
    xml = ET.fromstring(open311(central, "services.xml").content)
    assert xml.tag == "services" and len(xml.findall("service")) == len(services)
    assert open311(central, "discovery.json").json()["endpoints"][0]["formats"] == [
        "application/json",
        "text/xml",
    ]


def test_round_trip_post_get_and_status_change(central, api_key):
    posted = open311(
        central,
        "requests.json",
        method="POST",
        data={
            "api_key": api_key,
            "service_code": "luminaria-apagada",
            "description": "Poste apagado frente a la escuela",
            "address_string": "Calle Tarija y Oquendo",
            "attribute[pole_number]": "P-1234",
            "first_name": "Ana",
            "last_name": "Rojas",
            "email": "ana.rojas@example.bo",
        },
    )
    assert posted.status_code == 201, posted.text
    [created] = posted.json()
    code = created["service_request_id"]
    assert code.startswith("CEN-")

    [request] = open311(central, f"requests/{code}.json").json()
    assert request["status"] == "open" and request["service_code"] == "luminaria-apagada"
    assert request["description"] == "Poste apagado frente a la escuela"
    assert request["address"] == "Calle Tarija y Oquendo"
    assert "Rojas" not in str(request) and "ana.rojas" not in str(request)

    runner = CliRunner()
    data = str(central.data_dir)
    runner.invoke(cli, ["central", "set-status", "--data", data, code, "en_revision"])
    result = runner.invoke(
        cli,
        ["central", "set-status", "--data", data, code, "resuelto", "--note", "Luminaria cambiada"],
    )
    assert result.exit_code == 0, result.output
    [request] = open311(central, f"requests/{code}.json").json()
    assert request["status"] == "closed" and request["status_notes"] == "Luminaria cambiada"
    closed = open311(central, "requests.json", params={"status": "closed"}).json()
    assert [r["service_request_id"] for r in closed] == [code]
    assert open311(central, "requests.json", params={"status": "open"}).json() == []
    xml = ET.fromstring(open311(central, f"requests/{code}.xml").content)
    assert xml.find("request/status").text == "closed"
    # Central's own channel: its receipt token verifies on the public tracking page too.
    assert httpx.get(f"{central.url}/api/v1/track/{code}").json()["status"] == "resuelto"


@pytest.mark.parametrize(
    ("path", "method", "data", "status", "text"),
    [
        ("requests.json", "POST", {"api_key": "wrong", "service_code": "bache"}, 403, "api_key"),
        ("requests.json", "POST", {"service_code": "bache"}, 403, "api_key"),
        ("requests/CEN-0000-0000-0.json", "GET", None, 404, "no request"),
        ("services/nada.json", "GET", None, 404, "no service"),
        ("services.yaml", "GET", None, 404, ".json or .xml"),
        ("requests.json?start_date=ayer", "GET", None, 400, "start_date"),
    ],
)
def test_errors_are_a_list_of_code_and_description(central, path, method, data, status, text):
    response = open311(central, path, method=method, data=data)
    assert response.status_code == status
    [error] = response.json()
    assert error["code"] == status and text in error["description"]


def test_an_invalid_posted_request_is_400_and_stores_nothing(central, api_key):
    response = open311(
        central,
        "requests.json",
        method="POST",
        data={"api_key": api_key, "service_code": "bache", "description": ""},
    )
    assert response.status_code == 400
    assert "description" in response.json()[0]["description"]
    assert open311(central, "requests.json").json() == []
