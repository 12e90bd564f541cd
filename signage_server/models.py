"""Import every model module so that ``Base.metadata`` knows all tables (Alembic, tests)."""

from __future__ import annotations

from signage_server.accounts.models import AccountEvent
from signage_server.accounts.models import ApiToken
from signage_server.accounts.models import RoleGrant
from signage_server.accounts.models import User
from signage_server.orgs.models import Org

__all__ = ["AccountEvent", "ApiToken", "Org", "RoleGrant", "User"]
