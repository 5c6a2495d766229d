"""Users, roles scoped to bodies and units, the access policy and the access log."""
