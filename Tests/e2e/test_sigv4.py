"""Signature Version 4 as AWS enforces it, with requests botocore signs and we then alter."""

import datetime
import urllib.parse

import botocore.auth
import pytest
import requests
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from accounts import role, role_session, user_with_key
from harness import DEFAULT_ACCOUNT, REGION, Credentials
from policies import trust_arn
from refusals import query_error, refused

FORM = "application/x-www-form-urlencoded; charset=utf-8"
CALLER_IDENTITY = "Action=GetCallerIdentity&Version=2011-06-15"


def signed(endpoint: str, credentials: Credentials, body: str = CALLER_IDENTITY, *, service: str = "sts",
           at: datetime.datetime | None = None, monkeypatch=None) -> AWSRequest:
    """A POST signed by botocore's SigV4Auth, optionally as if the clock said `at`."""
    request = AWSRequest(method="POST", url=endpoint + "/", data=body, headers={"Content-Type": FORM})
    signer = SigV4Auth(BotoCredentials(credentials.access_key, credentials.secret_key, credentials.token), service, REGION)
    if at is not None:
        monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: at)
    signer.add_auth(request)
    if at is not None:
        monkeypatch.undo()
    return request


def send(request: AWSRequest) -> requests.Response:
    prepared = request.prepare()
    return requests.request(prepared.method, prepared.url, headers=dict(prepared.headers), data=prepared.body, timeout=10)


@pytest.fixture
def alice(iam):
    return user_with_key(iam, "alice")


def test_a_botocore_signed_request_sent_by_hand_is_accepted(endpoint, alice):
    user, credentials = alice
    answer = send(signed(endpoint, credentials))
    assert answer.status_code == 200, answer.text
    assert f"<Arn>{user['Arn']}</Arn>" in answer.text


def test_a_request_signed_six_minutes_ago_is_refused(endpoint, alice, monkeypatch):
    _, credentials = alice
    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=6)
    answer = send(signed(endpoint, credentials, at=past, monkeypatch=monkeypatch))
    assert answer.status_code == 403
    error = query_error(answer.content)
    assert error.code == "SignatureDoesNotMatch"
    assert "Signature expired" in error.message and past.strftime("%Y%m%dT%H%M%SZ") in error.message


def test_a_request_signed_six_minutes_ahead_is_refused(endpoint, alice, monkeypatch):
    _, credentials = alice
    future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=6)
    answer = send(signed(endpoint, credentials, at=future, monkeypatch=monkeypatch))
    assert answer.status_code == 403
    error = query_error(answer.content)
    assert error.code == "SignatureDoesNotMatch" and "not yet current" in error.message


def test_four_minutes_of_skew_is_tolerated(endpoint, alice, monkeypatch):
    _, credentials = alice
    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=4)
    answer = send(signed(endpoint, credentials, at=past, monkeypatch=monkeypatch))
    assert answer.status_code == 200, answer.text


def test_an_altered_body_breaks_the_signature(endpoint, alice):
    _, credentials = alice
    request = signed(endpoint, credentials, "Action=GetCallerIdentity&Version=2011-06-15")
    request.data = "Action=GetSessionToken&Version=2011-06-15"
    answer = send(request)
    assert answer.status_code == 403
    assert query_error(answer.content).code == "SignatureDoesNotMatch"


def test_an_altered_signed_header_breaks_the_signature(endpoint, alice):
    _, credentials = alice
    request = signed(endpoint, credentials)
    signed_at = datetime.datetime.strptime(request.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
    request.headers.replace_header("X-Amz-Date", (signed_at - datetime.timedelta(seconds=1)).strftime("%Y%m%dT%H%M%SZ"))
    answer = send(request)
    assert answer.status_code == 403
    assert query_error(answer.content).code == "SignatureDoesNotMatch"


def test_the_signing_service_picks_the_service_so_an_iam_action_signed_for_sts_is_unknown(endpoint, alice):
    # One endpoint serves every service; as on AWS's STS endpoint, IAM's actions are unknown there.
    _, credentials = alice
    answer = send(signed(endpoint, credentials, "Action=ListUsers&Version=2010-05-08", service="sts"))
    assert answer.status_code == 400, answer.text
    error = query_error(answer.content)
    assert error.code == "InvalidAction" and "ListUsers" in error.message


def test_a_request_without_a_signature_is_missing_authentication(endpoint):
    answer = requests.post(endpoint + "/", data=CALLER_IDENTITY, headers={"Content-Type": FORM}, timeout=10)
    assert answer.status_code == 403
    error = query_error(answer.content)
    assert error.code == "MissingAuthenticationToken"
    assert "Authentication Token" in error.message


def test_an_incomplete_authorization_header_is_refused(endpoint):
    headers = {"Content-Type": FORM, "Authorization": "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/sts/aws4_request",
               "X-Amz-Date": "20250101T000000Z"}
    answer = requests.post(endpoint + "/", data=CALLER_IDENTITY, headers=headers, timeout=10)
    assert answer.status_code == 400
    assert query_error(answer.content).code == "IncompleteSignature"


def presigned_caller_identity(boto, credentials: Credentials, expires: int = 60) -> str:
    # As aws-iam-authenticator does for EKS tokens: a GET URL, signed in its query string.
    return boto("sts", credentials).generate_presigned_url("get_caller_identity", ExpiresIn=expires, HttpMethod="GET")


def test_a_presigned_get_caller_identity_url_works(boto, alice):
    user, credentials = alice
    url = presigned_caller_identity(boto, credentials)
    assert "X-Amz-Signature=" in url and "Action=GetCallerIdentity" in url
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200, answer.text
    assert f"<Arn>{user['Arn']}</Arn>" in answer.text
    assert f"<Account>{DEFAULT_ACCOUNT}</Account>" in answer.text


def test_a_presigned_url_for_a_role_session_works(iam, boto, alice):
    user, credentials = alice
    target = role(iam, "db", trust_arn(user["Arn"]))
    _, session = role_session(boto("sts", credentials), target["Arn"], "presign")
    answer = requests.get(presigned_caller_identity(boto, session), timeout=10)
    assert answer.status_code == 200, answer.text
    assert "assumed-role/db/presign" in answer.text


def test_an_expired_presigned_url_is_refused(endpoint, alice, monkeypatch):
    _, credentials = alice
    request = AWSRequest(method="GET", url=endpoint + "/?" + CALLER_IDENTITY)
    signer = SigV4QueryAuth(BotoCredentials(credentials.access_key, credentials.secret_key), "sts", REGION, expires=60)
    two_minutes_ago = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=2)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: two_minutes_ago)
    signer.add_auth(request)
    monkeypatch.undo()
    answer = requests.get(request.prepare().url, timeout=10)
    assert answer.status_code == 403, answer.text
    error = query_error(answer.content)
    assert error.code == "SignatureDoesNotMatch" and "expired" in error.message.lower()


