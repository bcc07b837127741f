"""Accounts, roles, web sessions, CSRF, API tokens, field encryption and the audit hash chain."""
