"""Spanish for the messages of the training area's rules as data: reading stored eligibility rules and completion
criteria, checking an attendance batch, and the reasons a person is not eligible for a cohort or has not completed it
(`RuleFailure`, `CriterionFailure`, `NotEligible`). Keyed by the English template the domain uses
(`emprende.domain.training`); the Spanish names the same `{placeholders}`."""

from __future__ import annotations

SPANISH_RULE_MESSAGES: dict[str, str] = {
    # reading stored rules and criteria (domain/training/values.py)
    "must be an object": "debe ser un objeto",
    "not a known key": "no es una clave conocida",
    "a required key is missing": "falta una clave obligatoria",
    "must be a whole number from {lower} to {upper}": "debe ser un número entero de {lower} a {upper}",
    "must be a UUID": "debe ser un UUID",
    "must be a date written YYYY-MM-DD": "debe ser una fecha escrita AAAA-MM-DD",
    "must be true or false": "debe ser verdadero o falso (true o false)",
    "must be a list of at most {limit} values": "debe ser una lista de como máximo {limit} valores",
    "must list at least one value": "debe indicar al menos un valor",
    # eligibility rules (domain/training/eligibility_parsing.py)
    "must be a list of at most {limit} rules": "debe ser una lista de como máximo {limit} reglas",
    "not a known kind of eligibility rule": "no es un tipo conocido de regla de elegibilidad",
    "only one rule of each kind: {kind} is listed more than once": "solo se admite una regla de cada tipo: {kind} "
    "figura más de una vez",
    "not a known population group": "no es un grupo de población conocido",
    "not a known sex": "no es un sexo conocido",
    "must be an ISO 3166-1 alpha-3 country code, e.g. VEN": "debe ser un código de país ISO 3166-1 alfa-3, p. ej. VEN",
    "must be an INEC province code, e.g. 17": "debe ser un código de provincia del INEC, p. ej. 17",
    "give min_age, max_age or both": "indique min_age, max_age o ambos",
    "min_age must not be greater than max_age": "min_age no debe ser mayor que max_age",
    # eligibility rules not met (domain/training/eligibility.py)
    "must belong to one of the population groups {groups}": "debe pertenecer a uno de los grupos de población {groups}",
    "must be aged {min_age} to {max_age} on {on}": "debe tener de {min_age} a {max_age} años el {on}",
    "must be at least {min_age} years old on {on}": "debe tener al menos {min_age} años el {on}",
    "must be at most {max_age} years old on {on}": "debe tener como máximo {max_age} años el {on}",
    "the recorded sex must be one of {sexes}": "el sexo registrado debe ser uno de {sexes}",
    "must have one of the nationalities {countries}": "debe tener una de las nacionalidades {countries}",
    "must live in one of the provinces {provinces}": "debe residir en una de las provincias {provinces}",
    "must have been registered before {date}": "debe haberse registrado antes del {date}",
    "must have completed cohort {cohort_id}": "debe haber completado la cohorte {cohort_id}",
    "must have completed a cohort": "debe haber completado una cohorte",
    "must have attended at least {percent}% of the sessions of a cohort they completed": "debe haber asistido al "
    "menos al {percent} % de las sesiones de una cohorte que completó",
    "must have completed a cohort that taught module {module_id}": "debe haber completado una cohorte que impartió "
    "el módulo {module_id}",
    "must have a disability (Washington Group Short Set)": "debe tener una discapacidad (conjunto corto de preguntas "
    "del Grupo de Washington)",
    "must have no disability (Washington Group Short Set)": "no debe tener una discapacidad (conjunto corto de "
    "preguntas del Grupo de Washington)",
    "the person does not meet eligibility rule {index} ({kind}): {reason}": "la persona no cumple la regla de "
    "elegibilidad {index} ({kind}): {reason}",
    # attendance batches (domain/training/attendance.py)
    "give 1 to {limit} marks": "indique de 1 a {limit} marcas de asistencia",
    "not a known attendance status": "no es un estado de asistencia conocido",
    "this person already has a mark in this batch": "esta persona ya tiene una marca en este lote",
    "this person is not enrolled in the cohort": "esta persona no está inscrita en la cohorte",
    "a note has at most {limit} characters": "una nota tiene como máximo {limit} caracteres",
    "a note must not contain control characters": "una nota no debe contener caracteres de control",
    # completion criteria and their evaluation (domain/training/completion.py)
    "must be a number from 0 to 100 with at most 2 decimals": "debe ser un número de 0 a 100 con 2 decimales como "
    "máximo",
    "attended {percent}% of the held sessions; at least {minimum}% is required": "asistió al {percent} % de las "
    "sesiones realizadas; se requiere al menos el {minimum} %",
    "no session was held": "no se realizó ninguna sesión",
    "no session was attended: every held session was excused": "no asistió a ninguna sesión: todas las ausencias a "
    "las sesiones realizadas fueron justificadas",
    "must attend at least one session of each required module; {count} not attended: {modules}": "debe asistir al "
    "menos a una sesión de cada módulo obligatorio; {count} sin asistencia: {modules}",
    "no final assessment score is recorded; at least {minimum} is required": "no hay una nota de evaluación final "
    "registrada; se requiere al menos {minimum}",
    "the final assessment score {score} is below the minimum of {minimum}": "la nota de evaluación final, {score}, "
    "es inferior al mínimo de {minimum}",
}
