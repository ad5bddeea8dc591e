#!/usr/bin/env python
"""Django's command-line utility for the after-sales service center."""
import os
import sys

# Commands that neither serve requests nor write data. Run without DEBUG in the
# environment they use the development settings (DEBUG=1, the local key), so that
# `manage.py check` and `manage.py makemigrations --check` work on a fresh checkout.
# Every other command keeps DEBUG off by default: without SECRET_KEY it refuses to start
# (issue 8), and seed_demo refuses to create demo logins.
READ_ONLY_COMMANDS = {"check", "makemigrations", "showmigrations", "sqlmigrate", "makemessages",
                      "compilemessages", "diffsettings", "help"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    if command in READ_ONLY_COMMANDS and "DEBUG" not in os.environ:
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
