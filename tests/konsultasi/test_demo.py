from sqlalchemy import func, select

from konsultasi.demo import LIVE, PAST, UPCOMING
from konsultasi.models import Consultation, Registration
from konsultasi.queries import build_report
from portal.responses.models import ResponseEvent


def test_demo_seeds_past_live_and_upcoming_once(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    phases = dict(db.session.execute(select(Consultation.title, Consultation.phase)).all())
    assert phases[PAST] == "laporan" and phases[LIVE] == "berlangsung" and phases[UPCOMING] == "diumumkan"
    upcoming = db.session.scalar(select(Consultation).where(Consultation.title == UPCOMING))
    assert upcoming.registered_count == upcoming.capacity
    waiting = db.session.scalar(select(func.count(Registration.id)).where(
        Registration.consultation_id == upcoming.id, Registration.status == "menunggu"))
    assert waiting == 3
    assert db.session.scalar(select(func.count(ResponseEvent.id)).where(ResponseEvent.source == "konsultasi")) >= 4
    past = db.session.scalar(select(Consultation).where(Consultation.title == PAST))
    report = build_report(past)
    assert report["counts"]["attended"] == 9 and report["totals"]["questions"] == 5
    counts = db.session.scalar(select(func.count(Consultation.id)))
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert db.session.scalar(select(func.count(Consultation.id))) == counts
