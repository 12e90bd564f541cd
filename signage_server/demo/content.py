"""The demo county's disclosure items: a story told through the real procedure.

For 集义村 (JIYI-01) and 集义镇 (JIYI): a quarterly 村级财务收支 table, a staged 三重一大 road
project (its second stage waiting for the township's higher review), 党费收缴 (party scope),
a running 任前公示, standing rules and contacts, a draft sent back, a draft awaiting review -
and catalog entries left overdue. Dates are relative to the day the demo is seeded, and
every step goes through the services (and so into the audit chain) at its own time.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.accounts.permissions import Principal
from signage_server.accounts.services import get_user
from signage_server.catalog.rules import Cadence
from signage_server.catalog.rules import period_of
from signage_server.catalog.services import require_entry_for
from signage_server.demo import bilingual
from signage_server.disclosure import services as items
from signage_server.disclosure.models import Item
from signage_server.disclosure.procedures import Meeting
from signage_server.disclosure.rules import SIGN_OFF
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import NoticeKind
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import Timing
from signage_server.errors import DomainError
from signage_server.orgs.services import require_by_code
from signage_server.workdays.rules import CalendarUnknown
from signage_server.workdays.services import load_calendar

logger = logging.getLogger(__name__)
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


@dataclass
class Story:
    """One item: who drafts it, where, when, and how far through the procedure it goes."""

    start: dt.datetime
    org: str
    author: str
    fields: dict[str, Any]
    #: Steps after drafting: (action, user[, reason]).
    steps: Sequence[tuple[str, ...]] = field(default_factory=list)


def _people(prefix: str) -> dict[str, str]:
    return {
        role: f"{prefix}_{role}"
        for role in ("editor", "reviewer", "approver", "superior", "operator")
    }


V = _people("jiyi01")
T = _people("jiyi")
PUBLISH = [
    ("submit", V["editor"]),
    ("review", V["reviewer"]),
    ("approve", V["approver"]),
    ("publish", V["operator"]),
]
PUBLISH_HIGHER = [
    ("submit", V["editor"]),
    ("review", V["reviewer"]),
    ("approve", V["approver"]),
    ("superior_approve", T["superior"]),
    ("publish", V["operator"]),
]
TOWNSHIP_PUBLISH = [
    ("submit", T["editor"]),
    ("review", T["reviewer"]),
    ("approve", T["approver"]),
    ("publish", T["operator"]),
]


def _finance(label: str) -> dict[str, Any]:
    return {
        "type": "table",
        "caption": f"集义村{label}村级财务收支情况",
        "columns": ["日期", "摘要", "收入（元）", "支出（元）", "经手人"],
        "rows": [
            ["第1周", "上级转移支付（村级组织运转经费）", 45000, None, "王小红"],
            ["第2周", "村集体机动地承包费", 18600, None, "王小红"],
            ["第3周", "村内主干道路灯维修", None, 3860, "赵磊"],
            ["第5周", "村党群服务站水电费", None, 1322.4, "王小红"],
            ["第6周", "环境卫生保洁员劳务费（3人）", None, 9000, "张秀英"],
            ["第8周", "防汛物资（编织袋、雨衣）购置", None, 2150, "赵磊"],
            ["第9周", "困难党员走访慰问品", None, 1600, "王建国"],
            ["第11周", "村务公开栏及电子屏电费", None, 486.6, "王小红"],
            ["合计", "", 63600, 18419, ""],
        ],
        "note": "数据来源：集义村报账员；村务监督委员会已审核。对以上收支如有疑问，请扫码提出。",
    }


CHINESE_DIGITS = "〇一二三四"


def chinese_period(label: str) -> str:
    """Write a period label the Chinese way: ``2026-Q3`` → ``2026年第三季度``."""
    year, _, part = label.partition("-")
    if part.startswith("Q"):
        return f"{year}年第{CHINESE_DIGITS[int(part[1:])]}季度"
    if part.startswith("H"):
        return f"{year}年{'上' if part == 'H1' else '下'}半年"
    return f"{year}年"


def _fields(**values: Any) -> dict[str, Any]:
    return values


def stories(today: dt.datetime) -> list[Story]:
    """Return the demo's items, oldest first, dated relative to ``today``."""
    quarter = period_of(Cadence.QUARTERLY, today.date())
    previous_quarter = period_of(Cadence.QUARTERLY, quarter.start - dt.timedelta(days=1))
    half = period_of(Cadence.HALF_YEARLY, today.date())
    old_half = period_of(Cadence.HALF_YEARLY, half.start - dt.timedelta(days=200))

    def day(d: dt.date, hour: int = 9) -> dt.datetime:
        return dt.datetime.combine(d, dt.time(hour), TZ)

    out = [
        Story(
            day(today.date() - dt.timedelta(days=400)),
            "JIYI-01",
            V["editor"],
            _fields(
                title="集义村党支部“三会一课”制度",
                category=Category.RULES,
                timing=Timing.STANDING,
                scope=Scope.PUBLIC,
                catalog_entry="ZD-01",
                department="村党支部",
                accountable="王建国",
                body={
                    "type": "text",
                    "format": "html",
                    "text": (
                        "<h3>一、支部党员大会</h3><p>一般每季度召开一次，由支部委员会召集，讨论决定支部重要事项。</p>"
                        "<h3>二、支部委员会</h3><p>一般每月召开一次，研究支部日常工作，重大问题提交党员大会讨论。</p>"
                        "<h3>三、党小组会</h3><p>一般每月召开一次，组织党员学习、交流思想、开展批评与自我批评。</p>"
                        "<h3>四、党课</h3><p>每季度至少一次，由支部书记或委员讲授，党员全员参加。</p>"
                    ),
                },
            ),
            PUBLISH,
        ),
        Story(
            day(old_half.start + dt.timedelta(days=20)),
            "JIYI-01",
            V["editor"],
            _fields(
                title=f"集义村{old_half.start.year}年{'上' if old_half.start.month == 1 else '下'}半年党风廉政建设责任制落实情况",
                category=Category.CONDUCT,
                timing=Timing.PERIODIC,
                scope=Scope.PUBLIC,
                catalog_entry="LZ-01",
                department="村务监督委员会",
                accountable="王建国",
                body={
                    "type": "text",
                    "text": "支部书记履行第一责任人职责，与“两委”成员签订党风廉政建设责任书9份；\n"
                    "开展廉政谈话2次、警示教育1次；\n村级“三资”管理、低保评议全部经村务监督委员会审核后公开。",
                },
            ),
            PUBLISH,
        ),
        Story(
            day(previous_quarter.start + dt.timedelta(days=8)),
            "JIYI",
            T["editor"],
            _fields(
                title=f"集义镇党委{chinese_period(previous_quarter.label)}重大决策及执行情况",
                category=Category.DECISIONS,
                timing=Timing.PERIODIC,
                scope=Scope.PUBLIC,
                catalog_entry="JC-01",
                department="党政办",
                accountable="张建军",
                body={
                    "type": "table",
                    "caption": "镇党委会议研究的重大事项",
                    "columns": ["会议", "事项", "决定", "执行情况"],
                    "rows": [
                        [
                            "第7次党委会",
                            "19个村通组道路硬化项目计划",
                            "同意，分两批实施",
                            "第一批6个村已开工",
                        ],
                        ["第8次党委会", "秋季防火和安全生产", "成立专班，包村到人", "已落实"],
                        ["第9次党委会", "村级后备干部培养", "每村确定2名后备人选", "已完成摸底"],
                    ],
                },
            ),
            TOWNSHIP_PUBLISH,
        ),
        Story(
            day(previous_quarter.start + dt.timedelta(days=11)),
            "JIYI-01",
            V["editor"],
            _fields(
                title=f"集义村{chinese_period(previous_quarter.label)}村级财务收支情况",
                category=Category.VILLAGE_AFFAIRS,
                timing=Timing.PERIODIC,
                scope=Scope.PUBLIC,
                catalog_entry="CW-01",
                department="村报账员",
                accountable="王建国",
                body=_finance(chinese_period(previous_quarter.label)),
            ),
            PUBLISH,
        ),
        Story(
            day(previous_quarter.start + dt.timedelta(days=13)),
            "JIYI-01",
            V["editor"],
            _fields(
                title=f"集义村党支部{chinese_period(previous_quarter.label)}重大事项决策",
                category=Category.DECISIONS,
                timing=Timing.PERIODIC,
                scope=Scope.PUBLIC,
                catalog_entry="JC-01",
                department="村党支部",
                accountable="王建国",
                body={
                    "type": "text",
                    "text": "经支部党员大会讨论，决定：\n一、实施村通组道路硬化工程（三重一大事项，已报镇党委审核）；\n"
                    "二、调整村保洁员为3人，劳务费按月公开；\n三、确定2026年发展党员对象1名。",
                },
            ),
            PUBLISH,
        ),
        Story(
            day(today.date() - dt.timedelta(days=60)),
            "JIYI-01",
            V["editor"],
            _fields(
                title="集义村“两委”成员分工及联系方式",
                category=Category.SERVICE,
                timing=Timing.STANDING,
                scope=Scope.PUBLIC,
                catalog_entry="LX-01",
                department="村党支部",
                accountable="王建国",
                body={
                    "type": "table",
                    "columns": ["姓名", "职务", "分工", "联系电话"],
                    "rows": [
                        ["王建国", "村党支部书记、村委会主任", "全面工作", "0351-6630101"],
                        ["李春生", "村党支部副书记", "党建、组织", "0351-6630102"],
                        ["张秀英", "村委会委员", "妇女、民政、低保", "0351-6630103"],
                        ["赵磊", "村委会委员", "治安、基础设施", "0351-6630104"],
                        ["刘长顺", "村务监督委员会主任", "村务监督", "0351-6630105"],
                    ],
                    "note": "办公时间：工作日 8:30-12:00，14:30-17:30。群众来访请到村党群服务站。",
                },
            ),
            PUBLISH,
        ),
        Story(
            day(today.date() - dt.timedelta(days=40)),
            "JIYI-01",
            V["editor"],
            _fields(
                title="集义村通组道路硬化工程 第一阶段：立项及资金安排",
                category=Category.VILLAGE_AFFAIRS,
                timing=Timing.STAGED,
                scope=Scope.PUBLIC,
                major=True,
                stage="第一阶段：立项及资金安排",
                catalog_entry="XM-01",
                department="村委会",
                accountable="王建国",
                body={
                    "type": "table",
                    "caption": "项目基本情况（三重一大事项）",
                    "columns": ["项目", "内容"],
                    "rows": [
                        ["建设内容", "硬化东、西两条通组道路，长2.3公里，宽4米"],
                        ["总投资", "86.4万元（上级专项资金70万元，村集体自筹16.4万元）"],
                        ["决策程序", "村党支部提议、“两委”商议、党员大会审议、村民代表会议决议"],
                        ["施工单位", "公开比选确定：清源县路通建设有限公司"],
                        ["计划工期", "60天"],
                    ],
                    "note": "本项目为三重一大事项，已经集义镇党委审核。",
                },
            ),
            PUBLISH_HIGHER,
        ),
        Story(
            day(quarter.start + dt.timedelta(days=5)),
            "JIYI-01",
            V["editor"],
            _fields(
                title=f"集义村党支部{chinese_period(quarter.label)}党费收缴情况",
                category=Category.ORGANISATION,
                timing=Timing.PERIODIC,
                scope=Scope.PARTY,
                catalog_entry="DF-01",
                department="村党支部",
                accountable="王建国",
                body={
                    "type": "table",
                    "caption": "党费收缴情况（党内公开）",
                    "columns": ["党小组", "应交人数", "实交人数", "金额（元）"],
                    "rows": [
                        ["第一党小组", 9, 9, 432],
                        ["第二党小组", 8, 8, 396],
                        ["第三党小组（流动党员）", 9, 8, 384],
                    ],
                    "note": "第三党小组1名流动党员已委托补交。",
                },
            ),
            PUBLISH,
        ),
        Story(
            day(today.date() - dt.timedelta(days=6)),
            "JIYI-01",
            V["editor"],
            _fields(
                title="集义村通组道路硬化工程 第二阶段：施工进度",
                category=Category.VILLAGE_AFFAIRS,
                timing=Timing.STAGED,
                scope=Scope.PUBLIC,
                major=True,
                stage="第二阶段：施工（完成60%）",
                catalog_entry="XM-01",
                department="村委会",
                accountable="王建国",
                body={
                    "type": "text",
                    "text": "东线1.2公里已完成路基和混凝土浇筑，西线完成路基整平。\n"
                    "已支付工程进度款43万元（资金来源：上级专项资金）。\n村务监督委员会每周到现场检查一次，质量合格。",
                },
            ),
            [("submit", V["editor"]), ("review", V["reviewer"]), ("approve", V["approver"])],
        ),
        Story(
            day(today.date() - dt.timedelta(days=4)),
            "JIYI-01",
            V["editor"],
            _fields(
                title=f"集义村{chinese_period(quarter.label)}低保、临时救助落实情况",
                category=Category.SERVICE,
                timing=Timing.PERIODIC,
                scope=Scope.PUBLIC,
                catalog_entry="MZ-01",
                department="村委会",
                accountable="张秀英",
                body={
                    "type": "table",
                    "columns": ["户主", "类别", "人数", "月保障金（元）"],
                    "rows": [["刘某某", "低保", 3, 1260], ["孙某某", "临时救助", 2, 800]],
                },
            ),
            [
                ("submit", V["editor"]),
                ("reject", V["reviewer"], "缺少评议会议记录和公示期说明，请补充后重新提交。"),
            ],
        ),
        Story(
            day(today.date() - dt.timedelta(days=2)),
            "JIYI-01",
            V["editor"],
            _fields(
                title=f"集义村{half.start.year}年{'上' if half.start.month == 1 else '下'}半年集体资产资源管理情况",
                category=Category.VILLAGE_AFFAIRS,
                timing=Timing.PERIODIC,
                scope=Scope.PUBLIC,
                catalog_entry="SZ-01",
                department="村委会",
                accountable="王建国",
                body={
                    "type": "table",
                    "columns": ["资产资源", "数量", "经营方式", "年收益（元）"],
                    "rows": [
                        ["机动地", "126亩", "公开发包", 37800],
                        ["村集体门面房", "4间", "公开租赁", 24000],
                        ["光伏电站", "100千瓦", "村集体经营", 41000],
                    ],
                },
            ),
            [("submit", V["editor"])],
        ),
        # Withdrawn the night after it went up: the QR page and the public page say when, by
        # whom and why, and the scheduler archives it in a sealed dossier (归档).
        Story(
            day(today.date() - dt.timedelta(days=1), hour=8),
            "JIYI-01",
            V["editor"],
            _fields(
                title="集义村文化广场健身器材采购结果公示",
                category=Category.VILLAGE_AFFAIRS,
                timing=Timing.STAGED,
                scope=Scope.PUBLIC,
                catalog_entry="XM-01",
                department="村委会",
                accountable="王建国",
                body={
                    "type": "table",
                    "columns": ["器材", "数量", "单价（元）", "金额（元）"],
                    "rows": [
                        ["双人漫步机", 2, 1850, 3700],
                        ["太极揉推器", 2, 1260, 2520],
                        ["乒乓球台", 1, 2680, 2680],
                        ["合计", "", "", 8900],
                    ],
                    "note": "采购方式：村民代表会议议定，三家比价。",
                },
            ),
            [*PUBLISH, ("withdraw", V["operator"], "供应商名称和单价有误，核实后重新公示。")],
        ),
        *bilingual_stories(day(quarter.start + dt.timedelta(days=6))),
    ]
    return out


