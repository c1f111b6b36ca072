"""Working days (hari kerja) in WIB: Monday–Friday minus holidays and cuti bersama.

DOMAIN.md §4, following SP4N-LAPOR! practice and Perpres 76/2013: deadlines for answering
the public count working days; a deadline on a day off moves to the next working day.
"""
