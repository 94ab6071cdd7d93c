"""Value rules shared by the programme's records: countries, Ecuadorian tax ids, phones and e-mails."""

from __future__ import annotations

import phonenumbers
import pycountry
from stdnum.ec import ruc as ec_ruc
from stdnum.exceptions import ValidationError as StdnumValidationError

from emprende.domain.identity.user import normalize_email
from emprende.domain.shared.errors import InvalidInput

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


_ECUADOR_CODE = phonenumbers.country_code_for_region("EC")
_ECUADOR_PREFIX = f"+{_ECUADOR_CODE}"


def _ecuadorian(value: str, region: str) -> str | None:
    """The E.164 form of an Ecuadorian number written as most are (`+593…`, or `0…` read in Ecuador) and valid, without
    phonenumbers' general parser (≈ 16 µs: most of a bulk import row's phone check); None for anything else, which
    takes the general way. The national number is checked against the same metadata, as `parse` would leave it: no
    extension, separators or leading zero to strip."""
    if value.startswith(_ECUADOR_PREFIX):
        national = value[len(_ECUADOR_PREFIX) :]
    elif region == "EC" and value.startswith("0"):
        national = value[1:]
    else:
        return None
    if not (national.isascii() and national.isdigit()) or national.startswith("0") or not 8 <= len(national) <= 10:
        return None
    number = phonenumbers.PhoneNumber(country_code=_ECUADOR_CODE, national_number=int(national))
    return _ECUADOR_PREFIX + national if phonenumbers.is_valid_number(number) else None


def normalize_phone(value: str, *, region: str = "EC", field: str = "phone") -> str:
    """A phone number in E.164 form; local numbers are read in the default region."""
    value = value.strip()
    fast = _ecuadorian(value, region)
    if fast is not None:
        return fast
    try:
        number = phonenumbers.parse(value, region)
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
