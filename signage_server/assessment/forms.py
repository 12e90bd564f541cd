"""The assessor's form: a score 0-100 and a remark per heading (六查六看), an overall remark."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import Field
from wtforms import IntegerField
from wtforms import TextAreaField
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from signage_server.assessment.models import Assessment
from signage_server.assessment.rules import Heading
from signage_server.assessment.services import Entry

REMARK_MAX = 2000


def _score() -> IntegerField:
    return IntegerField(_l("Score (0-100)"), validators=[Optional(), NumberRange(min=0, max=100)])


def _remark() -> TextAreaField:
    return TextAreaField(_l("Remarks"), validators=[Optional(), Length(max=REMARK_MAX)])


class ScoresForm(FlaskForm):  # type: ignore[misc]
    score_awareness = _score()
    remark_awareness = _remark()
    score_arrangement = _score()
    remark_arrangement = _remark()
    score_work = _score()
    remark_work = _remark()
    score_models = _score()
    remark_models = _remark()
    score_problems = _score()
    remark_problems = _remark()
    score_results = _score()
    remark_results = _remark()
    remark = TextAreaField(_l("Overall remarks"), validators=[Optional(), Length(max=REMARK_MAX)])
    finalise = BooleanField(_l("Finalise (no more changes)"))

    def pairs(self) -> list[tuple[Heading, Field, Field]]:
        return [
            (h, getattr(self, f"score_{h.value}"), getattr(self, f"remark_{h.value}"))
            for h in Heading
        ]

    def fill(self, assessment: Assessment | None) -> None:
        if assessment is None:
            return
        for heading, score, remark in self.pairs():
            score.data = assessment.scores.get(heading.value)
            remark.data = assessment.remarks.get(heading.value, "")
        self.remark.data = assessment.remark

    def entry(self) -> Entry:
        return Entry(
            scores={h: score.data for h, score, _ in self.pairs()},
            remarks={h: remark.data or "" for h, _, remark in self.pairs()},
            remark=self.remark.data or "",
            finalise=bool(self.finalise.data),
        )
