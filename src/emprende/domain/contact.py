"""Value rules shared by the programme's records: countries, Ecuadorian tax ids, phones and e-mails."""

from __future__ import annotations

import phonenumbers
import pycountry
from stdnum.ec import ruc as ec_ruc
from stdnum.exceptions import ValidationError as StdnumValidationError

from emprende.domain.errors import InvalidInput
from emprende.domain.users import normalize_email

ECUADOR = "ECU"


def normalize_country(code: str, *, field: str = "country") -> str:
    """An ISO 3166-1 alpha-3 code, upper-cased; unknown codes are refused."""
    value = code.strip().upper()
    if len(value) != 3 or pycountry.countries.get(alpha_3=value) is None:
        raise InvalidInput("not an ISO 3166-1 alpha-3 country code", field=field, code="invalid_country")
    return value


def normalize_ruc(value: str, *, field: str = "ruc") -> str:
    """A valid Ecuadorian RUC (13 digits, check digits verified)."""
    try:
        return str(ec_ruc.validate(value))
    except StdnumValidationError as error:
        raise InvalidInput("not a valid Ecuadorian RUC", field=field, code="invalid_ruc") from error


def normalize_phone(value: str, *, region: str = "EC", field: str = "phone") -> str:
    """A phone number in E.164 form; local numbers are read in the default region."""
    try:
        number = phonenumbers.parse(value.strip(), region)
    except phonenumbers.NumberParseException as error:
        raise InvalidInput("not a valid phone number", field=field, code="invalid_phone") from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput("not a valid phone number", field=field, code="invalid_phone")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def normalize_contact_email(value: str, *, field: str = "contact_email") -> str:
    try:
        return normalize_email(value)
    except InvalidInput as error:
        raise InvalidInput("not a valid e-mail address", field=field, code="invalid_email") from error
