"""What /api/v1 takes and returns, as marshmallow schemas.

The views parse their input and dump their output with these (through flask-smorest), and
the OpenAPI document is generated from the same classes, so the description cannot drift
from what the API does. A criterion's own schema comes from the core's registry of criterion
types (`recruit.core.roles.criterion_schema`), referenced here as `Criterion`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate
from werkzeug.datastructures import FileStorage

from recruit.core.assets import role_ids
from recruit.core.printable import unprintable
from recruit.core.roles import MAX_CRITERIA
from recruit.db.models import APPLICATION_STATUSES, CURRENCIES, EMPLOYMENT_TYPES, as_utc
from recruit.services.openings import MAX_SALARY
from recruit.services.review import PAGE_SIZE, SORTS, VIEWS

CRITERION_REF = {"$ref": "#/components/schemas/Criterion"}
REQUIREMENTS_REF = {"$ref": "#/components/schemas/Requirements"}
# Ids are database keys: larger numbers are unknown ids, answered 404 without a query that
# PostgreSQL's integer columns would refuse.
MAX_ID = 2**31 - 1


def _id(**kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(1, MAX_ID), **kwargs)


class Moment(fields.DateTime):
    """A stored time (SQLite gives it back naive), written in RFC 3339 with its UTC offset."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, dt.datetime):
            value = as_utc(value)
        return super()._serialize(value, attr, obj, **kwargs)


class Text(fields.String):
    """Typed text: control characters are refused, as the forms refuse them (they are invisible,
    break exports, and PostgreSQL stores no NUL); line breaks and tabs only where `multiline`."""

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if unprintable(text, multiline=self.multiline):
            raise ma.ValidationError("holds invisible control characters; type it again")
        return text


class FileUpload(fields.Field):
    """A file part of a multipart body (a plain field of that name is refused)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["metadata"] = {"type": "string", "format": "binary", **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> FileStorage:
        if not isinstance(value, FileStorage) or not value.filename:
            raise ma.ValidationError("attach the file as a file part")
        return value


class Strict(ma.Schema):
    """Refuse fields the schema does not name (a typo must not pass silently)."""

    class Meta:
        unknown = ma.RAISE


# --- errors ---------------------------------------------------------------------------------


class ErrorSchema(ma.Schema):
    error = fields.String(required=True, metadata={"description": "the HTTP status name"})
    message = fields.String(required=True, metadata={"description": "what went wrong"})
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        metadata={"description": "per input field, what is wrong with it"},
    )


# --- openings -------------------------------------------------------------------------------


class OpeningFieldsSchema(Strict):
    """The fields of an opening that POST and PATCH take."""

    title = Text(validate=validate.Length(1, 200))
    location = Text(validate=validate.Length(max=200))
    description = Text(
        multiline=True, validate=validate.Length(max=20_000), metadata={"description": "Markdown"}
    )
    employment_type = fields.String(validate=validate.OneOf(EMPLOYMENT_TYPES))
    salary_min = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(0, MAX_SALARY)
    )
    salary_max = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(0, MAX_SALARY)
    )
    salary_currency = fields.String(allow_none=True, validate=validate.OneOf(CURRENCIES))
    closes_on = fields.Date(allow_none=True, metadata={"description": "the last day, inclusive"})
    members = fields.List(
        _id(), metadata={"description": "user ids of who works on it (replaces the members)"}
    )


class OpeningCreateSchema(OpeningFieldsSchema):
    title = Text(required=True, validate=validate.Length(1, 200))
    role = fields.String(
        validate=validate.OneOf(role_ids()), metadata={"description": "a built-in role"}
    )
    copy_from = _id(metadata={"description": "an opening whose current requirements to copy"})

    @ma.validates_schema
    def _one_source(self, data: dict[str, Any], **_: Any) -> None:
        if ("role" in data) == ("copy_from" in data):
            raise ma.ValidationError(
                'give either "role" (a built-in role id) or "copy_from" (an opening id)', "role"
            )


class CountsSchema(ma.Schema):
    id = fields.Integer(required=True)
    applications = fields.Integer(required=True)
    new = fields.Integer(required=True)
    reading = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata={"description": "documents per reading state"},
    )


class OpeningSchema(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    role = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("open", "closed")))
    accepting_applications = fields.Boolean(required=True)
    location = fields.String(required=True)
    description = fields.String(required=True)
    employment_type = fields.String(required=True, validate=validate.OneOf(EMPLOYMENT_TYPES))
    salary_min = fields.Integer(required=True, allow_none=True)
    salary_max = fields.Integer(required=True, allow_none=True)
    salary_currency = fields.String(required=True, allow_none=True)
    # A string already: `services.openings.describe` is the CLI's and the API's one form.
    closes_on = fields.String(required=True, allow_none=True, metadata={"format": "date"})
    current_version = fields.Integer(required=True)
    blind_review = fields.Boolean(required=True)
    url = fields.String(required=True)


class OpeningListItemSchema(OpeningSchema):
    counts = fields.Nested(CountsSchema, required=True, allow_none=True)


class OpeningListSchema(ma.Schema):
    items = fields.List(fields.Nested(OpeningListItemSchema), required=True)


def _requirements(**kwargs: Any) -> fields.Dict:
    # Dumped as stored: the role file's fields are kept, the criteria follow `Criterion`.
    return fields.Dict(metadata={"allOf": [REQUIREMENTS_REF]}, **kwargs)


class OpeningDetailSchema(OpeningSchema):
    requirements = _requirements(required=True)


# --- the talent pool ------------------------------------------------------------------------


class SearchQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    q = Text(
        required=True,
        validate=validate.Length(1, 100),
        metadata={
            "description": "words to find in name, e-mail, phone (any spacing, +40 or 0...), "
            "skills, positions and employers; case and diacritics do not matter"
        },
    )


class PoolApplicationSchema(ma.Schema):
    id = fields.Integer(required=True)
    opening_id = fields.Integer(required=True)
    opening = fields.String(required=True, metadata={"description": "the opening's title"})
    status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    score = fields.Float(required=True, allow_none=True)
    applied_at = Moment(required=True)
    url = fields.String(required=True)


class PersonSchema(ma.Schema):
    name = fields.String(required=True, metadata={"description": "a neutral label when hidden"})
    email = fields.String(
        required=True, allow_none=True, metadata={"description": "null when hidden"}
    )
    phone = fields.String(
        required=True, allow_none=True, metadata={"description": "null when hidden"}
    )
    headline = fields.String(required=True)
    applications = fields.List(
        fields.Nested(PoolApplicationSchema),
        required=True,
        metadata={"description": "newest first; several share the e-mail or phone"},
    )


class SearchResultSchema(ma.Schema):
    people = fields.List(fields.Nested(PersonSchema), required=True)
    more = fields.Boolean(
        required=True, metadata={"description": "more matched than shown: narrow the search"}
    )


# --- applications ---------------------------------------------------------------------------


class ShortlistQuerySchema(ma.Schema):
    """The shortlist's filters, as on the page (other query parameters are ignored)."""

    class Meta:
        unknown = ma.EXCLUDE

    view = fields.String(load_default="ranked", validate=validate.OneOf(VIEWS))
    status = fields.String(validate=validate.OneOf(APPLICATION_STATUSES))
    min_score = fields.Float(validate=validate.Range(0, 100))
    typos = fields.String(
        validate=validate.OneOf(("0", "1")),
        metadata={"description": "1: only CVs with misspelt key terms"},
    )
    lang = fields.String(validate=validate.OneOf(("ro", "en")))
    q = Text(validate=validate.Length(max=100), metadata={"description": "words to search for"})
    sort = fields.String(load_default="score", validate=validate.OneOf(SORTS))
    after = fields.String(
        validate=validate.Length(max=60), metadata={"description": "the `next` of a page"}
    )
    limit = fields.Integer(load_default=PAGE_SIZE, validate=validate.Range(1, 200))


