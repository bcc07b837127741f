"""The home page: each package contributes a panel (deadlines, volumes) through app.state.panels."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from provider.db.session import SessionDep
from provider.web.csrf import html_router
from provider.web.deps import NowDep, PageActor
from provider.web.rendering import render

router = html_router()


@router.get("/")
def dashboard(request: Request, actor: PageActor, session: SessionDep, now: NowDep) -> Response:
    panels = []
    for panel in getattr(request.app.state, "panels", []):
        if panel.permission is None or actor.can(panel.permission):
            panels.append(
                {
                    "title": panel.title,
                    "template": panel.template,
                    "data": panel.build(session=session, now=now, settings=request.app.state.settings),
                }
            )
    return render(request, "dashboard.html", {"panels": panels, "now": now})
