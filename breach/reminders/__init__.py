"""Deadline reminders and escalation for breach obligations (PECR reg 5A; 611/2013; the monthly log).

Invariants: reminders are computed from stored obligation rows (the database is the source of truth);
each reminder is a row with a unique key, inserted before any e-mail is sent, so a restart or a second
scheduler never sends the same reminder twice (at most once: a crash after the insert loses an e-mail,
never duplicates one, and the in-app reminder is always there). A breach's own log_inclusion is not
reminded: it falls due with its month's log_submission, whose reminder covers every breach of the month.
"""
