"""Accounts, roles, web sessions, CSRF, API tokens, field encryption and the audit hash chain.

Its pages (sign-in, account, administration, audit) are served by `provider.web`.
"""

from provider.manifest import Manifest
from provider.security.roles import Permission

MANIFEST = Manifest(
    package="provider.security",
    model_modules=("provider.security.models",),
    permissions=(Permission.admin, Permission.audit_read),
)
