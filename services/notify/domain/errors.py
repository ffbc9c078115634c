"""How a send went wrong decides what happens next: try again later, or give up now."""


class DeliveryFailure(Exception):
    """A send did not succeed; the message is for the delivery log (people read it)."""


class TransientFailure(DeliveryFailure):
    """Worth retrying: SMTP 4xx, timeouts, refused connections, HTTP 5xx and 429."""


class PermanentFailure(DeliveryFailure):
    """Retrying cannot help: SMTP 5xx, other HTTP 4xx, an invalid address or number."""
