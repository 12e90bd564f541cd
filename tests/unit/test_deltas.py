"""Manifest deltas, the pure part: built from two manifests, applied back, never bigger."""

from __future__ import annotations

import copy
from typing import Any

from signage_server.screens.deltas import apply_delta
from signage_server.screens.deltas import delta_of
from signage_server.screens.deltas import wire_size


def entry(item_id: int, revision: int = 1, text: str = "") -> dict[str, Any]:
    return {
        "id": item_id,
        "revision": revision,
        "title": f"集义村公开事项 {item_id}",
        "body": {"type": "text", "format": "plain", "text": text or "村务公开内容。" * 120},
        "assets": [],
    }


def manifest(version: str, items: list[dict[str, Any]], **rest: Any) -> dict[str, Any]:
    return {
        "version": version,
        "generated_at": "2026-11-23T09:00:00+08:00",
        "layout": "landscape",
        "org": {"code": "JIYI-01", "name": "集义村"},
        "horizon": {"from": "2026-11-23T00:00:00+08:00", "until": "2026-11-26T00:00:00+08:00"},
        "items": items,
        "schedule": [{"from": "a", "until": "b", "sequence": [{"item": 1, "duration_s": 15}]}],
        "ticker": [],
        **rest,
    }


def eight() -> list[dict[str, Any]]:
    return [entry(i) for i in range(1, 9)]


def test_one_changed_item_is_sent_alone() -> None:
    base = manifest("a" * 64, eight())
    items = eight()
    items[3] = entry(4, revision=2, text="更正后的内容。")
    new = manifest("b" * 64, items, audit_head={"seq": 9, "hash": "f" * 64})
    delta = delta_of(base, new)
    assert delta["base"] == "a" * 64
    assert delta["version"] == "b" * 64
    assert delta["items"] == list(range(1, 9))
    assert delta["items_changed"] == [items[3]]
    # Only what changed: the audit head is new, the schedule, org, horizon are the same.
    assert delta["rest"] == {"audit_head": {"seq": 9, "hash": "f" * 64}}
    assert delta["dropped"] == []
    assert apply_delta(base, delta) == new
    assert wire_size("manifest_delta", delta) < wire_size("manifest", new) / 4


def test_added_removed_reordered_items_and_changed_fields() -> None:
    base = manifest("a" * 64, [entry(1), entry(2), entry(3)], audit_head={"seq": 1})
    new = manifest("b" * 64, [entry(3), entry(1), entry(5)], ticker=[{"item": 5, "text": "停水"}])
    del new["generated_at"]
    delta = delta_of(base, new)
    assert delta["items"] == [3, 1, 5]
    assert [e["id"] for e in delta["items_changed"]] == [5]
    assert delta["rest"] == {"ticker": [{"item": 5, "text": "停水"}]}
    assert delta["dropped"] == ["audit_head", "generated_at"]
    rebuilt = apply_delta(base, delta)
    assert rebuilt == new
    assert [e["id"] for e in rebuilt["items"]] == [3, 1, 5]


def test_a_delta_applies_only_to_its_base() -> None:
    base = manifest("a" * 64, eight())
    new = manifest("b" * 64, eight()[:7])
    delta = delta_of(base, new)
    other = manifest("c" * 64, eight())
    assert apply_delta(other, delta) is None
    # A delta naming an item the base does not hold (and does not carry) is refused.
    broken = {**delta, "items": [*delta["items"], 99]}
    assert apply_delta(base, broken) is None
    assert apply_delta(base, delta) == new


def test_applying_leaves_the_base_alone() -> None:
    base = manifest("a" * 64, eight())
    kept = copy.deepcopy(base)
    items = eight()
    items[0] = entry(1, revision=2)
    apply_delta(base, delta_of(base, manifest("b" * 64, items)))
    assert base == kept
