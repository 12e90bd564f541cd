"""A server process's garbage collector (``signage_server.process``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from signage_server.process import GC_THRESHOLDS
from signage_server.process import tune_gc


@pytest.fixture
def restored_gc() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_the_loaded_app_is_frozen_and_young_objects_collected_less_often(
    restored_gc: None,
) -> None:
    gc.unfreeze()
    loaded = [object() for _ in range(10)]  # noqa: F841 - alive while frozen
    tune_gc()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == GC_THRESHOLDS
    assert GC_THRESHOLDS[0] > 700  # CPython's default
