"""Choice values of the quality department (lower-case words, SPEC §8)."""
from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy


class CallbackResult(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    REFUSED = "refused", _("Refused")


FAILED_RESULTS = (CallbackResult.NO_ANSWER, CallbackResult.WRONG_NUMBER, CallbackResult.REFUSED)


class CallbackChannel(models.TextChoices):
    PHONE = "phone", pgettext_lazy("callback channel", "Phone call")
    SURVEY = "survey", _("Survey link")


class SurveyLanguage(models.TextChoices):
    EN = "en", "English"
    ZH_HANS = "zh-hans", "简体中文"


class Severity(models.TextChoices):
    GENERAL = "general", _("General")
    MAJOR = "major", _("Major")


class ComplaintCategory(models.TextChoices):
    ATTITUDE = "attitude", _("Staff attitude")
    REPAIR_QUALITY = "repair_quality", _("Repair quality")
    DELAY = "delay", _("Delay")
    FEES = "fees", _("Fees")
    PRODUCT = "product", _("Product quality")
    LOGISTICS = "logistics", _("Logistics")
    OTHER = "other", pgettext_lazy("complaint category", "Other")


class Responsibility(models.TextChoices):
    STAFF = "staff", _("Staff")
    PRODUCT = "product", _("Product")
    LOGISTICS = "logistics", _("Logistics")
    CUSTOMER = "customer", _("Customer")
    OTHER = "other", pgettext_lazy("responsibility", "Other")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("complaint status", "Open")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", pgettext_lazy("complaint status", "Closed")


class ReplyLevel(models.TextChoices):
    WARNING = "warning", _("Warning")
    LEVEL_1 = "level_1", _("Level 1")
    LEVEL_2 = "level_2", _("Level 2")


REPLY_LEVEL_ORDER = (ReplyLevel.WARNING, ReplyLevel.LEVEL_1, ReplyLevel.LEVEL_2)


class TaskForceRole(models.TextChoices):
    SUPERVISOR = "supervisor", _("Supervisor")
    ENGINEER = "engineer", _("Handling engineer")
    SALES_LEAD = "sales_lead", _("Sales lead")
    QUALITY = "quality", _("Quality staff")


class QaRole(models.TextChoices):
    AGENT = "agent", _("Call agent")
    ENGINEER = "engineer", _("Engineer")
