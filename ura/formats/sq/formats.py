"""Albanian date and time formats that Django's own ``sq`` locale leaves out.

Django defines the dates but not the date-times for ``sq``, so Albanian pages
fell back to the American "11/22/2026 10:49 a.m."; Kosovo and Albania write the
24-hour clock. Whatever is not set here comes from Django's ``sq`` formats.
"""

TIME_FORMAT = "H:i"
DATETIME_FORMAT = "d F Y H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
