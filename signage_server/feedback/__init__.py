"""Villagers' feedback (意见箱): the signed short codes behind QR codes (more to come)."""
