"""Directory listings: PECR regulation 18. Its capabilities arrive with their issue."""

from provider.manifest import Manifest
from provider.security.roles import Permission

MANIFEST = Manifest(package="directories", permissions=(Permission.directories_read, Permission.directories_write))
