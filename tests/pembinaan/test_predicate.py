"""PermenPANRB 6/2022: the predicate matrix, every cell, and evaluations that use it."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.audit import AuditEntry
from portal.pembinaan import services
from portal.pembinaan.predicate import BERAKHLAK, PREDICATE_MATRIX, PREDICATES, derive_predicate
from tests.pembinaan.conftest import at

# The table in DOMAIN.md §2, typed again here on purpose: (hasil kerja, perilaku kerja) → predikat.
CELLS = [
    ("di_atas", "di_bawah", "Kurang/Misconduct"),
    ("di_atas", "sesuai", "Baik"),
    ("di_atas", "di_atas", "Sangat Baik"),
    ("sesuai", "di_bawah", "Kurang/Misconduct"),
    ("sesuai", "sesuai", "Baik"),
    ("sesuai", "di_atas", "Baik"),
    ("di_bawah", "di_bawah", "Sangat Kurang"),
    ("di_bawah", "sesuai", "Butuh Perbaikan"),
    ("di_bawah", "di_atas", "Butuh Perbaikan"),
]


@pytest.mark.parametrize(("hasil", "perilaku", "expected"), CELLS)
def test_every_cell_of_the_matrix(app, hasil, perilaku, expected):
    with app.test_request_context():
        assert str(PREDICATES[derive_predicate(hasil, perilaku)]) == expected


def test_the_matrix_has_exactly_nine_cells():
    assert len(PREDICATE_MATRIX) == 9 == len(CELLS)


@pytest.mark.parametrize(("hasil", "perilaku"), [("baik", "sesuai"), ("sesuai", None), ("", "")])
def test_unknown_ratings_are_refused(hasil, perilaku):
    with pytest.raises(ValueError):
        derive_predicate(hasil, perilaku)


def test_berakhlak_has_the_seven_core_values(app):
    with app.test_request_context():
        assert [str(v) for v in BERAKHLAK.values()] == [
            "Berorientasi Pelayanan", "Akuntabel", "Kompeten", "Harmonis", "Loyal", "Adaptif", "Kolaboratif"]


@pytest.mark.parametrize(("hasil", "perilaku", "expected"), CELLS)
def test_an_evaluation_stores_the_derived_predicate(app, org, db, hasil, perilaku, expected):
    with app.test_request_context():
        evaluation = services.save_evaluation(org.atasan.user, org.asn, period="2026-Q2", hasil_kerja=hasil,
                                              perilaku_kerja=perilaku, now=at(2026, 7, 3))
        db.session.commit()
        assert evaluation.predicate_label == expected


def test_correcting_an_evaluation_updates_it_and_audits_before_and_after(app, org, db):
    with app.test_request_context():
        first = services.save_evaluation(org.atasan.user, org.asn, period="2026-Q2", hasil_kerja="sesuai",
                                         perilaku_kerja="sesuai", behaviour_notes={"akuntabel": "Rapi", "x": "?"},
                                         now=at(2026, 7, 3))
        again = services.save_evaluation(org.atasan.user, org.asn, period="2026-q2", hasil_kerja="di_bawah",
                                         perilaku_kerja="sesuai", now=at(2026, 7, 4))
        db.session.commit()
    assert first.id == again.id and again.predicate == "butuh_perbaikan"
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "pembinaan.evaluation.save")
                                 .order_by(AuditEntry.id)).all()
    assert entries[0].before is None and entries[1].before["predicate"] == "baik"
    assert entries[1].after["predicate"] == "butuh_perbaikan"


@pytest.mark.parametrize(("period", "message"), [
    ("2026-07", "triwulanan"),  # a month, but Surabaya evaluates quarterly
    ("2026-S1", "triwulanan"),
    ("2026-Q9", "Periode harus berbentuk"),
    ("2027-Q1", "belum dimulai"),
])
def test_evaluation_periods_follow_the_configured_cadence(app, org, period, message):
    with app.test_request_context(), pytest.raises(services.InvalidInput, match=message):
        services.save_evaluation(org.atasan.user, org.asn, period=period, hasil_kerja="sesuai",
                                 perilaku_kerja="sesuai", now=at(2026, 11, 3))


def test_the_cadence_is_an_hr_setting(app, org, db):
    with app.test_request_context():
        services.set_evaluation_cadence(org.admin, "month")
        db.session.commit()
        evaluation = services.save_evaluation(org.atasan.user, org.asn, period="2026-07", hasil_kerja="sesuai",
                                              perilaku_kerja="di_atas", now=at(2026, 8, 3))
        annual = services.save_evaluation(org.atasan.user, org.asn, period="2026", hasil_kerja="sesuai",
                                          perilaku_kerja="sesuai", now=at(2026, 8, 3))
        assert (evaluation.period, annual.period) == ("2026-07", "2026")
        with pytest.raises(services.InvalidInput):
            services.set_evaluation_cadence(org.admin, "weekly")


def test_the_asn_responds_to_an_evaluation_and_the_atasan_is_told(app, org, db):
    with app.test_request_context():
        evaluation = services.save_evaluation(org.atasan.user, org.asn, period="2026-Q2", hasil_kerja="sesuai",
                                              perilaku_kerja="sesuai", now=at(2026, 7, 3))
        services.respond_to_evaluation(org.asn.user, evaluation, "Saya setuju; mohon dukungan pelatihan.",
                                       now=at(2026, 7, 3) + timedelta(days=1))
        db.session.commit()
        with pytest.raises(services.InvalidInput):
            services.respond_to_evaluation(org.asn.user, evaluation, "   ")
    assert evaluation.asn_response.startswith("Saya setuju")
    from portal.notifications.models import Notification

    told = {n.user_id for n in db.session.scalars(select(Notification))}
    assert {org.asn.user.id, org.atasan.user.id} <= told
