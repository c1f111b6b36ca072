"""Who sees a development record (DOMAIN §6, UU 27/2022), and the audit trail of every view."""

from datetime import date

import pytest
from sqlalchemy import select

from portal.audit import AuditEntry
from portal.pembinaan.models import Evaluation, WorkTarget
from tests.pembinaan.conftest import at

# (viewer, expected status of the ASN's record, audited?)
RECORD_MATRIX = [
    ("own", 200, False),
    ("atasan", 200, True),
    ("chain_above", 200, True),
    ("hr", 200, True),
    ("other_asn_same_unit", 403, False),
    ("other_asn_other_unit", 403, False),
    ("moderator", 403, False),
    ("citizen", 403, False),
    ("anonymous", 302, False),
]


def viewer(org, who):
    return {
        "own": org.asn.user, "atasan": org.atasan.user, "chain_above": org.kadin.user, "hr": org.admin,
        "other_asn_same_unit": org.colleague.user, "other_asn_other_unit": org.outsider.user,
        "moderator": org.moderator, "citizen": org.citizen, "anonymous": None,
    }[who]


def view_audits(db):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("pembinaan.%.view"))).all()


@pytest.mark.parametrize(("who", "status", "audited"), RECORD_MATRIX)
def test_record_visibility_and_audit(client, login, org, db, make_event, who, status, audited):
    make_event(org.asn, at(2026, 5, 4), rating=4, rating_comment="Jawaban membantu")
    user = viewer(org, who)
    if user is not None:
        login(user)
    response = client.get(f"/pembinaan/asn/{org.asn.id}?periode=2026")
    assert response.status_code == status
    if status == 302:
        assert "/akun/masuk" in response.headers["Location"]
    if status == 200:
        assert "Jawaban membantu" in response.get_data(as_text=True)
    entries = view_audits(db)
    if audited:
        assert [(e.action, e.actor_id, e.target_type, e.target_id) for e in entries] == [
            ("pembinaan.record.view", user.id, "asn_profiles", str(org.asn.id))]
        assert entries[0].after == {"period": "2026"}
    else:
        assert entries == []


def test_every_view_by_someone_else_is_audited_not_only_the_first(client, login, org, db):
    login(org.atasan.user)
    for _ in range(3):
        assert client.get(f"/pembinaan/asn/{org.asn.id}").status_code == 200
    assert len(view_audits(db)) == 3


def test_the_record_links_to_the_own_record_in_the_navigation(client, login, org):
    login(org.asn.user)
    page = client.get("/").get_data(as_text=True)
    assert "Rekam pembinaan saya" in page
    response = client.get("/pembinaan/saya?periode=2026-Q2")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/pembinaan/asn/{org.asn.id}?periode=2026-Q2")
    login(org.citizen)
    assert "Rekam pembinaan saya" not in client.get("/").get_data(as_text=True)
    assert client.get("/pembinaan/saya").status_code == 403


@pytest.fixture
def detail_urls(org, db, make_training):
    target = WorkTarget(asn_id=org.asn.id, period="2026", period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
                        title="Utas terjawab tepat waktu")
    evaluation = Evaluation(asn_id=org.asn.id, period="2026-Q1", period_end=date(2026, 3, 31), hasil_kerja="sesuai",
                            perilaku_kerja="sesuai", predicate="baik", behaviour_notes={}, summary="")
    db.session.add_all([target, evaluation])
    db.session.commit()
    return [f"/pembinaan/asn/{org.asn.id}", f"/pembinaan/target/{target.id}", f"/pembinaan/evaluasi/{evaluation.id}"]


@pytest.mark.parametrize(("who", "status", "audited"), RECORD_MATRIX)
def test_every_page_of_the_record_follows_the_same_rule(client, login, org, db, detail_urls, who, status, audited):
    user = viewer(org, who)
    if user is not None:
        login(user)
    for url in detail_urls:
        assert client.get(url).status_code == status, url
    assert len(view_audits(db)) == (len(detail_urls) if audited else 0)


@pytest.mark.parametrize(("who", "team", "overview"), [
    ("own", 403, 403),  # an ASN with no subordinates has no team page
    ("atasan", 200, 403),
    ("chain_above", 200, 403),
    ("hr", 403, 200),
    ("moderator", 403, 403),
    ("citizen", 403, 403),
    ("anonymous", 302, 302),
])
def test_team_and_hr_pages(client, login, org, who, team, overview):
    user = viewer(org, who)
    if user is not None:
        login(user)
    assert client.get("/pembinaan/tim").status_code == team
    assert client.get("/pembinaan/hr").status_code == overview
    assert client.get("/pembinaan/hr/ekspor.csv").status_code == overview
    assert client.get("/pembinaan/hr/pengaturan").status_code == overview
    assert client.get("/pembinaan/sanggahan").status_code == (200 if who == "moderator" else overview if who == "anonymous"
                                                              else 403)


def test_the_team_page_shows_direct_reports_or_the_whole_chain_and_is_audited(client, login, org, db, make_event):
    make_event(org.asn, at(2026, 5, 4), 7200, rating=5)
    make_event(org.colleague, at(2026, 5, 4), 3600, rating=2)
    login(org.kadin.user)
    page = client.get("/pembinaan/tim?periode=2026-Q2").get_data(as_text=True)
    assert "Bagus Atasan" in page and "Rina Petugas" not in page
    page = client.get("/pembinaan/tim?periode=2026-Q2&lingkup=semua&urut=nilai&arah=turun").get_data(as_text=True)
    assert page.index("Rina Petugas") < page.index("Agus Rekan") and "Dimas Luar" not in page
    entries = view_audits(db)
    assert [e.action for e in entries] == ["pembinaan.team.view", "pembinaan.team.view"]
    assert set(entries[1].after["asn_ids"]) == {org.atasan.id, org.asn.id, org.colleague.id}


def test_hr_overview_filters_by_unit_and_exports_csv(client, login, org, db, make_event):
    make_event(org.asn, at(2026, 5, 4), 86400, rating=4, deadline_met=True)
    login(org.admin)
    page = client.get(f"/pembinaan/hr?periode=2026-Q2&unit={org.other_unit.id}").get_data(as_text=True)
    assert "Dimas Luar" in page and "Rina Petugas" not in page
    response = client.get(f"/pembinaan/hr/ekspor.csv?periode=2026-Q2&unit={org.unit.id}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="pembinaan-2026-Q2-unit-' in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("nip,nama,jabatan,perangkat_daerah,periode,ditugaskan,dijawab")
    row = next(line for line in lines if "Rina Petugas" in line)
    assert ",2026-Q2,0,1,1,1.00,1.00,1,1,100.0,4.00,1,0,0," in row
    assert "Dimas Luar" not in response.get_data(as_text=True)
    assert [e.action for e in view_audits(db)] == ["pembinaan.overview.view", "pembinaan.export.view"]


def test_csv_cells_cannot_become_spreadsheet_formulas(client, login, org, db):
    org.asn.name = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    login(org.admin)
    text = client.get("/pembinaan/hr/ekspor.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text


def test_forms_that_show_the_evidence_are_audited_too(client, login, org, db):
    login(org.atasan.user)
    assert client.get(f"/pembinaan/asn/{org.asn.id}/evaluasi?periode=2026-Q1").status_code == 200
    assert client.get(f"/pembinaan/asn/{org.asn.id}/rencana/baru?saran=jp_kurang&periode=2026").status_code == 200
    assert [e.action for e in view_audits(db)] == ["pembinaan.evaluation_form.view", "pembinaan.suggestion.view"]
