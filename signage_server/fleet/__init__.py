"""Screens as a fleet: the box beside the browser (its agent), snapshots as evidence, power
schedules, remote commands and health. Each part is a subpackage with its own pure rules,
models and use cases; ``fleet.agents`` states once when a screen counts as having an agent.
"""
