"""Versioned wording: every text a person is shown as part of a legal duty, frozen once used, and the
record of each time a version was served.

Users: customer breach notices (breach.notices) now; traffic and location consent notices, directory
information notices, calling line identification information and security-risk notices (reg 5) next.
A domain declares a `rules.Purpose` (name, label, the names of its parts, what owns each text), saves
wording through `service.save`, marks a version used (`service.mark_used`) when anything is made from
it, and records who was served it with `bulk.record_served`.

Invariants: a version's content SHA-256 covers the canonical JSON of its parts (provider.evidence),
with the scheme stored beside it so every digest can be checked again; a used version is never changed
or deleted, and an edit then makes the next version; a draft nobody has been shown is edited in place;
a material change says what changed and is never the first version; a served record names the version,
the person (kind, id and a non-personal reference), the channel, the moment and what carried it, and is
never updated. The core names owners and people by kind and id and imports no domain.
"""

from provider.manifest import Manifest

MANIFEST = Manifest(package="provider.wording", model_modules=("provider.wording.models",))
