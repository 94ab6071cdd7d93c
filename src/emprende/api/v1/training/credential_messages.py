"""Spanish for the certificates' messages, keyed by their English template (the same `{placeholders}`).

- `SPANISH_CREDENTIAL_MESSAGES`: the rules a certificate's claim must meet (`domain/training/credential.py`), raised
  as `InvalidInput`; the training area registers them with the problem catalogue. The shared messages the
  certificates also raise (text lengths, NUL characters, UTC offsets) are the catalogue's own.
- `SPANISH_VERIFICATION_MESSAGES`: what a verification found (`domain/training/credential_verification.py`), carried
  by a `Verification` rather than raised: the verification endpoint renders them itself (the problem catalogue holds
  only messages that errors carry)."""

from __future__ import annotations

SPANISH_CREDENTIAL_MESSAGES: dict[str, str] = {
    "must be a urn:uuid: identifier": "debe ser un identificador urn:uuid:",
    "must be an https URL": "debe ser una URL https",
    "must be an https URL or a urn:uuid: identifier": "debe ser una URL https o un identificador urn:uuid:",
    "must be an opaque urn:uuid: identifier or a DID, never a name or a document number": "debe ser un identificador "
    "opaco urn:uuid: o un DID, nunca un nombre ni un número de documento",
    "must be more than 0 and at most {limit} hours, with at most two decimals": "debe ser mayor que 0 y de como máximo "
    "{limit} horas, con dos decimales como máximo",
    "a certificate lists 1 to {limit} modules": "un certificado enumera de 1 a {limit} módulos",
    "a module is listed twice": "un módulo aparece dos veces",
    "must be a language tag such as es or es-EC": "debe ser una etiqueta de idioma como es o es-EC",
    "must be after valid_from": "debe ser posterior a valid_from",
    "a status list index is 0 or more": "un índice de lista de estado es 0 o mayor",
}

SPANISH_VERIFICATION_MESSAGES: dict[str, str] = {
    "the certificate is valid": "el certificado es válido",
    "the certificate's signature and dates are valid, but {count} of its status lists could not be checked": "la "
    "firma y las fechas del certificado son válidas, pero no se pudieron consultar {count} de sus listas de estado",
    "the certificate has been revoked": "el certificado ha sido revocado",
    "the certificate is suspended": "el certificado está suspendido",
    "the certificate expired on {date}": "el certificado venció el {date}",
    "the certificate is not valid before {date}": "el certificado no es válido antes del {date}",
    "the signature does not match the certificate: it was altered or signed by someone else": "la firma no corresponde "
    "al certificado: fue alterado o lo firmó otra persona",
    "the certificate was signed with a key that is not in the issuer's key set": "el certificado se firmó con una "
    "clave que no está en el conjunto de claves del emisor",
    "no key set to check the signature with": "no hay un conjunto de claves con el que comprobar la firma",
    "the key set cannot be read: it is not a JSON Web Key Set of Ed25519 keys": "no se puede leer el conjunto de "
    "claves: no es un JSON Web Key Set de claves Ed25519",
    "the certificate is not a signed JSON Web Token (three base64url parts separated by dots)": "el certificado no es "
    "un JSON Web Token firmado (tres partes base64url separadas por puntos)",
    "the certificate's header is not a JSON object": "la cabecera del certificado no es un objeto JSON",
    "the certificate is not signed with EdDSA (Ed25519)": "el certificado no está firmado con EdDSA (Ed25519)",
    "the certificate's header names no key": "la cabecera del certificado no indica ninguna clave",
    "the certificate's header requires an extension this verifier does not know": "la cabecera del certificado exige "
    "una extensión que este verificador no conoce",
    "the certificate's content is not a JSON object": "el contenido del certificado no es un objeto JSON",
    "the certificate's content is not an Open Badges credential": "el contenido del certificado no es una credencial "
    "Open Badges",
    "the certificate's token claims disagree with its credential": "los datos del token del certificado no coinciden "
    "con su credencial",
    "the certificate's dates are not valid date-times with a UTC offset": "las fechas del certificado no son fechas y "
    "horas válidas con diferencia respecto de UTC",
    "the certificate's status entry is not a valid Bitstring Status List entry": "la entrada de estado del "
    "certificado no es una entrada válida de Bitstring Status List",
}
