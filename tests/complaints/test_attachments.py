"""Photos with a complaint: checked as the catalog checks product images, at most N per message
and COMPLAINTS_ATTACHMENT_MAX_BYTES each, stored privately (never under the media folder), and
served only to the ticket's customer, the guest's signed link and staff who may view tickets."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from complaints.admin.attachments import attachments_panel_context
from complaints.links import ticket_url
from complaints.models import Ticket, TicketAttachment
from complaints.panels import ticket_panels
from shop.models import User
from tests.factories import StaffFactory, UserFactory

from .inbound_helpers import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.COMPLAINTS_ATTACHMENTS_ROOT = str(tmp_path / "private-complaints")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path


def _photo(name="kupa.png", **kwargs):
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def _files_under(path):
    return [item for item in path.rglob("*") if item.is_file()] if path.exists() else []


def test_a_customer_sends_photos_that_only_she_and_the_desk_can_open(client, private_root):
    ayse = UserFactory(verified=True, language="en")
    client.force_login(ayse)
    form = client.get(reverse("complaints:new")).content.decode()
    assert 'enctype="multipart/form-data"' in form
    assert 'type="file" name="photos"' in form and "multiple" in form
    assert '<label for="id_photos">Fotoğraflar (isteğe bağlı, en çok 5' in form
    answer = client.post(
        reverse("complaints:new"),
        {
            "category": "wrong_or_damaged",
            "description": "The mug arrived broken.",
            "photos": [_photo("kupa.png"), _photo("kutu.png", color="blue")],
        },
    )
    assert answer.status_code == 302
    ticket = Ticket.objects.get()
    photos = list(ticket.attachments.order_by("pk"))
    assert [photo.original_name for photo in photos] == ["kupa.png", "kutu.png"]
    assert photos[0].message == ticket.messages.get() and photos[0].content_type == "image/png"
    assert len(_files_under(private_root / "private-complaints")) == 2
    assert not _files_under(private_root / "media")  # never under the public media folder

    page = client.get(reverse("complaints:detail", args=[ticket.number])).content.decode()
    link = reverse("complaints:attachment", args=[ticket.number, photos[0].pk])
    assert link in page and "kupa.png" in page
    served = client.get(link)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    assert "private" in served["Cache-Control"]

    client.force_login(UserFactory(verified=True))
    assert client.get(link).status_code == 404
    client.logout()
    assert client.get(link).status_code == 302  # to the login page


def test_a_file_that_is_not_an_image_or_too_large_or_too_many_is_refused_and_nothing_written(
    client, settings, private_root
):
    settings.COMPLAINTS_ATTACHMENT_MAX_BYTES = 2000
    settings.COMPLAINTS_ATTACHMENTS_PER_MESSAGE = 2
    client.force_login(UserFactory(verified=True, language="en"))
    fake = SimpleUploadedFile("fatura.png", b"%PDF-1.4 this is no picture", "image/png")
    big = _photo("buyuk.png", size=(40, 40), noise=True)  # about 4.8 KB
    cases = [
        ([fake], "“fatura.png”: This file is not a JPEG, PNG or WebP image."),
        ([big], "“buyuk.png” is too large: a photo may be at most 2.0\xa0KB."),
        ([_photo(), _photo(), _photo()], "Attach at most 2 photos to one message."),
    ]
    for files, error in cases:
        with translation.override("en"):
            answer = client.post(
                reverse("complaints:new"),
                {"category": "other", "description": "Bir sorun var.", "photos": files},
            )
        assert answer.status_code == 400
        assert error in answer.context["form"].errors["photos"]
    assert not Ticket.objects.exists() and not TicketAttachment.objects.exists()
    assert not _files_under(private_root / "private-complaints")


def test_the_guests_link_opens_her_photos_and_no_one_elses(client):
    answer = client.post(
        reverse("complaints:new"),
        {
            "category": "other",
            "description": "Paket ezik geldi.",
            "email": "misafir@example.com",
            "photos": [_photo()],
        },
    )
    assert answer.status_code == 302
    ticket = Ticket.objects.get()
    page_url = ticket_url(ticket=ticket)
    photo = ticket.attachments.get()
    page = client.get(page_url).content.decode()
    assert f"{page_url}photos/{photo.pk}/" in page
    assert client.get(f"{page_url}photos/{photo.pk}/").status_code == 200

    client.force_login(UserFactory(verified=True))
    client.post(reverse("complaints:new"), {"category": "other", "description": "Başka."})
    other = Ticket.objects.exclude(pk=ticket.pk).get()
    assert client.get(f"{ticket_url(ticket=other)}photos/{photo.pk}/").status_code == 404
    tampered = page_url.rstrip("/")[:-1] + "x/"
    assert client.get(f"{tampered}photos/{photo.pk}/").status_code == 404


def test_a_reply_may_carry_a_photo(client):
    ayse = UserFactory(verified=True)
    client.force_login(ayse)
    client.post(reverse("complaints:new"), {"category": "other", "description": "Sorun."})
    ticket = Ticket.objects.get()
    answer = client.post(
        reverse("complaints:detail", args=[ticket.number]),
        {"body": "Fotoğrafı ekliyorum.", "photos": [_photo()]},
    )
    assert answer.status_code == 302
    photo = ticket.attachments.get()
    assert photo.message.body == "Fotoğrafı ekliyorum."


def test_staff_who_may_view_tickets_open_photos_from_the_ticket_panel(client):
    client.force_login(UserFactory(verified=True))
    client.post(
        reverse("complaints:new"),
        {"category": "other", "description": "Sorun.", "photos": [_photo()]},
    )
    ticket = Ticket.objects.get()
    photo = ticket.attachments.get()
    url = reverse("admin:complaints_ticketattachment_file", args=[photo.pk])

    agent = StaffFactory(is_superuser=False)
    agent.user_permissions.add(Permission.objects.get(codename="view_ticket"))
    agent = User.objects.get(pk=agent.pk)
    request = RequestFactory().get("/")
    request.user = agent
    context = attachments_panel_context(request, ticket)
    assert [item["url"] for item in context["attachments"]] == [url]
    assert "admin/complaints/panels/attachments.html" in [
        t for t, _ in ticket_panels(request, ticket)
    ]
    client.force_login(agent)
    assert client.get(url).status_code == 200

    stranger = StaffFactory(is_superuser=False)
    request.user = stranger
    assert attachments_panel_context(request, ticket) is None
    client.force_login(stranger)
    assert client.get(url).status_code == 403
