"""Security headers on every response, added by one ASGI middleware (streamed downloads included).

- `Content-Security-Policy`: scripts, styles, images, forms and fonts from this origin only; no inline
  script or style (the templates use none: a test reads them), no plugins, no framing, no <base>.
- `X-Frame-Options: DENY` for browsers that predate `frame-ancestors`.
- `X-Content-Type-Options: nosniff`; `Referrer-Policy: same-origin` (URLs carry ids of breaches and
  subscribers, which must not leak to another site); `Permissions-Policy` turns off device features.
- `Strict-Transport-Security` when the request came over HTTPS. Behind a TLS proxy the scheme is the
  one uvicorn reads from `X-Forwarded-Proto`, which it believes only from `PECR_FORWARDED_ALLOW_IPS`.
- `Cache-Control: no-store` on everything but static files: every page, export and letter shows
  personal data or account secrets, so no browser or shared cache may keep a copy.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
HSTS = "max-age=63072000; includeSubDomains"
STATIC_PREFIX = "/static/"
FIXED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        static = scope.get("path", "").startswith(STATIC_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in FIXED.items():
                    headers[name] = value
                if https:
                    headers["Strict-Transport-Security"] = HSTS
                if not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)
