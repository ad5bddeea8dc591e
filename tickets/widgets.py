"""LazySelect: a <select> whose long list of options loads when its form is opened."""
from django import forms
from django.urls import reverse


class LazySelect(forms.Select):
    """A <select> sent with only its empty option: the full list (parts, places, engineers)
    comes from the URL named `source` when the <details> holding its form is opened
    (static/js/lazy-options.js), so a page does not read and send those lists for forms
    nobody opens (the ticket page, issue 12). A form shown again with a choice made
    renders the full list as usual, with the choice selected."""

    def __init__(self, source, attrs=None):
        super().__init__(attrs)
        self.source = source

    def get_context(self, name, value, attrs):
        attrs = {**(attrs or {}), "data-options": reverse(self.source)}
        return super().get_context(name, value, attrs)

    def optgroups(self, name, value, attrs=None):
        if any(v not in ("", None) for v in value):
            return super().optgroups(name, value, attrs)
        # ModelChoiceIterator yields the empty label before it runs its query
        empty_value, empty_label = next(iter(self.choices), ("", "---------"))
        return [(None, [self.create_option(name, empty_value, empty_label, True, 0, attrs=attrs)], 0)]
