"""The lifecycle: every allowed move and every forbidden one, audited with before and after."""

import itertools

import pytest
from sqlalchemy import select

from konsultasi import services
from konsultasi.models import PHASES
from portal.audit import AuditEntry

ALLOWED = {
    ("draf", "diumumkan"),
    ("diumumkan", "berlangsung"),
    ("berlangsung", "ditutup"),
    ("ditutup", "laporan"),
}
ALL_PAIRS = list(itertools.product(PHASES, PHASES))


def test_the_table_is_exactly_the_documented_lifecycle():
    assert set(services.TRANSITIONS) == ALLOWED


@pytest.mark.parametrize(("from_phase", "to_phase"), sorted(ALLOWED))
def test_allowed_transition_moves_and_is_audited(db, world, make_consultation, from_phase, to_phase):
    consultation = make_consultation(phase=from_phase)
    if to_phase == "laporan":
        services.save_report_summary(world.moderator, consultation, "Ringkasan.")
    services.transition_consultation(world.moderator, consultation, to_phase)
    db.session.commit()
    assert consultation.phase == to_phase
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.target_type == "konsultasi_consultations",
                                 AuditEntry.target_id == str(consultation.id))
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.action == f"konsultasi.{services.TRANSITIONS[(from_phase, to_phase)]}"
    assert entry.before == {"phase": from_phase}
    assert entry.after == {"phase": to_phase}
    assert entry.actor_id == world.moderator.id


@pytest.mark.parametrize(("from_phase", "to_phase"), [p for p in ALL_PAIRS if p not in ALLOWED])
def test_forbidden_transition_is_refused_and_changes_nothing(db, world, make_consultation, from_phase, to_phase):
    consultation = make_consultation(phase=from_phase)
    audit_before = db.session.query(AuditEntry).count()
    with pytest.raises(services.IllegalTransition) as refused:
        services.transition_consultation(world.moderator, consultation, to_phase)
    db.session.rollback()
    assert "tidak dapat diubah" in str(refused.value)
    assert consultation.phase == from_phase
    assert db.session.query(AuditEntry).count() == audit_before


def test_unknown_phase_is_an_illegal_transition(world, make_consultation):
    consultation = make_consultation()
    with pytest.raises(services.IllegalTransition):
        services.transition_consultation(world.moderator, consultation, "dibatalkan")


def test_report_needs_a_summary(world, make_consultation):
    consultation = make_consultation(phase="ditutup")
    with pytest.raises(services.ReportSummaryMissing):
        services.transition_consultation(world.moderator, consultation, "laporan")


def test_phase_change_by_view_redirects_and_refusal_is_409(client, login, world, make_consultation):
    consultation = make_consultation()
    login(world.moderator)
    response = client.post(f"/konsultasi/{consultation.id}/tahap/diumumkan")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/konsultasi/{consultation.id}/kelola"
    again = client.post(f"/konsultasi/{consultation.id}/tahap/diumumkan")
    assert again.status_code == 409
    assert "Tahap konsultasi tidak dapat diubah dari Diumumkan ke Diumumkan" in again.get_data(as_text=True)
    nonsense = client.post(f"/konsultasi/{consultation.id}/tahap/meledak")
    assert nonsense.status_code == 409


def test_report_without_summary_by_view_is_400(client, login, world, make_consultation):
    consultation = make_consultation(phase="ditutup")
    login(world.moderator)
    response = client.post(f"/konsultasi/{consultation.id}/tahap/laporan")
    assert response.status_code == 400
    assert "ringkasan" in response.get_data(as_text=True).lower()


def test_closing_clears_now_answering(db, world, make_consultation):
    consultation = make_consultation(phase="berlangsung")
    question = services.submit_question(world.citizen, consultation, "Kapan mulai berlaku?")
    services.approve_question(world.moderator, question)
    services.set_now_answering(world.moderator, consultation, question)
    services.transition_consultation(world.moderator, consultation, "ditutup")
    db.session.commit()
    assert consultation.now_answering_id is None


def test_drafts_are_hidden_from_everyone_but_moderators(client, login, world, make_consultation):
    consultation = make_consultation()
    assert client.get(f"/konsultasi/{consultation.id}").status_code == 404
    login(world.citizen)
    assert client.get(f"/konsultasi/{consultation.id}").status_code == 404
    assert consultation.title not in client.get("/konsultasi/?waktu=draf").get_data(as_text=True)
    login(world.moderator)
    assert client.get(f"/konsultasi/{consultation.id}").status_code == 200
    assert consultation.title in client.get("/konsultasi/?waktu=draf").get_data(as_text=True)
