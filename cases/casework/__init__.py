"""Case work (issue 4): protective measures, kontaktförbud, follow-ups, support information,
closing, legal hold and retention. Models live in cases/models/casework.py."""
