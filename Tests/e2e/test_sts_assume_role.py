"""Assuming a role: who may, for how long, and what the session credentials are worth."""

import email.utils

import pytest

from accounts import role, role_session, user_with_key
from harness import DEFAULT_ACCOUNT, Credentials
from policies import allow, deny, identity, trust, trust_account, trust_arn
from refusals import refused


@pytest.fixture
def alice(iam):
    """An IAM user `alice` with an access key: (user, credentials)."""
    return user_with_key(iam, "alice")


def denied(user_arn: str, role_arn: str) -> str:
    return f"User: {user_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"


def test_a_trust_policy_naming_the_user_is_enough(iam, boto, alice):
    user, credentials = alice
    target = role(iam, "db-admin", trust_arn(user["Arn"]))
    answer, session = role_session(boto("sts", credentials), target["Arn"], "s1")
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{DEFAULT_ACCOUNT}:assumed-role/db-admin/s1"
    # The role records its use.
    last_used = iam.get_role(RoleName="db-admin")["Role"]["RoleLastUsed"]
    assert "LastUsedDate" in last_used and last_used["Region"] == "us-east-1"


def test_a_trust_policy_naming_the_account_needs_an_identity_policy(iam, boto, alice):
    user, credentials = alice
    target = role(iam, "db-admin", trust_account(DEFAULT_ACCOUNT))
    sts = boto("sts", credentials)
    with refused("AccessDenied", 403, denied(user["Arn"], target["Arn"])):
        sts.assume_role(RoleArn=target["Arn"], RoleSessionName="s1")

    iam.put_user_policy(UserName="alice", PolicyName="assume-db-admin",
                        PolicyDocument=identity(allow("sts:AssumeRole", target["Arn"])))
    answer = sts.assume_role(RoleArn=target["Arn"], RoleSessionName="s1")
    assert answer["AssumedRoleUser"]["AssumedRoleId"] == f"{target['RoleId']}:s1"


def test_an_identity_policy_through_a_group_counts_too(iam, boto, alice):
    user, credentials = alice
    target = role(iam, "db-admin", trust_account(DEFAULT_ACCOUNT))
    iam.create_group(GroupName="dbas")
    iam.put_group_policy(GroupName="dbas", PolicyName="assume", PolicyDocument=identity(allow("sts:AssumeRole", "*")))
    sts = boto("sts", credentials)
    with refused("AccessDenied", 403):
        sts.assume_role(RoleArn=target["Arn"], RoleSessionName="s1")
    iam.add_user_to_group(GroupName="dbas", UserName="alice")
    sts.assume_role(RoleArn=target["Arn"], RoleSessionName="s1")


def test_an_explicit_deny_wins(iam, boto, alice):
    user, credentials = alice
    target = role(iam, "db-admin", trust_arn(user["Arn"]))
    iam.put_user_policy(UserName="alice", PolicyName="allow", PolicyDocument=identity(allow("sts:AssumeRole")))
    iam.put_user_policy(UserName="alice", PolicyName="no-db-admin",
                        PolicyDocument=identity(deny("sts:AssumeRole", target["Arn"])))
    with refused("AccessDenied", 403, denied(user["Arn"], target["Arn"])):
        boto("sts", credentials).assume_role(RoleArn=target["Arn"], RoleSessionName="s1")


