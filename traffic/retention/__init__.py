"""Retention of traffic and location data: bills, retention holds, emergency alerts, leavers, the retention page.

The tables are `traffic.models`'; the retention dates are `traffic.rules`'; the sweep is `traffic.sweep`.
The package's manifest (`traffic/__init__.py`) declares this sub-package's routers and deadline kinds.
"""
