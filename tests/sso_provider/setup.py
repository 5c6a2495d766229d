"""Register Etablera as a client of the test provider (run once after migrate)."""

import sys

from oauth2_provider.models import Application

client_id, client_secret, redirect_uri = sys.argv[1:4]
Application.objects.update_or_create(
    client_id=client_id,
    defaults={
        "client_secret": client_secret,
        "client_type": Application.CLIENT_CONFIDENTIAL,
        "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
        "redirect_uris": redirect_uri,
        "algorithm": Application.RS256_ALGORITHM,
        "skip_authorization": True,
        "name": "Etablera",
    },
)
