"""Importing people from a CSV or XLSX file: ``ura import-people`` and the import
page run the same code.

``files`` reads the file, ``rows`` checks each row with the registration form's
rules, ``within`` finds two rows of one child, ``register`` writes a batch and
``run`` drives a job from the first row to the report.
"""

from ura.people.imports.files import (
    ALL_COLUMNS,
    EXTENSIONS,
    REQUIRED_COLUMNS,
    ImportFileError,
)
from ura.people.imports.rows import RowError
from ura.people.imports.run import (
    BATCH_SIZE,
    CheckedFile,
    file_check,
    import_job_create,
    import_job_run,
)

__all__ = [
    "ALL_COLUMNS",
    "BATCH_SIZE",
    "EXTENSIONS",
    "REQUIRED_COLUMNS",
    "CheckedFile",
    "ImportFileError",
    "RowError",
    "file_check",
    "import_job_create",
    "import_job_run",
]
