"""One unit of work per request: commit when the view succeeded, roll back when it did not.

Services flush and never commit; views never commit or roll back either. After the view has
built its response, `finish_request` commits the request's transaction if the response is a
success or a redirect (status below 400) and no refusal was shown, and rolls it back otherwise: a refused form (422), a 403,
a conflict (409) or a crash (500) keeps nothing of what the services flushed before refusing.
If the commit itself fails, the request becomes a 500 and nothing is kept, so no page, mail or
file ever reports a write that does not exist (mails and file clean-ups run after the commit as
jobs: portal/jobs).

A few refusals must be remembered all the same (the failed-login counters that throttle password
guessing): such a view calls `keep_changes_on_error()`.

Every capability refuses with a `ServiceError` (its own subclass family: ForumError, FeedbackError,
…): a message in the person's language, the form field it concerns, and the HTTP status. One helper
turns it into a form error (`show_on_form`) or a flash (`flash_refusal`); a ServiceError a view does
not catch becomes the error page, or a JSON error under /api/ (portal/errors.py).
"""

from contextlib import contextmanager

from flask import flash, g

from portal.extensions import db


class ServiceError(Exception):
    """A business rule refused the action: str(error) is the message, `field` the form field, `status` the HTTP code."""

    status = 409  # the request was well formed; the state of things does not allow it
    field = None

    def __init__(self, message, field=None, status=None):
        super().__init__(message)
        if field is not None:
            self.field = field
        if status is not None:
            self.status = status


def keep_changes_on_error():
    """Commit this request's changes even though its response is an error (failed-login counters)."""
    g.keep_changes_on_error = True


def refuse_changes():
    """Roll this request back at its end whatever its status (a refusal shown on a 200 page or a redirect)."""
    g.refused = True
    if not db.session.is_active:
        # A failed flush (a unique index that lost a race) leaves no usable transaction: the page
        # that explains the refusal still has to load things, so start afresh now.
        db.session.rollback()


def show_on_form(form, error):
    """Put a service's refusal on the form field it concerns, or above the form; nothing is kept."""
    refuse_changes()
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))


def flash_refusal(error):
    """Tell the person why the action was refused, on the page they are sent back to; nothing is kept."""
    refuse_changes()
    flash(str(error), "error")


def finish_request(response):
    """Commit on success, roll back on an error response (after_request; the first one to run)."""
    # Both flags are read (and so cleared) every time: under the test client one app context, and
    # so one `g`, can serve several requests.
    refused = g.pop("refused", False) or response.status_code >= 400
    keep = g.pop("keep_changes_on_error", False)
    if not refused or keep:
        db.session.commit()
    else:
        db.session.rollback()
    return response


@contextmanager
def unit_of_work():
    """The same rule outside a request (CLI commands, jobs): commit if the block ends, roll back if it raises."""
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def register(app):
    # Registered after every other after_request function, so it runs first (Flask runs them in
    # reverse): a failing commit turns into the 500 response that the others then log and decorate.
    app.after_request(finish_request)
