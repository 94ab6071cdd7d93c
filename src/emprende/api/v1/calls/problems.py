"""The calls area's problem kinds and the Spanish for its messages: calls, rubrics, applications, the committee,
conflicts of interest and reviews."""

from __future__ import annotations

from emprende.api.problem_catalogue.kind import Kind

PROBLEMS: dict[str, Kind] = {
    "call_state": Kind(
        409,
        ("Call state does not allow this", "The call's state does not allow this change."),
        ("El estado de la convocatoria no lo permite", "El estado de la convocatoria no permite este cambio."),
    ),
    "application_window_closed": Kind(
        409,
        ("Applications closed", "The call is not taking applications now."),
        ("Postulaciones cerradas", "La convocatoria no recibe postulaciones ahora."),
    ),
    "review_not_open": Kind(
        409,
        (
            "Review not under way",
            "Scores are given only while the call's review is under way; they freeze when it closes.",
        ),
        (
            "Evaluación no en curso",
            "Los puntajes se registran solo mientras la evaluación de la convocatoria está en curso; se congelan al "
            "cerrarse.",
        ),
    ),
    "rubric_frozen": Kind(
        409,
        ("Rubric frozen", "Scoring has begun: the call's rubric no longer changes."),
        ("Rúbrica congelada", "La calificación ya empezó: la rúbrica de la convocatoria ya no cambia."),
    ),
    "already_applied": Kind(
        409,
        ("Already applied", "The person already has an application in this call: one per person."),
        ("Ya postuló", "La persona ya tiene una postulación en esta convocatoria: una por persona."),
    ),
    "idea_not_submitted": Kind(
        409,
        ("Idea not submitted", "Only a submitted business idea can apply to a call."),
        ("Idea no presentada", "Solo una idea de negocio presentada puede postular a una convocatoria."),
    ),
    "application_withdrawn": Kind(
        409,
        ("Application withdrawn", "The application was withdrawn."),
        ("Postulación retirada", "La postulación fue retirada."),
    ),
    "already_on_committee": Kind(
        409,
        ("Already on the committee", "This evaluator is already on the call's committee."),
        ("Ya está en el comité", "Este evaluador ya está en el comité de la convocatoria."),
    ),
    "declaration_required": Kind(
        409,
        ("Declaration required", "Declare whether you have a conflict of interest with the application first."),
        ("Declaración requerida", "Declare primero si tiene un conflicto de interés con la postulación."),
    ),
    "recused": Kind(
        409,
        ("Recused", "A conflict of interest recuses the evaluator: they neither see nor score the application."),
        ("Inhibido", "Un conflicto de interés inhibe al evaluador: no ve ni califica la postulación."),
    ),
    "review_submitted": Kind(
        409,
        ("Review submitted", "A submitted review no longer changes."),
        ("Evaluación enviada", "Una evaluación enviada ya no cambia."),
    ),
    "review_not_started": Kind(
        409,
        ("No review saved", "Save the review's scores before submitting it."),
        ("Sin evaluación guardada", "Guarde los puntajes de la evaluación antes de enviarla."),
    ),
    "review_incomplete": Kind(
        422,
        ("Review incomplete", "Every criterion is scored, with a comment, before the review is submitted."),
        ("Evaluación incompleta", "Cada criterio lleva puntaje y comentario antes de enviar la evaluación."),
    ),
    "over_ceiling": Kind(
        422,
        ("Above the ceiling", "The idea requests more than the call's ceiling per idea."),
        ("Sobre el tope", "La idea solicita más que el tope por idea de la convocatoria."),
    ),
    "under_floor": Kind(
        422,
        ("Below the floor", "The idea requests less than the call's floor per idea."),
        ("Bajo el mínimo", "La idea solicita menos que el mínimo por idea de la convocatoria."),
    ),
    "category_not_fundable": Kind(
        422,
        ("Category not fundable", "The idea requests funds for an investment category the call does not fund."),
        (
            "Categoría no financiable",
            "La idea solicita fondos para una categoría de inversión que la convocatoria no financia.",
        ),
    ),
    "unknown_criterion": Kind(
        422,
        ("Unknown criterion", "The call's rubric has no criterion with this key."),
        ("Criterio desconocido", "La rúbrica de la convocatoria no tiene un criterio con esta clave."),
    ),
    "score_off_scale": Kind(
        422,
        ("Score off the scale", "A score is a whole number on its criterion's scale."),
        ("Puntaje fuera de escala", "Un puntaje es un número entero dentro de la escala de su criterio."),
    ),
    "unknown_idea": Kind(
        422,
        ("Unknown idea", "No such business idea of the applicant's."),
        ("Idea desconocida", "No existe esa idea de negocio de la persona postulante."),
    ),
    "not_an_evaluator": Kind(
        422,
        (
            "Not an evaluator",
            "Evaluators are users with the evaluator role of a partner holding an evaluation agreement, or experts "
            "of the programme.",
        ),
        (
            "No es evaluador",
            "Los evaluadores son usuarios con el rol de evaluador de un socio con un convenio de evaluación, o "
            "expertos del programa.",
        ),
    ),
}

