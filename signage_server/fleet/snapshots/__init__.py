"""Snapshots as evidence: what a screen showed, captured by its box agent, stored
content-addressed and stamped by the server's clock, linked to the proof of play of that moment
and to the audit chain's head (``rules`` pure, ``models``, ``services``, ``api``, ``views``)."""
