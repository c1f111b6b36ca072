import re

import pytest

from portal.extensions import db as _db
from portal.notifications.services import save_preferences


@pytest.fixture
def set_preferences(db):
    """Store a person's choices as the settings page would: set_preferences(user, reply=(True, "daily"))."""

    def set_(user, email_notifications=True, **choices):
        save_preferences(user, email_notifications=email_notifications, choices=choices)
        _db.session.commit()

    return set_


def unsubscribe_path(message):
    """The unsubscribe link in a mail's footer, as a site path."""
    return re.search(r"http://localhost(/notifikasi/berhenti/\S+)", message.body).group(1)
