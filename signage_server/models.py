"""Import every model module so that ``Base.metadata`` knows all tables (Alembic, tests)."""

from __future__ import annotations

from signage_server.accounts.models import AccountEvent
from signage_server.accounts.models import ApiToken
from signage_server.accounts.models import LoginSession
from signage_server.accounts.models import LoginThrottle
from signage_server.accounts.models import RoleGrant
from signage_server.accounts.models import User
from signage_server.appraisal.models import Appraisal
from signage_server.appraisal.models import AppraisalSubject
from signage_server.appraisal.models import Ballot
from signage_server.appraisal.models import CodeRequest
from signage_server.appraisal.models import Voter
from signage_server.assessment.models import Assessment
from signage_server.assets.models import Asset
from signage_server.audit.models import AuditRecord
from signage_server.catalog.models import CatalogEntry
from signage_server.catalog.models import CatalogTemplate
from signage_server.catalog.models import Exemption
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.models import RevisionAsset
from signage_server.feedback.models import Case
from signage_server.feedback.models import CaseEvent
from signage_server.feedback.models import Reply
from signage_server.feedback.models import Transfer
from signage_server.fleet.commands.models import ScreenCommand
from signage_server.fleet.health.models import BoxHealth
from signage_server.fleet.health.models import BoxRestart
from signage_server.fleet.power.models import BlankPeriod
from signage_server.fleet.power.models import PowerReport
from signage_server.fleet.power.models import PowerSchedule
from signage_server.fleet.snapshots.models import Snapshot
from signage_server.lease.models import SchedulerLease
from signage_server.matters.models import Matter
from signage_server.matters.models import MatterStage
from signage_server.orgs.models import Org
from signage_server.paper.models import Dossier
from signage_server.paper.models import PrintJob
from signage_server.schedule.models import Playlist
from signage_server.schedule.models import PlaylistEntry
from signage_server.screens.models import Manifest
from signage_server.screens.models import PairingRequest
from signage_server.screens.models import PlayRecord
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenGroup
from signage_server.supervision.models import Accountability
from signage_server.supervision.models import ExternalSupervisor
from signage_server.supervision.models import Finding
from signage_server.supervision.models import Inspection
from signage_server.supervision.models import Meeting
from signage_server.workdays.models import CalendarDay
from signage_server.workdays.models import CalendarYear

__all__ = [
    "AccountEvent",
    "Accountability",
    "ApiToken",
    "Appraisal",
    "AppraisalSubject",
    "Assessment",
    "Asset",
    "AuditRecord",
    "Ballot",
    "BlankPeriod",
    "BoxHealth",
    "BoxRestart",
    "CalendarDay",
    "CalendarYear",
    "Case",
    "CaseEvent",
    "CatalogEntry",
    "CatalogTemplate",
    "CodeRequest",
    "Dossier",
    "Exemption",
    "ExternalSupervisor",
    "Finding",
    "Inspection",
    "Item",
    "LoginSession",
    "LoginThrottle",
    "Manifest",
    "Matter",
    "MatterStage",
    "Meeting",
    "Org",
    "PairingRequest",
    "PlayRecord",
    "Playlist",
    "PlaylistEntry",
    "PowerReport",
    "PowerSchedule",
    "PrintJob",
    "Reply",
    "Revision",
    "RevisionAsset",
    "RoleGrant",
    "SchedulerLease",
    "Screen",
    "ScreenCommand",
    "ScreenGroup",
    "Snapshot",
    "Transfer",
    "User",
    "Voter",
]
