"""Assigning threads, and the "Perlu ditanggapi" list of each ASN."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum import services
from portal.audit import AuditEntry
from portal.db import utcnow
from portal.responses.models import Assignment


def open_assignments(db):
    return db.session.scalars(
        select(Assignment).where(Assignment.ended_at.is_(None), Assignment.answered_at.is_(None))).all()


@pytest.mark.parametrize("assigner", ["atasan", "moderator"])
def test_atasan_or_moderator_assigns_to_a_named_asn(client, login, db, thread, officer, request, assigner):
    actor = request.getfixturevalue(assigner)
    actor = actor.user if assigner == "atasan" else actor
    login(actor)
    form = client.get(f"/forum/t/{thread.id}/tugaskan").get_data(as_text=True)
    assert "Seluruh Dinas Kesehatan" in form and "Rina Wulandari — Analis Pelayanan Kesehatan" in form
    response = client.post(f"/forum/t/{thread.id}/tugaskan", data={"target": str(officer.id)})
    assert response.status_code == 303
    rows = open_assignments(db)
    assert [(row.asn_id, row.assigned_by_id) for row in rows] == [(officer.id, actor.id)]
    db.session.refresh(thread)
    assert thread.deadline_at == rows[0].deadline_at
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "forum.thread.assign"))
    assert entry.before["asn_id"] is None and entry.after["asn_id"] == officer.id


def test_assign_back_to_the_whole_unit(client, login, db, thread, officer, atasan):
    login(atasan.user)
    client.post(f"/forum/t/{thread.id}/tugaskan", data={"target": str(officer.id)})
    client.post(f"/forum/t/{thread.id}/tugaskan", data={"target": "unit"})
    rows = open_assignments(db)
    assert [(row.unit_id, row.asn_id) for row in rows] == [(officer.unit_id, None)]


def test_asn_who_is_not_an_atasan_or_of_another_unit_cannot_assign(client, login, db, thread, officer, outsider,
                                                                    make_asn, other_unit):
    other_atasan = make_asn(unit=other_unit, name="Atasan Lain")
    outsider.supervisor = other_atasan
    db.session.commit()
    for person in (officer.user, other_atasan.user):
        login(person)
        assert client.post(f"/forum/t/{thread.id}/tugaskan", data={"target": str(officer.id)}).status_code == 403
    with pytest.raises(services.NotAllowed):
        services.assign_thread(other_atasan.user, thread, asn=officer)
    db.session.rollback()
    assert [row.asn_id for row in open_assignments(db)] == [None]


def test_a_thread_cannot_go_to_an_asn_of_another_unit(client, login, db, thread, officer, atasan, outsider):
    login(atasan.user)
    response = client.post(f"/forum/t/{thread.id}/tugaskan", data={"target": str(outsider.id)})
    assert response.status_code == 422
    assert "Pilihan tidak valid." in response.get_data(as_text=True)
    with pytest.raises(services.InvalidInput, match="bukan ASN Dinas Kesehatan"):
        services.assign_thread(atasan.user, thread, asn=outsider)


def test_needs_response_lists_own_and_unit_items_oldest_first_with_waiting_time(
        client, login, db, make_thread, officer, atasan, make_asn, unit, other_category, resident):
    colleague = make_asn(unit=unit, supervisor=atasan, name="Agus Santoso")
    old = make_thread(title="Utas paling lama", now=utcnow() - timedelta(days=5, hours=2))  # waits since it opened
    mine = make_thread(title="Utas untuk Rina")
    theirs = make_thread(title="Utas untuk Agus")
    elsewhere = make_thread(title="Utas Pendidikan", in_category=other_category)
    services.assign_thread(atasan.user, mine, asn=officer)
    services.assign_thread(atasan.user, theirs, asn=colleague)
    old_row = db.session.scalar(select(Assignment).where(Assignment.item_id == old.id))
    old_row.assigned_at = utcnow() - timedelta(days=5, hours=2)
    old_row.deadline_at = utcnow() - timedelta(days=2)
    db.session.commit()

    login(officer.user)
    response = client.get("/forum/perlu-ditanggapi")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Utas paling lama" in html and "Utas untuk Rina" in html
    assert "Utas untuk Agus" not in html and "Utas Pendidikan" not in html
    assert html.index("Utas paling lama") < html.index("Utas untuk Rina")
    assert "5 hari" in html and "lewat tenggat" in html
    assert f'href="/forum/t/{mine.id}"' in html
    assert elsewhere.id


def test_answering_removes_the_item_from_needs_response(client, login, db, thread, officer):
    login(officer.user)
    assert "Antrean puskesmas" in client.get("/forum/perlu-ditanggapi").get_data(as_text=True)
    client.post(f"/forum/t/{thread.id}/balas", data={"body": "Jawaban.", "official": "y"})
    html = client.get("/forum/perlu-ditanggapi").get_data(as_text=True)
    assert "Antrean puskesmas" not in html and "Tidak ada utas yang menunggu" in html


def test_needs_response_is_in_the_navigation_of_asn_only(client, login, officer, resident):
    assert "Perlu ditanggapi" not in client.get("/forum/").get_data(as_text=True)
    login(resident)
    assert "Perlu ditanggapi" not in client.get("/forum/").get_data(as_text=True)
    login(officer.user)
    assert 'href="/forum/perlu-ditanggapi"' in client.get("/forum/").get_data(as_text=True)
