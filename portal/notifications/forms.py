from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, FormField, RadioField, validators

from portal.forms import EmptyForm, choices, required
from portal.notifications.models import EMAIL_CHOICES, KIND_LABELS, KINDS


class KindPreferenceForm(Form):
    """One kind's choices; a plain WTForms form, the outer form carries the CSRF token."""

    in_app = BooleanField(_l("Tampilkan di lonceng"))
    # AnyOf rather than validate_choice: this plain form has no Indonesian catalogue for WTForms' own words.
    email = RadioField(
        _l("Kirim ke email"), choices=choices(EMAIL_CHOICES.items()), validate_choice=False,
        validators=[required(_l("Pilih cara pengiriman email.")),
                    validators.AnyOf(list(EMAIL_CHOICES), message=_l(
                        "Pilih salah satu: Tidak, Segera, Ringkasan harian, atau Ringkasan mingguan."))],
    )


class NotificationPreferencesForm(EmptyForm):
    """The master switch, then one field per kind, named after the kind (form.reply, form.mention, …)."""

    email_notifications = BooleanField(_l("Kirim pemberitahuan ke email saya"))

    @classmethod
    def filled(cls, email_notifications, preferences):
        """Return the form showing the stored choices ({kind: (in_app, email)} from list_preferences)."""
        kinds = {kind: {"in_app": in_app, "email": email} for kind, (in_app, email) in preferences.items()}
        return cls(formdata=None, data={"email_notifications": email_notifications, **kinds})

    def kind_fields(self):
        """Yield (kind, subform field, hint) in the order of KINDS, for the template."""
        for kind in KINDS:
            yield kind, self[kind], KIND_LABELS[kind][1]

    def chosen(self):
        """Return {kind: (in_app, email)} as submitted."""
        return {kind: (self[kind].in_app.data, self[kind].email.data) for kind in KINDS}


# One fieldset per kind; a new kind in KINDS gets its fieldset without touching this module.
for _kind in KINDS:
    setattr(NotificationPreferencesForm, _kind, FormField(KindPreferenceForm, label=KIND_LABELS[_kind][0]))

