"""The intents the bot understands, and those it must never act on without being sure."""

from __future__ import annotations

INTENTS = (
    "greet",
    "goodbye",
    "thanks",
    "affirm",
    "deny",
    "sign_up",
    "report_employed",
    "report_job_lost",
    "report_seeking",
    "report_further_study",
    "report_self_employed",
    "ask_jobs",
    "ask_internship",
    "ask_policy",
    "ask_training",
    "request_human",
    "update_profile",
    "unsubscribe",
    "out_of_scope",
)

# A wrong guess here costs a graduate dearly (a missed 失业 case, a silenced bot, an ignored
# plea for a person), so a low-confidence guess is confirmed before anything is done.
CRITICAL_INTENTS = frozenset({"report_job_lost", "unsubscribe", "request_human"})
