"""Posters (one item on paper) and boards (an organisation's 公开栏: every current item as one
PDF), printed from the same approved content the screens and phones show.

What may be printed is the one audience rule's answer (``disclosure.audience``):

* a **board** of an audience (``public`` for the village square, ``party`` for the party
  activity room, ``unit`` for the office) carries the items a screen of that audience at the
  organisation may show, and only those that are current now (not scheduled ones), in the
  order of the organisation's disclosure catalog, then by category;
* a **poster** is printed for someone who may see the revision. It is the disclosure only
  while the revision is current (or published and scheduled): then it carries the QR code of
  the item's form (a ``p`` code: feedback knows it came from paper). A draft, a revision in
  the procedure, an ended one is printed as a proof: a watermark across every page and no QR
  code, so nobody pins it up as the disclosure. Party and staff items carry a band saying
  where they may be pinned;
* a revision that does not match its seal in the audit chain is never printed (a poster is
  refused; a board leaves it out and logs the alarm).

A bilingual item prints both texts, the Chinese one first (``paper.bilingual``); the seal
check covers both (they are sealed in one content hash), so a changed translation is never
printed either.

Every sheet carries its approval block (who drafted, reviewed, signed off, approved above
and published it, when; the accountable person and department), its validity and notice
period, the content's SHA-256 and the audit chain's head at printing.

The data is gathered here, the layout is ``templates/paper/poster.html`` and ``board.html``
(one item: ``paper/_item.html``) with ``static/paper/paper.css``. Call inside an app context;
render with :func:`signage_server.paper.render.render_pdf` (or :func:`poster_pdf`,
:func:`board_pdf`, which do both).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from dataclasses import field

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from content.bodies import parse_body
from content.render import render_body_html
from signage_server import services as registry
from signage_server.assets import STORE
from signage_server.audit import services as audit
from signage_server.catalog.services import entries_for
from signage_server.disclosure import notices
from signage_server.disclosure import path as procedure
from signage_server.disclosure import trail
from signage_server.disclosure import viewing
from signage_server.disclosure.audience import Audience
from signage_server.disclosure.audience import ScreenViewer
from signage_server.disclosure.audience import Status
from signage_server.disclosure.audience import Viewer
from signage_server.disclosure.audience import decide
from signage_server.disclosure.audience import status as public_status
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.procedures import Meeting
from signage_server.disclosure.procedures import Seal
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import State
from signage_server.disclosure.services import broken_seals
from signage_server.errors import Conflict
from signage_server.errors import NotFound
from signage_server.errors import PermissionDenied
from signage_server.feedback import links
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind
from signage_server.paper import bilingual
from signage_server.paper.bilingual import PrintedTranslation
from signage_server.paper.layout import Orientation
from signage_server.paper.layout import PageFormat
from signage_server.paper.layout import Size
from signage_server.paper.layout import page_format
from signage_server.paper.qr import qr_svg
from signage_server.paper.render import asset_url
from signage_server.paper.render import render_pdf
from signage_server.public.links import page_url

logger = logging.getLogger(__name__)

#: Paper is printed in Chinese whatever the language of the operator's screen.
PAPER_LOCALE = "zh_Hans_CN"

#: What an organisation's board is called (红头 of posters, cover of boards).
DISCLOSURE_KINDS = {
    OrgKind.VILLAGE: N_("Party and village affairs disclosure"),
    OrgKind.TOWNSHIP: N_("Party and government affairs disclosure"),
    OrgKind.COUNTY: N_("Party and government affairs disclosure"),
    OrgKind.AGENCY: N_("Party affairs disclosure"),
    OrgKind.SCHOOL: N_("Party affairs disclosure"),
}
BOARD_TITLES = {
    OrgKind.VILLAGE: N_("Party and village affairs disclosure board"),
    OrgKind.TOWNSHIP: N_("Party and government affairs disclosure board"),
    OrgKind.COUNTY: N_("Party and government affairs disclosure board"),
    OrgKind.AGENCY: N_("Party affairs disclosure board"),
    OrgKind.SCHOOL: N_("Party affairs disclosure board"),
}

#: Where an item of a limited scope may be pinned up (a band on its sheet).
SCOPE_BANDS = {
    Scope.PARTY: N_("Disclosed within the party: for the board of the party activity room only"),
    Scope.UNIT: N_("Disclosed within the organisation: for the board of its own office only"),
}
#: What a board of each audience is for (on its cover).
AUDIENCE_BANDS = {
    Audience.PUBLIC: N_("For the public board (village square, street)"),
    Audience.PARTY: N_("For the party activity room: party members only"),
    Audience.UNIT: N_("For the office: staff of the organisation only"),
}

#: How the contents of a board number its categories (一、二、…: paper is printed in Chinese).
NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")

#: The watermark of a revision that is not (yet, or any longer) the disclosure.
PROOF_MARK = N_("PROOF · NOT PUBLISHED")
VOID_MARK = N_("NO LONGER VALID")
PROOF_NOTE = N_(
    "Proof printed for checking: this revision has not been published. Do not pin it up."
)
VOID_NOTE = N_(
    "This revision is no longer the disclosure (%(status)s). Printed for the record only:"
    " do not pin it up."
)

#: What each step's line says on the approval block: every step of the revision's procedure,
#: in order (publication is the last line).
SIGNING_LABELS = {
    procedure.Step.DRAFT: N_("Drafted by"),
    procedure.Step.REVIEW: N_("Reviewed by"),
    procedure.Step.APPROVE: N_("Signed off by"),
    procedure.Step.DECIDE: N_("Joint meeting decision"),
    procedure.Step.SEAL: N_("Committee seal"),
    procedure.Step.SUPERIOR: N_("Approved above by"),
    procedure.Step.PUBLISH: N_("Published by"),
}


@dataclass(frozen=True)
class Signature:
    """One line of the approval block."""

    label: str
    name: str
    day: dt.date | None
    status: procedure.Status


@dataclass(frozen=True)
class Notice:
    """A public notice's period (公示期) as printed."""

    label: str
    min_days: int
    first_day: dt.date | None
    last_day: dt.date | None
    #: A voter list's election day: its period runs until then, not for working days.
    election_on: dt.date | None = None


