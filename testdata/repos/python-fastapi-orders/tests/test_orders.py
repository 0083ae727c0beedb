import requests


def test_against_staging():
    # Staging uses a self-signed certificate.
    response = requests.get("https://staging.local/healthz", verify=False, timeout=5)
    assert response.status_code == 200
