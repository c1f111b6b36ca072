"""Admin forms for units, services and ASN profiles."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, HiddenField, SelectField, StringField, TextAreaField, validators
from wtforms.fields import SelectChoice

from portal.forms import EmptyForm, email_address, length, max_length, required
from portal.organisation.nip import InvalidNip, normalize_nip
from portal.organisation.services import SLUG_MAX_LENGTH, SLUG_PATTERN


def optional_int(value):
    """Turn a select box value into an int, the empty placeholder into None."""
    if value in (None, ""):
        return None
    return int(value)


class SlugFormat:
    """Accept only lowercase letters, digits and single hyphens."""

    def __call__(self, form, field):
        value = (field.data or "").strip()
        field.data = value
        if value and not SLUG_PATTERN.fullmatch(value):
            raise validators.ValidationError(
                _l("Slug hanya boleh huruf kecil, angka, dan tanda hubung, misalnya dinas-kesehatan.")
            )


class ValidNip:
    """Check the NIP against DOMAIN.md §5; the message says which rule it breaks."""

    def __call__(self, form, field):
        try:
            normalize_nip(field.data)
        except InvalidNip as error:
            raise validators.ValidationError(str(error)) from None


def _slug_field():
    return StringField(
        _l("Slug (alamat singkat)"),
        validators=[validators.Optional(), max_length(SLUG_MAX_LENGTH), SlugFormat()],
    )


def _description_field():
    return TextAreaField(_l("Deskripsi"), validators=[validators.Optional(), max_length(2000)])


class UnitCreateForm(EmptyForm):
    name = StringField(_l("Nama perangkat daerah"), validators=[required(), length(2, 160)])
    slug = _slug_field()
    description = _description_field()


class UnitEditForm(UnitCreateForm):
    pass


class ServiceCreateForm(EmptyForm):
    name = StringField(_l("Nama layanan"), validators=[required(), length(2, 160)])
    slug = _slug_field()
    description = _description_field()


class ServiceEditForm(ServiceCreateForm):
    pass


class AsnProfileCreateForm(EmptyForm):
    # 18 digits plus the customary spaces (19850312 201001 1 004) and some slack.
    nip = StringField(_l("NIP"), validators=[required(), max_length(30), ValidNip()])
    name = StringField(_l("Nama lengkap"), validators=[required(), length(2, 120)])
    jabatan = StringField(_l("Jabatan"), validators=[required(), length(2, 160)])
    unit_id = SelectField(
        _l("Perangkat daerah"), coerce=optional_int, validators=[required(_l("Pilih perangkat daerah."))]
    )
    supervisor_nip = StringField(_l("NIP atasan"), validators=[validators.Optional(), max_length(30)])
    email = EmailField(_l("Email akun portal"), validators=[validators.Optional(), max_length(254), email_address()])

    def set_unit_choices(self, units):
        """Offer these (id, name) units, after an empty "choose" entry."""
        self.unit_id.choices = [SelectChoice("", _l("Pilih perangkat daerah"))] + [
            SelectChoice(str(unit_id), name) for unit_id, name in units
        ]


class AsnProfileEditForm(AsnProfileCreateForm):
    pass


class AsnImportForm(EmptyForm):
    file = FileField(_l("Berkas CSV"), validators=[FileRequired(_l("Pilih berkas CSV berisi data ASN."))])


class AsnImportConfirmForm(EmptyForm):
    """The checked file travels back signed (portal.organisation.upload), and is checked again."""

    token = HiddenField(validators=[required()])
