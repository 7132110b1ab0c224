from __future__ import annotations

import pytest

from kithkin.lib.limits import MAX_ID, as_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("42", 42),
        (42, 42),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("0", None),
        ("-3", None),
        ("", None),
        ("²", None),  # a digit to str.isdigit(), not to int()
        ("٣", None),  # Arabic-Indic three: int() reads it, but it isn't an id in a URL
        ("1.0", None),
        (" 7", None),
        (None, None),
    ],
)
def test_as_id_takes_plain_positive_ids_only(value: object, expected: int | None) -> None:
    assert as_id(value) == expected
