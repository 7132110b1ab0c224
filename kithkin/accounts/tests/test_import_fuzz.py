"""Fuzzing the JSON import: a valid export, broken in many small ways.

Whatever the file, `import_account` either brings it in or raises ImportRefused
with a message, never any other exception, and a refused file leaves the
account with no rows at all.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kithkin.accounts.actions import owned_models
from kithkin.accounts.export import account_export
from kithkin.accounts.importer import ImportRefused, import_account
from kithkin.accounts.models import User
from kithkin.accounts.tests.rich_account import give_rich_rows
from kithkin.conftest import make_user

ODD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\ud800",
        "\udfff text",
        "2025-02-30",
        "2025-01-01T25:00:00Z",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "24:00",
        "99:99:99",
        "-1",
        "NaN",
        "inner",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=DAILY;COUNT=0",
        "RRULE:FREQ=WEEKLY;BYDAY=XX",
        "Europe/Nowhere",
        "http://",
        "ntfy://",
        "x" * 5000,
        "🌻" * 300,
    ]
)
ODD_NUMBERS = st.one_of(
    st.sampled_from([0, -1, 1, 6, 7, 32767, 32768, 2**31, 2**63, 2**64, -(2**63), 10**30]),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
)
SCALARS = st.one_of(st.none(), st.booleans(), ODD_NUMBERS, ODD_TEXT, st.text(max_size=30))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(ODD_TEXT, st.text(max_size=10)), inner, max_size=4),
    ),
    max_leaves=12,
)


def owned_rows(user: User) -> int:
    return sum(m._default_manager.filter(owner_id=user.pk).count() for m in owned_models())


def _path(data: st.DataObject, doc: Any) -> list[Any]:
    """A random way into the document: keys and indexes, at most five deep."""
    path: list[Any] = []
    node: Any = doc
    while len(path) < 5 and isinstance(node, dict | list) and node:
        stop: bool = bool(path) and data.draw(st.booleans(), label="stop here")
        if stop:
            break
        if isinstance(node, dict):
            key = data.draw(st.sampled_from(sorted(node)), label="key")
        else:
            key = data.draw(st.integers(0, len(node) - 1), label="index")
        path.append(key)
        node = node[key]
    return path


def _mutate(data: st.DataObject, doc: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    path = _path(data, doc)
    if not path:
        return doc
    parent: Any = doc
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    how = data.draw(
        st.sampled_from(["delete", "replace", "dangling", "nest", "duplicate", "swap"]),
        label="how",
    )
    if how == "delete":
        del parent[last]
    elif how == "replace":
        parent[last] = data.draw(VALUES, label="value")
    elif how == "dangling":
        parent[last] = data.draw(st.sampled_from([999_999, 0, -5, [999_999], [1, 1]]))
    elif how == "nest":
        value = parent[last]
        for _ in range(data.draw(st.integers(1, 60), label="depth")):
            value = [value]
        parent[last] = value
    elif how == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    elif how == "swap":
        value = parent[last]
        parent[last] = (
            str(value) if not isinstance(value, str) else data.draw(ODD_NUMBERS, label="number")
        )
    return doc


def _bytes(data: st.DataObject, doc: dict[str, Any]) -> bytes:
    text = json.dumps(doc, ensure_ascii=data.draw(st.booleans(), label="ascii"))
    raw = text.encode("utf-8", "surrogatepass")
    how = data.draw(
        st.sampled_from(["as is", "as is", "as is", "truncate", "splice", "encoding", "prefix"]),
        label="bytes",
    )
    if how == "truncate":
        return raw[: data.draw(st.integers(0, len(raw)), label="cut")]
    if how == "splice":
        at = data.draw(st.integers(0, len(raw)), label="at")
        return raw[:at] + data.draw(st.binary(min_size=1, max_size=8), label="junk") + raw[at:]
    if how == "encoding":
        codec = data.draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252"]))
        return text.encode(codec, "replace")
    if how == "prefix":
        return data.draw(st.sampled_from([b"\xef\xbb\xbf", b"\x00", b"[" * 3000, b"\xff"])) + raw
    return raw


@pytest.fixture
def valid_doc(alice: User, bob: User) -> dict[str, Any]:
    give_rich_rows(alice, other=bob)
    return account_export(alice)


@pytest.fixture
def target(db: None) -> User:
    return make_user("dana")


@pytest.mark.django_db
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(data=st.data())
def test_a_broken_file_is_refused_cleanly_or_brought_in_whole(
    data: st.DataObject, valid_doc: dict[str, Any], target: User
) -> None:
    doc = valid_doc
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        doc = _mutate(data, doc)
    raw = _bytes(data, doc)
    with transaction.atomic():
        try:
            result = import_account(target, raw)
        except ImportRefused as e:
            assert e.problems and all(p.strip() for p in e.problems)
            assert owned_rows(target) == 0
        else:
            assert sum(result.counts.values()) >= 0
            # Undo it, so the next example starts from an empty account again.
            transaction.set_rollback(True)
    assert owned_rows(target) == 0
