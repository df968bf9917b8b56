"""WTForms forms."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    FieldList,
    FloatField,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from recruit.core.criteria import CRITERION_TYPES, Param
from recruit.core.media import cv_media_type
from recruit.core.passwords import password_weakness
from recruit.core.printable import unprintable
from recruit.db.models import CURRENCIES, EMPLOYMENT_TYPES, MAX_ID, USER_ROLES


def _phone_field() -> TelField:
    """A phone as people type it (+40 722 123 456, 0722-123-456), optional."""
    return TelField(
        _l("Phone"),
        validators=[
            Optional(),
            Length(max=40),
            Regexp(r"^\+?[0-9 ()./-]{6,40}$", message=_l("Use digits, spaces and + only.")),
        ],
    )


class SignInForm(FlaskForm):
    # No shape check: a wrong address fails like a wrong password, and needs no extra package.
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


# --- candidates, recruiters and hiring managers (issue 7) ---------------------------------

# A pragmatic shape check: one @, a dot in the domain, no spaces; delivery is the real test.
EMAIL_SHAPE = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$"


class Printable:
    """Refuse text with control characters (invisible, and they break exports)."""

    def __init__(self, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, form: FlaskForm, field: Any) -> None:
        if field.data and unprintable(field.data, multiline=self.multiline):
            raise ValidationError(
                _l("This text holds invisible control characters; please type it again.")
            )


class CvFile:
    """Accept only what the product reads as a CV (`media.CV_MEDIA_TYPES`), judged by bytes."""

    def __call__(self, form: FlaskForm, field: FileField) -> None:
        storage = field.data
        if storage is None or not getattr(storage, "filename", ""):
            return
        data = storage.stream.read()
        storage.stream.seek(0)
        if not data:
            raise ValidationError(_l("The file is empty."))
        if cv_media_type(data) is None:
            raise ValidationError(
                _l(
                    "This file is not a PDF, a Word (.docx) document or a photo of your CV "
                    "(JPEG, PNG). Please choose another."
                )
            )


class ApplyForm(FlaskForm):
    name = StringField(
        _l("Full name"),
        validators=[InputRequired(_l("Please enter your name.")), Length(max=200), Printable()],
    )
    email = EmailField(
        _l("E-mail"),
        # Phones' autocomplete leaves a space after the address.
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            InputRequired(_l("Please enter your e-mail address.")),
            Length(max=254),
            Printable(),
            Regexp(EMAIL_SHAPE, message=_l("This does not look like an e-mail address.")),
        ],
    )
    phone = _phone_field()
    cv = FileField(
        _l("Your CV (PDF, Word .docx or a photo)"),
        validators=[FileRequired(_l("Please choose your CV file.")), CvFile()],
    )
    consent = BooleanField(
        _l("I agree that my CV and details are processed for this application."),
        validators=[InputRequired(_l("We can only consider your application with your consent."))],
    )


class VersionForm(FlaskForm):
    cv = FileField(
        _l("Your CV (PDF, Word .docx or a photo)"),
        validators=[FileRequired(_l("Please choose your CV file.")), CvFile()],
    )


# --- openings (issue 15) ------------------------------------------------------------------

# The five built-in role families an opening starts from (models/roles/<id>.json).
ROLE_TEMPLATE_LABELS = {
    "account-manager": _l("Account manager"),
    "bank-account-manager": _l("Bank account manager"),
    "telecom-retail-manager": _l("Mobile-shop customer service manager"),
    "corporate-account-manager": _l("Corporate (key) account manager"),
    "customer-service-manager": _l("Customer service manager"),
}
EMPLOYMENT_LABELS = {
    "full_time": _l("Full time"),
    "part_time": _l("Part time"),
    "contract": _l("Contract"),
    "internship": _l("Internship"),
    "temporary": _l("Temporary"),
}
assert set(EMPLOYMENT_LABELS) == set(EMPLOYMENT_TYPES)


class OpeningForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[InputRequired(_l("Give the opening a title.")), Length(max=200)],
    )
    location = StringField(_l("City"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(
        _l("Description (Markdown: **bold**, lists with -, links)"),
        validators=[Optional(), Length(max=20000)],
    )
    employment_type = SelectField(
        _l("Employment type"), choices=[SelectChoice(k, v) for k, v in EMPLOYMENT_LABELS.items()]
    )
    salary_min = IntegerField(
        _l("Monthly salary from"), validators=[Optional(), NumberRange(0, 10_000_000)]
    )
    salary_max = IntegerField(
        _l("Monthly salary up to"), validators=[Optional(), NumberRange(0, 10_000_000)]
    )
    salary_currency = SelectField(
        _l("Currency"),
        choices=[SelectChoice("", "—")] + [SelectChoice(c, c) for c in CURRENCIES],
    )
    closes_on = DateField(_l("Last day to apply"), validators=[Optional()])
    # Only when creating: a built-in role, or "copy:<id>" of an opening the user works on.
    template = SelectField(_l("Requirements start from"), choices=[])
    members = SelectMultipleField(_l("Who works on it"), choices=[], coerce=int)

    def validate_salary_max(self, field: IntegerField) -> None:
        low = self.salary_min.data
        if low is not None and field.data is not None and low > field.data:
            raise ValidationError(_l("The maximum must not be below the minimum."))

    def validate_salary_currency(self, field: SelectField) -> None:
        if (
            self.salary_min.data is not None or self.salary_max.data is not None
        ) and not field.data:
            raise ValidationError(_l("Choose the salary's currency."))


class EmailTemplatesForm(FlaskForm):
    """The editable e-mails of one opening: a subject and a text per kind and language."""

    @classmethod
    def field_name(cls, kind: str, language: str, part: str) -> str:
        """Return the name of one field ("invitation_ro_subject")."""
        return f"{kind}_{language}_{part}"


for _kind in ("invitation", "rejection"):
    for _language in ("ro", "en"):
        setattr(
            EmailTemplatesForm,
            EmailTemplatesForm.field_name(_kind, _language, "subject"),
            StringField(_l("Subject"), validators=[InputRequired(), Length(max=300)]),
        )
        setattr(
            EmailTemplatesForm,
            EmailTemplatesForm.field_name(_kind, _language, "body"),
            TextAreaField(_l("Text"), validators=[InputRequired(), Length(max=20000)]),
        )


class LinkForm(FlaskForm):
    """The one button that joins two applications (the token is in the URL)."""


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[])
    confirm = BooleanField(_l("I have reviewed this candidate and confirm the rejection."))
    notify = BooleanField(_l("Tell the candidate by e-mail"))


class ContactForm(FlaskForm):
    """A recruiter's correction of what the CV or the form said about the candidate."""

    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    email = EmailField(
        _l("E-mail"),
        validators=[
            Optional(),
            Length(max=254),
            Regexp(EMAIL_SHAPE, message=_l("This does not look like an e-mail address.")),
        ],
    )
    phone = _phone_field()


