"""The one form layer: what a browser submitted, read into a schema, or sentences naming each field.

Every HTML form goes through here, so a problem reads the same way on every page: a summary at the
top whose links land on the field's input, the reason beside the field, in words that name the field
by its label ("Enter the date and time of detection", "Title must be 200 characters or fewer"),
never a validator's own text nor an internal field name, and everything typed kept.

A page declares a `PageForm` (its labels and the sentences it wants for empty fields). Its route reads
the submission (`PageForm.submitted` or `PageForm.query`), reads it with a `Reading`, which collects every
problem at once instead of one per round trip, and hands the use case to `submit`, which commits and
redirects, or rolls back and shows the form again. A service's `Invalid` or `Conflict` naming fields
becomes the same kind of sentences: the field's label, then the service's reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar, get_args
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from pydantic_core.core_schema import ErrorType
from sqlmodel import Session

from provider.clock import london
from provider.errors import Conflict, DomainError, FieldError, Forbidden
from provider.text import explain, find_forbidden
from provider.web import dates
from provider.web.dates import DateProblem

Model = TypeVar("Model", bound=BaseModel)
Result = TypeVar("Result")
Values = dict[str, Any]  # a field's text, or a list of texts for a field the form declares as repeated
CSRF_FIELD = "csrf_token"  # checked by provider.web.csrf, never part of what a form holds
WHOLE_FORM = ""  # the field of a problem with the whole form: listed in the summary, without a link
# Longer than any schema allows, so the schema names the field that is too long; anything beyond is junk.
MAX_VALUE_LENGTH = 12_000
MAX_REPEATS = 100
BUILT_IN_ERRORS = frozenset(get_args(ErrorType))
NUMBER_ERRORS = {"int_parsing", "int_type", "int_from_float", "float_parsing", "float_type", "decimal_parsing"}
CHOICE_ERRORS = {"enum", "literal_error", "bool_parsing", "bool_type"}
DATE_ERRORS = {"date_parsing", "date_type", "date_from_datetime_parsing", "date_from_datetime_inexact"}
DATETIME_ERRORS = {"datetime_parsing", "datetime_type", "datetime_from_date_parsing", "timezone_aware"}


@dataclass(frozen=True)
class FormError:
    """One problem: the field it belongs to, the sentence shown, and the id of the input the summary
    links to (empty for a problem with the whole form)."""

    field: str
    message: str
    anchor: str = ""


class FormInvalid(Exception):
    def __init__(self, errors: list[FormError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


def _lower(label: str) -> str:
    """'Name' -> 'name' inside a sentence; 'ICO reference' stays as it is."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def _unique(errors: Iterable[FormError]) -> list[FormError]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for error in errors:
        if (error.field, error.message) not in seen:
            seen.add((error.field, error.message))
            kept.append(error)
    return kept


def _text(value: Any) -> str:
    """Browsers send textarea line breaks as CRLF; keep LF so an untouched field compares equal."""
    return value[:MAX_VALUE_LENGTH].replace("\r\n", "\n") if isinstance(value, str) else ""


def _none() -> Mapping[str, str]:
    return dataclasses.field(default_factory=dict)


