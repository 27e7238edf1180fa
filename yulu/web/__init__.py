"""The staff console (工作台): server-rendered pages for cadres and administrators.

Composition-root side: it uses the services, storage and the kernel (never aiogram or the bot);
`yulu run` serves it beside the bot and `yulu web` alone, on the same store.
"""

from yulu.web.app import WebConsole, create_app

__all__ = ["WebConsole", "create_app"]