def _village_publish(code: str) -> list[tuple[str, ...]]:
    people = _people(code)
    return [
        ("submit", people["editor"]),
        ("review", people["reviewer"]),
        ("approve", people["approver"]),
        ("publish", people["operator"]),
    ]


def bilingual_stories(start: dt.datetime) -> list[Story]:
    """The bilingual boards' items: 阿克塔拉村's accounts in Chinese and Uyghur, 乌兰嘎查's
    grassland subsidy in Chinese and Mongolian (``demo.bilingual``)."""
    return [
        Story(
            start,
            "YUEPUHU-01",
            "yuepuhu01_editor",
            _fields(
                title=bilingual.FINANCE_TITLE_ZH,
                category=Category.VILLAGE_AFFAIRS,
                timing=Timing.PERIODIC,
                scope=Scope.PUBLIC,
                catalog_entry="CW-01",
                department="村报账员",
                accountable="买买提·阿不都拉",
                body=bilingual.FINANCE_ZH,
                translation=bilingual.uyghur_finance(),
            ),
            _village_publish("yuepuhu01"),
        ),
        Story(
            start + dt.timedelta(days=1),
            "BAYAN-01",
            "bayan01_editor",
            _fields(
                title=bilingual.NOTICE_TITLE_ZH,
                category=Category.SERVICE,
                timing=Timing.PERIODIC,
                scope=Scope.PUBLIC,
                catalog_entry="MZ-01",
                department="嘎查委员会",
                accountable="额尔敦",
                body={"type": "text", "text": bilingual.NOTICE_ZH, "format": "plain"},
                translation=bilingual.mongolian_notice(),
            ),
            _village_publish("bayan01"),
        ),
    ]


