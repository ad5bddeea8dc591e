"""Upload validation: real type by magic bytes matching the name, and a size limit."""
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from tickets.uploads import sniff_type, validate_upload

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.png", PNG),
        ("invoice.PNG", PNG),
        ("receipt.jpg", JPEG),
        ("receipt.jpeg", JPEG),
        ("receipt.JPG", JPEG),
        ("proof.pdf", PDF),
    ],
)
def test_accepts_real_files_with_matching_names(name, content):
    validate_upload(upload(name, content))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.png", b"just some text pretending to be an image\n"),
        ("setup.exe", EXE),
        ("invoice.png", EXE),
        ("invoice.pdf", PNG),  # real PNG under a PDF name
        ("invoice.jpg", PDF),
        ("invoice", PNG),  # no extension
        ("invoice.png.exe", PNG),
        ("empty.png", b""),
    ],
)
def test_rejects_content_that_does_not_match_an_accepted_type(name, content):
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(name, content))
    assert excinfo.value.code == "file_type"


@override_settings(MAX_UPLOAD_BYTES=1024)
def test_rejects_a_file_over_the_size_limit():
    too_big = upload("invoice.png", PNG + b"\x00" * 1024)
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(too_big)
    assert excinfo.value.code == "file_too_large"


@override_settings(MAX_UPLOAD_BYTES=1024)
def test_accepts_a_file_exactly_at_the_size_limit():
    content = PNG + b"\x00" * (1024 - len(PNG))
    assert len(content) == 1024
    validate_upload(upload("invoice.png", content))


def test_validation_leaves_the_file_position_where_it_was():
    file = upload("proof.pdf", PDF)
    file.seek(5)
    validate_upload(file)
    assert file.tell() == 5


def test_sniff_type_recognises_each_signature():
    assert [sniff_type(PNG[:16]), sniff_type(JPEG[:16]), sniff_type(PDF[:16]), sniff_type(EXE[:16])] == [
        "png", "jpg", "pdf", None,
    ]


@pytest.mark.django_db
def test_unit_proof_image_field_runs_the_validator(tmp_path, settings):
    from tests.factories import ProductUnitFactory

    settings.MEDIA_ROOT = tmp_path
    unit = ProductUnitFactory()
    unit.proof_image = upload("proof.png", b"not an image")
    with pytest.raises(ValidationError) as excinfo:
        unit.full_clean()
    assert "proof_image" in excinfo.value.message_dict


def test_proof_of_purchase_is_served_only_to_who_may_see_the_ticket(client, make_ticket, unit, agent, engineer,
                                                                       settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 32
    unit.proof_image = SimpleUploadedFile("proof.png", png)
    unit.save()
    ticket = make_ticket()
    url = reverse("tickets:proof_of_purchase", args=[ticket.number])
    client.force_login(agent)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert url in page and "/media/" not in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png
    client.force_login(engineer)  # not assigned to this ticket
    assert client.get(url).status_code == 404


def test_a_stored_file_that_is_not_an_accepted_type_is_not_served(client, make_ticket, unit, agent, settings,
                                                                  tmp_path):
    from django.core.files.base import ContentFile
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    unit.proof_image.save("proof.png", ContentFile(b"<html>not an image</html>"), save=True)
    ticket = make_ticket()
    client.force_login(agent)
    assert client.get(reverse("tickets:proof_of_purchase", args=[ticket.number])).status_code == 404
