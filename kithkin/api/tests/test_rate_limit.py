"""The API's rate limits: per token, and per address for requests without a valid token."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client

from kithkin.accounts.models import ApiToken, User
from kithkin.api.auth import FAILED_AUTH, TokenThrottle
from kithkin.circle.models import Person
from kithkin.lib.env import ConfigError


def _bearer(plain: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {plain}"}


def _assert_rate_limited(r: Any, most: int) -> None:
    assert r.status_code == 429
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert body["code"] == "rate_limited"
    seconds = int(r["Retry-After"])
    assert 1 <= seconds <= most
    # The message says when, in the same number of seconds.
    assert f"{seconds} second" in body["message"] or "a second" in body["message"]


@pytest.mark.django_db
def test_a_token_past_its_limit_is_asked_to_wait_and_others_go_on(
    client: Client, alice: User, bob: User, settings: Any
) -> None:
    settings.API_RATE = "3/min"
    _, first = ApiToken.objects.create_token(alice, "busy script")
    _, second = ApiToken.objects.create_token(alice, "another script")
    _, bobs = ApiToken.objects.create_token(bob, "bob's script")
    with time_machine.travel("2026-11-22 10:00:00Z", tick=False):
        for _ in range(3):
            assert client.get("/api/v1/me", headers=_bearer(first)).status_code == 200
        r = client.get("/api/v1/people", headers=_bearer(first))
        _assert_rate_limited(r, 60)
        # Each token counts on its own, the same person's too.
        assert client.get("/api/v1/me", headers=_bearer(second)).status_code == 200
        assert client.get("/api/v1/me", headers=_bearer(bobs)).status_code == 200
    with time_machine.travel("2026-11-22 10:00:40Z", tick=False):
        r = client.get("/api/v1/me", headers=_bearer(first))
        _assert_rate_limited(r, 20)
        assert r["Retry-After"] == "20"
    # Once the first requests are a minute old, it goes through again.
    with time_machine.travel("2026-11-22 10:01:01Z", tick=False):
        assert client.get("/api/v1/me", headers=_bearer(first)).status_code == 200


@pytest.mark.django_db
def test_a_refused_request_changes_nothing(client: Client, alice: User, settings: Any) -> None:
    settings.API_RATE = "1/min"
    _, plain = ApiToken.objects.create_token(alice, "script")
    with time_machine.travel("2026-11-22 10:00:00Z", tick=False):
        assert client.get("/api/v1/me", headers=_bearer(plain)).status_code == 200
        r = client.post(
            "/api/v1/people",
            {"name": "Sam"},
            content_type="application/json",
            headers=_bearer(plain),
        )
    _assert_rate_limited(r, 60)
    assert not Person.objects.filter(owner=alice).exists()


@pytest.mark.django_db
def test_tries_without_a_valid_token_are_limited_per_address(
    client: Client, alice: User, settings: Any
) -> None:
    settings.API_FAILED_AUTH_RATE = "2/min"
    _, plain = ApiToken.objects.create_token(alice, "script")
    with time_machine.travel("2026-11-22 10:00:00Z", tick=False):
        assert client.get("/api/v1/me", headers=_bearer("kk_guess")).status_code == 401
        assert client.get("/api/v1/me").status_code == 401
        r = client.get("/api/v1/me", headers=_bearer("kk_another-guess"))
        _assert_rate_limited(r, 60)
        assert "token" in r.json()["message"]
        # A valid token from the same address isn't held up, so a bad script
        # doesn't lock out the others behind the same router.
        assert client.get("/api/v1/me", headers=_bearer(plain)).status_code == 200
        # Another address has tries of its own.
        r = client.get("/api/v1/me", headers=_bearer("kk_guess"), REMOTE_ADDR="192.0.2.7")
        assert r.status_code == 401
    with time_machine.travel("2026-11-22 10:01:01Z", tick=False):
        assert client.get("/api/v1/me", headers=_bearer("kk_guess")).status_code == 401


@pytest.mark.django_db
def test_a_claimed_forwarded_address_gets_no_fresh_tries(client: Client, settings: Any) -> None:
    # Not behind a proxy, X-Forwarded-For is whatever the client says.
    settings.API_FAILED_AUTH_RATE = "1/min"
    settings.BEHIND_PROXY = False
    with time_machine.travel("2026-11-22 10:00:00Z", tick=False):
        assert (
            client.get("/api/v1/me", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 401
        )
        r = client.get("/api/v1/me", headers={"X-Forwarded-For": "198.51.100.2"})
    assert r.status_code == 429


@pytest.mark.django_db
def test_behind_a_proxy_the_address_the_proxy_saw_counts(client: Client, settings: Any) -> None:
    settings.API_FAILED_AUTH_RATE = "1/min"
    settings.BEHIND_PROXY = True
    with time_machine.travel("2026-11-22 10:00:00Z", tick=False):
        first = {"X-Forwarded-For": "203.0.113.9"}
        assert client.get("/api/v1/me", headers=first).status_code == 401
        assert client.get("/api/v1/me", headers=first).status_code == 429
        other = {"X-Forwarded-For": "203.0.113.9, 198.51.100.4"}
        assert client.get("/api/v1/me", headers=other).status_code == 401


@pytest.mark.django_db
def test_the_limits_can_be_switched_off(client: Client, alice: User, settings: Any) -> None:
    settings.API_RATE = None
    settings.API_FAILED_AUTH_RATE = None
    _, plain = ApiToken.objects.create_token(alice, "script")
    for _ in range(5):
        assert client.get("/api/v1/me", headers=_bearer(plain)).status_code == 200
        assert client.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize(
    ("value", "expected"),
    [("300/min", "300/min"), (" 20/S ", "20/s"), ("5000/day", "5000/day"), ("off", None)],
)
def test_rates_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: str | None
) -> None:
    from kithkin.settings import _rate

    monkeypatch.setenv("KITHKIN_API_RATE", value)
    assert _rate("KITHKIN_API_RATE", "300/min") == expected


@pytest.mark.parametrize("value", ["lots", "300", "0/min", "300/fortnight", "-5/min", "3.5/s"])
def test_a_rate_kithkin_cant_read_stops_it_starting(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    from kithkin.settings import _rate

    monkeypatch.setenv("KITHKIN_API_RATE", value)
    with pytest.raises(ConfigError, match="KITHKIN_API_RATE"):
        _rate("KITHKIN_API_RATE", "300/min")


def test_every_worker_on_the_machine_counts_in_the_same_place() -> None:
    # The real setting (the tests count in memory of their own): files in the
    # data folder, which every gunicorn process and thread shares.
    import kithkin.settings as configured

    api_cache = configured.CACHES["api"]
    assert api_cache["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert str(api_cache["LOCATION"]).startswith(str(configured.DATA_DIR))


@pytest.mark.django_db
def test_counts_kept_in_files_are_seen_by_another_process(
    client: Client, alice: User, settings: Any, tmp_path: Path
) -> None:
    settings.API_RATE = "5/min"
    settings.CACHES = {
        **settings.CACHES,
        "api": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        },
    }
    token, plain = ApiToken.objects.create_token(alice, "script")
    for _ in range(2):
        assert client.get("/api/v1/me", headers=_bearer(plain)).status_code == 200
    # What another gunicorn worker would read.
    seen = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from django.core.cache.backends.filebased import FileBasedCache\n"
            "print(len(FileBasedCache(sys.argv[1], {}).get(sys.argv[2])))",
            str(tmp_path),
            f"throttle_token_{token.pk}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert seen.stdout.strip() == "2"


def test_threads_sharing_a_throttle_keep_their_own_request_in_hand() -> None:
    throttle = TokenThrottle()
    seen: dict[str, object] = {}

    def other_thread() -> None:
        seen["key"] = throttle.key
        throttle.key = "throttle_token_2"

    throttle.key = "throttle_token_1"
    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join()
    assert seen["key"] is None
    assert throttle.key == "throttle_token_1"


def test_the_failed_token_limit_reads_its_rate_from_settings(settings: Any) -> None:
    settings.API_FAILED_AUTH_RATE = "7/hour"
    assert FAILED_AUTH.configured() == "7/hour"
