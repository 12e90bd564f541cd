"""The archive on the web and in the API.

* ``GET /archive``: the dossiers of the organisations the user may view, searchable by
  organisation (subtree), category, year and title, in pages;
* ``GET /archive/<id>.pdf``: one stored dossier, checked against its seal first;
* ``POST /archive/items/<id>``: make and store an item's dossier now (publish permission);
* ``GET /api/v1/items/<id>/archive.pdf`` (bearer token or session): the item's newest stored
  dossier, checked against its seal; without one, an interim dossier rendered now, stored
  nowhere and marked so;
* ``POST /api/v1/items/<id>/dossier`` (bearer token): make and store one now.

Who may see an item's dossier is who may see the item in full (the audience rule,
``disclosure.viewing``): ``org.view`` at its organisation. The dossiers are made, found and
checked by ``paper.archive``; this module parses, asks it, and answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint
from flask import Response
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as WerkzeugResponse

from signage_server import listing
from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.accounts.rules import Permission
from signage_server.api import api_blueprint
from signage_server.api import session_allowed
from signage_server.disclosure import viewing
from signage_server.disclosure.context import visible_item
from signage_server.disclosure.models import Item
from signage_server.disclosure.rules import CATEGORY_LABELS
from signage_server.errorhandlers import domain_message
from signage_server.errors import DomainError
from signage_server.errors import NotFound
from signage_server.extensions import db
from signage_server.i18n import N_
from signage_server.orgs.services import choices
from signage_server.paper import ARCHIVE
from signage_server.paper import archive
from signage_server.paper import rules
from signage_server.paper.models import Dossier

bp = Blueprint("archive", __name__)
api = api_blueprint("archive_api", __name__)


class DossierForm(FlaskForm):  # type: ignore[misc]
    """Make an item's dossier now (a button: the CSRF token only)."""


def _item(item_id: int) -> tuple[Item, Principal]:
    """Return the item and the caller, who must see it in full (the audience rule)."""
    item, principal = visible_item(item_id)
    revision = item.live or item.current
    if not viewing.decision(revision, viewing.member(principal), registry.now()).content:
        raise NotFound(N_("No such item."), code="item_not_found")
    return item, principal


def _pdf(data: bytes, name: str, *, stored: Dossier | None) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Dossier"] = "stored" if stored is not None else "interim"
    if stored is not None:
        response.headers["X-Dossier-Sha256"] = stored.sha256
        response.headers["ETag"] = f'"{stored.sha256}"'
        response.cache_control.private = True
        response.cache_control.max_age = 3600
    else:
        response.cache_control.no_store = True
    return response


def _stored_file(dossier: Dossier, data: bytes) -> Response:
    return _pdf(data, f"dossier-{dossier.item_id}-{dossier.sha256[:12]}.pdf", stored=dossier)


def dossier_json(dossier: Dossier) -> dict[str, object]:
    return {
        "id": dossier.id,
        "item": dossier.item_id,
        "revision": dossier.revision,
        "org": dossier.org.code,
        "title": dossier.title,
        "category": dossier.category,
        "year": dossier.year,
        "ending": dossier.ending,
        "sha256": dossier.sha256,
        "size": dossier.size,
        "pages": dossier.pages,
        "generated_at": dossier.generated_at.isoformat(),
        "generated_by": dossier.generated_by,
        "audit_seq": dossier.audit_seq,
        "url": url_for("archive.download", dossier_id=dossier.id),
    }


@dataclass(frozen=True)
class Panel:
    """What the item page shows of the item's archive dossiers."""

    dossiers: list[Dossier]
    #: The caller may make one now (publish permission, the item was published).
    can_make: bool
    form: DossierForm

    def ending(self, dossier: Dossier) -> str:
        """How the publication ended (a message id)."""
        return rules.ENDING_LABELS.get(dossier.ending, dossier.ending)


def archive_panel(item: Item) -> Panel:
    """Return the item page's archive panel (a template global: the page's view stays as is)."""
    principal = current_principal()
    return Panel(
        dossiers=archive.of_item(db.session, item),
        can_make=item.live is not None and principal.can(Permission.PUBLISH_ITEMS, item.org),
        form=DossierForm(),
    )


# --- API ----------------------------------------------------------------------------------


@api.get("/items/<int:item_id>/archive.pdf")
@session_allowed
def item_dossier(item_id: int) -> Response:
    """The item's newest stored dossier (checked against its seal), else an interim one."""
    item, _principal = _item(item_id)
    data, stored = archive.current_pdf(
        db.session, item, now=registry.now(), store=registry.get(ARCHIVE)
    )
    if stored is not None:
        return _stored_file(stored, data)
    return _pdf(data, f"dossier-{item.id}-interim.pdf", stored=None)


@api.post("/items/<int:item_id>/dossier")
def make_dossier(item_id: int) -> tuple[Response, int]:
    """Make and store the item's dossier now (publish permission at its organisation)."""
    item, principal = _item(item_id)
    dossier = archive.make_now(db.session, principal, item, now=registry.now())
    return jsonify(dossier_json(dossier)), 201


# --- pages --------------------------------------------------------------------------------


@bp.get("/archive")
@login_required
def archive_list() -> str:
    principal = current_principal()
    years = archive.archive_years(db.session, principal)
    filters = listing.Filters(
        [
            listing.search(placeholder=N_("Title or SHA-256")),
            listing.select(
                "org", N_("Organisation"), choices(db.session, principal), translate=False
            ),
            listing.select(
                "category", N_("Category"), [(c.value, t) for c, t in CATEGORY_LABELS.items()]
            ),
            listing.select("year", N_("Year"), [(str(y), str(y)) for y in years], translate=False),
        ],
        request.args,
    )
    page = archive.archive_page(
        db.session,
        principal,
        archive.ArchiveFilters(
            text=filters.get("q"),
            org=filters.get("org"),
            category=filters.get("category"),
            year=int(filters.get("year")) if filters.get("year") else None,
        ),
        listing.page_number(request.args.get("page")),
    )
    return render_template(
        "paper/archive.html",
        page=page,
        filters=filters,
        ending_labels=rules.ENDING_LABELS,
        category_labels={c.value: label for c, label in CATEGORY_LABELS.items()},
    )


@bp.get("/archive/<int:dossier_id>.pdf")
@login_required
def download(dossier_id: int) -> Response:
    """A stored dossier, for whoever may view its organisation; checked against its seal."""
    dossier = archive.require_dossier(db.session, dossier_id)
    _item(dossier.item_id)  # who may see the item in full
    return _stored_file(dossier, archive.check_stored(db.session, dossier, registry.get(ARCHIVE)))


@bp.post("/archive/items/<int:item_id>")
@login_required
def make_now(item_id: int) -> WerkzeugResponse:
    item, principal = _item(item_id)
    if not DossierForm().validate_on_submit():
        flash(_("The page has expired. Please go back, reload it and try again."), "danger")
        return redirect(url_for("disclosure.item", item_id=item.id))
    try:
        dossier = archive.make_now(db.session, principal, item, now=registry.now())
    except DomainError as problem:
        flash(domain_message(problem), "danger")
    else:
        flash(
            _("The archive dossier was made and sealed: %(pages)s pages.", pages=dossier.pages),
            "success",
        )
    return redirect(url_for("disclosure.item", item_id=item.id) + "#dossiers")
