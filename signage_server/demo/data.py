"""Who and what the demo county holds. Codes and user names are fixed by CONTRACT.md."""

from __future__ import annotations

from dataclasses import dataclass

from signage_server.accounts.rules import Role
from signage_server.orgs.rules import OrgKind


@dataclass(frozen=True)
class DemoOrg:
    code: str
    name: str
    kind: OrgKind
    parent: str | None
    party_members: int | None = None
    address: str = ""
    #: The language it discloses in besides Chinese (``content.languages``).
    second_language: str | None = None


COUNTY = DemoOrg("XIAN", "清源县", OrgKind.COUNTY, None, address="清源县人民路1号")
TOWNSHIP = DemoOrg("JIYI", "集义镇", OrgKind.TOWNSHIP, "XIAN", address="集义镇政府街18号")

#: The 19 villages of 集义镇 and their party members (DESIGN.md §1: about 420 in 21 branches).
VILLAGES: list[tuple[str, int]] = [
    ("集义村", 26),
    ("东王庄村", 21),
    ("西王庄村", 18),
    ("南关村", 24),
    ("北关村", 19),
    ("李家庄村", 17),
    ("张家湾村", 16),
    ("刘家堡村", 20),
    ("杨树沟村", 14),
    ("石桥村", 18),
    ("柳林村", 15),
    ("前进村", 19),
    ("红星村", 17),
    ("马家洼村", 13),
    ("赵家峪村", 15),
    ("高家岭村", 12),
    ("孙家营村", 16),
    ("王家坪村", 14),
    ("河东村", 22),
]

ORGS: list[DemoOrg] = [
    COUNTY,
    TOWNSHIP,
    *(
        DemoOrg(f"JIYI-{n:02d}", name, OrgKind.VILLAGE, "JIYI", members, f"集义镇{name}村委会")
        for n, (name, members) in enumerate(VILLAGES, start=1)
    ),
    DemoOrg("JIYI-EDU", "集义镇教育支部", OrgKind.SCHOOL, "JIYI", 38, "集义镇中心学校"),
    DemoOrg("JIYI-JG", "集义镇机关支部", OrgKind.AGENCY, "JIYI", 46, "集义镇政府机关"),
    # A neighbouring township and a county agency, so that demo users see what they may
    # not see.
    DemoOrg("CHENGGUAN", "城关镇", OrgKind.TOWNSHIP, "XIAN", address="清源县城关镇解放路6号"),
    DemoOrg("CHENGGUAN-01", "东关村", OrgKind.VILLAGE, "CHENGGUAN", 31, "城关镇东关村委会"),
    DemoOrg("CHENGGUAN-02", "西关村", OrgKind.VILLAGE, "CHENGGUAN", 27, "城关镇西关村委会"),
    DemoOrg("XIAN-SLJ", "县水利局机关支部", OrgKind.AGENCY, "XIAN", 23, "清源县水利局"),
    # Bilingual boards (issue 15): a Uyghur village, whose screen shows Chinese and Uyghur
    # side by side (Uyghur right to left), and a Mongolian gacha in 城关镇's neighbouring
    # township, whose board sets Mongolian vertically.
    DemoOrg("YUEPUHU", "岳普湖镇", OrgKind.TOWNSHIP, "XIAN", address="岳普湖镇团结路8号"),
    DemoOrg(
        "YUEPUHU-01",
        "阿克塔拉村",
        OrgKind.VILLAGE,
        "YUEPUHU",
        34,
        "岳普湖镇阿克塔拉村委会",
        second_language="ug",
    ),
    DemoOrg("BAYAN", "巴彦镇", OrgKind.TOWNSHIP, "XIAN", address="巴彦镇草原路2号"),
    DemoOrg(
        "BAYAN-01",
        "乌兰嘎查",
        OrgKind.VILLAGE,
        "BAYAN",
        19,
        "巴彦镇乌兰嘎查委员会",
        second_language="mn",
    ),
]

