"""Mails still waiting for an erased account's address go with the account (UU 27/2022 Pasal 16)."""

from sqlalchemy import delete

from portal.extensions import db
from portal.jobs.models import RUNNING, Job


def erase_waiting_mails(user):
    """Delete the jobs addressed to the person that have not been sent (a running one finishes)."""
    # A sent mail's text is already gone (runner.run_job empties it); what waits or died still
    # holds the address and the words, which the person asked to be erased.
    db.session.execute(delete(Job).where(Job.recipient == user.email, Job.status != RUNNING,
                                         Job.payload.isnot(None)))
