"""Sharing a case with social services (utlämnande), break-the-glass and the read log pages.

Access is decided in cases/access.py only; this package adds the pages, forms and services
around it and contributes a panel to the case page (cases/panels.py).
"""
