"""Filing an ICO notification from the browser (PECR reg 5A(2); Commission Regulation (EU) No 611/2013
Art 2 and Annex I): the checklist of what a stage needs, and the filing form.

Only the pages live here; the filing itself (breach.filings, through breach.service) and its PDF
(breach.documents) stay with the breach, because the API and the dashboard use them too.
"""