@dataclass(frozen=True, eq=False)  # compared by identity: a form's bound methods are FastAPI dependencies
class PageForm:
    """What a page's form declares: each field's label (the words its errors use), the fields sent
    more than once (checkbox groups), the sentences for fields left empty or in the wrong shape, and
    where a service's reason goes when it names no field (WHOLE_FORM: the summary alone)."""

    labels: Mapping[str, str]
    repeated: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()  # fields chosen from a list: "Choose …", not "Enter …"
    missing: Mapping[str, str] = _none()
    formats: Mapping[str, str] = _none()
    renames: Mapping[str, str] = _none()  # a schema's location ("lines.0.number") -> the form's field
    unplaced: str = WHOLE_FORM

    def label(self, field: str) -> str:
        return self.labels.get(field) or field.replace("_", " ").replace(".", " ").capitalize()

    def error(self, field: str, message: str, anchor: str | None = None) -> FormError:
        """A problem already worded as a sentence."""
        field = self.renames.get(field, field)
        return FormError(field, message, field if anchor is None else anchor)

    def reason(self, field: str, reason: str) -> FormError:
        """A service's or a rule's reason ("not a valid UK number"), after the field's label."""
        field = self.renames.get(field, field)
        if field == WHOLE_FORM:
            return FormError(WHOLE_FORM, reason)
        return FormError(field, f"{self.label(field)}: {reason}", field)

    def invalid(self, field: str, message: str) -> FormInvalid:
        return FormInvalid([self.error(field, message)])

    def from_domain(self, error: DomainError) -> list[FormError]:
        if not error.errors:
            return [self.reason(self.unplaced, error.detail)]
        return self.in_page_order(self.reason(item.field, item.reason) for item in error.errors)

    def in_page_order(self, errors: Iterable[FormError]) -> list[FormError]:
        """Problems with the whole form first, then each field's in the order its labels are declared
        (the order of the page), so the summary reads from top to bottom."""
        order = {field: index for index, field in enumerate(self.labels)}
        kept = _unique(errors)
        return sorted(kept, key=lambda error: (error.field != WHOLE_FORM, order.get(error.field, len(order))))

    def from_validation(self, error: ValidationError) -> list[FormError]:
        return self.in_page_order(self._validation_error(item) for item in error.errors())

    def parse(self, model: type[Model], data: Mapping[str, Any]) -> Model:
        """Validate `data` with `model` (the API's schema); raise FormInvalid listing every problem."""
        try:
            return model.model_validate(dict(data))
        except ValidationError as error:
            raise FormInvalid(self.from_validation(error)) from error

    def read(self, values: Values) -> Reading:
        return Reading(self, values)

    async def submitted(self, request: Request) -> Values:
        """FastAPI dependency: the posted form as text, to read and to show again."""
        return self.values_of(await request.form())

    def query(self, request: Request) -> Values:
        """FastAPI dependency: a GET filter form's query string as text."""
        return self.values_of(request.query_params)

    def values_of(self, submitted: Any) -> Values:
        values: Values = {name: [] for name in self.repeated}
        for name in submitted.keys():
            if name == CSRF_FIELD:
                continue
            texts = [_text(value) for value in submitted.getlist(name) if isinstance(value, str)]
            if name in self.repeated:
                values[name] = [text[:100] for text in texts[:MAX_REPEATS]]
            elif texts:
                values[name] = texts[-1]
        return values

    def _field_of(self, location: tuple[int | str, ...]) -> str:
        parts = list(location)
        while parts and isinstance(parts[-1], int):  # an item of a list belongs to the list's field
            parts.pop()
        dotted = ".".join(str(part) for part in parts)
        return self.renames.get(dotted, dotted)

    def _validation_error(self, item: ErrorDetails) -> FormError:
        field = self._field_of(item["loc"])
        if field == WHOLE_FORM:
            return FormError(WHOLE_FORM, _own_words(item))
        return FormError(field, self._sentence(field, item), field)

    def _sentence(self, field: str, item: ErrorDetails) -> str:
        kind, context = item["type"], item.get("ctx") or {}
        label = self.label(field)
        subject = _lower(label)
        if kind not in BUILT_IN_ERRORS:  # a schema's own reason (PydanticCustomError), in its own words
            return f"{label}: {item['msg']}"
        if kind == "missing" or (kind == "string_too_short" and context.get("min_length") == 1):
            verb = "Choose" if field in self.choices else "Enter"
            return self.missing.get(field) or f"{verb} the {subject}"
        if kind == "string_pattern_mismatch":
            if reason := explain(dict(item)):
                return f"{label} {reason}"
            return self.formats.get(field) or f"{label} is not in the right format"
        if kind in ("value_error", "assertion_error"):
            return _value_error(label, subject, item)
        return _built_in_sentence(kind, context, label, subject)


