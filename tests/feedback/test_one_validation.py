"""One validation per input (issue 13 point 8): the web form and the JSON API give the same answer.

The API fills the web's FeedbackSubmitForm from its JSON, so a bad value is refused by both with the
same Indonesian message; the API adds only the JSON's shape and names the field in `field`.
"""

from html import escape

import pytest
from sqlalchemy import func, select

from portal.feedback.models import Feedback
from tests.feedback.conftest import SURVEY

NIK = "3578011285000001"

# (what is wrong, web form fields, JSON fields, the API's `field`)
BAD = {
    "email without a domain": ({"contact_email": "budi@"}, {"contact": {"name": "Budi", "email": "budi@"}}, "contact.email"),
    "email with a space": ({"contact_email": "a b@c.id"}, {"contact": {"name": "Budi", "email": "a b@c.id"}}, "contact.email"),
    "email without @": ({"contact_email": "budi.contoh.id"}, {"contact": {"email": "budi.contoh.id"}}, "contact.email"),
    "title too short": ({"title": "Abc"}, {"title": "Abc"}, "title"),
    "title too long": ({"title": "x" * 201}, {"title": "x" * 201}, "title"),
    "body too short": ({"body": "Pendek"}, {"body": "Pendek"}, "body"),
    "empty title": ({"title": ""}, {"title": ""}, "title"),
    "NIK in a public body": ({"body": f"NIK saya {NIK}, mohon dicek."}, {"body": f"NIK saya {NIK}, mohon dicek."}, "body"),
    "phone in a public title": ({"title": "Hubungi 081234567890"}, {"title": "Hubungi 081234567890"}, "title"),
    "SKM score 5": ({**SURVEY, "u3": "5"}, {"skm": {**SURVEY, "u3": 5}}, "skm"),
    "SKM score 0": ({**SURVEY, "u9": "0"}, {"skm": {**SURVEY, "u9": 0}}, "skm"),
    "unknown type": ({"type": "pujian"}, {"type": "pujian"}, "type"),
    "contact name too long": ({"contact_name": "N" * 121}, {"contact": {"name": "N" * 121}}, "contact.name"),
}


def web_data(world, **overrides):
    data = {"unit": str(world.unit.id), "service": "", "type": "keluhan", "title": "Antrean Puskesmas Ketabang",
            "body": "Saya menunggu empat jam untuk berobat.", "is_public": "y",
            "contact_name": "Budi", "contact_email": "budi@contoh.id"}
    data.update(overrides)
    return data


def json_data(**overrides):
    data = {"unit": "dinkes", "type": "keluhan", "title": "Antrean Puskesmas Ketabang",
            "body": "Saya menunggu empat jam untuk berobat.", "public": True,
            "contact": {"name": "Budi", "email": "budi@contoh.id"}}
    data.update(overrides)
    return data


def test_the_good_values_are_accepted_by_both(client, world, db):
    assert client.post("/masukan/kirim", data=web_data(world)).status_code == 303
    assert client.post("/api/v1/feedback", json=json_data()).status_code == 201
    assert db.session.scalar(select(func.count(Feedback.id))) == 2


@pytest.mark.parametrize("case", list(BAD))
def test_web_form_and_api_refuse_the_same_bad_value_with_the_same_message(client, world, db, case):
    web, api, field = BAD[case]
    refused = client.post("/api/v1/feedback", json=json_data(**api))
    assert refused.status_code == 422
    error = refused.get_json()
    assert error["field"] == field and set(error) == {"error", "message", "field"}
    page = client.post("/masukan/kirim", data=web_data(world, **web))
    assert page.status_code == 422
    # The same Indonesian sentence, beside the field on the web page.
    assert escape(error["message"], quote=False) in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Feedback.id))) == 0


def test_personal_data_is_allowed_in_private_reports_by_both(client, world, db):
    body = f"NIK saya {NIK}, mohon dicek datanya."
    assert client.post("/masukan/kirim", data=web_data(world, body=body, is_public="")).status_code == 303
    assert client.post("/api/v1/feedback", json=json_data(body=body, public=False)).status_code == 201