@dataclass(frozen=True)
class Sheet:
    """Everything printed of one item revision."""

    item_id: int
    number: int
    org_name: str
    title: str
    category: str
    catalog: str
    body: Markup
    #: The second text of a bilingual item (after the Chinese one), or ``None``.
    translation: PrintedTranslation | None
    wide: bool
    #: The type size of its table in percent (``layout.TABLE_SCALES``).
    table_scale: int
    scope: Scope
    status: Status
    #: The scope band (party and staff items), or empty.
    band: str
    #: The watermark and its explanation when this is not the disclosure, or empty.
    watermark: str
    proof_note: str
    #: The form's URL and its QR code (only on the disclosure).
    form_url: str
    qr: Markup | None
    published_day: dt.date | None
    first_day: dt.date | None
    last_day: dt.date | None
    notice: Notice | None
    signatures: list[Signature]
    #: Village affairs: the joint meeting that decided it, and the supervision committee's
    #: seal (the seal line).
    meeting: Meeting | None
    committee_seal: Seal | None
    accountable: str
    department: str
    stage: str
    content_sha256: str

    @property
    def code(self) -> str:
        """How the sheet names the item: ``12-2`` (item 12, revision 2)."""
        return f"{self.item_id}-{self.number}"


@dataclass(frozen=True)
class Stamp:
    """When the paper was printed, and the audit chain's head then."""

    printed_at: dt.datetime
    head_seq: int
    head_hash: str


@dataclass(frozen=True)
class Document:
    """A printed document before rendering: its HTML and a file name."""

    html: str
    filename: str
    fmt: PageFormat
    #: The sheets it carries (one for a poster; a board's, in order).
    sheets: list[Sheet] = field(default_factory=list)


def _day(moment: dt.datetime | None, tz: dt.tzinfo) -> dt.date | None:
    return moment.astimezone(tz).date() if moment is not None else None


