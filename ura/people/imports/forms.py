from pathlib import Path

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from ura.people.imports.files import ALL_COLUMNS, EXTENSIONS, REQUIRED_COLUMNS

# About 60,000 rows of CSV; larger registers are imported with `ura import-people`.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A .csv file saved as UTF-8, or an .xlsx workbook (its first sheet). "
            "The first row names the columns."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    valid_only = forms.BooleanField(
        label=_("Import the valid rows only"),
        required=False,
        help_text=_("Rows with errors are left out and listed in the report."),
    )
    create_duplicates = forms.BooleanField(
        label=_("Create likely duplicates too"),
        required=False,
        help_text=_(
            "Otherwise a row that looks like a registered person is held for you "
            "to review. Created anyway, each is listed as a possible duplicate."
        ),
    )

    required_columns = REQUIRED_COLUMNS
    optional_columns = tuple(c for c in ALL_COLUMNS if c not in REQUIRED_COLUMNS)

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower().lstrip(".") not in EXTENSIONS:
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB; split it into smaller files.")
                % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload
