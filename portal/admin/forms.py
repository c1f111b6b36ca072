"""Search and filter forms of the admin area (GET, so no CSRF token: they change nothing)."""

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectField, StringField, validators
from wtforms.fields import SelectChoice

from portal.accounts.models import ROLE_LABELS, ROLES
from portal.forms import EmptyForm, max_length
from portal.organisation.forms import optional_int


class _GetForm(EmptyForm):
    class Meta:
        csrf = False

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formdata", request.args)
        super().__init__(*args, **kwargs)


class UserSearchForm(_GetForm):
    q = SearchField(_l("Cari nama atau email"), validators=[validators.Optional(), max_length(120)])
    role = SelectField(
        _l("Peran"),
        choices=[SelectChoice("", _l("Semua peran"))] + [SelectChoice(role, ROLE_LABELS[role]) for role in ROLES],
        validators=[validators.Optional()],
    )


class AsnSearchForm(_GetForm):
    q = SearchField(_l("Cari nama atau NIP"), validators=[validators.Optional(), max_length(120)])
    unit = SelectField(_l("Perangkat daerah"), coerce=optional_int, validators=[validators.Optional()])

    def set_unit_choices(self, units):
        """Offer these (id, name) units, after an "all units" entry."""
        self.unit.choices = [SelectChoice("", _l("Semua perangkat daerah"))] + [
            SelectChoice(str(unit_id), name) for unit_id, name in units
        ]


class AuditFilterForm(_GetForm):
    # Any value may be asked for (a link from an account page, an action not logged yet):
    # an unknown one simply finds nothing.
    action = SelectField(_l("Tindakan"), validate_choice=False, validators=[validators.Optional(), max_length(64)])
    target_type = SelectField(
        _l("Jenis objek"), validate_choice=False, validators=[validators.Optional(), max_length(40)]
    )
    target_id = StringField(_l("ID objek"), validators=[validators.Optional(), max_length(40)])

    def set_choices(self, actions, target_types):
        """Offer the actions and object types that occur in the log."""
        self.action.choices = [SelectChoice("", _l("Semua tindakan"))] + [SelectChoice(a) for a in actions]
        self.target_type.choices = [SelectChoice("", _l("Semua jenis"))] + [SelectChoice(t) for t in target_types]
