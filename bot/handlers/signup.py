"""Sign-up (实名登记) and profile edits. The flow, one state per question:

```mermaid
stateDiagram-v2
    [*] --> consent: /start (newcomer)
    consent --> [*]: 不同意 (nothing stored)
    consent --> name: 同意
    name --> phone --> id_number --> school --> major --> education --> hukou --> desired --> status
    id_number --> school: 跳过
    status --> confirm
    confirm --> name: 改X (any field, then back to confirm)
    confirm --> [*]: 确认提交 (graduate saved, roster-matched)
```
Any state: /cancel drops the draft; /start resumes; a sticker, photo, voice or overlong text
is re-asked politely. /profile reuses the same questions to change one field.
"""

from __future__ import annotations

from datetime import date

from aiogram import F, Router
from aiogram.filters import Command, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.bot.callbacks import MenuAction, SignupAction
from yulu.bot.choices import show_choice
from yulu.bot.filters import NOT_COMMAND
from yulu.bot.keyboards import (
    consent_keyboard,
    field_keyboard,
    menu_keyboard,
    profile_keyboard,
    summary_keyboard,
)
from yulu.core.config import Settings
from yulu.core.errors import InvalidInput
from yulu.core.i18n import Translator
from yulu.services import assist, signup
from yulu.services.privacy import FieldCipher
from yulu.storage.models import Cadre, Graduate

router = Router(name="signup")


class SignUp(StatesGroup):
    consent = State()
    name = State()
    phone = State()
    id_number = State()
    school = State()
    major = State()
    education = State()
    hukou = State()
    desired = State()
    status = State()
    confirm = State()


FIELD_STATES = {field: getattr(SignUp, field) for field in signup.FIELDS}
STATE_FIELDS = {state.state: field for field, state in FIELD_STATES.items()}
ANYWHERE = "anywhere"


# --- entry -----------------------------------------------------------------------------------


@router.message(CommandStart(deep_link=False), StateFilter(SignUp))
async def resume(message: Message, state: FSMContext, t: Translator) -> None:
    """/start in the middle of a sign-up picks up where it stopped."""
    await _ask_current(message, state, t, prefix=t("signup-resume"))


@router.message(CommandStart(deep_link=False), StateFilter(None))
@router.callback_query(MenuAction.filter(F.action == "signup"))
async def begin(
    event: Message | CallbackQuery,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    settings: Settings,
    graduate: Graduate | None,
    cadre: Cadre | None,
) -> None:
    """A newcomer sees what Yulu is and keeps, and is asked for consent."""
    message = event if isinstance(event, Message) else event.message
    if isinstance(event, CallbackQuery):
        await event.answer()
    if graduate is not None:
        assist.resubscribe(graduate)  # /start after 退订 turns messages back on
    if graduate is not None or cadre is not None:
        name = graduate.name if graduate else event.from_user.first_name
        await message.answer(
            t("start-welcome-back", name=name),
            reply_markup=menu_keyboard(t, registered=graduate is not None),
        )
        return
    await state.set_state(SignUp.consent)
    await state.set_data({"version": settings.consent_version})
    await message.answer(
        t("signup-intro", name=event.from_user.first_name, version=settings.consent_version),
        reply_markup=consent_keyboard(t),
    )


