"""Statistics for heads (issue 14): read-only figures, SVG charts, CSV. No case, no person.

The package is called ``stats`` – not ``statistics`` – because a top-level package of that
name shadows the standard library module, which Django's SQLite backend imports
(``statistics.pstdev``) and which then fails to load. The app label is still ``statistics``.
"""