#: One demo user per role at each of these orgs: ``<code>_<role>`` (CONTRACT.md).
USERS: dict[str, dict[Role, str]] = {
    "XIAN": {
        Role.EDITOR: "刘晓燕（县委办公室干事）",
        Role.REVIEWER: "何文斌（县委组织部科长）",
        Role.APPROVER: "周国强（县委书记）",
        Role.SUPERIOR: "郑丽华（县委组织部副部长）",
        Role.OPERATOR: "钱志远（县融媒体中心）",
        Role.HANDLER: "冯雪梅（县信访局）",
        Role.DISCIPLINE: "陈立新（县纪委监委）",
        Role.SUPERVISOR: "吴桂芳（县党务公开监督员）",
        Role.ADMIN: "郭子明（县委网信办）",
    },
    "JIYI": {
        Role.EDITOR: "李慧（镇党政办干事）",
        Role.REVIEWER: "赵德明（镇党委组织委员）",
        Role.APPROVER: "张建军（镇党委书记）",
        Role.SUPERIOR: "王志刚（镇党委副书记）",
        Role.OPERATOR: "杨帆（镇党群服务中心）",
        Role.HANDLER: "马丽（镇便民服务中心）",
        Role.DISCIPLINE: "胡海涛（镇纪委书记）",
        Role.SUPERVISOR: "高秀兰（镇党务公开监督员）",
        Role.ADMIN: "孙伟（镇党政办信息员）",
    },
    "JIYI-01": {
        Role.EDITOR: "王小红（村报账员）",
        Role.REVIEWER: "刘长顺（村务监督委员会主任）",
        Role.APPROVER: "王建国（村党支部书记）",
        Role.SUPERIOR: "李春生（村党支部副书记）",
        Role.OPERATOR: "赵磊（村党群服务站）",
        Role.HANDLER: "张秀英（村委会委员）",
        Role.DISCIPLINE: "陈宝山（村纪检委员）",
        Role.SUPERVISOR: "周玉兰（村民监督员）",
        Role.ADMIN: "王鹏（村信息员）",
    },
    "YUEPUHU-01": {
        Role.EDITOR: "阿依古丽·买买提（村报账员）",
        Role.REVIEWER: "吐尔逊·艾买提（村务监督委员会主任）",
        Role.APPROVER: "买买提·阿不都拉（村党支部书记）",
        Role.OPERATOR: "艾力·吐尔逊（村党群服务中心）",
    },
    "BAYAN-01": {
        Role.EDITOR: "其其格（嘎查报账员）",
        Role.REVIEWER: "巴特尔（嘎查务监督委员会主任）",
        Role.APPROVER: "额尔敦（嘎查党支部书记）",
        Role.OPERATOR: "乌云（嘎查党群服务站）",
    },
}

#: The site administrator, at the root of the tree.
ADMIN = ("admin", "系统管理员", "XIAN")


def demo_username(code: str, role: Role) -> str:
    """Return the demo user name for ``role`` at ``code``: ``jiyi01_editor``."""
    return f"{code.lower().replace('-', '')}_{role.value}"


@dataclass(frozen=True)
class DemoScreen:
    org: str
    name: str
    audience: str
    layout: str
    location: str
    #: How it shows bilingual items (``screens.rules.Bilingual``).
    bilingual: str = "side"


#: Screens of the demo: a village square, a party activity room, a township service hall.
SCREENS = (
    DemoScreen("JIYI-01", "集义村文化广场大屏", "public", "landscape", "村委会门前广场"),
    DemoScreen("JIYI-01", "集义村党员活动室", "party", "portrait", "村党群服务站二楼"),
    DemoScreen("JIYI", "集义镇便民服务中心LED屏", "public", "led", "镇便民服务中心大厅"),
    DemoScreen("YUEPUHU-01", "阿克塔拉村广场屏", "public", "landscape", "村委会门前广场"),
    DemoScreen(
        "BAYAN-01", "乌兰嘎查党群服务站屏", "public", "portrait", "嘎查党群服务站门厅", "alternate"
    ),
)
