"""Validation of uploaded files: size and real type (magic bytes), not the name alone."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Leading bytes of the accepted types: JPEG, PNG, PDF.
_SIGNATURES = {
    b"\xff\xd8\xff": "jpg",
    b"\x89PNG\r\n\x1a\n": "png",
    b"%PDF-": "pdf",
}
_EXTENSIONS = {"jpg": {"jpg", "jpeg"}, "png": {"png"}, "pdf": {"pdf"}}
_CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}


def sniff_type(head):
    for signature, kind in _SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


def validate_upload(upload):
    """Accept JPEG, PNG or PDF up to MAX_UPLOAD_BYTES whose content matches its name."""
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB; at most %(limit)s MB)."),
            params={"size": round(upload.size / 1048576, 1), "limit": round(limit / 1048576, 1)},
            code="file_too_large",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    kind = sniff_type(head)
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if kind is None or extension not in _EXTENSIONS[kind]:
        raise ValidationError(
            _("Upload a JPEG, PNG or PDF file (the content must match the file name)."),
            code="file_type",
        )


def signature_from_data_url(value):
    """A drawn signature posted as `data:image/png;base64,...` → an in-memory PNG file,
    or None when empty. Raises ValidationError for anything else."""
    import base64
    import binascii

    from django.core.files.base import ContentFile

    value = (value or "").strip()
    if not value:
        return None
    prefix = "data:image/png;base64,"
    if not value.startswith(prefix) or len(value) > settings.MAX_UPLOAD_BYTES * 4 // 3 + len(prefix) + 4:
        raise ValidationError(_("The signature must be a PNG image."), code="signature")
    try:
        data = base64.b64decode(value[len(prefix):], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(_("The signature could not be read."), code="signature") from None
    upload = ContentFile(data, name="signature.png")
    validate_upload(upload)
    return upload


def serve_upload(field_file):
    """A stored upload as a response, for views that have already checked who may see
    it (uploads are never served from a public MEDIA_URL). The type is read from the
    content, as at upload, so a renamed file cannot be served as something else."""
    from django.http import FileResponse, Http404

    if not field_file:
        raise Http404
    try:
        stream = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    kind = sniff_type(stream.read(16))
    stream.seek(0)
    if kind is None:
        stream.close()
        raise Http404
    response = FileResponse(stream, content_type=_CONTENT_TYPES[kind])
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=300"
    return response