class NoteForm(FlaskForm):
    body = TextAreaField(
        _l("Note"),
        validators=[
            InputRequired(_l("Write the note first.")),
            Length(max=5000),
            Printable(multiline=True),
        ],
    )


class BulkForm(FlaskForm):
    status = SelectField(_l("Set status"), choices=[])
    confirm = BooleanField(_l("I have reviewed these candidates and confirm the rejection."))
    notify = BooleanField(_l("Tell them by e-mail"))


class CriterionForm(FlaskForm):
    class Meta:
        csrf = False  # the enclosing form carries the token

    id = HiddenField()
    type = HiddenField()
    label = StringField(_l("Label"), validators=[InputRequired(), Length(max=120), Printable()])
    weight = FloatField(
        _l("Weight"),
        validators=[InputRequired(_l("Give a weight.")), NumberRange(0, 10)],
    )
    must_have = BooleanField(_l("Must-have"))
    remove = BooleanField(_l("Remove"))


def _param_field(param: Param) -> Field:
    """Return the form field for a criterion parameter, from its declaration in the core."""
    label = _l(param.label)
    bounds = [NumberRange(param.low, param.high)] if param.kind in ("int", "number") else []
    if param.kind == "int":
        return IntegerField(label, validators=[Optional(), *bounds])
    if param.kind == "number":
        return FloatField(label, validators=[Optional(), *bounds])
    if param.kind == "choice":
        return SelectField(label, choices=[], validate_choice=False)
    if param.kind == "multi":
        return SelectMultipleField(label, choices=[], validate_choice=False)
    # Text, and lists of codes written comma-separated ("3312, 4211").
    return StringField(label, validators=[Optional(), Length(max=200)])