def notice_story(session: Session, today: dt.datetime) -> Story | None:
    """A 任前公示 running now: from the last working day on or before today, seven working days."""
    calendar = load_calendar(session)
    try:
        start_day = today.date()
        while not calendar.is_workday(start_day):
            start_day -= dt.timedelta(days=1)
        last = calendar.nth_working_day(start_day, 7)
    except CalendarUnknown as error:
        logger.warning("demo notice left out: %s", error)
        return None
    start = dt.datetime.combine(start_day, dt.time(9), TZ)
    return Story(
        start - dt.timedelta(days=2),
        "JIYI-01",
        V["editor"],
        _fields(
            title="关于李春生同志拟任集义村党支部书记的任前公示",
            category=Category.CADRES,
            timing=Timing.IMMEDIATE,
            scope=Scope.PUBLIC,
            catalog_entry="GB-01",
            notice_kind=NoticeKind.PRE_APPOINTMENT,
            notice_min_days=5,
            valid_from=start,
            valid_until=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), TZ),
            department="镇党委组织办",
            accountable="张建军",
            body={
                "type": "text",
                "text": "经集义镇党委研究，拟推荐李春生同志为集义村党支部书记人选。\n"
                "李春生，男，1981年生，中共党员，现任集义村党支部副书记。\n"
                "公示期间，对公示对象有意见的，可扫描屏幕上的二维码反映，或向集义镇纪委（电话0351-6630012）反映。"
                "反映问题应实事求是，提倡实名。",
            },
        ),
        PUBLISH_HIGHER,
    )


