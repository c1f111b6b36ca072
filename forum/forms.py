"""Forum forms, with Indonesian labels, hints and messages."""

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    validators,
)
from wtforms.fields import SelectChoice

from forum.models import FLAG_REASONS, THREAD_STATUSES
from forum.services import BODY_MAX, PSEUDONYM_MAX, REASON_MAX, TITLE_MAX
from portal.converters import parse_id
from portal.forms import EmptyForm, choices, length, max_length, required
from portal.idempotency import IdempotentFormMixin
from portal.organisation.forms import optional_int

# The 31 kecamatan of Kota Surabaya.
KECAMATAN = (
    "Asemrowo", "Benowo", "Bubutan", "Bulak", "Dukuh Pakis", "Gayungan", "Genteng", "Gubeng",
    "Gunung Anyar", "Jambangan", "Karang Pilang", "Kenjeran", "Krembangan", "Lakarsantri", "Mulyorejo",
    "Pabean Cantian", "Pakal", "Rungkut", "Sambikerep", "Sawahan", "Semampir", "Simokerto", "Sukolilo",
    "Sukomanunggal", "Tambaksari", "Tandes", "Tegalsari", "Tenggilis Mejoyo", "Wiyung", "Wonocolo", "Wonokromo",
)
RATINGS = (
    ("5", _l("5 bintang — sangat membantu")),
    ("4", _l("4 bintang — membantu")),
    ("3", _l("3 bintang — cukup")),
    ("2", _l("2 bintang — kurang membantu")),
    ("1", _l("1 bintang — tidak membantu")),
)


