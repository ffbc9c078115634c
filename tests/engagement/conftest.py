import pytest


@pytest.fixture(scope="session")
def engagement_app(apps):
    return apps["engagement"]