def _add_param_fields() -> None:
    kinds: dict[str, str] = {}
    for ctype in CRITERION_TYPES.values():
        for param in ctype.PARAMS:
            # Types share a field by name ("level"), so a name keeps one kind of value.
            if kinds.setdefault(param.name, param.kind) != param.kind:
                raise TypeError(f"parameter {param.name!r} has two kinds of value")
            if not hasattr(CriterionForm, param.name):
                setattr(CriterionForm, param.name, _param_field(param))


_add_param_fields()


class RequirementsForm(FlaskForm):
    criteria = FieldList(FormField(CriterionForm), min_entries=0, max_entries=100)
    note = StringField(
        _l("What changed and why"), validators=[Optional(), Length(max=500), Printable()]
    )
    add_type = SelectField(_l("Add a criterion"), choices=[], validate_choice=False)


# --- accounts, admin and privacy (issue 8) ------------------------------------------------


class StrongPassword:
    """Refuse a password that is short or easy to guess (the account's own words included).

    The view puts the account's e-mail and name in `form.hints` before validating.
    """

    def __call__(self, form: FlaskForm, field: PasswordField) -> None:
        problem = password_weakness(field.data or "", getattr(form, "hints", ()))
        if problem == "short":
            raise ValidationError(_l("Choose a password of at least 12 characters."))
        if problem == "long":
            raise ValidationError(_l("Choose a password of at most 200 characters."))
        if problem == "common":
            raise ValidationError(
                _l(
                    "This password is too easy to guess: avoid common words, names, dates, "
                    "repeats and keyboard runs. A few unrelated words make a good one."
                )
            )


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new = PasswordField(_l("New password (12 characters or more)"), validators=[StrongPassword()])
    confirm = PasswordField(
        _l("New password again"), validators=[EqualTo("new", _l("Must match."))]
    )


class SetPasswordForm(FlaskForm):
    new = PasswordField(
        _l("Choose a password (12 characters or more)"), validators=[StrongPassword()]
    )
    confirm = PasswordField(
        _l("The password again"), validators=[EqualTo("new", _l("Must match."))]
    )


# How each role reads on the admin pages.
ROLE_LABELS = {
    "recruiter": _l("recruiter"),
    "hiring_manager": _l("hiring manager"),
    "admin": _l("admin"),
}


def role_choices() -> list[tuple[str, Any]]:
    """Return the roles as (value, translated label) choices."""
    return [(r, ROLE_LABELS.get(r, r.replace("_", " "))) for r in USER_ROLES]


class InviteForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Length(max=254), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")],
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200), Printable()])
    role = SelectField(_l("Role"), choices=role_choices)


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices)


class ActiveForm(FlaskForm):
    active = HiddenField(validators=[AnyOf(["0", "1"])])


class MemberForm(FlaskForm):
    user_id = IntegerField(_l("Add a person"), validators=[InputRequired(), NumberRange(1, MAX_ID)])


class BlindReviewForm(FlaskForm):
    blind_review = BooleanField(_l("Blind review: hide who candidates are until shortlisted"))


class RetentionForm(FlaskForm):
    months = IntegerField(
        _l("Keep candidates' data for this many months after the opening closes"),
        validators=[InputRequired(), NumberRange(1, 120)],
    )


class ConsentTextForm(FlaskForm):
    version = StringField(
        _l("Version"), validators=[InputRequired(), Length(max=40), Regexp(r"^[\w.-]+$")]
    )
    body = TextAreaField(
        _l("Privacy notice text"),
        validators=[InputRequired(), Length(max=20000), Printable(multiline=True)],
    )


class EraseForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand that my application and CV will be erased and cannot be restored."),
        validators=[InputRequired(_l("Tick the box to confirm."))],
    )
