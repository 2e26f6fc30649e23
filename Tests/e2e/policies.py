"""Policy documents as a user writes them, as JSON strings ready for IAM and STS."""

from __future__ import annotations

import json


def document(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", condition: dict | None = None) -> dict:
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


def deny(action, resource="*", condition: dict | None = None) -> dict:
    return {**allow(action, resource, condition), "Effect": "Deny"}


def db_connect(resource_id: str, user: str) -> str:
    """`rds-db:connect` for `user` of the DB instance or cluster with that resource id."""
    return document(allow("rds-db:connect", f"arn:aws:rds-db:us-east-1:123456789012:dbuser:{resource_id}/{user}"))


def trust(principal: dict, action: str | list[str] = "sts:AssumeRole", condition: dict | None = None, effect: str = "Allow") -> str:
    """A role trust policy letting `principal` ({"AWS": arn} or {"Service": name}) assume the role."""
    statement = {"Effect": effect, "Principal": principal, "Action": action}
    if condition:
        statement["Condition"] = condition
    return document(statement)


def trust_arn(*arns: str, condition: dict | None = None) -> str:
    return trust({"AWS": list(arns) if len(arns) > 1 else arns[0]}, condition=condition)


def trust_account(account: str) -> str:
    return trust({"AWS": f"arn:aws:iam::{account}:root"})


def trust_services(*services: str) -> str:
    return trust({"Service": list(services)})


def identity(*statements: dict) -> str:
    return document(*statements)
