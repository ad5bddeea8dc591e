"""The API token endpoint is throttled like the sign-in page."""
import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_token_endpoint_locks_after_repeated_failures(agent):
    client = APIClient()
    for _ in range(3):
        assert client.post("/api/auth/token/", {"username": "agent", "password": "wrong"}).status_code == 400
    locked = client.post("/api/auth/token/", {"username": "agent", "password": "pass-word-123"})
    assert locked.status_code == 429


def test_token_endpoint_gives_a_token_for_good_credentials(agent):
    response = APIClient().post("/api/auth/token/", {"username": "agent", "password": "pass-word-123"})
    assert response.status_code == 200 and response.json()["token"]
