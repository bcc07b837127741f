"""The web shell: the app factory, base templates, the dashboard, sign-in, the account page, the
administration and audit pages, the API documentation, problem responses and static files."""

from provider.manifest import Manifest, NavLink
from provider.security.roles import Permission

MANIFEST = Manifest(
    package="provider.web",
    routers=(
        "provider.web.health:router",
        "provider.web.login_views:router",
        "provider.web.dashboard:router",
        "provider.web.account_views:router",
        "provider.web.admin_views:router",
        "provider.web.admin_tokens:router",
        "provider.web.admin_api:router",
        "provider.web.audit_views:router",
        "provider.web.docs_routes:router",
    ),
    navigation=(
        NavLink("Dashboard", "/", None, position=10),
        NavLink("Audit", "/audit", Permission.audit_read, position=70),
        NavLink("Accounts", "/admin/users", Permission.admin, position=80),
        NavLink("API tokens", "/admin/tokens", Permission.admin, position=90),
        NavLink("API docs", "/docs", None, position=100),
    ),
    templates=("templates",),
)
