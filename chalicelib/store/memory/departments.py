"""The store in memory: departments and the presence of their agents."""

from __future__ import annotations

from collections.abc import Mapping
from copy import deepcopy
from dataclasses import replace
from typing import Any

from chalicelib.store.base import Changed, Taken
from chalicelib.store.memory.core import (
    MemoryCore,
    _locked,
)
from chalicelib.store.records import (
    Department,
)


class DepartmentsDicts(MemoryCore):
    # ---- departments ---------------------------------------------------------------------------

    @_locked
    def create_department(self, department: Department) -> None:
        if department.department_id in self._departments:
            raise Taken(department.department_id)
        self._departments[department.department_id] = department

    @_locked
    def get_department(self, department_id: str) -> Department | None:
        return self._departments.get(department_id)

    @_locked
    def all_departments(self) -> list[Department]:
        return [self._departments[k] for k in sorted(self._departments)]

    @_locked
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
        department = self._departments.get(department_id)
        if department is None:
            raise Changed(department_id)
        changes: dict[str, Any] = {
            "name": name,
            "allowed_origins": allowed_origins,
            "retention_hours": retention_hours,
            "office_hours": deepcopy(dict(office_hours)) if office_hours is not None else None,
            "offline_messages": offline_messages,
            "agent_display": agent_display,
            "alert_after_minutes": alert_after_minutes,
            "uploads": uploads,
        }
        department = replace(department, **{k: v for k, v in changes.items() if v is not None})
        if privacy_url is not None:
            department = replace(department, privacy_url=privacy_url or None)
        if alert_email is not None:
            department = replace(department, alert_email=alert_email or None)
        self._departments[department_id] = department
        return department

    @_locked
    def delete_department(self, department_id: str) -> None:
        if self._departments.pop(department_id, None) is None:
            raise Changed(department_id)

    @_locked
    def mark_agent_gone(self, department_id: str, agent_id: str, since: int | None) -> None:
        department = self._departments.get(department_id)
        if department is None:
            return
        gone = {k: v for k, v in department.gone_agents.items() if k != agent_id}
        if since is not None:
            gone[agent_id] = since
        self._departments[department_id] = replace(department, gone_agents=gone)

    @_locked
    def set_agent_presence(
        self, department_id: str, agent_id: str, ready_until: int | None, consoles: tuple[str, ...]
    ) -> None:
        department = self._departments.get(department_id)
        if department is None:
            return
        ready = dict(department.ready_until)
        if ready_until is None:
            ready.pop(agent_id, None)
        else:
            ready[agent_id] = ready_until
        live = dict(department.consoles)
        if consoles:
            live[agent_id] = consoles
        else:
            live.pop(agent_id, None)
        self._departments[department_id] = replace(department, ready_until=ready, consoles=live)

    @_locked
    def extend_agent_presence(self, department_id: str, agent_id: str, ready_until: int) -> bool:
        department = self._departments.get(department_id)
        if department is None or agent_id not in department.ready_until:
            return False
        ready = {**department.ready_until, agent_id: ready_until}
        self._departments[department_id] = replace(department, ready_until=ready)
        return True
