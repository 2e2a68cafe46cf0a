"""What the HTTP tests share about errors: a response is the problem+json of its status."""

from __future__ import annotations

from typing import Any


def problem(response: Any, status: int) -> dict[str, Any]:
    """The response's problem body, after checking it is a ``status`` problem+json (RFC 9457)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body
