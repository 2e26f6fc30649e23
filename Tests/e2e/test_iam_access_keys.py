"""Access keys: two per user, inactive keys, who may manage them, and when they were last used."""


from accounts import user_with_key
from refusals import refused


def test_a_user_gets_at_most_two_access_keys(iam):
    iam.create_user(UserName="alice")
    first = iam.create_access_key(UserName="alice")["AccessKey"]
    second = iam.create_access_key(UserName="alice")["AccessKey"]
    assert first["Status"] == second["Status"] == "Active"
    assert first["UserName"] == "alice"
    assert len(first["SecretAccessKey"]) == 40
    assert first["AccessKeyId"] != second["AccessKeyId"]
    with refused("LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2"):
        iam.create_access_key(UserName="alice")
    listed = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
    assert sorted(k["AccessKeyId"] for k in listed) == sorted([first["AccessKeyId"], second["AccessKeyId"]])
    assert all("SecretAccessKey" not in k and k["UserName"] == "alice" for k in listed)
    iam.delete_access_key(UserName="alice", AccessKeyId=first["AccessKeyId"])
    iam.create_access_key(UserName="alice")


def test_access_keys_of_an_unknown_user(iam):
    with refused("NoSuchEntity", 404, "The user with name nobody cannot be found."):
        iam.create_access_key(UserName="nobody")
    with refused("NoSuchEntity", 404):
        iam.list_access_keys(UserName="nobody")


def test_a_user_manages_their_own_keys_without_naming_themselves(iam, boto):
    _, credentials = user_with_key(iam, "alice")
    own = boto("iam", credentials)
    second = own.create_access_key()["AccessKey"]
    assert second["UserName"] == "alice"
    assert {k["AccessKeyId"] for k in own.list_access_keys()["AccessKeyMetadata"]} == {credentials.access_key, second["AccessKeyId"]}
    own.update_access_key(AccessKeyId=second["AccessKeyId"], Status="Inactive")
    statuses = {k["AccessKeyId"]: k["Status"] for k in own.list_access_keys()["AccessKeyMetadata"]}
    assert statuses[second["AccessKeyId"]] == "Inactive"
    own.delete_access_key(AccessKeyId=second["AccessKeyId"])
    assert [k["AccessKeyId"] for k in own.list_access_keys()["AccessKeyMetadata"]] == [credentials.access_key]


def test_the_root_user_must_name_the_user(iam):
    with refused("ValidationError", 400, "Must specify userName when calling with non-User credentials"):
        iam.list_access_keys()


def test_a_key_of_another_user_cannot_be_managed_through_this_one(iam):
    iam.create_user(UserName="alice")
    iam.create_user(UserName="bob")
    bobs = iam.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    with refused("NoSuchEntity", 404, f"The Access Key with id {bobs} cannot be found"):
        iam.delete_access_key(UserName="alice", AccessKeyId=bobs)
    with refused("NoSuchEntity", 404):
        iam.update_access_key(UserName="alice", AccessKeyId=bobs, Status="Inactive")


def test_an_invalid_status_is_a_validation_error(iam, boto):
    iam.create_user(UserName="alice")
    key = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    with refused("ValidationError", 400, "status"):
        boto("iam", validate=False).update_access_key(UserName="alice", AccessKeyId=key, Status="Sleeping")


def test_last_used_of_a_fresh_key_is_not_available(iam):
    _, credentials = user_with_key(iam, "alice")
    answer = iam.get_access_key_last_used(AccessKeyId=credentials.access_key)
    assert answer["UserName"] == "alice"
    assert answer["AccessKeyLastUsed"]["ServiceName"] == "N/A"
    assert answer["AccessKeyLastUsed"]["Region"] == "N/A"
    assert "LastUsedDate" not in answer["AccessKeyLastUsed"]


def test_last_used_records_the_service_and_region(iam, boto):
    _, credentials = user_with_key(iam, "alice")
    boto("sts", credentials).get_caller_identity()
    used = iam.get_access_key_last_used(AccessKeyId=credentials.access_key)["AccessKeyLastUsed"]
    assert used["ServiceName"] == "sts"
    assert used["Region"] == "us-east-1"
    assert "LastUsedDate" in used


def test_last_used_of_an_unknown_key_is_access_denied(iam):
    with refused("AccessDenied", 403):
        iam.get_access_key_last_used(AccessKeyId="AKIAAAAAAAAAAAAAAAAA")


def test_a_deleted_users_key_no_longer_is_the_user(iam, boto):
    _, credentials = user_with_key(iam, "alice")
    iam.delete_access_key(UserName="alice", AccessKeyId=credentials.access_key)
    iam.delete_user(UserName="alice")
    assert boto("sts", credentials).get_caller_identity()["Arn"].endswith(":root")
