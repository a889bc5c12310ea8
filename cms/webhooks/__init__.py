"""Telling frontends: publish receipts (`receipts`, written as a change is propagated and read
by the admin and the API), their fan-out into one event per endpoint and locale (`events`), the
signed sending with retries (`sending`, refusing internal addresses: `addresses`), the worker's
task that runs both (`tasks`) and its own upkeep (`upkeep`).

May import: cms.delivery and the rooms below it.
"""
