"""Customer breach notices: PECR reg 5A(3), (6), (7) and Commission Regulation (EU) No 611/2013 Art 3, 4
and Annex II.

Invariants: a decision on customer notices is append-only and recorded with who, when and why; the ICO's
requirement (reg 5A(7)) overrides an exemption or a finding of no adverse effect; there are no statutory
hours ("without undue delay"); a notice carries no marketing (Art 3(4)); a wording version is immutable
once used; every notice sent can be rebuilt byte for byte from its stored snapshot and checked against
its SHA-256.
"""