def seed_content(session: Session, now: dt.datetime) -> int:
    """Tell the demo's story once (nothing happens when items exist); return how many items."""
    if session.scalar(sa.select(sa.func.count()).select_from(Item)):
        return 0
    calendar = load_calendar(session)
    story_list = stories(now.astimezone(TZ))
    notice = notice_story(session, now.astimezone(TZ))
    if notice is not None:
        story_list.append(notice)
    story_list.sort(key=lambda s: s.start)
    created = 0
    for story in story_list:
        if _tell(session, story, calendar, now):
            created += 1
    return created


def _principal(session: Session, username: str) -> Principal:
    user = get_user(session, username)
    if user is None:
        raise LookupError(f"demo user {username} is missing")
    return Principal.of(user)


def _tell(session: Session, story: Story, calendar: Any, now: dt.datetime) -> bool:
    org = require_by_code(session, story.org)
    moment = min(story.start, now - dt.timedelta(hours=1))
    values = dict(story.fields)
    entry = values.pop("catalog_entry", None)
    fields = items.Fields(
        catalog_entry=require_entry_for(session, org, entry) if entry else None, **values
    )

    def env(at: dt.datetime) -> items.Env:
        return items.Env(now=at, calendar=calendar, tz=TZ)

    try:
        item = items.create_item(
            session, org, _principal(session, story.author), fields, env(moment)
        )
        _date(item, moment)
        for number, step in enumerate(_in_procedure(story.steps, item), start=1):
            action, username, *reason = step
            at = min(moment + dt.timedelta(hours=3 * number), now - dt.timedelta(minutes=10))
            items.transition(
                session,
                item,
                _principal(session, username),
                Action(action),
                reason[0] if reason else "",
                env(at),
                meeting=_joint_meeting(at) if action == "decide" else None,
            )
            _date(item, at, created=False)
    except DomainError as error:
        logger.warning("demo item %r left out: %s", story.fields["title"], error)
        session.rollback()
        return False
    return True


