"""The chat console (/admin/crm/conversation/console/, `crm.use_chat_console`) and the read-only
list of chats. The console: the queue of the agent's teams (every team's with
`crm.take_any_chat`), their open chats, one chat with the customer's key 360 panels and the
chat's order beside it; replies (with canned responses), transfer, end, turn into a complaint."""

from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from orders.links import order_track_url
from shop.admin_safety import ReadOnlyAdminMixin, ReadOnlyInlineMixin
from shop.exceptions import ShopError
from shop.models import User

from ..chat import selectors
from ..chat.desk import conversation_ticket_open, conversation_transfer
from ..chat.forms import ChatReplyForm, ChatTransferForm
from ..chat.services import chat_message_post, conversation_end, conversation_take
from ..chat.states import Author, ChatEnd
from ..models import CannedResponse, ChatMessage, Conversation
from ..staff.canned import canned_render, canned_responses
from ..staff.masking import viewer_is_masked
from ..templatetags.chat_console import chat_who

CONSOLE = "crm.use_chat_console"
FIGURE_DAYS = 7


class ChatMessageInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ChatMessage
    fields = ["created_at", "author", "agent", "body"]
    extra = 0
    can_delete = False


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "pk", "who", "status", "ended_reason", "team", "agent", "order",
        "started_at", "rating", "ticket_number",
    ]  # fmt: skip
    list_filter = ["status", "ended_reason", "team", "language"]
    search_fields = ["guest_email", "customer__email", "order__number", "ticket_number"]
    list_select_related = ["customer", "team", "agent", "order"]
    date_hierarchy = "started_at"
    show_full_result_count = False
    actions = None
    inlines = [ChatMessageInline]
    exclude = ["token"]

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view

        def posted(view):
            return wrap(require_POST(view))

        return [
            path("console/", wrap(self.console_view), name="crm_chat_console"),
            path("console/queue/", wrap(self.queue_view), name="crm_chat_console_queue"),
            path("console/<int:pk>/", wrap(self.chat_view), name="crm_chat_console_chat"),
            path("console/<int:pk>/poll/", wrap(self.poll_view), name="crm_chat_console_poll"),
            path("console/<int:pk>/take/", posted(self.take_view), name="crm_chat_console_take"),
            path("console/<int:pk>/reply/", posted(self.reply_view), name="crm_chat_console_reply"),
            path(
                "console/<int:pk>/transfer/",
                posted(self.transfer_view),
                name="crm_chat_console_transfer",
            ),
            path("console/<int:pk>/end/", posted(self.end_view), name="crm_chat_console_end"),
            path(
                "console/<int:pk>/ticket/",
                posted(self.ticket_view),
                name="crm_chat_console_ticket",
            ),
            *super().get_urls(),
        ]

    # --- the console ---------------------------------------------------------------------

    def _agent(self, request: HttpRequest) -> User:
        if not request.user.has_perm(CONSOLE):
            raise PermissionDenied
        return request.user

    def _back(self, pk: int | None = None) -> HttpResponseRedirect:
        if pk is None:
            return HttpResponseRedirect(reverse("admin:crm_chat_console"))
        return HttpResponseRedirect(reverse("admin:crm_chat_console_chat", args=[pk]))

    def _figures(self, request: HttpRequest) -> selectors.ChatFigures:
        today = timezone.localdate()
        end = parse_date(request.GET.get("end", "") or "") or today
        start = parse_date(request.GET.get("start", "") or "") or end - timedelta(
            days=FIGURE_DAYS - 1
        )
        if start > end:
            start, end = end, start
        return selectors.chat_figures(start=start, end=end)

    def _context(self, request: HttpRequest, agent: User, **extra: object) -> dict:
        return {
            **self.admin_site.each_context(request),
            "title": gettext("Chat console"),
            "opts": self.model._meta,
            "queue": selectors.chat_queue(agent=agent),
            "mine": selectors.chats_of_agent(agent=agent),
            "figures": self._figures(request),
            "open_now": selectors.chat_open_now(),
            # An outsourced team's agent: names, never emails (as on the complaint desk).
            "masked": viewer_is_masked(agent),
            **extra,
        }

    def console_view(self, request: HttpRequest) -> HttpResponse:
        agent = self._agent(request)
        return TemplateResponse(
            request, "admin/crm/chat/console.html", self._context(request, agent)
        )

    def queue_view(self, request: HttpRequest) -> HttpResponse:
        """The queue and the agent's chats, for the console's poll."""
        agent = self._agent(request)
        context = {
            "queue": selectors.chat_queue(agent=agent),
            "mine": selectors.chats_of_agent(agent=agent),
            "current": None,
            "masked": viewer_is_masked(agent),
        }
        return render(request, "admin/crm/chat/_lists.html", context)

    def _chat(self, request: HttpRequest, pk: int) -> tuple[User, Conversation]:
        agent = self._agent(request)
        conversation = selectors.chat_for_console(pk=pk)
        if conversation is None:
            raise Http404
        return agent, conversation

    def chat_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        agent, conversation = self._chat(request, pk)
        if not selectors.agent_may_open(agent=agent, conversation=conversation):
            messages.error(
                request,
                gettext("This chat belongs to another team's queue (or another agent's chats)."),
            )
            return self._back()
        return self._chat_page(request, agent, conversation)

    def _chat_page(
        self,
        request: HttpRequest,
        agent: User,
        conversation: Conversation,
        *,
        reply: ChatReplyForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
        values = self._placeholder_values(conversation)
        canned = list(canned_responses(language=conversation.language[:2]))
        if reply is None:
            initial = ""
            chosen = request.GET.get("canned", "")
            if chosen.isdigit():
                found = (
                    CannedResponse.objects.filter(
                        pk=int(chosen), active=True, language=conversation.language[:2]
                    )
                    .only("body")
                    .first()
                )
                initial = canned_render(canned=found, values=values) if found else ""
            reply = ChatReplyForm(initial={"body": initial})
        chat_messages = list(selectors.chat_messages_after(conversation=conversation, after=0))
        context = self._context(
            request,
            agent,
            current=conversation,
            chat_messages=chat_messages,
            last_id=conversation.last_message_id,
            reply=reply,
            canned=canned,
            chosen_canned=request.GET.get("canned", ""),
            transfer=ChatTransferForm(agents=_chat_agents().exclude(pk=conversation.agent_id or 0)),
            is_mine=conversation.agent_id == agent.pk and conversation.is_open,
            may_act=conversation.agent_id == agent.pk or agent.has_perm("crm.take_any_chat"),
            order=selectors.chat_order_summary(order_id=conversation.order_id)
            if conversation.order_id
            else None,
            panels=selectors.chat_customer_panels(
                customer=conversation.customer, viewer=agent, masked=viewer_is_masked(agent)
            )
            if conversation.customer_id
            else [],
            title=gettext("Chat console: %(who)s")
            % {"who": chat_who(conversation, viewer_is_masked(agent))},
        )
        return TemplateResponse(request, "admin/crm/chat/console.html", context, status=status)

    def _placeholder_values(self, conversation: Conversation) -> dict[str, str]:
        customer = conversation.customer
        first_name = customer.first_name if customer is not None else ""
        first_name = first_name or (conversation.guest_name or "").split(" ")[0]
        order = conversation.order
        return {
            "first_name": first_name,
            "order_number": order.number if order is not None else "",
            "tracking_link": order_track_url(order=order) if order is not None else "",
            "ticket_number": conversation.ticket_number,
        }

    def poll_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """New messages of the open chat (204 when nothing is new), like the customer's poll."""
        self._agent(request)
        try:
            after = int(request.GET.get("after", "0"))
        except ValueError:
            return HttpResponse(gettext("Give the id of the last message you have."), status=400)
        state = Conversation.objects.filter(pk=pk).values_list("status", "last_message_id").first()
        if state is None:
            raise Http404
        status, last = state
        if last <= after:
            response = HttpResponse(status=204)
        else:
            new = selectors.chat_messages_after(conversation=Conversation(pk=pk), after=after)
            response = HttpResponse(
                render_to_string("crm/chat/_messages.html", {"chat_messages": list(new)})
            )
        response["X-Chat-Status"] = status
        response["X-Chat-Last"] = str(last)
        response["Cache-Control"] = "no-store"
        return response

    def _act(self, request: HttpRequest, pk: int, act, done: str) -> HttpResponse:
        agent = self._agent(request)
        try:
            act(agent)
        except ShopError as refusal:
            messages.error(request, str(refusal))
        else:
            if done:
                messages.success(request, done)
        return self._back(pk)

    def take_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        agent = self._agent(request)
        try:
            conversation_take(conversation_id=pk, agent=agent)
        except ShopError as refusal:
            messages.error(request, str(refusal))
            return self._back()
        return self._back(pk)

    def reply_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        agent, conversation = self._chat(request, pk)
        form = ChatReplyForm(request.POST)
        form.is_valid()
        try:
            chat_message_post(
                conversation_id=pk,
                author=Author.AGENT,
                body=form.cleaned_data.get("body", ""),
                agent=agent,
            )
        except ShopError as refusal:
            messages.error(request, str(refusal))
            return self._chat_page(request, agent, conversation, reply=form, status=400)
        return self._back(pk)

    def transfer_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        agent = self._agent(request)
        form = ChatTransferForm(request.POST, agents=_chat_agents())
        if not form.is_valid():
            messages.error(
                request,
                " ".join(
                    str(e)
                    for e in form.non_field_errors() or [gettext("Choose an agent or a team.")]
                ),
            )
            return self._back(pk)
        to_agent, to_team = form.cleaned_data.get("agent"), form.cleaned_data.get("team")
        try:
            conversation_transfer(conversation_id=pk, by=agent, to_agent=to_agent, to_team=to_team)
        except ShopError as refusal:
            messages.error(request, str(refusal))
            return self._back(pk)
        messages.success(request, gettext("The chat has been transferred."))
        return self._back()

    def end_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._act(
            request,
            pk,
            lambda agent: conversation_end(conversation_id=pk, reason=ChatEnd.AGENT, agent=agent),
            gettext("The chat has ended; its summary is in the customer's interactions."),
        )

    def ticket_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        agent = self._agent(request)
        try:
            conversation = conversation_ticket_open(conversation_id=pk, by=agent)
        except ShopError as refusal:
            messages.error(request, str(refusal))
            return self._back(pk)
        messages.success(
            request,
            gettext("Complaint %(number)s is open for this chat.")
            % {"number": conversation.ticket_number},
        )
        return self._back(pk)

    @admin.display(description=_("customer"))
    def who(self, conversation: Conversation) -> str:
        return conversation.who


def _chat_agents() -> QuerySet[User]:
    """Staff who answer chats: superusers, and those with the console's permission."""
    permission = Permission.objects.filter(
        codename="use_chat_console", content_type__app_label="crm"
    )
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=permission)
            | Q(groups__permissions__in=permission)
        )
        .distinct()
        .only("pk", "email", "first_name", "last_name")
        .order_by("first_name", "email")
    )
