"""Volunteers take part and stay in control: submissions, moderation, management links.

Between ``indexer`` and ``web``: ``web`` (the forms) and ``bloomr`` (the moderation commands)
call it; it calls ``search`` (pauses, ledger) and ``indexer`` (corpus validation, updates,
withdrawals). ``store`` is the only module that speaks SQL.
"""
