"""The store in DynamoDB: departments and the presence of their agents."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from chalicelib.store.base import Changed, Taken
from chalicelib.store.records import (
    Department,
)

if TYPE_CHECKING:
    pass
from chalicelib.store.dynamo.core import (
    DynamoCore,
    _Condition,
    _conditional,
    _record,
    _values,
)


class DepartmentsTables(DynamoCore):
    # ---- departments ---------------------------------------------------------------------------

    def create_department(self, department: Department) -> None:
        Item = self.m.DepartmentItem
        try:
            with _conditional():
                Item(**_values(department)).save(condition=Item.department_id.does_not_exist())
        except _Condition as exc:
            raise Taken(department.department_id) from exc

    def get_department(self, department_id: str) -> Department | None:
        item = self._get(self.m.DepartmentItem, department_id)
        return _record(Department, item) if item is not None else None

    def all_departments(self) -> list[Department]:
        Item = self.m.DepartmentItem
        ids = [item.department_id for item in Item.listing_index.query("department")]
        found = [_record(Department, item) for item in Item.batch_get(ids)] if ids else []
        return sorted(found, key=lambda d: d.department_id)

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
        Item = self.m.DepartmentItem
        actions = []
        if name is not None:
            actions.append(Item.name.set(name))
        if allowed_origins is not None:
            actions.append(Item.allowed_origins.set(list(allowed_origins)))
        if retention_hours is not None:
            actions.append(Item.retention_hours.set(retention_hours))
        if office_hours is not None:
            actions.append(Item.office_hours.set(dict(office_hours)))
        if offline_messages is not None:
            actions.append(Item.offline_messages.set(offline_messages))
        if privacy_url is not None:
            actions.append(
                Item.privacy_url.set(privacy_url) if privacy_url else Item.privacy_url.remove()
            )
        if agent_display is not None:
            actions.append(Item.agent_display.set(agent_display))
        if alert_after_minutes is not None:
            actions.append(Item.alert_after_minutes.set(alert_after_minutes))
        if alert_email is not None:
            actions.append(
                Item.alert_email.set(alert_email) if alert_email else Item.alert_email.remove()
            )
        if uploads is not None:
            actions.append(Item.uploads.set(uploads))
        if not actions:
            department = self.get_department(department_id)
            if department is None:
                raise Changed(department_id)
            return department
        item = Item(department_id)
        try:
            self._update(item, actions, Item.department_id.exists())
        except _Condition as exc:
            raise Changed(department_id) from exc
        return _record(Department, item)

    def delete_department(self, department_id: str) -> None:
        Item = self.m.DepartmentItem
        try:
            with _conditional():
                Item(department_id).delete(condition=Item.department_id.exists())
        except _Condition as exc:
            raise Changed(department_id) from exc

    def mark_agent_gone(self, department_id: str, agent_id: str, since: int | None) -> None:
        Item = self.m.DepartmentItem
        path = Item.gone_agents[agent_id]
        action = path.set(since) if since is not None else path.remove()
        # A department stored before agents gone were kept has no map to write into yet.
        for _attempt in range(2):
            try:
                self._update(Item(department_id), [action], Item.gone_agents.exists())
                return
            except _Condition:
                if since is None:
                    return  # nothing remembered: nothing to forget
            with contextlib.suppress(_Condition):  # deleted, or the map made meanwhile
                condition = Item.department_id.exists() & Item.gone_agents.does_not_exist()
                self._update(
                    Item(department_id), [Item.gone_agents.set({agent_id: since})], condition
                )
                return
            if self.get_department(department_id) is None:
                return

    def set_agent_presence(
        self, department_id: str, agent_id: str, ready_until: int | None, consoles: tuple[str, ...]
    ) -> None:
        Item = self.m.DepartmentItem
        actions = [
            Item.ready_until[agent_id].set(ready_until)
            if ready_until is not None
            else Item.ready_until[agent_id].remove(),
            Item.consoles[agent_id].set(" ".join(consoles))
            if consoles
            else Item.consoles[agent_id].remove(),
        ]
        with contextlib.suppress(_Condition):  # deleted meanwhile: nothing to keep current
            self._update(Item(department_id), actions, Item.department_id.exists())

    def extend_agent_presence(self, department_id: str, agent_id: str, ready_until: int) -> bool:
        Item = self.m.DepartmentItem
        try:
            self._update(
                Item(department_id),
                [Item.ready_until[agent_id].set(ready_until)],
                Item.ready_until[agent_id].exists(),
            )
        except _Condition:
            return False
        return True