def test_an_explicit_deny_in_the_trust_policy_wins(iam, boto, alice):
    user, credentials = alice
    policy = identity(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"}, "Action": "sts:AssumeRole"},
        {"Effect": "Deny", "Principal": {"AWS": user["Arn"]}, "Action": "sts:AssumeRole"})
    target = role(iam, "db-admin", policy)
    iam.attach_user_policy(UserName="alice", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    with refused("AccessDenied", 403):
        boto("sts", credentials).assume_role(RoleArn=target["Arn"], RoleSessionName="s1")


def test_a_trust_policy_naming_someone_else_refuses(iam, boto, alice):
    user, credentials = alice
    iam.create_user(UserName="bob")
    target = role(iam, "bobs-role", trust_arn(f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/bob"))
    iam.attach_user_policy(UserName="alice", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    with refused("AccessDenied", 403, denied(user["Arn"], target["Arn"])):
        boto("sts", credentials).assume_role(RoleArn=target["Arn"], RoleSessionName="s1")


def test_the_root_user_cannot_assume_a_role(iam, sts):
    target = role(iam, "db-admin", trust_account(DEFAULT_ACCOUNT))
    with refused("AccessDenied", 403, "Roles may not be assumed by root accounts."):
        sts.assume_role(RoleArn=target["Arn"], RoleSessionName="s1")


def test_a_role_that_does_not_exist_is_access_denied(boto, alice):
    user, credentials = alice
    missing = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/nobody"
    with refused("AccessDenied", 403, denied(user["Arn"], missing)):
        boto("sts", credentials).assume_role(RoleArn=missing, RoleSessionName="s1")


def test_a_role_arn_that_is_not_an_arn_is_a_validation_error(boto, alice):
    _, credentials = alice
    with refused("ValidationError", 400):
        boto("sts", credentials).assume_role(RoleArn="arn:aws:s3:::not-a-role-at-all", RoleSessionName="s1")


def test_external_id_condition(iam, boto, alice):
    user, credentials = alice
    target = role(iam, "vendor", trust_arn(user["Arn"], condition={"StringEquals": {"sts:ExternalId": "s3cret-42"}}))
    sts = boto("sts", credentials)
    with refused("AccessDenied", 403):
        sts.assume_role(RoleArn=target["Arn"], RoleSessionName="s1")
    with refused("AccessDenied", 403):
        sts.assume_role(RoleArn=target["Arn"], RoleSessionName="s1", ExternalId="wrong-id")
    sts.assume_role(RoleArn=target["Arn"], RoleSessionName="s1", ExternalId="s3cret-42")


def test_service_principals_in_the_trust_policy_do_not_admit_users(iam, boto, alice):
    _, credentials = alice
    target = role(iam, "rds-ds", trust({"Service": ["rds.amazonaws.com", "directoryservice.rds.amazonaws.com"]}))
    iam.attach_user_policy(UserName="alice", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    with refused("AccessDenied", 403):
        boto("sts", credentials).assume_role(RoleArn=target["Arn"], RoleSessionName="s1")


def test_duration_above_the_roles_max_session_duration(iam, boto, alice):
    user, credentials = alice
    target = role(iam, "short", trust_arn(user["Arn"]), MaxSessionDuration=3600)
    sts = boto("sts", credentials)
    with refused("ValidationError", 400, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."):
        sts.assume_role(RoleArn=target["Arn"], RoleSessionName="s1", DurationSeconds=3601)
    iam.update_role(RoleName="short", MaxSessionDuration=7200)
    answer = sts.assume_role(RoleArn=target["Arn"], RoleSessionName="s1", DurationSeconds=7200)
    served = answer["ResponseMetadata"]["HTTPHeaders"]["date"]
    lifetime = (answer["Credentials"]["Expiration"] - email.utils.parsedate_to_datetime(served)).total_seconds()
    assert 7100 <= lifetime <= 7300


def test_duration_below_the_minimum_is_a_validation_error(iam, boto, alice):
    user, credentials = alice
    target = role(iam, "r", trust_arn(user["Arn"]))
    sts = boto("sts", credentials, validate=False)
    with refused("ValidationError", 400, "durationSeconds", "900"):
        sts.assume_role(RoleArn=target["Arn"], RoleSessionName="s1", DurationSeconds=60)


def test_a_session_name_with_a_space_is_a_validation_error(iam, boto, alice):
    user, credentials = alice
    target = role(iam, "r", trust_arn(user["Arn"]))
    with refused("ValidationError", 400, "roleSessionName"):
        boto("sts", credentials, validate=False).assume_role(RoleArn=target["Arn"], RoleSessionName="my session")


def test_role_chaining_is_limited_to_one_hour(iam, boto, alice):
    user, credentials = alice
    first = role(iam, "first", trust_arn(user["Arn"]))
    second = role(iam, "second", trust_arn(first["Arn"]), MaxSessionDuration=43200)
    _, first_session = role_session(boto("sts", credentials), first["Arn"], "hop1")
    chained = boto("sts", first_session)
    with refused("ValidationError", 400, "1 hour session limit for roles assumed by role chaining"):
        chained.assume_role(RoleArn=second["Arn"], RoleSessionName="hop2", DurationSeconds=7200)
    answer = chained.assume_role(RoleArn=second["Arn"], RoleSessionName="hop2", DurationSeconds=3600)
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{DEFAULT_ACCOUNT}:assumed-role/second/hop2"
    session = Credentials.of_access_key(answer["Credentials"])
    assert boto("sts", session).get_caller_identity()["Arn"].endswith(":assumed-role/second/hop2")


def test_a_session_policy_narrows_the_session(iam, boto, alice):
    user, credentials = alice
    target = role(iam, "admin", trust_arn(user["Arn"]))
    iam.attach_role_policy(RoleName="admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    answer, session = role_session(boto("sts", credentials), target["Arn"], "narrow",
                                   Policy=identity(allow("iam:GetRole")))
    assert isinstance(answer["PackedPolicySize"], int) and 0 < answer["PackedPolicySize"] <= 100
    assert boto("sts", session).get_caller_identity()["Arn"].endswith("/admin/narrow")


def test_a_malformed_session_policy_is_refused(iam, boto, alice):
    user, credentials = alice
    target = role(iam, "admin", trust_arn(user["Arn"]))
    with refused("MalformedPolicyDocument", 400):
        boto("sts", credentials).assume_role(RoleArn=target["Arn"], RoleSessionName="s1", Policy="{not json")


def test_a_tampered_session_token_is_an_invalid_client_token(iam, boto, alice):
    user, credentials = alice
    target = role(iam, "db-admin", trust_arn(user["Arn"]))
    _, session = role_session(boto("sts", credentials), target["Arn"])
    token = session.token
    tampered = Credentials(session.access_key, session.secret_key, token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
    with refused("InvalidClientTokenId", 403, "The security token included in the request is invalid"):
        boto("sts", tampered).get_caller_identity()
    missing = Credentials(session.access_key, session.secret_key, None)
    with refused("InvalidClientTokenId", 403):
        boto("sts", missing).get_caller_identity()


def test_a_wrong_secret_is_a_signature_mismatch(iam, boto, alice):
    user, credentials = alice
    target = role(iam, "db-admin", trust_arn(user["Arn"]))
    _, session = role_session(boto("sts", credentials), target["Arn"])
    wrong = Credentials(session.access_key, session.secret_key[:-1] + ("x" if session.secret_key[-1] != "x" else "y"),
                        session.token)
    with refused("SignatureDoesNotMatch", 403, "signature we calculated does not match"):
        boto("sts", wrong).get_caller_identity()
    wrong_user_secret = Credentials(credentials.access_key, "not-the-secret")
    with refused("SignatureDoesNotMatch", 403):
        boto("sts", wrong_user_secret).get_caller_identity()


def test_an_inactive_or_deleted_key_no_longer_signs(iam, boto, alice):
    _, credentials = alice
    sts = boto("sts", credentials)
    sts.get_caller_identity()
    iam.update_access_key(UserName="alice", AccessKeyId=credentials.access_key, Status="Inactive")
    with refused("InvalidClientTokenId", 403):
        sts.get_caller_identity()
    iam.update_access_key(UserName="alice", AccessKeyId=credentials.access_key, Status="Active")
    sts.get_caller_identity()
    iam.delete_access_key(UserName="alice", AccessKeyId=credentials.access_key)
    # A key Kerbside no longer knows is, like any unknown key, the account's root user.
    assert sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"



def test_session_tags_need_sts_tag_session_in_the_trust_policy(iam, boto, alice):
    user, credentials = alice
    plain = role(iam, "plain", trust_arn(user["Arn"]))
    sts = boto("sts", credentials)
    tags = [{"Key": "project", "Value": "kerberos"}]
    with refused("AccessDenied", 403, f"is not authorized to perform: sts:TagSession on resource: {plain['Arn']}"):
        sts.assume_role(RoleArn=plain["Arn"], RoleSessionName="s1", Tags=tags)
    tagging = role(iam, "tagging", trust({"AWS": user["Arn"]}, action=["sts:AssumeRole", "sts:TagSession"]))
    answer = sts.assume_role(RoleArn=tagging["Arn"], RoleSessionName="s1", Tags=tags)
    assert answer["PackedPolicySize"] > 0


def test_a_source_identity_needs_sts_set_source_identity(iam, boto, alice):
    user, credentials = alice
    plain = role(iam, "plain", trust_arn(user["Arn"]))
    sts = boto("sts", credentials)
    with refused("AccessDenied", 403, "sts:SetSourceIdentity"):
        sts.assume_role(RoleArn=plain["Arn"], RoleSessionName="s1", SourceIdentity="alice")
    allowing = role(iam, "allowing", trust({"AWS": user["Arn"]}, action=["sts:AssumeRole", "sts:SetSourceIdentity"]))
    assert sts.assume_role(RoleArn=allowing["Arn"], RoleSessionName="s1", SourceIdentity="alice")["SourceIdentity"] == "alice"


def test_a_user_of_another_account_needs_both_trust_and_identity_policy(iam, boto):
    other = boto("iam", Credentials("210987654321", "x"))
    bob, bob_credentials = user_with_key(other, "bob")
    target = role(iam, "partner", trust_account("210987654321"))
    sts = boto("sts", bob_credentials)
    with refused("AccessDenied", 403, denied(bob["Arn"], target["Arn"])):
        sts.assume_role(RoleArn=target["Arn"], RoleSessionName="bob")
    other.put_user_policy(UserName="bob", PolicyName="assume-partner",
                          PolicyDocument=identity(allow("sts:AssumeRole", target["Arn"])))
    answer, session = role_session(sts, target["Arn"], "bob")
    # The session belongs to the role's account, not bob's.
    assert boto("sts", session).get_caller_identity()["Account"] == DEFAULT_ACCOUNT
    # A trust policy naming another account does not admit users of this one.
    _, carol = user_with_key(iam, "carol")
    iam.attach_user_policy(UserName="carol", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    with refused("AccessDenied", 403):
        boto("sts", carol).assume_role(RoleArn=target["Arn"], RoleSessionName="carol")


def test_a_session_token_session_may_assume_a_role(iam, boto, alice):
    user, credentials = alice
    target = role(iam, "r", trust_arn(user["Arn"]))
    session = Credentials.of_access_key(boto("sts", credentials).get_session_token(DurationSeconds=900)["Credentials"])
    # Not role chaining: the user's own session may ask for the role's full MaxSessionDuration.
    answer = boto("sts", session).assume_role(RoleArn=target["Arn"], RoleSessionName="from-session", DurationSeconds=3600)
    assert answer["AssumedRoleUser"]["Arn"].endswith(":assumed-role/r/from-session")


def test_a_signing_region_other_than_us_east_1_works(iam, boto, alice):
    user, credentials = alice
    assert boto("sts", credentials, region="eu-west-1").get_caller_identity()["Arn"] == user["Arn"]
    assert boto("iam", credentials, region="eu-west-1").get_user()["User"]["UserName"] == "alice"


def test_a_trust_policy_condition_on_the_callers_tags(iam, boto, alice):
    user, credentials = alice
    target = role(iam, "db-team", trust_arn(user["Arn"], condition={"StringEquals": {"aws:PrincipalTag/team": "db"}}))
    sts = boto("sts", credentials)
    with refused("AccessDenied", 403):
        sts.assume_role(RoleArn=target["Arn"], RoleSessionName="s1")
    iam.tag_user(UserName="alice", Tags=[{"Key": "team", "Value": "web"}])
    with refused("AccessDenied", 403):
        sts.assume_role(RoleArn=target["Arn"], RoleSessionName="s1")
    iam.tag_user(UserName="alice", Tags=[{"Key": "team", "Value": "db"}])
    sts.assume_role(RoleArn=target["Arn"], RoleSessionName="s1")


def test_a_permissions_boundary_caps_the_identity_policy(iam, boto, alice):
    user, credentials = alice
    target = role(iam, "db-admin", trust_account(DEFAULT_ACCOUNT))
    iam.attach_user_policy(UserName="alice", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    iam.put_user_permissions_boundary(UserName="alice", PermissionsBoundary="arn:aws:iam::aws:policy/ReadOnlyAccess")
    sts = boto("sts", credentials)
    with refused("AccessDenied", 403, denied(user["Arn"], target["Arn"])):
        sts.assume_role(RoleArn=target["Arn"], RoleSessionName="s1")
    iam.delete_user_permissions_boundary(UserName="alice")
    sts.assume_role(RoleArn=target["Arn"], RoleSessionName="s1")


def test_a_session_policy_limits_what_the_session_may_assume_next(iam, boto, alice):
    user, credentials = alice
    first = role(iam, "first", trust_arn(user["Arn"]))
    iam.attach_role_policy(RoleName="first", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    second = role(iam, "second", trust_account(DEFAULT_ACCOUNT))
    sts = boto("sts", credentials)
    _, unrestricted = role_session(sts, first["Arn"], "free")
    boto("sts", unrestricted).assume_role(RoleArn=second["Arn"], RoleSessionName="next")
    _, narrowed = role_session(sts, first["Arn"], "narrow", Policy=identity(allow("iam:Get*")))
    with refused("AccessDenied", 403,
                 f"User: arn:aws:sts::{DEFAULT_ACCOUNT}:assumed-role/first/narrow is not authorized to perform: sts:AssumeRole"):
        boto("sts", narrowed).assume_role(RoleArn=second["Arn"], RoleSessionName="next")
    _, by_arn = role_session(sts, first["Arn"], "by-arn", PolicyArns=[{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}])
    with refused("AccessDenied", 403):
        boto("sts", by_arn).assume_role(RoleArn=second["Arn"], RoleSessionName="next")


def test_a_root_session_token_is_still_root(boto, iam):
    root_session = Credentials.of_access_key(boto("sts").get_session_token()["Credentials"])
    assert boto("sts", root_session).get_caller_identity()["Arn"] == f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"
    target = role(iam, "r", trust_account(DEFAULT_ACCOUNT))
    with refused("AccessDenied", 403, "Roles may not be assumed by root accounts."):
        boto("sts", root_session).assume_role(RoleArn=target["Arn"], RoleSessionName="s1")
