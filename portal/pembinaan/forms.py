"""Forms of the development record. Labels and messages in Indonesian through Flask-Babel."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    validators,
)

from portal.forms import EmptyForm, choices, max_length, required, strip
from portal.pembinaan.models import GOAL_STATUSES
from portal.pembinaan.predicate import (
    BERAKHLAK,
    DEVELOPMENT_FORMS,
    DEVELOPMENT_GROUPS,
    DURATION_UNITS,
    EXPECTATION_RATINGS,
)


class CommaDecimalField(DecimalField):
    """A decimal number typed the Indonesian way (1,5) or the English way (1.5)."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [valuelist[0].strip().replace(" ", "").replace(",", ".")]
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Isi angka, misalnya 24 atau 1,5.")) from None
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(_l("Isi angka, misalnya 24 atau 1,5."))


def development_form_choices():
    """The forms of development (PP 11/2017 Pasal 203), grouped as classical and non-classical."""
    options = [SelectChoice("", _l("— Pilih bentuk —"))]
    for key, (group, label) in DEVELOPMENT_FORMS.items():
        options.append(SelectChoice(key, label, optgroup=str(DEVELOPMENT_GROUPS[group])))
    return options


class TrainingForm(EmptyForm):
    title = StringField(_l("Judul pelatihan atau kegiatan"), filters=[strip], validators=[required(), max_length(200)])
    organiser = StringField(_l("Penyelenggara"), filters=[strip], validators=[required(), max_length(160)])
    form = SelectField(_l("Bentuk pengembangan kompetensi"),
                       validators=[required(_l("Pilih bentuk pengembangan kompetensi."))])
    starts_on = DateField(_l("Tanggal mulai"), validators=[required(_l("Isi tanggal mulai."))])
    ends_on = DateField(_l("Tanggal selesai"), validators=[required(_l("Isi tanggal selesai."))])
    jp = CommaDecimalField(_l("Lama kegiatan"), validators=[
        required(_l("Isi lama kegiatan, misalnya 24 (JP), 1,5 (jam), atau 90 (menit).")),
        validators.NumberRange(min=Decimal("0.01"), max=60000, message=_l("Isi angka lebih dari 0.")),
    ])
    jp_unit = RadioField(_l("Satuan lama kegiatan"), choices=choices(list(DURATION_UNITS.items())), default="jp",
                         validators=[required(_l("Pilih satuan: JP, jam, atau menit."))])
    certificate = FileField(_l("Sertifikat (PDF, JPG, atau PNG)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.choices = development_form_choices()


class WorkTargetForm(EmptyForm):
    period = StringField(_l("Periode"), filters=[strip], validators=[required(), max_length(10)])
    title = TextAreaField(_l("Rencana hasil kerja"), filters=[strip], validators=[required(), max_length(300)])
    indicator_1 = StringField(_l("Indikator 1"), filters=[strip], validators=[required(), max_length(300)])
    target_1 = StringField(_l("Target indikator 1"), filters=[strip], validators=[required(), max_length(120)])
    indicator_2 = StringField(_l("Indikator 2"), filters=[strip], validators=[max_length(300)])
    target_2 = StringField(_l("Target indikator 2"), filters=[strip], validators=[max_length(120)])
    indicator_3 = StringField(_l("Indikator 3"), filters=[strip], validators=[max_length(300)])
    target_3 = StringField(_l("Target indikator 3"), filters=[strip], validators=[max_length(120)])

    def indicators(self):
        return [(self.indicator_1.data, self.target_1.data), (self.indicator_2.data, self.target_2.data),
                (self.indicator_3.data, self.target_3.data)]


class ProgressForm(EmptyForm):
    percent = IntegerField(_l("Capaian (%)"), validators=[
        required(_l("Isi capaian 0–100.")),
        validators.NumberRange(min=0, max=100, message=_l("Capaian harus 0–100.")),
    ])
    body = TextAreaField(_l("Kemajuan yang dicapai"), filters=[strip], validators=[required(), max_length(2000)])


class TargetFeedbackForm(EmptyForm):
    body = TextAreaField(_l("Umpan balik atasan"), filters=[strip], validators=[required(), max_length(2000)])


def _rating_field(label):
    return RadioField(label, choices=choices(EXPECTATION_RATINGS.items()),
                      validators=[required(_l("Pilih salah satu penilaian."))])


class EvaluationForm(EmptyForm):
    period = StringField(_l("Periode evaluasi"), filters=[strip], validators=[required(), max_length(10)])
    hasil_kerja = _rating_field(_l("Hasil kerja"))
    perilaku_kerja = _rating_field(_l("Perilaku kerja (BerAKHLAK)"))
    berorientasi_pelayanan = TextAreaField(BERAKHLAK["berorientasi_pelayanan"], validators=[max_length(1000)])
    akuntabel = TextAreaField(BERAKHLAK["akuntabel"], validators=[max_length(1000)])
    kompeten = TextAreaField(BERAKHLAK["kompeten"], validators=[max_length(1000)])
    harmonis = TextAreaField(BERAKHLAK["harmonis"], validators=[max_length(1000)])
    loyal = TextAreaField(BERAKHLAK["loyal"], validators=[max_length(1000)])
    adaptif = TextAreaField(BERAKHLAK["adaptif"], validators=[max_length(1000)])
    kolaboratif = TextAreaField(BERAKHLAK["kolaboratif"], validators=[max_length(1000)])
    summary = TextAreaField(_l("Catatan umum dan ekspektasi periode berikutnya"), validators=[max_length(4000)])

    def behaviour_fields(self):
        return [getattr(self, key) for key in BERAKHLAK]

    def behaviour_notes(self):
        return {key: getattr(self, key).data for key in BERAKHLAK}


class EvaluationResponseForm(EmptyForm):
    response = TextAreaField(_l("Tanggapan Anda (dialog kinerja)"), filters=[strip],
                             validators=[required(), max_length(4000)])


class PeerFeedbackForm(EmptyForm):
    period = StringField(_l("Periode"), filters=[strip], validators=[required(), max_length(10)])
    body = TextAreaField(_l("Umpan balik untuk rekan"), filters=[strip], validators=[required(), max_length(3000)])


class GoalForm(EmptyForm):
    goal = StringField(_l("Tujuan pengembangan"), filters=[strip], validators=[required(), max_length(200)])
    actions = TextAreaField(_l("Langkah yang akan dilakukan"), filters=[strip], validators=[required(), max_length(2000)])
    owner = StringField(_l("Penanggung jawab"), filters=[strip], validators=[required(), max_length(120)])
    due_on = DateField(_l("Tanggal target"), validators=[required(_l("Isi tanggal target."))])
    suggestion = StringField(validators=[validators.Optional(), max_length(40)])
    reason = TextAreaField(_l("Dasar usulan (bukti)"), filters=[strip], validators=[max_length(1000)])


class GoalStatusForm(EmptyForm):
    status = SelectField(_l("Status"), choices=choices(
        [(key, GOAL_STATUSES[key]) for key in ("berjalan", "selesai", "dibatalkan")]),
        validators=[required()])


class ContestForm(EmptyForm):
    reason = TextAreaField(_l("Alasan keberatan"), filters=[strip], validators=[required(), max_length(2000)])


class ContestDecisionForm(EmptyForm):
    decision = RadioField(_l("Keputusan"), choices=choices([
        ("dipertahankan", _l("Pertahankan penilaian (tetap dihitung)")),
        ("dikecualikan", _l("Kecualikan dari statistik (tetap tampil di rekam)")),
    ]), validators=[required(_l("Pilih keputusan."))])
    reason = TextAreaField(_l("Alasan keputusan"), filters=[strip], validators=[required(), max_length(500)])


class CadenceForm(EmptyForm):
    cadence = RadioField(_l("Evaluasi periodik dilakukan"), choices=choices([
        ("month", _l("Bulanan")), ("quarter", _l("Triwulanan (Kota Surabaya)")), ("half", _l("Semesteran")),
    ]), validators=[required()])
