"""The demo accounts get a full development record, and seeding twice adds nothing."""

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.pembinaan.models import DevelopmentGoal, Evaluation, PeerFeedback, Training, WorkTarget
from portal.pembinaan.periods import period_containing
from portal.responses.models import ResponseEvent

MODELS = (Training, WorkTarget, Evaluation, PeerFeedback, DevelopmentGoal, ResponseEvent)


def profile_of(db, local_part):
    return db.session.scalar(select(User).filter_by(email=f"{local_part}@demo.surabaya.go.id")).asn_profile


def test_demo_records_are_full_and_seeding_is_idempotent(app, db, client, login):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    counts = [db.session.scalar(select(func.count()).select_from(m)) for m in MODELS]
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert [db.session.scalar(select(func.count()).select_from(m)) for m in MODELS] == counts

    for local_part in ("asn.kesehatan", "asn.pendidikan"):
        profile = profile_of(db, local_part)
        assert db.session.scalar(select(func.count(Training.id)).where(Training.asn_id == profile.id)) >= 2
        assert db.session.scalar(select(func.count(WorkTarget.id)).where(WorkTarget.asn_id == profile.id)) >= 1
        responded = db.session.scalars(select(Evaluation.asn_response).where(Evaluation.asn_id == profile.id)).all()
        assert len(responded) >= 2 and any(responded)
        assert db.session.scalar(select(func.count(DevelopmentGoal.id)).where(DevelopmentGoal.asn_id == profile.id))
        moments = db.session.scalars(select(ResponseEvent.answered_at).where(ResponseEvent.asn_id == profile.id)).all()
        quarters = {period_containing(m.date(), "quarter").label for m in moments}
        assert len(quarters) >= 4, quarters
        rated = db.session.scalar(select(func.count(ResponseEvent.id)).where(
            ResponseEvent.asn_id == profile.id, ResponseEvent.rating.is_not(None), ResponseEvent.rating_comment.is_not(None)))
        assert rated >= 5

    atasan = db.session.scalar(select(User).filter_by(email="atasan.kesehatan@demo.surabaya.go.id"))
    login(atasan)
    page = client.get(f"/pembinaan/asn/{profile_of(db, 'asn.kesehatan').id}").get_data(as_text=True)
    assert "Rina Wulandari" in page and "Bimbingan Teknis Pengelolaan Pengaduan SP4N-LAPOR!" in page
    team = client.get("/pembinaan/tim")
    assert team.status_code == 200 and "Agus Santoso" in team.get_data(as_text=True)