def stamp(session: Session, now: dt.datetime) -> Stamp:
    head = audit.head(session)
    return Stamp(printed_at=now, head_seq=head.seq, head_hash=head.hash)


# --- which revision, and whether it is the disclosure ------------------------------------


def poster_revision(item: Item, now: dt.datetime, number: int | None = None) -> Revision:
    """Return the revision a poster of ``item`` prints: ``number`` when given; otherwise the
    published one while it is current or scheduled, else the newest (a proof, or the ended
    revision for the record).

    :raise NotFound: no revision ``number``.
    """
    if number is not None:
        found = item.revision(number)
        if found is None:
            raise NotFound(N_("No such revision."), code="revision_not_found")
        return found
    live = item.live
    if live is not None and is_disclosure(public_status(viewing.facts(live), now)):
        return live
    return item.current


@dataclass(frozen=True)
class PosterChoice:
    """What the item page offers to print: the revision a poster prints by default, whether
    it is the disclosure, and the newer revision in the procedure that may be proofed."""

    number: int
    disclosure: bool
    proof: int | None


def poster_choice(item: Item, now: dt.datetime) -> PosterChoice:
    chosen = poster_revision(item, now)
    current = item.current
    return PosterChoice(
        number=chosen.number,
        disclosure=is_disclosure(public_status(viewing.facts(chosen), now)),
        proof=current.number if current.number != chosen.number else None,
    )


def is_disclosure(status: Status) -> bool:
    """Tell whether a revision in ``status`` is printed as the disclosure (with its QR code):
    it is current, or published and scheduled to start."""
    return status in (Status.CURRENT, Status.SCHEDULED)


def require_intact(session: Session, revision: Revision) -> None:
    """Refuse to print a revision that does not match its seal in the audit chain.

    A draft is exempt: it is printed as a proof, and a draft reopened by a rejection has no
    seal of its own until it is saved.

    :raise Conflict: the stored revision was changed behind the procedure's back.
    """
    if revision.state is State.DRAFT:
        return
    if broken_seals(session, [revision]):
        logger.error(
            "INTEGRITY ALARM: item %s revision %s does not match its seal in the audit chain;"
            " it is not printed",
            revision.item_id,
            revision.number,
        )
        raise Conflict(
            N_(
                "This revision does not match its seal in the audit chain (it was changed"
                " outside the procedure), so it is not printed. Run `signage audit verify`"
                " and tell the administrator."
            ),
            code="seal_broken",
        )


# --- one sheet ----------------------------------------------------------------------------


def form_url(item: Item) -> str:
    """The URL of the item's feedback form as printed on paper (a ``p`` code)."""
    return links.form_url(links.poster_code(item.id))


def signatures(session: Session, item: Item, revision: Revision, tz: dt.tzinfo) -> list[Signature]:
    """Return the approval block: each step with who took it and on which day, as the
    item's page shows the procedure (people by real name and post)."""
    path = trail.progress(session, item, revision).path
    lines = []
    for view in path.steps:
        done = view.status is procedure.Status.DONE
        lines.append(
            Signature(
                label=SIGNING_LABELS[view.step],
                name=view.actor if done else "",
                day=_day(view.at, tz) if done else None,
                status=view.status,
            )
        )
    return lines


def _notice(protection: viewing.Protection, revision: Revision) -> Notice | None:
    """Return the notice period printed (the notice rule's, as screens and pages show it)."""
    tz = protection.tz
    period = protection.period(revision)
    if revision.notice_kind is None or period is None:
        return None
    return Notice(
        label=revision.notice_kind.label,
        min_days=notices.minimum_days(revision.notice_kind, revision.notice_min_days),
        first_day=period.first_day(tz),
        last_day=period.last_day(tz),
        election_on=revision.election_on,
    )


