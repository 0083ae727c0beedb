import requests


def mock_call():
    return requests.get("https://mock.local", verify=False, timeout=5)  # redflag: ignore[tls-verification-disabled] contract-test mock with a self-signed cert, never deployed


def partner_call():
    # redflag: ignore[tls-verification-disabled]
    return requests.get("https://partner.example.com", verify=False, timeout=5)


def fixed_call():
    return requests.get("https://partner.example.com", timeout=5)  # redflag: ignore[tls-verification-disabled] partner CA was broken in 2023


def typo_call():
    return requests.get("https://legacy.example.com", verify=False, timeout=5)  # redflag: ignore[tls-verification-disable] legacy partner
