"""Telegram handlers: pull ids and text out of an update, ask the `ChatDoor` in a worker
thread (the core is synchronous), send the rendered reply. No logic of their own."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bots.door import ChatDoor, Who
from bots.render import Button, Outgoing, is_link, telegram_messages
from core.ai.assistant import Reply

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
DoorCall = Callable[[ChatDoor, Who], Reply]
REPLACING = ("confirm:", "rem:", "draft:")


def who(update: Update) -> Who:
    user = update.effective_user
    if user is None:
        raise ValueError("an update without a sender")
    return Who(str(user.id), user.full_name)


def door(context: Context) -> ChatDoor:
    found: ChatDoor = context.application.bot_data["door"]
    return found


def keyboard(rows: list[list[Button]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, url=data) if is_link(data)
          else InlineKeyboardButton(label, callback_data=data) for label, data in row]
         for row in rows])


async def send(message: Message, reply: Reply) -> None:
    """Send every piece of the reply; a piece Telegram cannot parse goes as plain text."""
    for piece in telegram_messages(reply):
        try:
            await message.reply_html(piece.text, reply_markup=keyboard(piece.buttons))
        except BadRequest as error:
            if "parse" not in str(error).lower():
                raise
            await message.reply_text(piece.plain, reply_markup=keyboard(piece.buttons))


async def answer(update: Update, context: Context, call: DoorCall) -> None:
    """Run `call` off the event loop and send its reply to the chat."""
    if update.effective_message is None:
        return
    reply = await asyncio.to_thread(call, door(context), who(update))
    await send(update.effective_message, reply)


def arguments(context: Context) -> str:
    return " ".join(context.args or [])


# --- commands ------------------------------------------------------------------------------


async def start(update: Update, context: Context) -> None:
    await answer(update, context, ChatDoor.start)


async def help_command(update: Update, context: Context) -> None:
    await answer(update, context, ChatDoor.help)


async def link(update: Update, context: Context) -> None:
    code = arguments(context)
    await answer(update, context, lambda d, w: d.link(w, code))


async def connect(update: Update, context: Context) -> None:
    provider = arguments(context)
    await answer(update, context, lambda d, w: d.connect(w, provider))


async def today(update: Update, context: Context) -> None:
    await answer(update, context, ChatDoor.today)


async def tasks(update: Update, context: Context) -> None:
    await answer(update, context, ChatDoor.tasks)


async def remind(update: Update, context: Context) -> None:
    text = arguments(context)
    await answer(update, context, lambda d, w: d.remind(w, text))


async def brief(update: Update, context: Context) -> None:
    await answer(update, context, ChatDoor.brief)


async def usage(update: Update, context: Context) -> None:
    await answer(update, context, ChatDoor.usage)


async def mail(update: Update, context: Context) -> None:
    await answer(update, context, ChatDoor.mail)


async def reply(update: Update, context: Context) -> None:
    words = arguments(context)
    await answer(update, context, lambda d, w: d.reply(w, words))


async def text(update: Update, context: Context) -> None:
    said = update.effective_message.text if update.effective_message else None
    await answer(update, context, lambda d, w: d.ask(w, said or ""))


async def not_yet(update: Update, context: Context) -> None:
    await answer(update, context, ChatDoor.not_yet)


async def button(update: Update, context: Context) -> None:
    """A pressed inline button: answers to a question or a notification replace that
    message (so it cannot be pressed twice); task buttons answer below the list."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    payload = query.data or ""
    reply = await asyncio.to_thread(door(context).press, who(update), payload)
    message = query.message
    if not isinstance(message, Message):  # too old for Telegram to show it
        return
    if payload.startswith(REPLACING):
        await _replace(message, telegram_messages(reply)[0])
    else:
        await send(message, reply)


async def _replace(message: Message, piece: Outgoing) -> None:
    try:
        await message.edit_text(piece.text, parse_mode=ParseMode.HTML,
                                reply_markup=keyboard(piece.buttons))
    except BadRequest:
        await message.edit_text(piece.plain, reply_markup=keyboard(piece.buttons))


async def on_error(update: object, context: Context) -> None:
    """The one error hook: the trace to the log, a short apology with a reference to the
    person, and the bot keeps running."""
    reference = secrets.token_hex(4)
    log.error("telegram update failed (ref %s)", reference, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        await update.effective_chat.send_message(
            f"Sorry, something went wrong on my side (reference {reference}).")


def handler_table() -> list[tuple[str, Any]]:
    return [("start", start), ("help", help_command), ("link", link), ("today", today),
            ("tasks", tasks), ("remind", remind), ("brief", brief), ("usage", usage),
            ("connect", connect), ("mail", mail), ("reply", reply)]
