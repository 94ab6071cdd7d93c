"""The training area's problem kinds and the Spanish for its messages: modules, cohorts, sessions, enrolment."""

from __future__ import annotations

from emprende.api.problem_catalogue.kind import Kind

PROBLEMS: dict[str, Kind] = {
    "module_version_published": Kind(
        409,
        ("Version published", "A published module version never changes; edit the module to make a new draft."),
        ("Versión publicada", "Una versión publicada de un módulo no cambia; edite el módulo para crear un borrador."),
    ),
    "module_not_published": Kind(
        422,
        ("Module version not published", "A cohort teaches published module versions only."),
        ("Versión de módulo no publicada", "Una cohorte enseña solo versiones publicadas de módulos."),
    ),
    "cohort_state": Kind(
        409,
        ("Cohort state does not allow this", "The cohort's state does not allow this change."),
        ("El estado de la cohorte no lo permite", "El estado de la cohorte no permite este cambio."),
    ),
    "cohort_cancelled": Kind(
        409,
        ("Cohort cancelled", "The cohort was cancelled."),
        ("Cohorte cancelada", "La cohorte fue cancelada."),
    ),
    "enrolment_closed": Kind(
        409,
        ("Enrolment closed", "The cohort is not taking enrolments now."),
        ("Inscripción cerrada", "La cohorte no recibe inscripciones ahora."),
    ),
    "capacity_below_seats": Kind(
        409,
        ("Capacity below seats taken", "The capacity cannot go below the seats already taken."),
        ("Cupo menor que los puestos ocupados", "El cupo no puede ser menor que los puestos ya ocupados."),
    ),
    "already_enrolled": Kind(
        409,
        ("Already in this cohort", "The person already has an enrolment in this cohort."),
        ("Ya está en esta cohorte", "La persona ya tiene una inscripción en esta cohorte."),
    ),
    "enrollment_state": Kind(
        409,
        ("Enrolment state does not allow this", "The enrolment's state does not allow this change."),
        ("El estado de la inscripción no lo permite", "El estado de la inscripción no permite este cambio."),
    ),
    "consent_required": Kind(
        409,
        ("Consent required", "The person has not given, or has withdrawn, the consent this needs."),
        ("Consentimiento requerido", "La persona no ha dado, o ha retirado, el consentimiento que esto requiere."),
    ),
    "not_eligible": Kind(
        409,
        ("Not eligible", "The person does not meet the cohort's eligibility rules; `errors` names each rule failed."),
        (
            "No cumple los requisitos",
            "La persona no cumple las reglas de elegibilidad de la cohorte; `errors` nombra cada regla incumplida.",
        ),
    ),
    "attendance_changed": Kind(
        409,
        ("Register changed", "Another register of this session was recorded at the same moment; send yours again."),
        ("El registro cambió", "Otro registro de esta sesión se guardó al mismo tiempo; envíe el suyo de nuevo."),
    ),
    "certificate_state": Kind(
        409,
        ("Certificate state does not allow this", "The certificate's state does not allow this change."),
        ("El estado del certificado no lo permite", "El estado del certificado no permite este cambio."),
    ),
    "session_outside_cohort": Kind(
        422,
        ("Session outside the cohort", "A session meets within its cohort's dates."),
        ("Sesión fuera de la cohorte", "Una sesión se realiza dentro de las fechas de su cohorte."),
    ),
    "unknown_facilitator": Kind(
        422,
        ("Unknown facilitator", "The facilitator is a facilitator or staff member of the delivering partner."),
        ("Facilitador desconocido", "El facilitador es facilitador o personal del socio que imparte la cohorte."),
    ),
}

