"""What the notifications capability keeps about a person beyond the notifications themselves (UU 27/2022).

The notifications are exported and erased with the accounts core (portal/accounts/personal_data.py);
the person's choices of how to be told are theirs too.
"""

from sqlalchemy import delete

from portal.accounts.personal_data import export_rows
from portal.extensions import db
from portal.notifications.models import NotificationPreference


def export_notification_preferences(user):
    """Return the person's notification settings: per kind, the bell and the e-mail choice."""
    return {
        "pengaturan_pemberitahuan": export_rows(
            NotificationPreference.user_id, user, {"jenis": "kind", "lonceng": "in_app", "email": "email"},
            order_by=[NotificationPreference.kind],
        )
    }


def erase_notification_preferences(user):
    """Delete the person's notification settings when their account is deleted (UU 27/2022 Pasal 16)."""
    db.session.execute(delete(NotificationPreference).where(NotificationPreference.user_id == user.id))
