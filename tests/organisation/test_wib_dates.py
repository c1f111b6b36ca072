"""Dates that depend on "today" use the Surabaya calendar (WIB), not the server's UTC clock."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal.organisation.models import AsnProfile

# 00:30 WIB on 1 January 2031 is still 31 December 2030 in UTC.
NEW_YEAR_0030_WIB = datetime(2030, 12, 31, 17, 30, tzinfo=UTC)
NEW_YEAR_EVE_2330_WIB = datetime(2030, 12, 31, 16, 30, tzinfo=UTC)


def freeze(monkeypatch, module, moment):
    monkeypatch.setattr(f"{module}.utcnow", lambda: moment)


def asn_form(unit, nip):
    return {
        "nip": nip,
        "name": "Budi Santoso",
        "jabatan": "Pranata Komputer",
        "unit_id": str(unit.id),
        "supervisor_nip": "",
        "email": "",
    }


def test_nip_tmt_this_month_is_accepted_at_half_past_midnight_wib(admin_client, make_unit, monkeypatch, db):
    freeze(monkeypatch, "portal.organisation.nip", NEW_YEAR_0030_WIB)
    unit = make_unit()
    response = admin_client.post("/admin/asn/baru", data=asn_form(unit, "19850312 203101 1 004"))
    assert response.status_code == 303, response.get_data(as_text=True)
    assert db.session.scalar(select(AsnProfile.nip)) == "198503122031011004"


def test_nip_tmt_next_month_is_refused_before_midnight_wib(admin_client, make_unit, monkeypatch):
    freeze(monkeypatch, "portal.organisation.nip", NEW_YEAR_EVE_2330_WIB)
    unit = make_unit()
    response = admin_client.post("/admin/asn/baru", data=asn_form(unit, "19850312 203101 1 004"))
    assert response.status_code == 422
    assert "TMT CPNS pada NIP tidak boleh di masa depan." in response.get_data(as_text=True)


@pytest.mark.parametrize("moment,year", [(NEW_YEAR_0030_WIB, "2031"), (NEW_YEAR_EVE_2330_WIB, "2030")])
def test_api_default_ikm_period_is_the_year_in_wib(client, make_unit, monkeypatch, moment, year):
    freeze(monkeypatch, "portal.api.views", moment)
    unit = make_unit(slug="dinkes")
    data = client.get(f"/api/v1/units/{unit.slug}/ikm").get_json()
    assert data["period"] == year
