from etablera.accounts.roles import Role
from tests.documents.factories import SteeringDocumentFactory, adopted_version, distribution_to
from tests.policy_matrix import ALL, SCOPED, Case

EVERYONE = {role: ALL for role in Role}


def _document(body, unit):
    return SteeringDocumentFactory(owner=body)


def _distribution(body, unit):
    """A version of a document owned by ``body``, sent to ``body`` itself."""
    return distribution_to(body, adopted_version(SteeringDocumentFactory(owner=body)))


CASES = {
    "documents.view": Case(build=_document, expect=EVERYONE),
    "documents.change": Case(build=_document, expect={Role.STRATEGIST: ALL}),
    "documents.distribute": Case(build=_distribution, expect={Role.STRATEGIST: ALL}),
    "documents.acknowledge": Case(build=_distribution, expect={Role.REPORTER: SCOPED}),
}
