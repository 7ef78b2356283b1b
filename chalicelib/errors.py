"""Domain exceptions. They know nothing of HTTP; `app.py` maps them to answers in one place."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the services raise on purpose. `status` is the HTTP meaning."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidInput(DomainError):
    status = 400
    code = "invalid_input"


class WrongPassword(InvalidInput):
    """A signed-in agent's password, asked again, was wrong: it counts as a failed sign-in."""

    code = "wrong_password"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class TooLarge(DomainError):
    status = 413
    code = "too_large"


class UnsupportedType(DomainError):
    status = 415
    code = "unsupported_type"


class TooManyRequests(DomainError):
    """`retry_after`: whole seconds until the caller may try again (the Retry-After header)."""

    status = 429
    code = "too_many_requests"

    def __init__(self, message: str, code: str | None = None, retry_after: int = 60) -> None:
        super().__init__(message, code)
        self.retry_after = max(1, int(retry_after))


class DeliveryFailed(DomainError):
    """The change was made, but a message about it could not be delivered (e.g. an email)."""

    status = 502
    code = "delivery_failed"
