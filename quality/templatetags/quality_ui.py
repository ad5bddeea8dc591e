from django import template

register = template.Library()


@register.filter
def reply_state(complaint, now):
    """ok / warned / breached for a complaint's reply deadline (CSS class due-…)."""
    return complaint.reply_state(now)
