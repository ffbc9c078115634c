"""SMS over HTTP: a generic JSON webhook, or seven.io. Both with a configurable base URL.

HTTP status decides: 2xx sent; 429 and 5xx temporary; other 4xx permanent. Timeouts and refused
connections are temporary."""

from __future__ import annotations

import requests

from services.notify.channels.outgoing import Outgoing
from services.notify.domain.errors import PermanentFailure, TransientFailure
from services.notify.settings import NotifySettings

SEVEN_DEFAULT_URL = "https://gateway.seven.io"
# seven.io answers HTTP 200 with its own status code in the body; these mean "will not work"
SEVEN_PERMANENT = {
    "201",
    "202",
    "301",
    "304",
    "305",
    "306",
    "307",
    "400",
    "401",
    "402",
    "403",
    "900",
    "901",
    "902",
    "903",
}
SEVEN_OK = {"100", "101"}


def _post(url: str, timeout: float, **kwargs) -> requests.Response:
    try:
        response = requests.post(url, timeout=timeout, allow_redirects=False, **kwargs)
    except requests.Timeout as exc:
        raise TransientFailure(f"SMS-Gateway antwortet nicht: {exc}") from None
    except requests.RequestException as exc:  # refused, DNS, reset
        raise TransientFailure(f"SMS-Gateway nicht erreichbar: {type(exc).__name__}") from None
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientFailure(f"SMS-Gateway HTTP {response.status_code}: {response.text[:200]}")
    if response.status_code >= 300:
        raise PermanentFailure(f"SMS-Gateway HTTP {response.status_code}: {response.text[:200]}")
    return response


class WebhookSender:
    """POST settings.sms_url {"to", "text", "sender"} with a bearer token."""

    def __init__(self, settings: NotifySettings, timeout: float = 15.0) -> None:
        self.settings = settings
        self.timeout = timeout

    def send(self, outgoing: Outgoing) -> None:
        if not self.settings.sms_url:
            raise PermanentFailure("SMS_URL ist nicht gesetzt.")
        headers = {"Authorization": f"Bearer {self.settings.sms_token}"}
        _post(
            self.settings.sms_url,
            self.timeout,
            headers=headers,
            json={"to": outgoing.recipient, "text": outgoing.body, "sender": self.settings.sms_sender},
        )


class SevenSender:
    """seven.io: POST <base>/api/sms with X-Api-Key and the fields to, text, from."""

    def __init__(self, settings: NotifySettings, timeout: float = 15.0) -> None:
        self.settings = settings
        self.timeout = timeout

    def send(self, outgoing: Outgoing) -> None:
        base = (self.settings.sms_url or SEVEN_DEFAULT_URL).rstrip("/")
        response = _post(
            f"{base}/api/sms",
            self.timeout,
            headers={"X-Api-Key": self.settings.sms_token, "Accept": "application/json"},
            data={"to": outgoing.recipient, "text": outgoing.body, "from": self.settings.sms_sender},
        )
        code = _seven_code(response)
        if code is None or code in SEVEN_OK:
            return
        if code in SEVEN_PERMANENT:
            raise PermanentFailure(f"seven.io Code {code}")
        raise TransientFailure(f"seven.io Code {code}")


def _seven_code(response: requests.Response) -> str | None:
    """The status code seven.io puts in the body: plain ("100") or JSON {"success": "100"}."""
    text = response.text.strip()
    if text.isdigit():
        return text
    try:
        data = response.json()
    except ValueError:
        return None
    value = data.get("success") if isinstance(data, dict) else None
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