class FactsSchema(ma.Schema):
    sales_months = fields.Integer(required=True, allow_none=True)
    education = fields.String(required=True, allow_none=True)
    english = fields.String(required=True, allow_none=True)
    licence = fields.List(fields.String(), required=True)
    typos = fields.Integer(required=True)
    language = fields.String(required=True, allow_none=True)


class ApplicationSchema(ma.Schema):
    id = fields.Integer(required=True)
    opening_id = fields.Integer(required=True)
    name = fields.String(required=True, metadata={"description": "a neutral label when hidden"})
    email = fields.String(
        required=True, allow_none=True, metadata={"description": "null when hidden"}
    )
    duplicate_of = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "the first application sent to this opening with its e-mail"},
    )
    duplicates = fields.List(fields.Integer(), required=True)
    same_person = fields.Boolean(required=True)
    status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    score = fields.Float(required=True, allow_none=True)
    knocked_out = fields.Boolean(required=True)
    knockouts = fields.List(fields.String(), required=True)
    headline = fields.String(required=True)
    facts = fields.Nested(FactsSchema, required=True)
    applied_at = Moment(required=True)
    url = fields.String(required=True)


class ShortlistSchema(ma.Schema):
    items = fields.List(fields.Nested(ApplicationSchema), required=True)
    next = fields.String(required=True, allow_none=True, metadata={"description": "`after`"})
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class SpanSchema(ma.Schema):
    page = fields.Integer(required=True)
    start = fields.Integer(required=True)
    end = fields.Integer(required=True)
    text = fields.String(required=True)


class CriterionScoreSchema(ma.Schema):
    id = fields.String(required=True)
    type = fields.String(required=True)
    label = fields.String(required=True)
    weight = fields.Float(required=True)
    points = fields.Float(required=True, metadata={"description": "0 to 10"})
    must_have = fields.Boolean(required=True)
    passed = fields.Boolean(required=True)
    knocked_out = fields.Boolean(required=True)
    evidence = fields.List(fields.String(), required=True)
    spans = fields.List(fields.Nested(SpanSchema), required=True)
    explanation = fields.String(required=True)