def _own_words(item: ErrorDetails) -> str:
    """A model's own ValueError, without pydantic's 'Value error, ' in front."""
    context = item.get("ctx") or {}
    return str(context.get("error") or item["msg"])


def _value_error(label: str, subject: str, item: ErrorDetails) -> str:
    if "email address" in item["msg"]:
        return f"Enter the {subject} as an e-mail address, like name@example.com"
    return f"{label}: {_own_words(item)}"


def _built_in_sentence(kind: str, context: Mapping[str, Any], label: str, subject: str) -> str:
    """Pydantic's own checks, said as a compliance officer would read them."""
    sentences = {
        "string_too_short": f"{label} must be {context.get('min_length')} characters or more",
        "string_too_long": f"{label} must be {context.get('max_length')} characters or fewer",
        "too_long": f"Choose no more than {context.get('max_length')} for {subject}",
        "too_short": f"Choose at least {context.get('min_length')} for {subject}",
        "greater_than_equal": f"{label} must be {context.get('ge')} or more",
        "greater_than": f"{label} must be more than {context.get('gt')}",
        "less_than_equal": f"{label} must be {context.get('le')} or less",
        "less_than": f"{label} must be less than {context.get('lt')}",
    }
    if kind in sentences:
        return sentences[kind]
    if kind in NUMBER_ERRORS:
        return f"{label} must be a whole number"
    if kind in CHOICE_ERRORS:
        return f"Choose the {subject} from the list"
    if kind in DATE_ERRORS:
        return f"{label} must be a real date"
    if kind in DATETIME_ERRORS:
        return f"{label} must be a real date and time"
    return f"{label} is not valid"


