"""The Chinese working-day calendar (official holidays and adjusted working days, 调休)."""
