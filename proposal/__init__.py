"""Proposal work on top of retrieval and cited answers.

- `shred`: a solicitation (and its amendments, applied in order) into a compliance matrix: every
  requirement with its type, file, page, section and the amendment that changed it.
- `writers`: the matrix as XLSX (filter-ready, frozen header, wrapped text) and CSV, and back.
- `lcat`: the labor categories a solicitation asks for, mapped to SOC, OPM series and GSA CALC rates.
- `draft`: a proposal section that answers the requirements the matrix maps to it, with citations.

Modules are imported where used, so `rfp --help` stays fast.
"""
