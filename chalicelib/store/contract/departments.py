"""What the store does with departments and the presence of their agents."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

from chalicelib.store.records import (
    Department,
)


class DepartmentsContract(ABC):
    # ---- departments ---------------------------------------------------------------------------

    @abstractmethod
    def create_department(self, department: Department) -> None:
        """`Taken` when the id is."""

    @abstractmethod
    def get_department(self, department_id: str) -> Department | None: ...
    @abstractmethod
    def all_departments(self) -> list[Department]:
        """Every department, by id."""

    @abstractmethod
    def change_department(
        self,
        department_id: str,
        *,
        name: str | None = None,
        allowed_origins: tuple[str, ...] | None = None,
        retention_hours: int | None = None,
        office_hours: Mapping[str, Any] | None = None,
        offline_messages: bool | None = None,
        privacy_url: str | None = None,
        agent_display: str | None = None,
        alert_after_minutes: int | None = None,
        alert_email: str | None = None,
        uploads: bool | None = None,
    ) -> Department:
        """Change what is given (office hours as a whole; an empty `privacy_url` or
        `alert_email` removes it);
        `Changed` when the department is gone."""

    @abstractmethod
    def delete_department(self, department_id: str) -> None:
        """`Changed` when there is none."""

    @abstractmethod
    def mark_agent_gone(self, department_id: str, agent_id: str, since: int | None) -> None:
        """Remember (or, with None, forget) since when an agent serving chats of the department
        has had no live connection; a department deleted meanwhile is left alone."""

    @abstractmethod
    def set_agent_presence(
        self, department_id: str, agent_id: str, ready_until: int | None, consoles: tuple[str, ...]
    ) -> None:
        """Whether the agent counts for the department's button (until when), and the
        connections of its live consoles; a department deleted meanwhile is left alone."""

    @abstractmethod
    def extend_agent_presence(self, department_id: str, agent_id: str, ready_until: int) -> bool:
        """Move the agent's presence deadline forward if it counts for the button now; False
        when it does not."""
