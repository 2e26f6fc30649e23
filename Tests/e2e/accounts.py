"""Steps a user takes to get identities: an IAM user with a key, a role, a role session."""

from __future__ import annotations

from harness import Credentials


def user_with_key(iam, name: str, path: str = "/") -> tuple[dict, Credentials]:
    user = iam.create_user(UserName=name, Path=path)["User"]
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return user, Credentials.of_access_key(key)


def role(iam, name: str, trust_policy: str, **extra) -> dict:
    return iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust_policy, **extra)["Role"]


def role_session(sts, role_arn: str, session_name: str = "session", **extra) -> tuple[dict, Credentials]:
    answer = sts.assume_role(RoleArn=role_arn, RoleSessionName=session_name, **extra)
    return answer, Credentials.of_access_key(answer["Credentials"])
