from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    per_page: int = PAGE_SIZE,
    number: str | None = None,
) -> Page:
    """Every list is paginated; a page number out of range shows the last page."""
    return Paginator(queryset, per_page).get_page(number or request.GET.get("page"))
