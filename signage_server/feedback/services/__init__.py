"""The feedback box's use cases, one module per concern. Each action on a case is one
function that checks who may take it, consults the workflow table
(``signage_server.feedback.rules.WORKFLOW``), changes the database, seals the step into the
audit chain and commits.

* :mod:`.scanning` — what a scanned code names, what the screen showed, how the item went
  public (the QR page);
* :mod:`.intake` — a villager's submission becomes a case (``submit_case``); following it by
  its receipt (``track``);
* :mod:`.visibility` — who sees, handles, reviews a case: the SQL form of the one visibility
  rule (``rules.SEEING``) and the caller's capacities;
* :mod:`.inbox` — lists, counts, exports and the dashboard's workload, all through
  :func:`.visibility.visible_condition`;
* :mod:`.deadlines` — the duties of a case in working days, and their SQL form;
* :mod:`.handling` — the handlers' actions (``assign_case``, ``reply_to_case``,
  ``grant_request``, ``close_case``, …);
* :mod:`.sealing` — the case's steps and state in the audit chain, and their verification.
"""