@router.callback_query(StateFilter(SignUp.consent), SignupAction.filter(F.action == "decline"))
async def decline(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    """No consent, nothing stored."""
    await state.clear()
    await query.answer()
    await show_choice(query, t)
    await query.message.answer(t("signup-declined"))


@router.callback_query(StateFilter(SignUp.consent), SignupAction.filter(F.action == "agree"))
async def agree(query: CallbackQuery, state: FSMContext, t: Translator, settings: Settings) -> None:
    """Record the consent (version and time) in the draft and ask the first question."""
    await query.answer()
    await show_choice(query, t)
    await state.set_data({"draft": signup.start_draft(consent_version=settings.consent_version)})
    await _ask_next(query.message, state, t)


# --- answers ---------------------------------------------------------------------------------


@router.message(StateFilter(SignUp.consent))
@router.message(StateFilter(SignUp.confirm))
async def press_a_button(message: Message, state: FSMContext, t: Translator) -> None:
    """Typed text where a button is expected: show the buttons again."""
    await _ask_current(message, state, t)


@router.message(StateFilter(*FIELD_STATES.values()), NOT_COMMAND)
async def text_answer(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    cipher: FieldCipher,
    graduate: Graduate | None,
) -> None:
    """A typed answer to the current question (stickers, photos, voice notes are re-asked)."""
    field = STATE_FIELDS[await state.get_state()]
    text = message.text
    if field == "desired" and text and text.strip() in {t("signup-anywhere"), ANYWHERE}:
        text = ANYWHERE
    await _accept(message, session, state, t, cipher, field, text, graduate=graduate)


@router.callback_query(
    StateFilter(*FIELD_STATES.values()), SignupAction.filter(F.action == "answer")
)
async def button_answer(
    query: CallbackQuery,
    callback_data: SignupAction,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    cipher: FieldCipher,
    graduate: Graduate | None,
) -> None:
    """A tapped answer (education, place 不限, status)."""
    await query.answer()
    field = STATE_FIELDS[await state.get_state()]
    await show_choice(query, t)
    await _accept(
        query.message, session, state, t, cipher, field, callback_data.value, graduate=graduate
    )


@router.callback_query(StateFilter(SignUp.id_number), SignupAction.filter(F.action == "skip"))
async def skip_id_number(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    """No ID number: the roster match falls back to phone + name."""
    await query.answer()
    await show_choice(query, t)
    data = await state.get_data()
    if data.get("mode") == "profile":  # skipping an edit leaves the profile as it was
        await state.clear()
        return
    signup.skip_id_number(data["draft"])
    await state.set_data(data)
    await _ask_next(query.message, state, t)


async def _accept(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    cipher: FieldCipher,
    field: str,
    text: str | None,
    *,
    graduate: Graduate | None,
) -> None:
    data = await state.get_data()
    if data.get("mode") == "profile":
        await _accept_profile_edit(message, session, state, t, cipher, field, text, graduate)
        return
    try:
        accepted = signup.answer(data["draft"], field, text, cipher)
    except InvalidInput as exc:
        await _reask(message, state, t, exc.reason)
        return
    data.pop("changing", None)
    await state.set_data(data)
    prefix = t("signup-place-confirmed", place=accepted.shown) if field == "hukou" else ""
    if field == "desired" and accepted.shown:
        prefix = t("signup-place-confirmed", place=accepted.shown)
    await _ask_next(message, state, t, prefix=prefix)


async def _reask(message: Message, state: FSMContext, t: Translator, reason: str) -> None:
    """Say precisely what was wrong and ask the same question again, in one message."""
    key = f"signup-reask-{reason}"
    await _ask_current(message, state, t, prefix=t(key) if t.has(key) else t(f"reason-{reason}"))


# --- summary and confirm -----------------------------------------------------------------------


@router.callback_query(StateFilter(SignUp.confirm), SignupAction.filter(F.action == "change"))
async def change(
    query: CallbackQuery, callback_data: SignupAction, state: FSMContext, t: Translator
) -> None:
    """Re-ask one field; the answer returns to the summary."""
    await query.answer()
    if callback_data.value not in FIELD_STATES:
        return
    await show_choice(query, t)
    data = await state.get_data()
    data["draft"].pop(callback_data.value, None)
    await state.set_data(data)
    await _ask_next(query.message, state, t)


@router.callback_query(StateFilter(SignUp.confirm), SignupAction.filter(F.action == "confirm"))
async def confirm(
    query: CallbackQuery,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    cipher: FieldCipher,
) -> None:
    """Save the graduate, match the roster, and tell them what happens next."""
    await query.answer()
    await show_choice(query, t)
    data = await state.get_data()
    try:
        graduate = await signup.register(
            session,
            cipher,
            data["draft"],
            telegram_user_id=query.from_user.id,
            chat_id=query.message.chat.id,
        )
    except InvalidInput as exc:  # e.g. the ID number belongs to another account
        data["draft"].pop("id_number", None)
        await state.set_data(data)
        await _ask_next(query.message, state, t, prefix=t(f"signup-reask-{exc.reason}"))
        return
    await state.clear()
    await query.message.answer(
        _done_text(t, graduate), reply_markup=menu_keyboard(t, registered=True)
    )


def _done_text(t: Translator, graduate: Graduate) -> str:
    if graduate.verified and graduate.cadre:
        verdict = t("signup-done-verified-cadre", cadre=graduate.cadre.name)
    elif graduate.verified:
        verdict = t("signup-done-verified")
    else:
        verdict = t("signup-done-unverified")
    return "\n".join([t("signup-done", name=graduate.name), verdict, t("signup-done-next")])


# --- profile ---------------------------------------------------------------------------------


@router.message(Command("profile"))
@router.callback_query(MenuAction.filter(F.action == "profile"))
async def show_profile(
    event: Message | CallbackQuery,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    cipher: FieldCipher,
    graduate: Graduate | None,
) -> None:
    """The graduate's own data, masked, with a button to change each field."""
    message = event if isinstance(event, Message) else event.message
    if isinstance(event, CallbackQuery):
        await event.answer()
    if graduate is None:
        await message.answer(t("not-registered"))
        return
    await state.clear()
    await message.answer(
        _profile_text(t, graduate, cipher), reply_markup=profile_keyboard(t, signup.FIELDS)
    )


@router.callback_query(SignupAction.filter(F.action == "edit"))
async def edit_profile_field(
    query: CallbackQuery,
    callback_data: SignupAction,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    graduate: Graduate | None,
) -> None:
    """Ask for a new value of one profile field."""
    await query.answer()
    field = callback_data.value
    if field not in FIELD_STATES or graduate is None:
        return
    await state.set_state(FIELD_STATES[field])
    await state.set_data({"mode": "profile"})
    await _ask_current(query.message, state, t)


async def _accept_profile_edit(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
    cipher: FieldCipher,
    field: str,
    text: str | None,
    graduate: Graduate | None,
) -> None:
    if graduate is None:
        await state.clear()
        await message.answer(t("not-registered"))
        return
    try:
        await signup.update_field(session, cipher, graduate, field, text)
    except InvalidInput as exc:
        await _reask(message, state, t, exc.reason)
        return
    await state.clear()
    updated = t("profile-updated", field=t(f"field-{field}"))
    await message.answer(
        _join(updated, _profile_text(t, graduate, cipher)),
        reply_markup=profile_keyboard(t, signup.FIELDS),
    )


def _profile_text(t: Translator, graduate: Graduate, cipher: FieldCipher) -> str:
    view = _localised(t, signup.graduate_view(graduate, cipher))
    view["verified"] = t("profile-verified-yes" if graduate.verified else "profile-verified-no")
    return t("profile-view", **view)


# --- asking ----------------------------------------------------------------------------------


async def _ask_next(
    message: Message, state: FSMContext, t: Translator, *, prefix: str = ""
) -> None:
    """Move to the first unanswered field, or to the summary when none is left."""
    draft = (await state.get_data())["draft"]
    field = signup.next_field(draft)
    if field is None:
        await state.set_state(SignUp.confirm)
        text = t("signup-summary", **_localised(t, signup.draft_view(draft)))
        await message.answer(_join(prefix, text), reply_markup=summary_keyboard(t, signup.FIELDS))
        return
    await state.set_state(FIELD_STATES[field])
    await message.answer(
        _join(prefix, t(f"signup-ask-{field}")),
        reply_markup=field_keyboard(t, field, this_year=date.today().year),
    )


async def _ask_current(
    message: Message, state: FSMContext, t: Translator, *, prefix: str = ""
) -> None:
    """Ask the current question again (after `prefix`, e.g. what was wrong), in one message."""
    current = await state.get_state()
    if current == SignUp.consent.state:
        intro = t(
            "signup-intro",
            name=message.chat.first_name or "",
            version=(await state.get_data()).get("version", ""),
        )
        await message.answer(_join(prefix, intro), reply_markup=consent_keyboard(t))
        return
    if current == SignUp.confirm.state:
        await _ask_next(message, state, t, prefix=prefix)
        return
    field = STATE_FIELDS[current]
    await message.answer(
        _join(prefix, t(f"signup-ask-{field}")),
        reply_markup=field_keyboard(t, field, this_year=date.today().year),
    )


def _localised(t: Translator, view: dict[str, str]) -> dict[str, str]:
    """Turn stored codes (status, education, empty place) into words for the summary."""
    shown = dict(view)
    shown["status"] = t(f"status-{view['status']}") if view["status"] else ""
    shown["education"] = t(f"education-{view['education']}") if view["education"] else ""
    shown["desired"] = view["desired"] or t("place-anywhere")
    shown["id_number"] = view["id_number"] or t("signup-not-given")
    return shown


def _join(prefix: str, text: str) -> str:
    return f"{prefix}\n{text}" if prefix else text
