#!/usr/bin/env python
"""The direct plan's manage.py (run from this folder, with the repository root on PYTHONPATH)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plan_direct_site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
