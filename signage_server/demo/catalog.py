"""The demo county's disclosure catalogs (公开目录), set by 清源县 for the orgs below it."""

from __future__ import annotations

from dataclasses import dataclass

from signage_server.catalog.rules import Cadence
from signage_server.disclosure.rules import Category as C
from signage_server.disclosure.rules import Scope as S
from signage_server.disclosure.rules import Timing as T
from signage_server.orgs.rules import OrgKind


@dataclass(frozen=True)
class DemoEntry:
    code: str
    title: str
    category: C
    scope: S
    timing: T
    cadence: Cadence | None = None
    grace_days: int = 19
    department: str = ""


Q = Cadence.QUARTERLY
H = Cadence.HALF_YEARLY
Y = Cadence.YEARLY

TEMPLATES: dict[OrgKind, tuple[str, list[DemoEntry]]] = {
    OrgKind.VILLAGE: (
        "清源县村级党务村务公开目录（2026年版）",
        [
            DemoEntry(
                "CW-01",
                "村级财务收支情况",
                C.VILLAGE_AFFAIRS,
                S.PUBLIC,
                T.PERIODIC,
                Q,
                19,
                "村报账员",
            ),
            DemoEntry(
                "SZ-01",
                "集体资产资源（三资）管理情况",
                C.VILLAGE_AFFAIRS,
                S.PUBLIC,
                T.PERIODIC,
                H,
                30,
                "村委会",
            ),
            DemoEntry(
                "DF-01",
                "党费收缴和使用情况",
                C.ORGANISATION,
                S.PARTY,
                T.PERIODIC,
                Q,
                19,
                "村党支部",
            ),
            DemoEntry(
                "JC-01",
                "党组织重大事项决策及执行情况",
                C.DECISIONS,
                S.PUBLIC,
                T.PERIODIC,
                Q,
                19,
                "村党支部",
            ),
            DemoEntry(
                "LZ-01",
                "党风廉政建设责任制落实情况",
                C.CONDUCT,
                S.PUBLIC,
                T.PERIODIC,
                H,
                30,
                "村务监督委员会",
            ),
            DemoEntry(
                "MZ-01",
                "低保、临时救助等惠民政策落实情况",
                C.SERVICE,
                S.PUBLIC,
                T.PERIODIC,
                Q,
                19,
                "村委会",
            ),
            DemoEntry(
                "XM-01",
                "村级工程项目建设情况（逐段公开）",
                C.VILLAGE_AFFAIRS,
                S.PUBLIC,
                T.STAGED,
                None,
                30,
                "村委会",
            ),
            DemoEntry(
                "FZ-01", "发展党员情况", C.ORGANISATION, S.PARTY, T.IMMEDIATE, None, 0, "村党支部"
            ),
            DemoEntry(
                "GB-01", "村干部任前公示", C.CADRES, S.PUBLIC, T.IMMEDIATE, None, 0, "镇党委组织办"
            ),
            DemoEntry(
                "ZD-01",
                "党组织工作制度和办事程序",
                C.RULES,
                S.PUBLIC,
                T.STANDING,
                None,
                0,
                "村党支部",
            ),
            DemoEntry(
                "LX-01",
                "村“两委”成员分工及联系方式",
                C.SERVICE,
                S.PUBLIC,
                T.STANDING,
                None,
                0,
                "村党支部",
            ),
        ],
    ),
    OrgKind.TOWNSHIP: (
        "清源县乡镇党务公开目录（2026年版）",
        [
            DemoEntry(
                "JC-01",
                "党委重大决策部署及执行情况",
                C.DECISIONS,
                S.PUBLIC,
                T.PERIODIC,
                Q,
                19,
                "党政办",
            ),
            DemoEntry(
                "DF-01", "党费收缴和使用情况", C.ORGANISATION, S.PARTY, T.PERIODIC, H, 30, "组织办"
            ),
            DemoEntry(
                "ZF-01",
                "作风建设和党风廉政建设情况",
                C.CONDUCT,
                S.PUBLIC,
                T.PERIODIC,
                H,
                30,
                "纪委",
            ),
            DemoEntry(
                "CZ-01", "财政预决算及“三公”经费", C.OTHER, S.PUBLIC, T.PERIODIC, Y, 60, "财政所"
            ),
            DemoEntry(
                "GB-01",
                "干部选拔任用（考察预告、任前公示）",
                C.CADRES,
                S.PUBLIC,
                T.IMMEDIATE,
                None,
                0,
                "组织办",
            ),
            DemoEntry(
                "BZ-01",
                "领导班子成员分工及联系方式",
                C.LEADERSHIP,
                S.PUBLIC,
                T.STANDING,
                None,
                0,
                "党政办",
            ),
            DemoEntry(
                "ZD-01", "党委工作制度和议事规则", C.RULES, S.PUBLIC, T.STANDING, None, 0, "党政办"
            ),
        ],
    ),
    OrgKind.SCHOOL: (
        "清源县教育系统党支部公开目录",
        [
            DemoEntry(
                "DF-01", "党费收缴和使用情况", C.ORGANISATION, S.PARTY, T.PERIODIC, H, 30, "支部"
            ),
            DemoEntry(
                "FZ-01", "发展党员情况", C.ORGANISATION, S.PARTY, T.IMMEDIATE, None, 0, "支部"
            ),
            DemoEntry("ZD-01", "支部工作制度", C.RULES, S.UNIT, T.STANDING, None, 0, "支部"),
        ],
    ),
    OrgKind.AGENCY: (
        "清源县机关党支部公开目录",
        [
            DemoEntry(
                "DF-01", "党费收缴和使用情况", C.ORGANISATION, S.PARTY, T.PERIODIC, H, 30, "支部"
            ),
            DemoEntry("ZF-01", "作风建设情况", C.CONDUCT, S.UNIT, T.PERIODIC, H, 30, "支部"),
            DemoEntry("ZD-01", "支部工作制度", C.RULES, S.UNIT, T.STANDING, None, 0, "支部"),
        ],
    ),
}
