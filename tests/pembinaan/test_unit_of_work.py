"""A form sent back still keeps the audit entry of the figures it showed, and nothing of the refused write (issue 13)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit import AuditEntry
from portal.pembinaan.models import Evaluation


def committed_actions(db):
    with Session(db.engine) as other:
        return other.scalars(select(AuditEntry.action).where(AuditEntry.action.like("pembinaan.%"))).all()


def test_a_refused_evaluation_keeps_its_view_audit_and_no_evaluation(client, login, org, db):
    login(org.atasan.user)
    # A monthly period while Surabaya evaluates quarterly: the service refuses it.
    response = client.post(f"/pembinaan/asn/{org.asn.id}/evaluasi", data={
        "period": "2026-07", "hasil_kerja": "di_atas", "perilaku_kerja": "di_atas"})
    assert response.status_code == 422
    assert committed_actions(db) == ["pembinaan.evaluation_form.view"]
    with Session(db.engine) as other:
        assert other.scalars(select(Evaluation)).all() == []


def test_a_saved_evaluation_is_committed_with_its_audit_entry(client, login, org, db):
    login(org.atasan.user)
    response = client.post(f"/pembinaan/asn/{org.asn.id}/evaluasi", data={
        "period": "2026-Q1", "hasil_kerja": "di_atas", "perilaku_kerja": "di_atas"})
    assert response.status_code == 303
    assert committed_actions(db) == ["pembinaan.evaluation.save"]