def test_a_presigned_url_with_an_altered_query_is_refused(boto, alice):
    _, credentials = alice
    url = presigned_caller_identity(boto, credentials)
    altered = url.replace("X-Amz-Expires=60", "X-Amz-Expires=600")
    assert altered != url
    answer = requests.get(altered, timeout=10)
    assert answer.status_code == 403
    assert query_error(answer.content).code == "SignatureDoesNotMatch"


def test_a_presigned_url_with_a_too_long_lifetime_is_refused(endpoint, alice):
    _, credentials = alice
    request = AWSRequest(method="GET", url=endpoint + "/?" + CALLER_IDENTITY)
    SigV4QueryAuth(BotoCredentials(credentials.access_key, credentials.secret_key), "sts", REGION,
                   expires=604_801).add_auth(request)
    answer = requests.get(request.prepare().url, timeout=10)
    assert answer.status_code in (400, 403)
    assert query_error(answer.content).code in ("IncompleteSignature", "AuthorizationQueryParametersError")


def test_a_broken_percent_encoding_in_the_query_is_refused(endpoint):
    answer = requests.get(endpoint + "/?Action=GetCallerIdentity&X-Amz-Credential=%ZZ", timeout=10)
    assert 400 <= answer.status_code < 500
    query_error(answer.content)


def test_strict_credentials_refuse_unknown_keys_but_accept_issued_ones(start_kerbside, boto):
    # A strict server accepts no key it did not issue, so the user is made on a lenient one first.
    lenient = start_kerbside(start_kerbside.base / "shared-data")
    user, credentials = user_with_key(boto("iam", endpoint=lenient.endpoint), "alice")
    assert lenient.stop() == 0

    strict = start_kerbside(start_kerbside.base / "shared-data", strict_credentials=True)
    with refused("InvalidClientTokenId", 403, "The security token included in the request is invalid"):
        boto("sts", endpoint=strict.endpoint).get_caller_identity()
    with refused("InvalidClientTokenId", 403):
        boto("iam", Credentials("210987654321", "x"), endpoint=strict.endpoint).list_users()
    identity = boto("sts", credentials, endpoint=strict.endpoint).get_caller_identity()
    assert identity["Arn"] == user["Arn"]
    # The issued key can do the account's work on the strict server.
    boto("iam", credentials, endpoint=strict.endpoint).create_user(UserName="bob")
    assert {u["UserName"] for u in boto("iam", credentials, endpoint=strict.endpoint).list_users()["Users"]} == {"alice", "bob"}
    # ... and a wrong secret for it is still a signature mismatch, not an unknown key.
    with refused("SignatureDoesNotMatch", 403):
        boto("sts", Credentials(credentials.access_key, "wrong"), endpoint=strict.endpoint).get_caller_identity()


def test_the_query_string_form_of_a_request_is_signed_too(endpoint, alice):
    """Query parameters in a POST's URL are part of the canonical request."""
    _, credentials = alice
    request = AWSRequest(method="POST", url=endpoint + "/?" + CALLER_IDENTITY, data="", headers={"Content-Type": FORM})
    SigV4Auth(BotoCredentials(credentials.access_key, credentials.secret_key), "sts", REGION).add_auth(request)
    answer = send(request)
    assert answer.status_code == 200, answer.text
    tampered = AWSRequest(method="POST", url=endpoint + "/?" + urllib.parse.urlencode(
        {"Action": "GetCallerIdentity", "Version": "2011-06-15"}), data="", headers=dict(request.headers))
    tampered.url += "&Extra=1"
    assert send(tampered).status_code == 403
