"""Who am I? GetCallerIdentity, GetSessionToken and GetAccessKeyInfo for every kind of caller."""

import email.utils
import re

from accounts import role, role_session, user_with_key
from harness import DEFAULT_ACCOUNT, Credentials
from policies import trust_arn
from refusals import refused


def test_any_unknown_key_is_the_root_user_of_the_default_account(sts):
    identity = sts.get_caller_identity()
    assert identity["Account"] == DEFAULT_ACCOUNT
    assert identity["Arn"] == f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"
    assert identity["UserId"] == DEFAULT_ACCOUNT


def test_a_twelve_digit_key_selects_another_account(boto):
    sts = boto("sts", Credentials("210987654321", "anything"))
    identity = sts.get_caller_identity()
    assert identity == {**identity, "Account": "210987654321", "Arn": "arn:aws:iam::210987654321:root",
                        "UserId": "210987654321"}


def test_accounts_are_separate(boto):
    other_iam = boto("iam", Credentials("210987654321", "x"))
    other_iam.create_user(UserName="alice")
    default_iam = boto("iam")
    with refused("NoSuchEntity", 404, "The user with name alice cannot be found."):
        default_iam.get_user(UserName="alice")
    assert other_iam.get_user(UserName="alice")["User"]["Arn"] == "arn:aws:iam::210987654321:user/alice"


def test_an_iam_user_key_is_that_user(iam, boto):
    user, credentials = user_with_key(iam, "alice", path="/engineering/")
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", credentials.access_key)
    identity = boto("sts", credentials).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/engineering/alice"
    assert identity["UserId"] == user["UserId"]
    assert re.fullmatch(r"AIDA[A-Z2-7]{17}", identity["UserId"])
    assert identity["Account"] == DEFAULT_ACCOUNT


def test_an_assumed_role_session_is_the_role_session(iam, boto):
    user, alice = user_with_key(iam, "alice")
    db_role = role(iam, "db-admin", trust_arn(user["Arn"]))
    answer, session = role_session(boto("sts", alice), db_role["Arn"], "alice-at-work")
    assert answer["AssumedRoleUser"] == {
        "Arn": f"arn:aws:sts::{DEFAULT_ACCOUNT}:assumed-role/db-admin/alice-at-work",
        "AssumedRoleId": f"{db_role['RoleId']}:alice-at-work",
    }
    assert re.fullmatch(r"ASIA[A-Z2-7]{16}", session.access_key)
    assert session.token
    identity = boto("sts", session).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::{DEFAULT_ACCOUNT}:assumed-role/db-admin/alice-at-work"
    assert identity["UserId"] == f"{db_role['RoleId']}:alice-at-work"
    assert identity["UserId"].startswith("AROA")
    assert identity["Account"] == DEFAULT_ACCOUNT


def test_a_session_token_session_stays_the_user(iam, boto):
    user, alice = user_with_key(iam, "alice")
    answer = boto("sts", alice).get_session_token(DurationSeconds=900)
    session = Credentials.of_access_key(answer["Credentials"])
    assert session.access_key.startswith("ASIA")
    identity = boto("sts", session).get_caller_identity()
    assert identity["Arn"] == user["Arn"]
    assert identity["UserId"] == user["UserId"]


def test_session_token_expiry_follows_the_requested_duration(iam, boto):
    _, alice = user_with_key(iam, "alice")
    sts = boto("sts", alice)
    before = sts.get_caller_identity()["ResponseMetadata"]
    answer = sts.get_session_token(DurationSeconds=1800)
    expiration = answer["Credentials"]["Expiration"]
    served = email.utils.parsedate_to_datetime(before["HTTPHeaders"]["date"])
    assert 1700 <= (expiration - served).total_seconds() <= 1900


def test_get_session_token_with_session_credentials_is_refused(iam, boto):
    _, alice = user_with_key(iam, "alice")
    session = Credentials.of_access_key(boto("sts", alice).get_session_token()["Credentials"])
    with refused("AccessDenied", 403, "Cannot call GetSessionToken with session credentials"):
        boto("sts", session).get_session_token()


def test_get_session_token_with_role_session_credentials_is_refused(iam, boto):
    user, alice = user_with_key(iam, "alice")
    target = role(iam, "reader", trust_arn(user["Arn"]))
    _, session = role_session(boto("sts", alice), target["Arn"])
    with refused("AccessDenied", 403, "Cannot call GetSessionToken with session credentials"):
        boto("sts", session).get_session_token()


def test_get_access_key_info_names_the_account(iam, boto, sts):
    _, alice = user_with_key(iam, "alice")
    assert sts.get_access_key_info(AccessKeyId=alice.access_key)["Account"] == DEFAULT_ACCOUNT
    other_iam = boto("iam", Credentials("210987654321", "x"))
    other_iam.create_user(UserName="bob")
    bob_key = other_iam.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    assert sts.get_access_key_info(AccessKeyId=bob_key)["Account"] == "210987654321"
    session = boto("sts", alice).get_session_token()["Credentials"]
    assert sts.get_access_key_info(AccessKeyId=session["AccessKeyId"])["Account"] == DEFAULT_ACCOUNT


def test_get_access_key_info_validates_the_key_id(boto):
    sts = boto("sts", validate=False)
    with refused("ValidationError", 400, "accessKeyId"):
        sts.get_access_key_info(AccessKeyId="short")


def test_a_root_session_token_lasts_at_most_an_hour(sts):
    answer = sts.get_session_token(DurationSeconds=7200)
    served = email.utils.parsedate_to_datetime(answer["ResponseMetadata"]["HTTPHeaders"]["date"])
    assert 3500 <= (answer["Credentials"]["Expiration"] - served).total_seconds() <= 3700


def test_session_token_duration_is_bounded_by_the_model(boto):
    with refused("ValidationError", 400, "durationSeconds", "129600"):
        boto("sts", validate=False).get_session_token(DurationSeconds=129601)
