"""Two kiosks of one sub-office: a complaint filed at one is suggested at the other,
and a neighbour's "same problem" there reaches central."""

from __future__ import annotations

import re

import httpx

from tests.conftest import FAST_SYNC, enroll, wait_for

POTHOLE = {
    "kind": "complaint",
    "category": "bache",
    "fields": {"description": "Bache hondo frente al colegio", "location": "Av. Villazón km 3"},
}


def test_a_complaint_filed_at_one_kiosk_is_backed_at_another(start_central, start_kiosk, tmp_path):
    central = start_central()
    enroll(tmp_path / "a", central, prefix="TUN")
    enroll(tmp_path / "b", central, prefix="TUB")  # same sub-office, a second box
    first = start_kiosk(tmp_path / "a", *FAST_SYNC)
    second = start_kiosk(tmp_path / "b", *FAST_SYNC, "--prefix", "TUB")
    code = httpx.post(f"{first.url}/api/v1/submissions", json=POTHOLE, timeout=10).json()[
        "tracking_code"
    ]

    with httpx.Client(base_url=second.url, timeout=10) as screen:
        page = wait_for(
            lambda: (
                (p := screen.get("/es/complaints/bache")).status_code == 200
                and code in p.text
                and p
            ),
            what="the other kiosk to suggest the complaint",
        )
        assert "Av. Villazón km 3" in page.text and "Apoyos: 0" in page.text
        token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)[1]
        backed = screen.post(
            "/es/complaints/bache/support",
            data={"_csrf_token": token, "tracking_code": code},
            follow_redirects=True,
        )
        assert backed.status_code == 200

    def supports_at_central() -> int:
        return httpx.get(f"{central.url}/api/v1/track/{code}", timeout=10).json()["supports"]

    wait_for(lambda: supports_at_central() == 1, what="the support to reach central")
    wait_for(
        lambda: "Apoyos: 1" in httpx.get(f"{second.url}/es/complaints/bache").text, what="count"
    )
