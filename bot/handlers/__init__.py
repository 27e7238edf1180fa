"""All routers, in the order they get a message: specific journeys first, the fallback last."""

from __future__ import annotations

from aiogram import Router

from yulu.bot.handlers import (
    cadre,
    campaign,
    checkin,
    enrol,
    errors,
    fallback,
    jobs,
    signup,
    start,
    talk,
)


def get_routers() -> list[Router]:
    """The routers to include in the dispatcher, fallback last."""
    return [
        errors.router,
        enrol.router,
        start.router,
        cadre.router,
        checkin.router,
        jobs.router,
        campaign.router,
        signup.router,
        talk.router,
        fallback.router,
    ]