class ScoreDetailSchema(ma.Schema):
    version = fields.Integer(required=True, metadata={"description": "the requirement version"})
    total = fields.Float(required=True)
    knockouts = fields.List(fields.String(), required=True)
    criteria = fields.List(fields.Nested(CriterionScoreSchema), required=True)


class DocumentErrorSchema(ma.Schema):
    code = fields.String(required=True)
    message = fields.String(required=True, allow_none=True)


class DocumentSchema(ma.Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    error = fields.Nested(DocumentErrorSchema, required=True, allow_none=True)
    received_at = Moment(required=True)


class ApplicationDetailSchema(ApplicationSchema):
    score_detail = fields.Nested(ScoreDetailSchema, required=True, allow_none=True)
    documents = fields.List(fields.Nested(DocumentSchema), required=True)


class UploadSchema(Strict):
    """A CV received outside the site, sent as multipart/form-data."""

    file = FileUpload(
        required=True,
        metadata={"description": "the CV: PDF, DOCX, or a JPEG/PNG photo (read by OCR)"},
    )
    name = Text(required=True, validate=validate.Length(1, 200))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    phone = Text(load_default="", validate=validate.Length(max=40))
    consent = fields.Boolean(
        required=True,
        validate=validate.Equal(True, error="confirm the candidate consented"),
        metadata={"description": "the candidate agreed to the privacy notice"},
    )


class UploadedSchema(ma.Schema):
    application_id = fields.Integer(required=True)
    document_id = fields.Integer(required=True)
    status = fields.String(required=True)
    url = fields.String(required=True)


# --- statuses and notes ---------------------------------------------------------------------


class StatusSchema(ma.Schema):
    id = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    label = fields.String(required=True, metadata={"description": "in the caller's language"})


class StatusListSchema(ma.Schema):
    items = fields.List(fields.Nested(StatusSchema), required=True)


class _StatusSchema(Strict):
    status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    confirm = fields.Boolean(
        load_default=False, metadata={"description": "must be true for a rejection"}
    )

    @ma.validates_schema
    def _confirmed(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("status") == "rejected" and not data.get("confirm"):
            raise ma.ValidationError('a rejection needs "confirm": true', "confirm")


class StatusChangeSchema(_StatusSchema):
    notify = fields.Boolean(
        load_default=False, metadata={"description": "e-mail the candidate their new status"}
    )


class BulkStatusSchema(_StatusSchema):
    application_ids = fields.List(_id(), required=True, validate=validate.Length(1, 1000))
    notify = fields.Boolean(
        load_default=False,
        metadata={"description": "e-mail each changed application's candidate the new status"},
    )


class BulkStatusResultSchema(ma.Schema):
    changed = fields.Integer(required=True)
    emailed = fields.List(
        fields.Integer(),
        required=True,
        metadata={"description": "applications whose candidate will get the e-mail"},
    )
    not_emailed = fields.List(
        fields.Integer(),
        required=True,
        metadata={"description": "changed, to be announced, but no address or blind review"},
    )


class ChangedApplicationSchema(ApplicationSchema):
    emailed = fields.Boolean(required=True)


class NoteInSchema(Strict):
    body = Text(multiline=True, required=True, validate=validate.Length(1, 5000))


class NoteSchema(ma.Schema):
    id = fields.Integer(required=True)
    author_id = fields.Integer(required=True, allow_none=True)
    author = fields.String(required=True, allow_none=True)
    body = fields.String(required=True, metadata={"description": "masked under blind review"})
    created_at = Moment(required=True)


class NoteListSchema(ma.Schema):
    items = fields.List(fields.Nested(NoteSchema), required=True)


# --- requirements -----------------------------------------------------------------------------


class CriteriaSchema(Strict):
    criteria = fields.List(
        fields.Dict(),
        required=True,
        validate=validate.Length(1, MAX_CRITERIA),
        metadata={"items": CRITERION_REF},
    )
    note = fields.String(load_default="", validate=validate.Length(max=500))


class ProfileVersionSchema(ma.Schema):
    version = fields.Integer(required=True)
    author_id = fields.Integer(required=True, allow_none=True)
    note = fields.String(required=True)
    created_at = Moment(required=True)
    criteria = _requirements(required=True)


class ProfileListSchema(ma.Schema):
    current_version = fields.Integer(required=True)
    items = fields.List(fields.Nested(ProfileVersionSchema), required=True)


class SavedProfileSchema(ma.Schema):
    version = fields.Integer(required=True)
    criteria = _requirements(required=True)


class PreviewRowSchema(ma.Schema):
    application_id = fields.Integer(required=True)
    score = fields.Float(required=True)
    rank = fields.Integer(required=True)
    previous_rank = fields.Integer(required=True, allow_none=True)


class PreviewSchema(ma.Schema):
    top = fields.List(fields.Nested(PreviewRowSchema), required=True)
    ranked = fields.Integer(required=True)
    knocked_out = fields.Integer(required=True)
    histogram = fields.List(fields.Integer(), required=True)


class CsrfTokenSchema(ma.Schema):
    csrf_token = fields.String(required=True)
