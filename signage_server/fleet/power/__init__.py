"""定时开关屏 (power schedule): per screen or group, on/off times per weekday and holidays.

``rules`` (pure) decides when a screen is meant to be on; ``models`` keeps the schedules and
the blank periods players report; ``services`` the use cases; ``api``/``views`` the edges.
"""
