"""The extension point of the subscriber page: other packages add panels to it.

A package registers a `SubscriberPanel` in the web composition root, e.g.

    register_panel(app, SubscriberPanel("Caller ID", "line_identification/panel.html", build,
                                        Permission.subscribers_read))

and the subscriber page renders each panel the viewer may see, passing the result of
`build(session=, subscriber=, lines=, now=, settings=)` to the template as `data`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from provider.security.roles import Permission

STATE_ATTRIBUTE = "subscriber_panels"


@dataclass(frozen=True)
class SubscriberPanel:
    title: str
    template: str
    build: Callable[..., Any]
    permission: Permission | None = None


def panels_of(app: Any) -> list[SubscriberPanel]:
    """The app's panel list, created empty the first time it is asked for."""
    panels = getattr(app.state, STATE_ATTRIBUTE, None)
    if panels is None:
        panels = []
        setattr(app.state, STATE_ATTRIBUTE, panels)
    return panels


def register_panel(app: Any, panel: SubscriberPanel) -> None:
    panels_of(app).append(panel)