class Reading:
    """One submission being read: the values the schema takes, and every problem found on the way."""

    def __init__(self, form: PageForm, values: Values) -> None:
        self.form = form
        self.values = values
        self.errors: list[FormError] = []
        for name, value in values.items():  # whatever the schema says, no field holds NUL or the like
            texts = value if isinstance(value, list) else [value]
            reason = next(filter(None, (find_forbidden(text, multiline=True) for text in texts)), None)
            if reason:
                self.fail(name, f"{form.label(name)} {reason}")

    def text(self, name: str) -> str:
        value = self.values.get(name, "")
        return value if isinstance(value, str) else ""

    def texts(self, name: str) -> list[str]:
        value = self.values.get(name, [])
        return list(value) if isinstance(value, list) else [value] if value else []

    def flag(self, name: str) -> bool:
        """A ticked checkbox sends its value; an unticked one sends nothing."""
        return bool(self.text(name))

    def fail(self, field: str, message: str, anchor: str | None = None) -> None:
        self.errors.append(self.form.error(field, message, anchor))

    def failed(self, field: str) -> bool:
        return any(error.field == field for error in self.errors)

    def reasons(self, reasons: Iterable[FieldError]) -> None:
        """Add a rule's reasons for fields that have no problem yet, so nothing is said twice."""
        for reason in reasons:
            if not self.failed(self.form.renames.get(reason.field, reason.field)):
                self.errors.append(self.form.reason(reason.field, reason.reason))

    def schema(self, model: type[Model], data: Mapping[str, Any]) -> Model | None:
        """`data` validated by `model`, leaving out fields that already failed to be read."""
        try:
            return model.model_validate({name: value for name, value in data.items() if not self.failed(name)})
        except ValidationError as error:
            self.errors += [item for item in self.form.from_validation(error) if not self.failed(item.field)]
            return None

    def done(self) -> None:
        """Raise FormInvalid with every problem found, if there was any."""
        if self.errors:
            raise FormInvalid(self.form.in_page_order(self.errors))

    def _missing(self, field: str, required: bool, what: str) -> None:
        if required:
            self.fail(field, self.form.missing.get(field) or f"Enter the {what} for {_lower(self.form.label(field))}")

    def _problem(self, field: str, problem: DateProblem, parts: tuple[str, ...]) -> None:
        self.fail(field, problem.message, dates.part_id(field, problem.part, parts))

    def datetime(
        self, field: str, zone: ZoneInfo, *, required: bool = False, shown: datetime | None = None
    ) -> datetime | None:
        """A date and time typed in `zone`, as aware UTC; None when left empty (or wrong: see errors).

        `shown` is the stored value the form was filled with: sent back unchanged it is kept as it is,
        never re-read from the wall clock, which in the repeated October hour would move a GMT time to
        BST and would drop seconds recorded through the API.
        """
        parts = (*dates.DATE_PARTS, dates.TIME_PART)
        typed = dates.typed_parts(self.values, field, parts)
        label = self.form.label(field)
        try:
            if typed is None:
                return self._iso_datetime(field, zone, required=required, shown=shown)
            if not any(typed.values()):
                return self._missing(field, required, "date and time")
            wall = dates.wall_clock(typed, label)
            if shown is not None and wall == _minute(shown, zone):
                return shown
            return dates.localise(wall, zone, label)
        except DateProblem as problem:
            return self._problem(field, problem, parts)

    def _iso_datetime(self, field: str, zone: ZoneInfo, *, required: bool, shown: datetime | None) -> datetime | None:
        text = self.text(field).strip()
        if not text:
            return self._missing(field, required, "date and time")
        value, wall = dates.read_iso_datetime(text, zone, self.form.label(field))
        if wall is not None:
            self.values.update(dates.wall_values(field, wall))  # shown again in the boxes
            if shown is not None and wall.replace(second=0, microsecond=0) == _minute(shown, zone):
                return shown
        return value

    def date(self, field: str, *, required: bool = False) -> date | None:
        """Day, month and year boxes (or one ISO date) as a date; None when left empty or wrong."""
        typed = dates.typed_parts(self.values, field, dates.DATE_PARTS)
        label = self.form.label(field)
        try:
            if typed is None:
                text = self.text(field).strip()
                if not text:
                    return self._missing(field, required, "date")
                value = dates.read_iso_date(text, label)
                self.values.update(dates.date_values(field, value))
                return value
            if not any(typed.values()):
                return self._missing(field, required, "date")
            return dates.read_date(typed, label)
        except DateProblem as problem:
            return self._problem(field, problem, dates.DATE_PARTS)

    def month(self, field: str, *, required: bool = False) -> tuple[int, int] | None:
        """Month and year boxes (or one 'YYYY-MM' text) as (year, month)."""
        typed = dates.typed_parts(self.values, field, dates.MONTH_PARTS)
        label = self.form.label(field)
        try:
            if typed is None:
                text = self.text(field).strip()
                if not text:
                    return self._missing(field, required, "month")
                year, month = dates.read_iso_month(text, label)
                self.values.update(dates.month_values(field, year, month))
                return year, month
            if not any(typed.values()):
                return self._missing(field, required, "month")
            return dates.read_month(typed, label)
        except DateProblem as problem:
            return self._problem(field, problem, dates.MONTH_PARTS)


def _minute(value: datetime, zone: ZoneInfo) -> datetime:
    """A stored instant as the wall-clock minute its boxes show."""
    return london(value, zone).replace(tzinfo=None, second=0, microsecond=0)


def submit(
    session: Session,
    form: PageForm,
    *,
    action: Callable[[], Result],
    on_error: Callable[[list[FormError], int], Response],
    success: Callable[[Result], Response],
    conflict_status: int = 409,
) -> Response:
    """Run a form's use case: on success commit and answer (usually a redirect); on a problem roll back
    and show the form again (422, or `conflict_status` for a Conflict) with every problem named.

    `action` reads the submission (raising FormInvalid) and calls the service (raising Invalid or
    Conflict); `on_error(errors, status_code)` renders the form with the input kept.
    """
    try:
        result = action()
    except FormInvalid as problem:
        session.rollback()
        return on_error(problem.errors, 422)
    except Forbidden:
        raise
    except DomainError as error:
        session.rollback()
        return on_error(form.from_domain(error), conflict_status if isinstance(error, Conflict) else 422)
    session.commit()
    return success(result)
