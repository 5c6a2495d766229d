"""The API's query parameters: pagination and filters that answer bad numbers with 400.

Kept apart from ``web.api`` because DRF reads these classes from its settings while its
generic views are being imported, which ``web.api`` itself imports.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django_filters import filters as django_filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination

#: The largest whole number a query parameter may carry: a 64-bit database integer.
LARGEST_INTEGER = 2**63 - 1
#: Offsets beyond this are refused: no list holds that many rows, and ``offset + limit`` must
#: still fit a database integer.
LARGEST_OFFSET = 2**31


def _whole_number(name: str, raw: str, *, lowest: int, highest: int, message: str) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise exceptions.ValidationError({name: [_("Ange ett heltal.")]}) from None
    if not lowest <= value <= highest:
        raise exceptions.ValidationError({name: [message]})
    return value


class Pagination(LimitOffsetPagination):
    """``?limit`` and ``?offset``, bounded: no response holds more than the largest page
    (``ETABLERA_API_MAX_PAGE_SIZE``), and a limit or offset out of range answers 400 with the
    parameter named, instead of being silently replaced or reaching the database."""

    @property
    def max_limit(self) -> int:  # type: ignore[override]
        return settings.ETABLERA_API_MAX_PAGE_SIZE

    def get_limit(self, request) -> int:
        raw = request.query_params.get(self.limit_query_param)
        if raw is None or raw == "":
            return min(self.default_limit or self.max_limit, self.max_limit)
        return _whole_number(
            self.limit_query_param,
            raw,
            lowest=1,
            highest=self.max_limit,
            message=_("limit ska vara ett heltal från 1 till %(max)d.") % {"max": self.max_limit},
        )

    def get_offset(self, request) -> int:
        raw = request.query_params.get(self.offset_query_param)
        if raw is None or raw == "":
            return 0
        return _whole_number(
            self.offset_query_param,
            raw,
            lowest=0,
            highest=LARGEST_OFFSET,
            message=_("offset ska vara ett heltal från 0 till %(max)d.") % {"max": LARGEST_OFFSET},
        )

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_limit})
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"].update({"minimum": 0, "maximum": LARGEST_OFFSET})
        return parameters


_NUMBER_FILTERS = (
    django_filters.ModelChoiceFilter,
    django_filters.ModelMultipleChoiceFilter,
    django_filters.NumberFilter,
)


class FilterBackend(DjangoFilterBackend):
    """django-filter, with numbers out of a database integer's range answered by 400.

    A foreign-key filter such as ``?goals=99999999999999999999`` would otherwise reach the
    database as a number it cannot hold and fail with a 500.
    """

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is not None:
            for name, filter_ in filterset.filters.items():
                if not isinstance(filter_, _NUMBER_FILTERS):
                    continue
                for raw in request.query_params.getlist(name):
                    try:
                        number = int(raw)
                    except ValueError:
                        continue  # not a whole number: django-filter answers it
                    if abs(number) > LARGEST_INTEGER:
                        raise exceptions.ValidationError({name: [_("Talet är för stort.")]})
        return super().filter_queryset(request, queryset, view)
