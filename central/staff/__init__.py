"""The staff site at `/staff/`: central staff review, route and answer what was filed.

accounts.py   who a staff member is and what their role lets them see and do
guards.py     sessions, login throttling, and the role check on every route
store.py      the staff site's SQL: accounts, the inbox query, search, routing
inbox.py      the inbox's filters, paging, and CSV/JSON export
cases.py      inbox, detail (unsealing, audited), status changes, routing, bulk
admin.py      users and their units, webhooks and their delivery log, content
publishing.py editing a procedure, previewing it, signing it into a bundle
"""
