"""The demo county of CONTRACT.md: 清源县, 集义镇 with 19 villages and two more branches."""
