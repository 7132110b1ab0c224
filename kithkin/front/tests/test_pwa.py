"""The installable app: manifest, icons, service worker, offline page."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

IMG = Path(settings.BASE_DIR) / "static" / "img"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, after checking its signature, header and every
    chunk's checksum, and that its image data inflates."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, kinds, image = 8, [], b""
    width = height = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, kind
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        if kind == b"IDAT":
            image += body
        kinds.append(kind)
        pos += 12 + length
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    bit_depth, colour_type = data[24], data[25]
    channels = {6: 4, 2: 3}[colour_type]
    assert bit_depth == 8
    assert len(zlib.decompress(image)) == height * (1 + width * channels)
    return width, height


def test_the_manifest_has_what_an_install_needs(client: Client) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    data = json.loads(response.content)
    assert data["name"] == settings.SITE_NAME
    assert data["short_name"]
    assert data["start_url"] == "/"
    assert data["scope"] == "/"
    assert data["display"] == "standalone"
    assert data["theme_color"] == "#2f5d50"
    assert data["background_color"].startswith("#")
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in data["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in data["icons"]:
        assert icon["type"] == "image/png"
        assert icon["src"].startswith("/static/img/")
        name = icon["src"].removeprefix("/static/img/")
        side = int(icon["sizes"].split("x")[0])
        assert png_size((IMG / name).read_bytes()) == (side, side)


@pytest.mark.parametrize(
    ("name", "side"),
    [
        ("icon-192.png", 192),
        ("icon-512.png", 512),
        ("icon-maskable-512.png", 512),
        ("apple-touch-icon.png", 180),
    ],
)
def test_icons_are_real_pngs_of_their_size(name: str, side: int) -> None:
    assert png_size((IMG / name).read_bytes()) == (side, side)


def test_the_maskable_icon_fills_its_square() -> None:
    # A maskable icon is cropped to a shape: its corners must not be transparent.
    data = (IMG / "icon-maskable-512.png").read_bytes()
    pos = data.index(b"IDAT") + 4
    (length,) = struct.unpack(">I", data[pos - 8 : pos - 4])
    first_row = zlib.decompress(data[pos : pos + length])[: 1 + 512 * 4]
    assert first_row[0] == 0  # no filter
    assert first_row[1:5] == bytes([0x2F, 0x5D, 0x50, 255])


def test_pages_link_the_manifest_and_the_service_worker(client: Client) -> None:
    html = client.get(reverse("login")).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest" data-service-worker="/sw.js">' in html
    assert '<meta name="theme-color" content="#2f5d50">' in html
    assert 'rel="apple-touch-icon" href="/static/img/apple-touch-icon.png"' in html


def test_the_service_worker_is_served_for_the_whole_site(client: Client) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    # Push reminders still work, and offline support is there.
    for needle in [
        'addEventListener("push"',
        'addEventListener("notificationclick"',
        'addEventListener("fetch"',
        'OFFLINE_URL = "/offline/"',
        'credentials: "omit"',
    ]:
        assert needle in script


def test_the_offline_page_is_kind_and_keeps_support_in_reach(client: Client) -> None:
    response = client.get(reverse("offline"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "You're offline for now" in html
    assert "nothing you've saved is lost" in html
    assert html.count('href="/support/"') >= 2
    assert "Need support now?" in html
    assert "112" in html
