"""factory_boy factories for the organisation and accounts; other apps add theirs beside."""

from __future__ import annotations

import factory

from etablera.accounts.models import RoleAssignment, User
from etablera.accounts.policy import Operator
from etablera.organisation.models import Body, BodyKind, Municipality, Unit, UnitKind
from etablera.organisation.services import save_unit

#: Who the trail names for what tests set up through the services.
OPERATOR = Operator("test")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    name = "Testkommunen"
    code = "1487"
    comparison_group = ["1488", "1490"]


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = BodyKind.COMMITTEE
    name = factory.Sequence(lambda n: f"Nämnd {n}")
    short_name = factory.Sequence(lambda n: f"N{n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    body = factory.SubFactory(BodyFactory)
    kind = UnitKind.UNIT
    name = factory.Sequence(lambda n: f"Enhet {n}")
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return save_unit(model_class(*args, **kwargs), actor=OPERATOR)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "lösenord-för-test-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(role: str, body: Body | None = None, unit: Unit | None = None) -> User:
    """A user holding ``role`` scoped to ``body``, ``unit`` or (neither) the municipality."""
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=role, body=body, unit=unit)
    return user
