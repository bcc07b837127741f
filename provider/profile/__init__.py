"""The provider's own identity: the name, address, ICO registration and contact point printed on
every notice and ICO form. One row per deployment; documents read it at generation time and keep
the snapshot they used."""

from provider.manifest import Manifest, NavLink
from provider.security.roles import Permission

MANIFEST = Manifest(
    package="provider.profile",
    routers=("provider.profile.views:router", "provider.profile.api:router"),
    navigation=(NavLink("Provider profile", "/admin/profile", Permission.provider_read, position=60),),
    model_modules=("provider.profile.models",),
    templates=("templates",),
    permissions=(Permission.provider_read, Permission.provider_write),
)
