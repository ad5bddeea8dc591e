"""Representations and inputs of the quality API. Inputs only validate; services write."""
from django.contrib.auth import get_user_model
from rest_framework import serializers

from tickets.api.ticket_serializers import UserRefSerializer
from tickets.choices import Channel
from tickets.models import Customer, Ticket

from ..choices import CallbackResult, ComplaintCategory, Responsibility, Severity, SurveyLanguage
from ..models import Callback, Complaint, QaSample, QualityAlert, SurveyLink, TaskForceMember

SCORE = {"min_value": 1, "max_value": 5}


class CallbackSerializer(serializers.ModelSerializer):
    ticket = serializers.SlugRelatedField(slug_field="number", read_only=True)
    by = UserRefSerializer(read_only=True, allow_null=True)
    follow_up_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Callback
        fields = ["id", "ticket", "cycle", "result", "channel", "attempted_at", "working_day", "by", "attitude",
                  "speed", "repair_quality", "comment", "is_low_score", "follow_up_done_at", "follow_up_by",
                  "follow_up_note"]
        read_only_fields = fields


class CallbackInputSerializer(serializers.Serializer):
    ticket = serializers.SlugRelatedField(slug_field="number", queryset=Ticket.objects.all())
    result = serializers.ChoiceField(choices=CallbackResult.choices)
    attitude = serializers.IntegerField(required=False, allow_null=True, **SCORE)
    speed = serializers.IntegerField(required=False, allow_null=True, **SCORE)
    repair_quality = serializers.IntegerField(required=False, allow_null=True, **SCORE)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class FollowUpInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class SurveyLinkSerializer(serializers.ModelSerializer):
    ticket = serializers.SlugRelatedField(slug_field="number", read_only=True)
    created_by = UserRefSerializer(read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = SurveyLink
        fields = ["id", "ticket", "cycle", "language", "created_at", "created_by", "expires_at", "used_at",
                  "revoked_at", "emailed_to", "state"]
        read_only_fields = fields

    def get_state(self, link) -> str:
        return link.state(self.context["now"])


class SurveyLinkCreatedSerializer(SurveyLinkSerializer):
    url = serializers.CharField(read_only=True, help_text="The link; shown only in this response.")

    class Meta(SurveyLinkSerializer.Meta):
        fields = SurveyLinkSerializer.Meta.fields + ["url"]
        read_only_fields = fields


class SurveyInputSerializer(serializers.Serializer):
    ticket = serializers.SlugRelatedField(slug_field="number", queryset=Ticket.objects.all())
    language = serializers.ChoiceField(choices=SurveyLanguage.choices, default=SurveyLanguage.ZH_HANS)
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class TaskForceMemberSerializer(serializers.ModelSerializer):
    user = UserRefSerializer(read_only=True)

    class Meta:
        model = TaskForceMember
        fields = ["user", "role", "added_at"]
        read_only_fields = fields


class ComplaintSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    ticket = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    owner = UserRefSerializer(read_only=True, allow_null=True)
    created_by = UserRefSerializer(read_only=True)
    closed_by = UserRefSerializer(read_only=True, allow_null=True)
    task_force = TaskForceMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Complaint
        fields = ["id", "number", "customer", "ticket", "channel", "severity", "category", "description", "status",
                  "owner", "created_by", "created_at", "reply_due_at", "replied_at", "reply_note", "reply_breached",
                  "reply_overrun", "cause", "responsibility", "investigated_at", "remedy", "remedy_at",
                  "customer_accepted", "accepted_at", "closing_summary", "prevention", "closed_at", "closed_by",
                  "task_force"]
        read_only_fields = fields


class ComplaintInputSerializer(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    ticket = serializers.SlugRelatedField(slug_field="number", queryset=Ticket.objects.all(), required=False,
                                          allow_null=True, default=None)
    channel = serializers.ChoiceField(choices=Channel.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)
    category = serializers.ChoiceField(choices=ComplaintCategory.choices)
    description = serializers.CharField(max_length=4000)
    owner = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True),
                                               required=False, allow_null=True, default=None)


class ReplyInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000)


class InvestigationInputSerializer(serializers.Serializer):
    cause = serializers.CharField(max_length=4000)
    responsibility = serializers.ChoiceField(choices=Responsibility.choices)


class RemedyInputSerializer(serializers.Serializer):
    remedy = serializers.CharField(max_length=4000)


class AcceptanceInputSerializer(serializers.Serializer):
    accepted = serializers.BooleanField()


class CloseComplaintInputSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=4000)
    prevention = serializers.CharField(max_length=4000)


class QualityAlertSerializer(serializers.ModelSerializer):
    product_model = serializers.SlugRelatedField(slug_field="code", read_only=True)
    fault_code = serializers.SlugRelatedField(slug_field="code", read_only=True)
    tickets = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    acknowledged_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = QualityAlert
        fields = ["id", "product_model", "fault_code", "window_start", "window_end", "ticket_count", "threshold",
                  "window_days", "tickets", "raised_at", "acknowledged_at", "acknowledged_by", "findings"]
        read_only_fields = fields


class AlertAckInputSerializer(serializers.Serializer):
    findings = serializers.CharField(max_length=4000)


class QaSampleSerializer(serializers.ModelSerializer):
    ticket = serializers.SlugRelatedField(slug_field="number", read_only=True)
    person = UserRefSerializer(read_only=True)
    scored_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = QaSample
        fields = ["id", "month", "ticket", "person", "person_role", "drawn_at", "call_handling", "diagnosis",
                  "report_completeness", "customer_care", "comment", "scored_at", "scored_by"]
        read_only_fields = fields


class QaScoreInputSerializer(serializers.Serializer):
    call_handling = serializers.IntegerField(**SCORE)
    diagnosis = serializers.IntegerField(**SCORE)
    report_completeness = serializers.IntegerField(**SCORE)
    customer_care = serializers.IntegerField(**SCORE)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class QaDrawInputSerializer(serializers.Serializer):
    month = serializers.DateField(input_formats=["%Y-%m", "%Y-%m-%d"])
    size = serializers.IntegerField(min_value=1, max_value=100, required=False, allow_null=True, default=None)
