"""Documents and messages the provider sends: shared PDF building blocks (reportlab) and e-mail.

Renderers are pure: data in, bytes out. The same input renders the same bytes (invariant=1 and a
fixed creation date), so a stored SHA-256 can be reproduced from the stored snapshot.
"""
