"""The shared parts of every import's upload: how its original file is offered back."""

from __future__ import annotations

from django.http import HttpResponse

from msoko.exports import CSV_TYPE, XLSX_TYPE, download
from msoko.models import UploadedFile

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OPAQUE_TYPE = "application/octet-stream"


def original_file_response(upload: UploadedFile) -> HttpResponse:
    """The uploaded file as it came, for those who may see the upload (the caller checks).

    A refused file goes out as opaque bytes under a neutral name (`download_name`); an
    accepted one under the user's name, typed by its content, never by its name alone.
    """
    content = upload.read()
    if upload.is_refused:
        kind = OPAQUE_TYPE
    elif content.startswith(b"PK"):
        kind = DOCX_TYPE if upload.filename.lower().endswith(".docx") else XLSX_TYPE
    elif upload.filename.lower().endswith((".csv", ".txt")):
        kind = CSV_TYPE
    else:
        kind = OPAQUE_TYPE
    return download(upload.download_name(), kind, content)
