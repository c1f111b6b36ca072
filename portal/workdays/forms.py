from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, validators

from portal.forms import EmptyForm, choices, length, required, strip
from portal.workdays.models import HOLIDAY_KINDS


class HolidayForm(EmptyForm):
    day = DateField(_l("Tanggal"), validators=[required(_l("Masukkan tanggal yang benar."))])
    name = StringField(_l("Nama hari libur"), filters=[strip], validators=[required(), length(3, 160)])
    kind = SelectField(_l("Jenis"), choices=choices(HOLIDAY_KINDS.items()))


class DeadlinePolicyForm(EmptyForm):
    unit = SelectField(_l("Perangkat daerah"), validators=[required()])
    service = SelectField(_l("Layanan (kosongkan untuk seluruh perangkat daerah)"))
    verify_working_days = IntegerField(_l("Verifikasi (hari kerja)"), default=3, validators=[required(), validators.NumberRange(1, 30)])
    answer_working_days = IntegerField(_l("Jawaban pertama (hari kerja)"), default=5, validators=[required(), validators.NumberRange(1, 60)])
    close_calendar_days = IntegerField(_l("Penyelesaian (hari kalender)"), default=60, validators=[required(), validators.NumberRange(1, 365)])
    forum_answer_working_days = IntegerField(_l("Jawaban resmi di forum (hari kerja)"), default=2, validators=[required(), validators.NumberRange(1, 30)])

    def set_choices(self, units, services):
        """Offer every unit, and every service labelled with its unit (or none: the whole unit)."""
        self.unit.choices = choices([(str(u.id), u.name) for u in units])
        self.service.choices = choices([("", _l("— Seluruh perangkat daerah —"))]
                                       + [(str(s.id), f"{s.unit.name} — {s.name}") for s in services])
