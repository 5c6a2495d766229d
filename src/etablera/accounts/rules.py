"""Access rules for accounts: the access log is for system administrators only."""

from etablera.accounts.policy import allow
from etablera.accounts.roles import Role

allow("accounts.access_log.view", Role.ADMIN, description="Söka i loggen över personuppgifter")
allow(
    "accounts.user.view",
    Role.ADMIN,
    description="Se användare och deras roller (aldrig deltagare)",
)
allow(
    "accounts.user.change",
    Role.ADMIN,
    description="Skapa och inaktivera användare, ge och ta bort roller, återställa tvåfaktor",
)