def sheet(
    session: Session,
    item: Item,
    revision: Revision,
    now: dt.datetime,
    *,
    fmt: PageFormat | None = None,
) -> Sheet:
    """Gather what is printed of ``revision`` (checked against its seal by the caller)."""
    tz = viewing.local_tz()
    org = item.org
    body = parse_body(revision.body)
    protection = viewing.Protection(session, tz)
    shown = protection.window(revision)
    status = public_status(protection.facts(revision, org), now)
    disclosure = is_disclosure(status)
    if disclosure:
        watermark, note = "", ""
    elif status is Status.UNPUBLISHED:
        watermark, note = PROOF_MARK, PROOF_NOTE
    else:
        watermark, note = VOID_MARK, VOID_NOTE
    url = form_url(item) if disclosure else ""
    entry = revision.catalog_entry
    wide = fmt is not None and fmt.orientation is Orientation.LANDSCAPE
    return Sheet(
        item_id=item.id,
        number=revision.number,
        org_name=org.name,
        title=revision.title,
        category=revision.category.label,
        catalog=f"{entry.code} {entry.title}" if entry is not None else "",
        body=render_body_html(body, asset_url, revision.title),
        translation=bilingual.printed(revision.translation, revision.body, asset_url),
        wide=wide,
        table_scale=fmt.table_scale if fmt is not None else 100,
        scope=revision.scope,
        status=status,
        band=SCOPE_BANDS.get(revision.scope, ""),
        watermark=watermark,
        proof_note=note,
        form_url=url,
        qr=qr_svg(url, title="QR") if url else None,
        published_day=_day(revision.published_at, tz),
        first_day=shown.first_day(tz),
        last_day=shown.last_day(tz),
        notice=_notice(protection, revision),
        signatures=signatures(session, item, revision, tz),
        meeting=revision.joint_meeting,
        committee_seal=revision.committee_seal,
        accountable=revision.accountable,
        department=revision.department,
        stage=revision.stage,
        content_sha256=revision.content_sha256,
    )


def _render(template: str, **context: object) -> str:
    with force_locale(PAPER_LOCALE):
        return render_template(template, **context)


def safe_filename(*parts: str) -> str:
    """Return a file name from ``parts`` (Chinese kept; path and shell characters dropped)."""
    text = "-".join(p for p in parts if p)
    cleaned = "".join(c for c in text if c.isalnum() or c in "-_（）()·")
    return cleaned[:80] or "document"


# --- posters -------------------------------------------------------------------------------


def poster(
    session: Session,
    item: Item,
    *,
    size: str = "A4",
    orientation: str = "portrait",
    now: dt.datetime,
    revision: int | None = None,
    viewer: Viewer | None = None,
) -> Document:
    """Return the poster of ``item`` (see :func:`poster_revision` for which revision).

    :param viewer: who prints it, asked of the audience rule (``None``: the caller checked).
    :raise NotFound: no such revision.
    :raise PermissionDenied: ``viewer`` may not see the revision in full.
    :raise Conflict: the revision does not match its seal.
    :raise ValueError: unknown size or orientation.
    """
    chosen = poster_revision(item, now, revision)
    if viewer is not None and not viewing.decision(chosen, viewer, now).full:
        raise PermissionDenied(N_("You may not print this item."), code="forbidden")
    require_intact(session, chosen)
    fmt = page_format(parse_body(chosen.body), Size(size), Orientation(orientation))
    printed = sheet(session, item, chosen, now, fmt=fmt)
    html = _render(
        "paper/poster.html",
        sheet=printed,
        stamp=stamp(session, now),
        fmt=fmt,
        kind=DISCLOSURE_KINDS[item.org.kind],
    )
    org_name = "" if chosen.title.startswith(item.org.name) else item.org.name
    name = safe_filename(org_name, chosen.title, fmt.label)
    return Document(html=html, filename=f"{name}.pdf", fmt=fmt, sheets=[printed])


def poster_pdf(
    session: Session,
    item: Item,
    *,
    size: str = "A4",
    orientation: str = "portrait",
    now: dt.datetime,
    revision: int | None = None,
    viewer: Viewer | None = None,
) -> bytes:
    """Return the PDF poster of ``item`` (A4 or A3; portrait, landscape or ``auto``:
    landscape for a table too wide for portrait). See :func:`poster`."""
    document = poster(
        session,
        item,
        size=size,
        orientation=orientation,
        now=now,
        revision=revision,
        viewer=viewer,
    )
    return render_pdf(document.html, registry.get(STORE))


