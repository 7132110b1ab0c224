from __future__ import annotations

import multiprocessing
import stat
from pathlib import Path

import pytest

from kithkin.lib.env import ConfigError, envbool, envchoice, envint, secret_key
from kithkin.lib.tests.helpers import kithkin


def test_envbool_envint_and_envchoice_read_plain_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "Yes")
    monkeypatch.setenv("X_NUM", "12")
    monkeypatch.setenv("X_MODE", "Invite")
    assert envbool("X_FLAG") is True
    assert envint("X_NUM", "1") == 12
    assert envchoice("X_MODE", "open", ("open", "invite", "closed")) == "invite"
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ConfigError, match="X_FLAG should be true or false"):
        envbool("X_FLAG")
    monkeypatch.setenv("X_NUM", "twelve")
    with pytest.raises(ConfigError, match="X_NUM should be a whole number"):
        envint("X_NUM", "1")


def test_a_secret_key_is_made_once_and_kept_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) >= 50
    assert secret_key(tmp_path) == first
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert secret_key(tmp_path) == "from-the-environment"


def _key_in(folder: str) -> str:
    import os

    os.environ.pop("SECRET_KEY", None)
    return secret_key(Path(folder))


def test_processes_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    with multiprocessing.get_context("spawn").Pool(6) as pool:
        keys = pool.map(_key_in, [str(tmp_path)] * 12)
    assert len(set(keys)) == 1


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": "mysql://root@127.0.0.1/kithkin"}, "DATABASE_URL should point to"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"KITHKIN_REGISTRATION": "sometimes"}, "KITHKIN_REGISTRATION should be one of"),
        ({"DEBUG": "perhaps"}, "DEBUG should be true or false"),
        ({"DATABASE_URL": "postgres://"}, "DATABASE_URL needs a database name"),
        ({"DATABASE_URL": "sqlite://"}, "DATABASE_URL needs a database name"),
        ({"KITHKIN_PORT": "abc"}, "KITHKIN_PORT should be a whole number"),
    ],
)
def test_bad_configuration_fails_with_one_clear_line(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = kithkin("serve", data_dir=tmp_path, **env)
    assert result.returncode == 2
    assert result.stderr.startswith("kithkin: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_fails_with_one_clear_line(tmp_path: Path) -> None:
    # Port 9 (discard) on loopback: nothing listens there.
    result = kithkin(
        "serve", data_dir=tmp_path, DATABASE_URL="postgres://kithkin:pw@127.0.0.1:9/kithkin"
    )
    assert result.returncode == 2
    assert result.stderr.startswith("kithkin: can't reach the database in DATABASE_URL")
    assert "127.0.0.1:9" in result.stderr
    assert "pw" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr


def test_deploy_checks_pass_under_the_documented_production_settings(tmp_path: Path) -> None:
    result = kithkin(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        data_dir=tmp_path,
        KITHKIN_HTTPS="true",
        ALLOWED_HOSTS="kithkin.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_a_data_folder_that_cannot_be_made_fails_with_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = kithkin("migrate", data_dir=blocker / "data")
    assert result.returncode == 2
    assert result.stderr.startswith("kithkin: KITHKIN_DATA_DIR: cannot create the folder")
    assert result.stderr.count("\n") == 1, result.stderr


def test_a_secret_key_path_that_is_a_folder_fails_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    (tmp_path / "secret_key").mkdir()
    with pytest.raises(ConfigError, match="SECRET_KEY: cannot read the key file"):
        secret_key(tmp_path)


def test_the_data_folder_and_database_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert kithkin("migrate", data_dir=data).returncode == 0
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "kithkin.sqlite3").stat().st_mode) == 0o600
