"""Notices, consent, the location privacy switch, the partner register and purpose checks for traffic
and location data: PECR regulations 7, 8 and 14 (with 16). Its manifest entries are in traffic/__init__.py.
"""
