"""The person's commands run as a real `kithkin` process in a fresh data folder:
exit codes, one-line errors on standard error, JSON that parses."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from kithkin.lib.tests.helpers import kithkin

PASSWORD = "a long quiet walk\n"


def _rows(data: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(data / "kithkin.sqlite3") as conn:
        return list(conn.execute(sql))


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    made = kithkin("migrate", "-v0", data_dir=folder)
    assert made.returncode == 0, made.stderr
    made = kithkin(
        "createuser", "ana", "--password-stdin", "--timezone", "Europe/Madrid",
        data_dir=folder, stdin=PASSWORD,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    return folder


def test_help_lists_the_everyday_commands_without_a_database(tmp_path: Path) -> None:
    for args in ([], ["help"], ["--help"]):
        shown = kithkin(*args, data_dir=tmp_path / "nowhere")
        assert shown.returncode == 0
        for command in ("today [--energy low|some|good]", "log ", "checkin ", "people "):
            assert command in shown.stdout
    one = kithkin("today", "--help", data_dir=tmp_path / "nowhere")
    assert one.returncode == 0 and "--done N" in one.stdout and "--felt" in one.stdout


def test_the_everyday_loop_from_a_shell(data: Path) -> None:
    empty = kithkin("people", data_dir=data)
    assert empty.returncode == 0 and empty.stdout.startswith("Nobody here yet")
    checked = kithkin("checkin", "--mood", "3", "--energy", "low", "--json", data_dir=data)
    assert checked.returncode == 0, checked.stderr
    body = json.loads(checked.stdout)
    assert (body["mood"], body["energy"], body["created"]) == (3, "low", True)
    today = kithkin("today", "--energy", "low", "--json", data_dir=data)
    assert today.returncode == 0, today.stderr
    assert json.loads(today.stdout)["energy"] == "low"
    assert _rows(data, "SELECT energy FROM today_dayenergy") == [("low",)]


def test_a_mistake_is_one_line_on_stderr_with_exit_code_1_and_changes_nothing(
    data: Path,
) -> None:
    before = _rows(data, "SELECT COUNT(*) FROM circle_interaction")
    for args, start in (
        (["log", "Nobody"], "kithkin log: there's nobody called 'Nobody' in your circle"),
        (["checkin", "--mood", "9"], "kithkin checkin: --mood: Pick one of the five moods."),
        (["people", "--user", "ghost"], "kithkin people: there is no account called 'ghost'."),
        (["today", "--done", "9"], "kithkin today: there's no suggestion #9 today"),
    ):
        failed = kithkin(*args, data_dir=data)
        assert failed.returncode == 1, (args, failed.stderr)
        assert failed.stderr.startswith(start), failed.stderr
        assert failed.stderr.count("\n") == 1 and "Traceback" not in failed.stderr
        assert failed.stdout == ""
    assert _rows(data, "SELECT COUNT(*) FROM circle_interaction") == before


def test_a_bad_argument_exits_2_and_names_the_choices(data: Path) -> None:
    failed = kithkin("log", "Sam", "--channel", "pigeon", data_dir=data)
    assert failed.returncode == 2
    assert "invalid choice: 'pigeon' (choose from 'text', 'voice', 'call'" in failed.stderr
    failed = kithkin(
        "today", "--energy", "low", "--not-today", "1", "--felt", "lifted", data_dir=data
    )
    assert failed.returncode == 2
    assert failed.stderr.startswith("kithkin today: --felt goes with --done")


def test_several_accounts_must_be_named(data: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    for f in data.iterdir():
        if f.is_file():
            (copy / f.name).write_bytes(f.read_bytes())
    made = kithkin("createuser", "ben", "--password-stdin", data_dir=copy, stdin=PASSWORD)
    assert made.returncode == 0, made.stderr
    failed = kithkin("people", "--json", data_dir=copy)
    assert failed.returncode == 1
    assert failed.stderr == (
        "kithkin people: this server has several accounts: choose one with --user NAME.\n"
    )
    named = kithkin("people", "--json", "--user", "ben", data_dir=copy)
    assert named.returncode == 0 and json.loads(named.stdout) == []
