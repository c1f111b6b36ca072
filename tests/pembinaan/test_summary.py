"""`flask --app portal pembinaan summary --period …`: stored once per ASN and period, mailed once."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.db import utcnow
from portal.jobs.models import DONE, PENDING, Job
from portal.jobs.runner import run_job
from portal.pembinaan.models import PeriodSummary
from tests.pembinaan.conftest import at
from tests.smtp_sink import SmtpSink, free_port


def run(app, *args):
    return app.test_cli_runner().invoke(args=["pembinaan", "summary", *args])


def test_summary_is_stored_and_mailed_to_the_asn_and_the_atasan_once(app, db, org, make_event, make_training,
                                                                     mailbox):
    make_event(org.asn, at(2026, 8, 3), 2 * 86400, rating=4, deadline_met=True)
    make_event(org.asn, at(2026, 8, 4), 86400, rating=2, deadline_met=False)
    first = run(app, "--period", "2026-Q3")
    assert first.exit_code == 0, first.output
    assert "5 ringkasan baru disimpan, 5 dikirim" in first.output  # kadin, atasan, asn, colleague, outsider
    summary = db.session.scalar(select(PeriodSummary).where(PeriodSummary.asn_id == org.asn.id))
    assert (summary.period, summary.answered, summary.rating_count, summary.rating_mean) == ("2026-Q3", 2, 2, 3.0)
    assert summary.median_first_seconds == 1.5 * 86400 and summary.deadline_met == 1 and summary.mailed_at
    to_asn = [m for m in mailbox if m.subject.startswith("Ringkasan rekam pembinaan Rina Petugas")]
    assert sorted(m.recipients[0] for m in to_asn) == sorted([org.asn.user.email, org.atasan.user.email])
    body = to_asn[0].body
    assert "2026-Q3" in body and "Rata-rata penilaian warga: 3,00 (2 penilaian)" in body
    assert f"/pembinaan/asn/{org.asn.id}?periode=2026-Q3" in body

    sent = len(mailbox)
    again = run(app, "--period", "2026-q3")
    assert again.exit_code == 0 and "0 ringkasan baru disimpan, 0 dikirim" in again.output
    assert len(mailbox) == sent
    assert db.session.scalar(select(func.count(PeriodSummary.id))) == 5


def test_a_new_asn_gets_a_summary_on_the_next_run(app, db, org, make_asn, mailbox):
    run(app, "--period", "2026-Q3")
    make_asn(unit=org.unit, supervisor=org.atasan, name="ASN Baru")
    result = run(app, "--period", "2026-Q3")
    assert "1 ringkasan baru disimpan, 1 dikirim" in result.output


SMTP_PORT = free_port()


@pytest.mark.app_config(MAIL_SERVER="127.0.0.1", MAIL_PORT=SMTP_PORT, MAIL_SUPPRESS_SEND=False)
def test_mail_that_failed_is_retried_by_its_job_and_a_rerun_stores_and_queues_nothing_twice(app, db, org):
    result = run(app, "--period", "2026-Q3")
    assert result.exit_code == 0 and "5 ringkasan baru disimpan, 5 dikirim" in result.output
    waiting = db.session.scalars(select(Job).where(Job.kind == "mail")).all()
    # Each ASN, and the atasan of each ASN who has one.
    assert len(waiting) == 8 and {(job.status, job.attempts) for job in waiting} == {(PENDING, 1)}
    again = run(app, "--period", "2026-Q3")
    assert "0 ringkasan baru disimpan, 0 dikirim" in again.output
    assert db.session.scalar(select(func.count(Job.id))) == 8
    assert db.session.scalar(select(func.count(PeriodSummary.id))) == 5

    sink = SmtpSink(SMTP_PORT).start()  # the server is back
    try:
        for job in waiting:
            assert run_job(job.id, now=utcnow() + timedelta(minutes=1)) == DONE
    finally:
        sink.stop()
    assert len(sink.messages) == 8 and len({m["Message-ID"] for m in sink.messages}) == 8


def test_a_bad_period_is_refused_in_indonesian(app, db, org):
    result = run(app, "--period", "Q3-2026")
    assert result.exit_code == 2
    assert "Periode harus berbentuk TTTT" in result.output
    assert db.session.scalar(select(func.count(PeriodSummary.id))) == 0
