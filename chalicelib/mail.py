"""Outgoing email: SES in AWS, .eml files in an outbox directory locally."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import botocore.session


class Mailer:
    def __init__(
        self, sender: str, outbox_dir: str | None, region: str, reply_to: str = ""
    ) -> None:
        self._sender = sender
        self._outbox_dir = outbox_dir
        self._region = region
        self._reply_to = reply_to

    def send(self, to: str, subject: str, body: str, at: str, html: str | None = None) -> None:
        """Plain text, and with `html` an HTML alternative (escaped by the caller)."""
        # Imported on first use: the email package costs importing app.py some milliseconds,
        # and only registration and approvals send mail.
        from email.message import EmailMessage

        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = to
        if self._reply_to:
            message["Reply-To"] = self._reply_to
        message["Subject"] = subject
        message.set_content(body)
        if html is not None:
            message.add_alternative(html, subtype="html")
        if self._outbox_dir:
            outbox = Path(self._outbox_dir)
            outbox.mkdir(parents=True, exist_ok=True)
            safe_to = re.sub(r"[^A-Za-z0-9@._-]", "_", to)
            stem = f"{re.sub(r'[^0-9]', '', at)}-{safe_to}"
            # A second mail to the same address in the same millisecond (a registration and
            # its note, say) gets "~1", which sorts after the first: none replaces another.
            for n in itertools.count():
                try:
                    with (outbox / f"{stem}{f'~{n}' if n else ''}.eml").open("xb") as file:
                        file.write(bytes(message))
                    return
                except FileExistsError:
                    continue
        # botocore, like chalicelib/push: importing boto3 would slow every cold start.
        client: Any = botocore.session.get_session().create_client(
            "sesv2", region_name=self._region
        )
        client.send_email(
            FromEmailAddress=self._sender,
            Destination={"ToAddresses": [to]},
            Content={"Raw": {"Data": bytes(message)}},
        )