def clean(value):
    """Filter: trim, and drop NUL characters (PostgreSQL refuses them in text; nobody types them)."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def filled(message):
    """Required, judged after the strip filter: a field of only spaces counts as empty."""
    return validators.DataRequired(message=message)


def _body_field(label):
    return TextAreaField(label, filters=[clean], validators=[filled(_l("Tulis isi pesan.")), max_length(BODY_MAX)])


def _pseudonym_field():
    return StringField(_l("Nama samaran"), filters=[clean],
                       validators=[validators.Optional(), length(2, PSEUDONYM_MAX)])


class ThreadCreateForm(IdempotentFormMixin, EmptyForm):
    category = SelectField(_l("Kategori"), coerce=optional_int, validators=[required(_l("Pilih kategori."))])
    title = StringField(_l("Judul"), filters=[clean], validators=[
        filled(_l("Tulis judul utas.")), length(5, TITLE_MAX)])
    body = _body_field(_l("Isi"))
    service = SelectField(_l("Layanan yang dibahas"), coerce=optional_int, validators=[validators.Optional()])
    kecamatan = SelectField(
        _l("Kecamatan"),
        choices=choices([("", _l("Tidak disebutkan"))] + [(k, k) for k in KECAMATAN]),
        validators=[validators.Optional()],
    )
    kelurahan = StringField(_l("Kelurahan"), filters=[clean], validators=[validators.Optional(), max_length(80)])
    pseudonym = _pseudonym_field()

    def set_choices(self, categories, services):
        """Offer these (id, name) categories and (id, name, unit) services."""
        self.category.choices = [SelectChoice("", _l("Pilih kategori"))] + [
            SelectChoice(str(category_id), name) for category_id, name in categories
        ]
        self.service.choices = [SelectChoice("", _l("Tidak ada layanan tertentu"))] + [
            SelectChoice(str(service_id), name, optgroup=unit) for service_id, name, unit in services
        ]


class ReplyForm(IdempotentFormMixin, EmptyForm):
    body = _body_field(_l("Balasan Anda"))
    pseudonym = _pseudonym_field()
    official = BooleanField(_l("Jawaban resmi"))
    quote_of = HiddenField(filters=[parse_id])


class PostEditForm(EmptyForm):
    title = StringField(_l("Judul"), filters=[clean], validators=[validators.Optional(), length(5, TITLE_MAX)])
    body = _body_field(_l("Isi"))


class FlagForm(EmptyForm):
    reason = RadioField(_l("Alasan laporan"), choices=choices(list(FLAG_REASONS.items())),
                        validators=[required(_l("Pilih alasan laporan."))])
    detail = TextAreaField(_l("Keterangan"), filters=[clean], validators=[validators.Optional(), max_length(REASON_MAX)])


class RateAnswerForm(EmptyForm):
    rating = RadioField(_l("Nilai jawaban ini"), choices=choices(RATINGS),
                        validators=[required(_l("Pilih nilai 1 sampai 5 bintang."))])
    comment = TextAreaField(_l("Komentar"), filters=[clean], validators=[validators.Optional(), max_length(1000)])


class AssignForm(EmptyForm):
    target = SelectField(_l("Tugaskan kepada"), validators=[validators.InputRequired(_l("Pilih penerima tugas."))])

    def set_choices(self, unit, asn_profiles):
        """Offer the whole unit, or one of its ASN."""
        self.target.choices = [SelectChoice("unit", _l("Seluruh %(unit)s", unit=unit.name))] + [
            SelectChoice(str(profile.id), f"{profile.name} — {profile.jabatan}") for profile in asn_profiles
        ]


class ReasonForm(EmptyForm):
    reason = TextAreaField(_l("Alasan"), filters=[clean], validators=[
        filled(_l("Tulis alasannya; alasan ini ditampilkan kepada warga.")), max_length(REASON_MAX)])


class OptionalReasonForm(EmptyForm):
    reason = TextAreaField(_l("Alasan"), filters=[clean], validators=[validators.Optional(), max_length(REASON_MAX)])


class ToggleForm(EmptyForm):
    """A button that sets a yes/no state; the value makes a double click harmless."""

    value = HiddenField(filters=[lambda value: {"1": True, "0": False}.get(value)])


class MoveForm(EmptyForm):
    category = SelectField(_l("Pindahkan ke kategori"), coerce=optional_int, validators=[required(_l("Pilih kategori."))])

    def set_choices(self, categories):
        """Offer these (id, name) categories."""
        self.category.choices = [SelectChoice(str(category_id), name) for category_id, name in categories]


class SuspendForm(EmptyForm):
    days = IntegerField(_l("Lama penangguhan (hari)"), validators=[
        required(_l("Isi lama penangguhan dalam hari.")),
        validators.NumberRange(1, 365, message=_l("Lama penangguhan harus 1–365 hari."))])
    reason = TextAreaField(_l("Alasan"), filters=[clean], validators=[
        filled(_l("Tulis alasannya; alasan ini dikirim kepada pengguna.")), max_length(REASON_MAX)])


class ResolveFlagForm(EmptyForm):
    action = RadioField(_l("Tindakan"), choices=choices([
        ("hide", _l("Sembunyikan pesan")), ("dismiss", _l("Abaikan laporan"))]),
        validators=[required(_l("Pilih tindakan."))])
    reason = TextAreaField(_l("Alasan"), filters=[clean], validators=[validators.Optional(), max_length(REASON_MAX)])


class CategoryForm(EmptyForm):
    name = StringField(_l("Nama kategori"), filters=[clean], validators=[required(), length(2, 120)])
    slug = StringField(_l("Slug (alamat singkat)"), filters=[clean],
                       validators=[validators.Optional(), max_length(80)])
    description = TextAreaField(_l("Deskripsi"), filters=[clean], validators=[validators.Optional(), max_length(2000)])
    unit = SelectField(_l("Perangkat daerah yang menjawab"), coerce=optional_int,
                       validators=[required(_l("Pilih perangkat daerah."))])
    position = IntegerField(_l("Urutan"), default=0, validators=[
        validators.Optional(), validators.NumberRange(0, 1000, message=_l("Urutan harus 0–1000."))])

    def set_choices(self, units):
        """Offer these (id, name) units."""
        self.unit.choices = [SelectChoice("", _l("Pilih perangkat daerah"))] + [
            SelectChoice(str(unit_id), name) for unit_id, name in units
        ]


class ThreadFilterForm(EmptyForm):
    """The status filter above a category's threads (GET: changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=choices([("", _l("Semua status"))] + list(THREAD_STATUSES.items())),
        validators=[validators.Optional()],
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formdata", request.args)
        super().__init__(*args, **kwargs)
