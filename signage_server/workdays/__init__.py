"""Official working days (holidays and adjusted working days, 调休).

Where each concern lives: the pure calendar in ``rules`` (:class:`~.rules.WorkdayCalendar`,
and :class:`~.rules.CalendarUnknown`, the shared rule violation of a year it does not know);
loading it (once per session) and an administrator's official schedule files in
``services``. Notice periods counted on it are the notice rule's
(``signage_server.disclosure.notices``).
"""
