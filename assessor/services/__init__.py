"""What the app does, over data and domain.

Assessments, clients, accounts, exports and reports; these own the transactions and know
no request.
"""
