"""The import area's problem kinds and the Spanish for its messages: reading and checking import files."""

from __future__ import annotations

from emprende.api.problem_catalogue.kind import Kind

PROBLEMS: dict[str, Kind] = {
    "invalid_import_file": Kind(
        422,
        ("Invalid import file", "The file cannot be imported as a whole; see `errors`."),
        ("Archivo de importación no válido", "El archivo no puede importarse; consulte `errors`."),
    ),
}

# Keyed by the English template raised in the domain, services or routes; the Spanish names the same placeholders.
SPANISH_MESSAGES: dict[str, str] = {
    "the file is empty": "el archivo está vacío",
    "a column of the header has no name": "una columna del encabezado no tiene nombre",
    "the workbook is damaged or is not an .xlsx workbook: open it and save it again as .xlsx, or as CSV": "el libro "
    "está dañado o no es un libro .xlsx: ábralo y guárdelo de nuevo como .xlsx, o como CSV",
    "the file is an old Excel workbook (.xls) or a password-protected one: save it as an .xlsx workbook without "
    "a password, or as CSV": "el archivo es un libro de Excel antiguo (.xls) o protegido con contraseña: guárdelo "
    "como libro .xlsx sin contraseña, o como CSV",
    "an Excel binary workbook (.xlsb) is not read: save it as .xlsx, or as CSV": "no se leen libros binarios de Excel "
    "(.xlsb): guárdelo como .xlsx, o como CSV",
    "an OpenDocument spreadsheet (.ods) is not read: save it as .xlsx, or as CSV": "no se leen hojas de cálculo "
    "OpenDocument (.ods): guárdela como .xlsx, o como CSV",
    "the workbook expands to far more than a sheet of people holds: save it again as .xlsx, or as CSV": "el libro se "
    "expande mucho más de lo que ocupa una hoja de personas: guárdelo de nuevo como .xlsx, o como CSV",
    "the workbook holds too many distinct texts to be read in bounded memory: save it as CSV": "el libro contiene "
    "demasiados textos distintos para leerlo con memoria acotada: guárdelo como CSV",
    "the workbook has no sheet": "el libro no tiene hojas",
    "the workbook's first sheet is empty": "la primera hoja del libro está vacía",
    "the file is neither {encoding} text nor an .xlsx workbook": "el archivo no es texto {encoding} ni un libro .xlsx",
    "the file has no header row": "el archivo no tiene fila de encabezado",
    "the header row is not valid CSV": "la fila de encabezado no es CSV válido",
    "the header row is not valid {encoding}": "la fila de encabezado no es {encoding} válido",
    "unknown columns: {columns} (see the documented column list)": "columnas desconocidas: {columns} (consulte la "
    "lista de columnas documentada)",
    "a column appears twice in the header": "una columna aparece dos veces en el encabezado",
    "required columns missing: {columns}": "faltan columnas obligatorias: {columns}",
    "a partner imports people for itself only": "un socio importa personas solo para sí mismo",
    "name the partner importing these people": "indique el socio que importa a estas personas",
    "this identifier belongs to a record that cannot be updated": "este identificador pertenece a un registro que "
    "no puede actualizarse",
}
