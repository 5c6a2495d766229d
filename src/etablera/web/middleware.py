"""Language selection: Swedish unless the user has chosen another language."""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but ignores the browser's Accept-Language.

    The interface is Swedish by default for everyone, whatever language their browser
    prefers; the language switch in the header (a cookie) is the only way to English.
    """

    def process_request(self, request) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        available = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


#: No inline script or style anywhere: every script and style sheet is a static file of our own.
#: ``data:`` images are the favicon placeholder and Swagger UI's icons.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
#: Etablera needs none of the browser's powerful features; no page may ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "browsing-topics",
    )
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy, Permissions-Policy, and ``Cache-Control: no-store`` for people.

    Personal data is shown only to signed-in users and through the API, so every response to
    a signed-in user and every API response is marked ``no-store``: neither the browser's
    cache nor a proxy may keep a participant's page, form or record. Static files are served
    before this middleware (whitenoise) and stay cacheable. Kept as one small middleware
    rather than a dependency: the policy is fixed, with no nonces or per-view exceptions.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or getattr(user, "is_authenticated", False):
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response
