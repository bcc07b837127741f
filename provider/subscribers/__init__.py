"""Subscribers, their lines and the named users of each line: the core every PECR duty hangs from.

PECR regulation 2 distinguishes the *subscriber* (the party to the contract, an individual or a
corporate body) from the *user* (the person using the service, who may be someone else): consents
over traffic and location data (regs 6-8, 14) are the user's, directory rights (reg 18) differ for
individual and corporate subscribers. Invariants: account references and line numbers are unique;
numbers are stored in E.164; every change is audited without copying personal data into the chain.
"""
