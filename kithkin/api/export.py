"""/api/v1/export: the whole account as one versioned JSON document.

The same document as Settings → "Download everything" and `kithkin export`
(format "kithkin-export", version 1; docs/export-format.md), streamed as it is
read. A read-only token may fetch it.
"""

# No `from __future__ import annotations` here: ninja reads the view annotations.

from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Router, Schema
from pydantic import ConfigDict

from kithkin.accounts.export import FORMAT, VERSION, export_response
from kithkin.api.schemas import ErrorOut
from kithkin.lib.http import request_owner as _owner

router = Router(tags=["export"])


class ExportDocument(Schema):
    """A "kithkin-export" document: the header below, then one key per section
    (account, people, interactions, ...), each described in docs/export-format.md."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"additionalProperties": True})

    format: str
    version: int
    exported_at: str


@router.get(
    "",
    response={200: ExportDocument, 401: ErrorOut},
    summary="Export the whole account",
    description=(
        f'Everything the token\'s owner keeps here, as one JSON document (format "{FORMAT}", '
        f"version {VERSION}), streamed as it is read, with a Content-Disposition "
        "attachment filename. Secrets, tokens, links to other accounts and the reminder "
        "schedule are left out. A file is brought in with `kithkin import` or from Settings."
    ),
)
def export(request: HttpRequest) -> Any:
    response: StreamingHttpResponse = export_response(_owner(request))
    return response
