"""Mails to visitors: the answers to a message they left (each one at once, as the agent sends
it), the mail that says it is closed, and a chat's transcript. German or English by the chat's
language; plain text with an HTML alternative in which everything said is escaped. A mail that
cannot be sent is tried again a few times, then logged without its address: the visitor's
answer is still in the chat window while the chat lasts."""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable

from chalicelib.services.context import Context
from chalicelib.store.records import Message, Room

log = logging.getLogger(__name__)

SEND_ATTEMPTS = 3
TRANSCRIPT_LINES = 1000

TEXTS = {
    "de": {
        "answer_subject": "Antwort auf Ihre Nachricht",
        "answer_intro": "{agent} hat auf Ihre Nachricht geantwortet:",
        "closed_subject": "Ihre Nachricht ist abgeschlossen",
        "closed_body": (
            "Ihre Nachricht wurde abgeschlossen; weitere Antworten kommen dazu nicht. Haben Sie "
            "noch eine Frage, schreiben Sie uns gern erneut im Chat."
        ),
        "transcript_subject": "Ihr Chatverlauf",
        "transcript_intro": "Der Verlauf Ihres Chats vom {date}:",
        "footer": "Diese Nachricht wurde automatisch aus dem Livechat gesendet.",
        "system": "Hinweis",
        "file": "[Datei: {name}]",
    },
    "en": {
        "answer_subject": "Reply to your message",
        "answer_intro": "{agent} has replied to your message:",
        "closed_subject": "Your message is closed",
        "closed_body": (
            "Your message has been closed; no more replies to it will follow. If you have "
            "another question, write to us in the chat again."
        ),
        "transcript_subject": "Your chat transcript",
        "transcript_intro": "The transcript of your chat of {date}:",
        "footer": "This message was sent automatically from the live chat.",
        "system": "Note",
        "file": "[File: {name}]",
    },
}


# System lines are stored in English (services/messages.py); a German transcript says them so.
SYSTEM_DE = {
    "preview": "Gleich ist jemand für Sie da.",
    "taken": "{name} ist dem Chat beigetreten.",
    "returned": "Der Chat ist zurück in der Warteschlange. Die nächste freie Person antwortet.",
    "forwarded": "Der Chat wurde an {name} weitergeleitet.",
    "closed": "Der Chat wurde beendet.",
    "agent_gone": "{name} ist nicht mehr erreichbar. Die nächste freie Person antwortet.",
    "agent_gone_nobody": "{name} ist nicht mehr erreichbar, und gerade kann niemand antworten.",
    "taken_over": "{name} hat den Chat übernommen.",
}


def _said(message: Message, language: str | None) -> str:
    if message.author_kind == "system" and language == "de" and message.event in SYSTEM_DE:
        return SYSTEM_DE[message.event].format(name=message.event_name)
    return message.text


def _texts(language: str | None) -> dict[str, str]:
    return TEXTS["en"] if language == "en" else TEXTS["de"]


def _html(paragraphs: Iterable[str]) -> str:
    """Each paragraph escaped, its line breaks kept."""
    body = "".join("<p>" + html.escape(p).replace("\n", "<br>\n") + "</p>\n" for p in paragraphs)
    return f'<!DOCTYPE html>\n<html><body style="font-family: sans-serif">\n{body}</body></html>\n'


def _send(
    ctx: Context, to: str, subject: str, paragraphs: list[str], room: Room, kind: str
) -> bool:
    text = "\n\n".join(paragraphs) + "\n"
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            ctx.mailer.send(to, subject, text, at=ctx.iso(), html=_html(paragraphs))
            return True
        except Exception as exc:  # noqa: BLE001 - SES refusals and outbox write errors alike
            failure = exc.__class__.__name__
            if attempt == SEND_ATTEMPTS:
                # Without the address: logs are kept longer than the room that holds it.
                log.warning(
                    "the %s mail of room %s could not be sent after %d attempts (%s)",
                    kind,
                    room.room_id,
                    SEND_ATTEMPTS,
                    failure,
                )
    return False


def answer(ctx: Context, room: Room, message: Message) -> None:
    """An agent's reply to a message left while nobody could answer, mailed at once."""
    if room.offline_email is None:
        return
    t = _texts(room.language)
    paragraphs = [t["answer_intro"].format(agent=message.author_name), message.text, t["footer"]]
    _send(ctx, room.offline_email, t["answer_subject"], paragraphs, room, "answer")


def after_close(ctx: Context, room: Room) -> None:
    """The closed room's last mails: that a message left is closed, and the transcript asked
    for while it was open (whose address then goes)."""
    if room.offline_email is not None:
        t = _texts(room.language)
        paragraphs = [t["closed_body"], t["footer"]]
        _send(ctx, room.offline_email, t["closed_subject"], paragraphs, room, "closing")
    if room.transcript_to is not None:
        transcript(ctx, room, room.transcript_to, room.language)
        ctx.store.forget_transcript_address(room.room_id)


def transcript(ctx: Context, room: Room, to: str, language: str | None) -> None:
    """The chat's lines as the visitor saw them (system lines in the mail's language)."""
    language = "en" if language == "en" else "de"
    t = _texts(language)
    lines = []
    for message in ctx.store.messages_after(room.room_id, 0, TRANSCRIPT_LINES, ctx.now()):
        author = t["system"] if message.author_kind == "system" else message.author_name
        said = _said(message, language)
        if message.file is not None:  # named, never attached: the file stays in the chat
            said = " ".join(filter(None, [said, t["file"].format(name=message.file["name"])]))
        lines.append(f"[{message.created_at[:16].replace('T', ' ')}] {author}: {said}")
    intro = t["transcript_intro"].format(date=room.created_at[:10])
    _send(
        ctx, to, t["transcript_subject"], [intro, "\n".join(lines), t["footer"]], room, "transcript"
    )
