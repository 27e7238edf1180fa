"""Chinese understanding for Yulu: intents and entities of graduates' messages.

A pure library: no aiogram, no storage, no bot. Services call `build_nlu(settings)` and then
`await service.parse(text)`.
"""

from yulu.nlu.embedded import EmbeddedInterpreter
from yulu.nlu.intents import CRITICAL_INTENTS, INTENTS
from yulu.nlu.rasa import RasaInterpreter
from yulu.nlu.result import Parse
from yulu.nlu.service import NluService, build_nlu

__all__ = [
    "CRITICAL_INTENTS",
    "INTENTS",
    "EmbeddedInterpreter",
    "NluService",
    "Parse",
    "RasaInterpreter",
    "build_nlu",
]