SPANISH_MESSAGES: dict[str, str] = {
    "the call changed concurrently; try again": "la convocatoria cambió al mismo tiempo; intente de nuevo",
    "a conflict names its relation to the applicant; no conflict names none": (
        "un conflicto indica su relación con la persona postulante; sin conflicto no se indica ninguna"
    ),
    "the application was withdrawn": "la postulación fue retirada",
    "the call does not fund the category {category}": "la convocatoria no financia la categoría {category}",
    "the idea requests {requested} USD, above the call's ceiling of {ceiling} USD": (
        "la idea solicita {requested} USD, sobre el tope de la convocatoria de {ceiling} USD"
    ),
    "the idea requests {requested} USD, below the call's floor of {floor} USD": (
        "la idea solicita {requested} USD, bajo el mínimo de la convocatoria de {floor} USD"
    ),
    "the evaluator is recused from this application": "el evaluador está inhibido de esta postulación",
    "that relation is found by the programme, not declared": "esa relación la detecta el programa; no se declara",
    "declare whether you have a conflict of interest with this application first": (
        "declare primero si tiene un conflicto de interés con esta postulación"
    ),
    "the call takes applications from {opens_at} to {closes_at}": (
        "la convocatoria recibe postulaciones desde {opens_at} hasta {closes_at}"
    ),
    "the review starts once applications have closed": "la evaluación empieza cuando se cierran las postulaciones",
    "the review is in its last phase": "la evaluación está en su última fase",
    "the call's review is not under way ({status})": "la evaluación de la convocatoria no está en curso ({status})",
    "a call that is {status} cannot {action}": (
        "una convocatoria en estado {status} no puede realizar esta acción ({action})"
    ),
    "a score of this criterion is a whole number from {lower} to {upper}": (
        "un puntaje de este criterio es un número entero de {lower} a {upper}"
    ),
    "a comment has at most {limit} characters": "un comentario tiene como máximo {limit} caracteres",
    "every criterion is scored, with a comment, before the review is submitted": (
        "cada criterio lleva puntaje y comentario antes de enviar la evaluación"
    ),
    "the review was submitted and no longer changes": "la evaluación fue enviada y ya no cambia",
    "the rubric has no criterion with this key": "la rúbrica no tiene un criterio con esta clave",
    "a criterion key is 1 to 40 lowercase letters, digits or underscores, starting with a letter": (
        "la clave de un criterio tiene de 1 a 40 letras minúsculas, dígitos o guiones bajos, y empieza con una letra"
    ),
    "a weight is above 0 and at most {limit}, with at most two decimals": (
        "un peso es mayor que 0 y como máximo {limit}, con hasta dos decimales"
    ),
    "a scale goes from a whole number of 0 or more up to a greater one, at most {limit}": (
        "una escala va de un número entero de 0 o más hasta otro mayor, como máximo {limit}"
    ),
    "a descriptor describes a level of the criterion's scale": (
        "un descriptor describe un nivel de la escala del criterio"
    ),
    "a rubric has 1 to {limit} criteria": "una rúbrica tiene de 1 a {limit} criterios",
    "each criterion key is used once": "cada clave de criterio se usa una sola vez",
    "{field} must be an amount in USD above 0 and at most {limit}, with at most two decimals": (
        "{field} debe ser un monto en USD mayor que 0 y como máximo {limit}, con hasta dos decimales"
    ),
    "a call has at most {limit} quotas": "una convocatoria tiene como máximo {limit} cuotas",
    "{dimension} quotas name a known {dimension}": (
        "las cuotas por {dimension} nombran un valor conocido de {dimension}"
    ),
    "a share is above 0 and at most 1, with at most four decimals": (
        "una proporción es mayor que 0 y como máximo 1, con hasta cuatro decimales"
    ),
    "each quota (dimension, value, kind) is given once": "cada cuota (dimensión, valor, tipo) se indica una sola vez",
    "the minimum shares reserved on one dimension add up to more than the whole": (
        "las proporciones mínimas reservadas en una dimensión suman más que el total"
    ),
    "the per-idea floor must not be above the ceiling": "el mínimo por idea no debe superar el tope",
    "the per-idea ceiling must not be above the budget": "el tope por idea no debe superar el presupuesto",
    "a call funds at least one investment category": "una convocatoria financia al menos una categoría de inversión",
    "applications close after they open, within a year": "las postulaciones cierran después de abrir, dentro de un año",
    "the quorum is 1 to {limit} independent reviews": "el quórum es de 1 a {limit} evaluaciones independientes",
    "a review has 1 to {limit} phases, each named once": (
        "una evaluación tiene de 1 a {limit} fases, cada una con un nombre distinto"
    ),
    "the disagreement threshold is above 0 and at most 100 points": (
        "el umbral de desacuerdo es mayor que 0 y como máximo 100 puntos"
    ),
    "an application is withdrawn before the call's review closes": (
        "una postulación se retira antes de que cierre la evaluación de la convocatoria"
    ),
    "no such business idea of the applicant's": "no existe esa idea de negocio de la persona postulante",
    "a partner opens calls in its own name": "un socio abre convocatorias a su propio nombre",
    "the committee of a call that is {status} no longer changes": (
        "el comité de una convocatoria en estado {status} ya no cambia"
    ),
    "not an active evaluator of a partner with an evaluation agreement, nor an expert of the programme": (
        "no es un evaluador activo de un socio con convenio de evaluación, ni un experto del programa"
    ),
    "save the review's scores before submitting it": "guarde los puntajes de la evaluación antes de enviarla",
    "declarations are made while the call is open or in review ({status})": (
        "las declaraciones se hacen mientras la convocatoria está abierta o en evaluación ({status})"
    ),
}
