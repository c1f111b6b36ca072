"""Konsultasi forms. Times are typed in WIB and handed to services in UTC."""

from datetime import UTC
from zoneinfo import ZoneInfo

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
    validators,
)

from konsultasi.models import FORMATS, TOPICS
from konsultasi.queries import WHEN
from portal.forms import EmptyForm, choices, length, max_length, required, strip
from portal.idempotency import IdempotentFormMixin
from portal.organisation.forms import optional_int
from portal.personal_text import NoPersonalData

# UU 27/2022: what a resident writes here is public, so it may hold no NIK, phone number or
# e-mail address. A unit's official answer may give the unit's own phone or address, never a NIK.
OFFICIAL_TEXT = ("nik",)

WIB = ZoneInfo("Asia/Jakarta")


def wib_to_utc(value):
    """Read a naive date-time typed in WIB as an aware UTC one."""
    return value.replace(tzinfo=WIB).astimezone(UTC) if value else None


def utc_to_wib(value):
    """Show an aware UTC date-time as the naive WIB value a datetime-local field expects."""
    return value.astimezone(WIB).replace(tzinfo=None) if value else None


class HttpUrl:
    """Accept only http(s) links: a javascript: or data: link must never reach an href."""

    def __call__(self, form, field):
        value = (field.data or "").strip()
        field.data = value
        if value and not value.lower().startswith(("https://", "http://")):
            raise validators.ValidationError(_l("Tautan harus diawali https:// atau http://."))


