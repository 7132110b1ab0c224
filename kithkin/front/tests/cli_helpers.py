"""Running the person's `kithkin` commands in-process, as call_command does."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(*args: str) -> str:
    """The command's standard output; it must succeed."""
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def run_json(*args: str) -> Any:
    return json.loads(run(*args, "--json"))


def refused(*args: str) -> CommandError:
    """The CommandError a command stops with."""
    with pytest.raises(CommandError) as caught:
        run(*args)
    return caught.value
