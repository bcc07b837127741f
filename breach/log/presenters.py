"""How the breach log's enums read on its page: one label table per enum."""

from __future__ import annotations

from breach.log.models import SubmissionMethod

METHOD_LABELS = {
    SubmissionMethod.ico_online_form: "ICO online form (monthly log)",
    SubmissionMethod.email: "E-mail (e.g. a nil return)",
    SubmissionMethod.other: "Other",
}