def _in_procedure(steps: Sequence[tuple[str, ...]], item: Item) -> list[tuple[str, ...]]:
    """Return a story's steps as the item's procedure has them: village affairs of a village
    are decided by the 两委 joint meeting (recorded by the approver) and sealed by the
    supervision committee (the org's reviewer) instead of signed off."""
    signing = SIGN_OFF[items.procedure_of(item, item.current)]
    reviewer = next((s[1] for s in steps if s[0] == Action.REVIEW.value), None)
    out: list[tuple[str, ...]] = []
    for step in steps:
        if step[0] != Action.APPROVE.value:
            out.append(step)
            continue
        # The committee's seal is its reviewer's; every other sign-off step the approver's.
        out += [(a.value, (reviewer or step[1]) if a is Action.SEAL else step[1]) for a in signing]
    return out


def _joint_meeting(at: dt.datetime) -> Meeting:
    """The joint meeting of the demo village's two committees that decided an item, that day."""
    return Meeting(
        held_on=at.astimezone(TZ).date(),
        present=7,
        members=9,
        resolution="经村“两委”联席会议研究，同意按村务监督委员会审核稿公开。",
    )


def _date(item: Item, at: dt.datetime, *, created: bool = True) -> None:
    """Give the item the dates of its story rather than the day of seeding."""
    item.updated_at = at
    if created:
        item.created_at = at
    for revision in item.revisions:
        if revision.created_at is None or revision.created_at > at:
            revision.created_at = at
        revision.updated_at = at