class ConsultationForm(EmptyForm):
    title = StringField(_l("Judul konsultasi"), filters=[strip], validators=[required(), length(5, 200)])
    topic = SelectField(_l("Topik"), choices=choices([("", _l("Pilih topik"))] + list(TOPICS.items())),
                        validators=[required(_l("Pilih topik konsultasi."))])
    unit_id = SelectField(_l("Perangkat daerah penanggung jawab"), coerce=optional_int,
                          validators=[required(_l("Pilih perangkat daerah penanggung jawab."))])
    description = TextAreaField(_l("Deskripsi"), validators=[required(), max_length(10000)])
    format = SelectField(_l("Bentuk kegiatan"), choices=choices(list(FORMATS.items())), default="tatap_muka",
                         validators=[required()])
    location = StringField(_l("Tempat"), filters=[strip], validators=[validators.Optional(), max_length(300)])
    online_url = URLField(_l("Tautan daring"), filters=[strip],
                          validators=[validators.Optional(), max_length(500), HttpUrl()])
    starts_at = DateTimeLocalField(_l("Mulai (WIB)"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                   validators=[required(_l("Isi tanggal dan jam mulai."))])
    ends_at = DateTimeLocalField(_l("Selesai (WIB)"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                 validators=[required(_l("Isi tanggal dan jam selesai."))])
    capacity = IntegerField(_l("Kapasitas peserta"), validators=[
        required(_l("Isi kapasitas peserta.")),
        validators.NumberRange(min=1, max=100000, message=_l("Kapasitas harus antara 1 dan 100.000 peserta.")),
    ])
    document_title = StringField(_l("Judul dokumen yang dikonsultasikan"), filters=[strip],
                                 validators=[validators.Optional(), max_length(200)])

    def set_unit_choices(self, units):
        """Offer these (id, name) units, after an empty "choose" entry."""
        self.unit_id.choices = choices([("", _l("Pilih perangkat daerah"))] + [(str(i), n) for i, n in units])

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise validators.ValidationError(_l("Waktu selesai harus sesudah waktu mulai."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Which place fields are needed depends on the format, so Optional() alone cannot say it.
        if self.format.data in ("tatap_muka", "hybrid") and not self.location.data and not self.location.errors:
            self.location.errors.append(_l("Isi tempat kegiatan tatap muka, misalnya Graha Sawunggaling."))
            valid = False
        if self.format.data in ("daring", "hybrid") and not self.online_url.data and not self.online_url.errors:
            self.online_url.errors.append(_l("Isi tautan kegiatan daring, misalnya https://zoom.us/j/123."))
            valid = False
        return valid

    def values(self, unit):
        """Return the fields as the keyword arguments of the services, times in UTC."""
        return {
            "title": self.title.data, "topic": self.topic.data, "unit": unit,
            "description": self.description.data, "format": self.format.data,
            "location": self.location.data if self.format.data != "daring" else "",
            "online_url": self.online_url.data if self.format.data != "tatap_muka" else "",
            "starts_at": wib_to_utc(self.starts_at.data), "ends_at": wib_to_utc(self.ends_at.data),
            "capacity": self.capacity.data, "document_title": self.document_title.data,
        }


class SectionForm(EmptyForm):
    heading = StringField(_l("Judul bagian"), filters=[strip], validators=[required(), length(2, 200)])
    body = TextAreaField(_l("Isi bagian"), validators=[required(), max_length(20000)])


class SpeakerForm(EmptyForm):
    nip = StringField(_l("NIP narasumber"), filters=[strip], validators=[required(), max_length(30)])
    role = StringField(_l("Peran"), filters=[strip], default="Narasumber",
                       validators=[validators.Optional(), max_length(120)])


class CommentForm(EmptyForm):
    body = TextAreaField(_l("Komentar Anda"), validators=[required(_l("Tulis komentar Anda.")), length(3, 3000), NoPersonalData()])


class ReasonForm(EmptyForm):
    reason = StringField(_l("Alasan"), filters=[strip],
                         validators=[required(_l("Tulis alasannya; alasan ini ditampilkan kepada publik.")),
                                     max_length(500), NoPersonalData(kinds=OFFICIAL_TEXT)])


class AnswerCommentForm(EmptyForm):
    body = TextAreaField(_l("Jawaban resmi"), validators=[required(_l("Tulis jawaban Anda.")), length(3, 5000),
                                                                          NoPersonalData(kinds=OFFICIAL_TEXT)])


class QuestionForm(IdempotentFormMixin, EmptyForm):
    body = TextAreaField(_l("Pertanyaan Anda"),
                         validators=[required(_l("Tulis pertanyaan Anda.")), length(5, 500), NoPersonalData()])
    anonymous = BooleanField(_l("Tampilkan sebagai Anonim kepada publik"))


class AnswerQuestionForm(EmptyForm):
    asn_id = SelectField(_l("ASN yang menjawab"), coerce=optional_int, validators=[validators.Optional()])
    answer = TextAreaField(_l("Jawaban tertulis"), validators=[validators.Optional(), max_length(5000),
                                                                            NoPersonalData(kinds=OFFICIAL_TEXT)])

    def set_asn_choices(self, profiles):
        """Offer these ASN profiles, after a "no ASN named" entry."""
        self.asn_id.choices = choices([("", _l("Tidak disebutkan"))] + [
            (str(p.id), f"{p.name} — {p.jabatan}") for p in profiles
        ])


class SummaryForm(EmptyForm):
    summary = TextAreaField(_l("Ringkasan laporan"), validators=[required(_l("Tulis ringkasan laporan.")),
                                                                 max_length(20000), NoPersonalData(kinds=OFFICIAL_TEXT)])


class ConsultationFilterForm(EmptyForm):
    """The listing's filters (GET, so no CSRF token: it changes nothing)."""

    class Meta:
        csrf = False

    waktu = SelectField(_l("Waktu"), choices=choices([
        ("akan-datang", _l("Berlangsung dan akan datang")), ("berlangsung", _l("Berlangsung")), ("selesai", _l("Selesai")),
        ("draf", _l("Draf")),
    ]), default="akan-datang", validators=[validators.Optional()])
    unit = SelectField(_l("Perangkat daerah"), coerce=optional_int, validators=[validators.Optional()])
    topik = SelectField(_l("Topik"), choices=choices([("", _l("Semua topik"))] + list(TOPICS.items())),
                        validators=[validators.Optional()])

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formdata", request.args)
        super().__init__(*args, **kwargs)

    def set_unit_choices(self, units):
        """Offer these (id, name) units, after an "all units" entry."""
        self.unit.choices = choices([("", _l("Semua perangkat daerah"))] + [(str(i), n) for i, n in units])

    @property
    def when(self):
        return self.waktu.data if self.waktu.data in WHEN else "akan-datang"