# --- boards --------------------------------------------------------------------------------


def board_revisions(
    session: Session, org: Org, audience: Audience, now: dt.datetime
) -> list[tuple[Item, Revision]]:
    """Return the items a board of ``audience`` at ``org`` carries, in the catalog's order:
    what a screen of that audience there may show and is current now (not scheduled), each
    matching its seal. By category (in the order of ``Category``: party decisions first,
    other last), within a category in the order of the organisation's disclosure catalog
    with the items outside it last, the newest first within one entry (the public page's
    order)."""
    items = session.scalars(
        sa.select(Item)
        .where(Item.org_id == org.id, Item.live_number.is_not(None))
        .options(
            selectinload(Item.revisions).selectinload(Revision.catalog_entry),
            selectinload(Item.org),
        )
    ).all()
    screen = ScreenViewer(audience, org.path)
    shown = []
    for item in items:
        live = item.live
        if live is None:
            continue
        decision = decide(viewing.facts(live, org), screen, now)
        if decision.content and decision.status is Status.CURRENT:
            shown.append((item, live))
    broken = {r.id for r in broken_seals(session, [r for _i, r in shown])}
    for _item, revision in shown:
        if revision.id in broken:
            logger.error(
                "INTEGRITY ALARM: item %s revision %s does not match its seal in the audit"
                " chain; it is left off the board of %s",
                revision.item_id,
                revision.number,
                org.code,
            )
    positions = {entry.id: index for index, entry in enumerate(entries_for(session, org))}
    categories = list(Category)

    def order(pair: tuple[Item, Revision]) -> tuple[int, int, float, int]:
        item, revision = pair
        start = viewing.window(revision).start or now
        return (
            categories.index(revision.category),
            positions.get(revision.catalog_entry_id or -1, len(positions)),
            -start.timestamp(),
            item.id,
        )

    return sorted(((i, r) for i, r in shown if r.id not in broken), key=order)


def board(
    session: Session,
    org: Org,
    *,
    audience: Audience = Audience.PUBLIC,
    now: dt.datetime,
) -> Document:
    """Return the board of ``org`` for ``audience``: a cover, a table of contents, then each
    item on its own pages (landscape pages for tables too wide for portrait)."""
    pairs = board_revisions(session, org, audience, now)
    sheets = []
    for item, revision in pairs:
        fmt = page_format(parse_body(revision.body), Size.A4, Orientation.AUTO)
        sheets.append(sheet(session, item, revision, now, fmt=fmt))
    fmt = PageFormat(Size.A4, Orientation.PORTRAIT)
    groups: list[tuple[str, list[tuple[int, Sheet]]]] = []
    for number, printed in enumerate(sheets, start=1):
        if not groups or groups[-1][0] != printed.category:
            groups.append((printed.category, []))
        groups[-1][1].append((number, printed))
    html = _render(
        "paper/board.html",
        org=org,
        sheets=sheets,
        groups=groups,
        numerals=NUMERALS,
        stamp=stamp(session, now),
        fmt=fmt,
        audience=audience,
        audience_band=AUDIENCE_BANDS[audience],
        kind=DISCLOSURE_KINDS[org.kind],
        board_title=BOARD_TITLES[org.kind],
        today=_day(now, viewing.local_tz()),
        page_url=page_url(org),
        page_qr=qr_svg(page_url(org), title="QR"),
    )
    day = _day(now, viewing.local_tz())
    with force_locale(PAPER_LOCALE):
        scope = "" if audience is Audience.PUBLIC else gettext(Scope(audience.value).label)
        name = safe_filename(org.name, gettext("Disclosure board"), scope, str(day))
    return Document(html=html, filename=f"{name}.pdf", fmt=fmt, sheets=sheets)


def board_pdf(
    session: Session,
    org: Org,
    *,
    audience: Audience = Audience.PUBLIC,
    now: dt.datetime,
) -> bytes:
    """Return the PDF board of ``org`` for ``audience`` (see :func:`board`)."""
    document = board(session, org, audience=audience, now=now)
    return render_pdf(document.html, registry.get(STORE))