# Keyed by the English template raised in the domain, services or routes; the Spanish names the same placeholders.
SPANISH_MESSAGES: dict[str, str] = {
    # modules
    "give the module's texts in Spanish, English or both": "dé los textos del módulo en español, inglés o ambos",
    "at most {limit} learning outcomes": "como máximo {limit} resultados de aprendizaje",
    "an http or https address of at most {limit} characters": "una dirección http o https de como máximo {limit} "
    "caracteres",
    "hours go in half hours from 0.5 to {limit}": "las horas van en medias horas de 0,5 a {limit}",
    "name at least one modality the module suits": "indique al menos una modalidad adecuada para el módulo",
    "at most {limit} resources": "como máximo {limit} recursos",
    "the same resource is listed twice": "el mismo recurso aparece dos veces",
    "a module has 1 to {limit} authoring partners": "un módulo tiene de 1 a {limit} socios autores",
    "version {number} is published and cannot change": "la versión {number} está publicada y no puede cambiar",
    "name the authoring partner(s)": "indique el socio o los socios autores",
    "a partner authors modules in its own name": "un socio crea módulos en nombre propio",
    "the module changed concurrently; read it again": "el módulo cambió al mismo tiempo; vuelva a leerlo",
    # cohorts
    "a curriculum has 1 to {limit} modules": "un currículo tiene de 1 a {limit} módulos",
    "a module is taught once per cohort": "un módulo se enseña una vez por cohorte",
    "a virtual cohort has no place": "una cohorte virtual no tiene lugar",
    "an in-person or blended cohort gives province, canton and address": "una cohorte presencial o mixta indica "
    "provincia, cantón y dirección",
    "a cohort ends on or after its start, within three years": "una cohorte termina el día de su inicio o después, "
    "dentro de tres años",
    "capacity goes from 1 to {limit}": "el cupo va de 1 a {limit}",
    "enrolment closes on or after it opens": "la inscripción cierra el día en que abre o después",
    "enrolment closes by the cohort's end": "la inscripción cierra a más tardar al final de la cohorte",
    "an offer lasts 1 to {limit} hours": "una oferta dura de 1 a {limit} horas",
    "a {status} cohort cannot change": "una cohorte en estado {status} no puede cambiar",
    "the curriculum and modality are fixed once enrolment opens": "el currículo y la modalidad quedan fijos al "
    "abrir la inscripción",
    "{seats} seats are already taken: capacity cannot go below them": "ya hay {seats} puestos ocupados: el cupo no "
    "puede ser menor",
    "a {current} cohort cannot become {status}": "una cohorte en estado {current} no puede pasar a {status}",
    "this cohort was cancelled": "esta cohorte fue cancelada",
    "this cohort is not taking enrolments ({status})": "esta cohorte no recibe inscripciones ({status})",
    "enrolment runs from {opens} to {closes}": "la inscripción va del {opens} al {closes}",
    "name the partner delivering the cohort": "indique el socio que imparte la cohorte",
    "a partner runs cohorts in its own name": "un socio imparte cohortes en nombre propio",
    "teach published module versions only": "enseñe solo versiones publicadas de módulos",
    # sessions
    "a session meets within the cohort's dates ({start} to {end})": "una sesión se realiza dentro de las fechas de "
    "la cohorte ({start} a {end})",
    "a session lasts {low} to {high} minutes": "una sesión dura de {low} a {high} minutos",
    "the module is not in the cohort's curriculum": "el módulo no está en el currículo de la cohorte",
    "give the local time without an offset": "dé la hora local sin desfase horario",
    "the facilitator is a facilitator or staff member of the delivering partner": "el facilitador es facilitador o "
    "personal del socio que imparte la cohorte",
    # attendance and completion
    "attendance is taken once the cohort runs (this one is {status})": "la asistencia se toma cuando la cohorte está "
    "en curso (esta está en {status})",
    "completion is judged while the cohort runs or once it finished (this one is {status})": "la finalización se "
    "evalúa mientras la cohorte está en curso o cuando terminó (esta está en {status})",
    "only an enrolled person has a final assessment score": "solo una persona inscrita tiene una nota de evaluación "
    "final",
    "scores are recorded once the cohort runs (this one is {status})": "las notas se registran cuando la cohorte está "
    "en curso (esta está en {status})",
    "the register changed concurrently; send it again": "el registro cambió al mismo tiempo; envíelo de nuevo",
    # certificates
    "a reason of 1 to {limit} characters is required": "se requiere un motivo de 1 a {limit} caracteres",
    "the certificate is already revoked": "el certificado ya está revocado",
    "only an active certificate is suspended (this one is {status})": "solo se suspende un certificado activo (este "
    "está en {status})",
    "only a suspended certificate is reinstated (this one is {status})": "solo se rehabilita un certificado "
    "suspendido (este está en {status})",
    "certificates were issued concurrently; try again": "se emitieron certificados al mismo tiempo; intente de nuevo",
    "this person already has this certificate": "esta persona ya tiene este certificado",
    # enrolment
    "this person is already in this cohort ({status})": "esta persona ya está en esta cohorte ({status})",
    "this person is already in this cohort": "esta persona ya está en esta cohorte",
    "this needs the person's {purpose} consent in force": "esto requiere el consentimiento vigente de la persona "
    "para {purpose}",
    "this offer expired": "esta oferta venció",
    "a {status} enrolment cannot be withdrawn": "una inscripción en estado {status} no puede retirarse",
    "only a {required} enrolment can {action} (this one is {status})": "solo una inscripción en estado {required} "
    "puede hacer {action} (esta está en {status})",
    "only an enrolled person completes a cohort": "solo una persona inscrita completa una cohorte",
}
