"""Server-rendered pages: the package's Jinja templates and what every page needs (the CSRF token)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from .security import csrf_token

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """A page with what every template needs: the CSRF token and the member, when there is one."""
    return templates.TemplateResponse(request, name, {"csrf": csrf_token(request)} | context, status_code=status)
