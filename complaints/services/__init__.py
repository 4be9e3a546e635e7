"""Every write of the complaints domain goes through a function in this package.

Callers import from the submodule that names what they do:
``from complaints.services.cases import case_submit``.
"""
