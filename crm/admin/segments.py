"""Saved segments' staff screens: the list (name, members, counted at) and the rule builder at
the add and change pages, with a live member count (htmx posts the form to `count/`, which
answers a small fragment). Without JS, "Count", "Add condition" and "Remove" are submit buttons.

Looking and counting need `crm.view_segment`; saving and deleting `crm.manage_segments`.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext

from ..models import Segment
from ..segments.exceptions import SegmentInUse
from ..segments.forms import (
    INNER,
    MAIN,
    Builder,
    builder_choices,
    fits_builder,
    rows_edit,
    segment_to_data,
)
from ..segments.selectors import segment_count
from ..segments.services import segment_delete, segment_save

MANAGE = "crm.manage_segments"
VIEW = "crm.view_segment"


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("name", "member_count", "counted_at", "description")
    list_display_links = ("name",)
    search_fields = ("name",)
    ordering = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Segment]:
        return (
            super().get_queryset(request).only("name", "description", "member_count", "counted_at")
        )

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm(VIEW) or request.user.has_perm(MANAGE)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm(MANAGE)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm(MANAGE)

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("count/", wrap(self.count_view), name="crm_segment_count"),
            *super().get_urls(),
        ]

    # --- the builder -------------------------------------------------------------------------

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return self._builder(request, None)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ):
        if not self.has_view_permission(request):
            raise PermissionDenied
        segment = Segment.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if segment is None:
            raise Http404(object_id)
        return self._builder(request, segment)

    def _builder(self, request: HttpRequest, segment: Segment | None) -> HttpResponse:
        can_save = self.has_change_permission(request)
        choices = builder_choices()
        count: int | None = None
        if request.method != "POST":
            data = segment_to_data(
                name=segment.name if segment else "",
                description=segment.description if segment else "",
                rules=segment.rules if segment else None,
            )
            builder = Builder(data, choices=choices, show_errors=False)
            if segment is not None and not fits_builder(segment.rules):
                messages.warning(
                    request,
                    gettext(
                        "These rules were made elsewhere with more groups than the builder "
                        "shows: saving here replaces them with the rows below."
                    ),
                )
            if segment is not None and builder.is_valid():
                count = segment_count(builder.rules())
        elif request.POST.get("add") or request.POST.get("remove"):
            edited = rows_edit(
                request.POST,
                add=request.POST.get("add", ""),
                remove=request.POST.get("remove", ""),
            )
            builder = Builder(edited, choices=choices, show_errors=False)
        else:
            builder = Builder(request.POST, choices=choices)
            if builder.is_valid():
                rules = builder.rules()
                if "save" in request.POST:
                    saved = self._save(request, segment, builder, rules)
                    if saved is not None:
                        return saved
                else:
                    count = segment_count(rules)
            else:
                messages.error(request, gettext("Correct the conditions marked below."))
        context = {
            **self.admin_site.each_context(request),
            "title": segment.name if segment else gettext("New segment"),
            "opts": self.model._meta,
            "segment": segment,
            "builder": builder,
            "count": count,
            "can_save": can_save,
            "MAIN": MAIN,
            "INNER": INNER,
        }
        return TemplateResponse(request, "admin/crm/segment/builder.html", context)

    def _save(
        self, request: HttpRequest, segment: Segment | None, builder: Builder, rules: dict
    ) -> HttpResponse | None:
        if not self.has_change_permission(request):
            raise PermissionDenied
        data = builder.form.cleaned_data
        try:
            saved = segment_save(
                segment=segment,
                name=data["name"],
                description=data["description"],
                rules=rules,
                staff=request.user,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    builder.form.add_error(field if field in builder.form.fields else None, errors)
            else:
                builder.form.add_error(None, error)
            messages.error(request, gettext("Nothing was saved: correct the errors below."))
            return None
        messages.success(
            request,
            gettext("Segment “%(name)s” saved: %(count)d members now.")
            % {"name": saved.name, "count": saved.member_count},
        )
        return HttpResponseRedirect(reverse("admin:crm_segment_changelist"))

    def count_view(self, request: HttpRequest) -> HttpResponse:
        """The live count: the builder's form posted by htmx; a small fragment back."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponse(status=405, headers={"Allow": "POST"})
        builder = Builder(request.POST, choices=builder_choices())
        context: dict = {"count": None, "errors": []}
        if builder.is_valid():  # no condition yet: every member
            context["count"] = segment_count(builder.rules())
        else:
            context["errors"] = builder.errors()
        return TemplateResponse(request, "admin/crm/segment/_count.html", context)

    # --- deleting goes through the service --------------------------------------------------

    def delete_model(self, request: HttpRequest, obj: Segment) -> None:
        try:
            segment_delete(segment=obj, staff=request.user)
        except SegmentInUse as error:
            messages.error(request, str(error))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Segment]) -> None:
        for segment in queryset:
            self.delete_model(request, segment)
