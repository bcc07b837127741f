"""Traffic and location data: PECR regulations 7, 8 and 14. Its capabilities arrive with their issue."""

from provider.manifest import Manifest
from provider.security.roles import Permission

MANIFEST = Manifest(package="traffic", permissions=(Permission.traffic_read, Permission.traffic_write))
