"""The API token endpoint is throttled like the sign-in page (django-axes)."""
import pytest
from django.test import override_settings
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_token_endpoint_locks_after_repeated_failures(agent):
    client = APIClient()
    answers = [client.post("/api/auth/token/", {"username": "agent", "password": "wrong"}).status_code
               for _ in range(3)]
    assert answers == [400, 400, 429]  # the failure that reaches the limit is answered as locked, as on the page
    locked = client.post("/api/auth/token/", {"username": "agent", "password": "pass-word-123"})
    assert locked.status_code == 429 and locked.json()["code"] == "throttled"


def test_token_endpoint_gives_a_token_for_good_credentials(agent):
    response = APIClient().post("/api/auth/token/", {"username": "agent", "password": "pass-word-123"})
    assert response.status_code == 200 and response.json()["token"]
