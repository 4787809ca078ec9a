# Layer 1 (base): the string formats (uuid, date-time) as ajv-formats checks them, for the schema validator.
"""JSON Schema's `format` keyword for the formats RFAM's schemas use, as ajv-formats (full mode)
defines them: FORMAT_CHECKS maps each name to a function of the string, true when it matches.
A schema naming any other format is refused when schema_lite loads it (FORMATS lists the known).
"""

import re

from .js_regex import JS_SPACE_CHARS

__all__ = ["FORMAT_CHECKS", "FORMATS"]

_UUID = re.compile(r"(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}", re.I | re.A)
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_TIME = re.compile(r"([0-9]{2}):([0-9]{2}):([0-9]{2}(?:\.[0-9]+)?)(z|([+-])([0-9]{2})(?::?([0-9]{2}))?)?",
                   re.I | re.A)
_DATE_TIME_SEPARATOR = re.compile("[tT" + JS_SPACE_CHARS + "]")
_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def _valid_date(text):
    m = _DATE.fullmatch(text)
    if not m:
        return False
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 1 <= month <= 12 and 1 <= day <= (29 if month == 2 and leap else _DAYS[month])


def _valid_time(text):
    m = _TIME.fullmatch(text)
    if not m:
        return False
    hr, minute, sec = int(m.group(1)), int(m.group(2)), float(m.group(3))
    tz_sign = -1 if m.group(5) == "-" else 1
    tz_h, tz_m = int(m.group(6) or 0), int(m.group(7) or 0)
    if tz_h > 23 or tz_m > 59 or not m.group(4):   # date-time needs a time zone
        return False
    if hr <= 23 and minute <= 59 and sec < 60:
        return True
    # A leap second is 23:59:60 in UTC.
    utc_min = minute - tz_m * tz_sign
    utc_hr = hr - tz_h * tz_sign - (1 if utc_min < 0 else 0)
    return utc_hr in (23, -1) and utc_min in (59, -1) and sec < 61


def _valid_date_time(text):
    parts = _DATE_TIME_SEPARATOR.split(text)
    return len(parts) == 2 and _valid_date(parts[0]) and _valid_time(parts[1])


FORMAT_CHECKS = {"uuid": lambda s: _UUID.fullmatch(s) is not None, "date-time": _valid_date_time}
FORMATS = frozenset(FORMAT_CHECKS)
