"""Bad requests at the HTTP level: every answer is an AWS error envelope, never a crash.

These requests bypass boto3 on purpose. After each, the server must still answer its health check.
"""

import json
import random

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from harness import REGION
from refusals import json_error, query_error

FORM = "application/x-www-form-urlencoded; charset=utf-8"
JSON_1_1 = "application/x-amz-json-1.1"
TIMEOUT = 10


def signed_headers(endpoint: str, body: bytes | str, service: str, content_type: str, extra: dict | None = None) -> dict:
    """Headers of a request botocore signed for root (key `test`): the server checks no signature for it."""
    headers = {"Content-Type": content_type, **(extra or {})}
    request = AWSRequest(method="POST", url=endpoint + "/", data=body, headers=headers)
    SigV4Auth(BotoCredentials("test", "test"), service, REGION).add_auth(request)
    return dict(request.headers)


def post(endpoint: str, body: bytes | str, *, service: str = "iam", content_type: str = FORM,
         extra: dict | None = None, sign: bool = True) -> requests.Response:
    headers = signed_headers(endpoint, body, service, content_type, extra) if sign else {"Content-Type": content_type, **(extra or {})}
    return requests.post(endpoint + "/", data=body, headers=headers, timeout=TIMEOUT)


@pytest.fixture(autouse=True)
def still_healthy(kerbside):
    yield
    assert kerbside.health()["status"] == "ready", "the server stopped answering after a bad request"


def test_unknown_action_is_invalid_action(endpoint):
    answer = post(endpoint, "Action=CreateUnicorn&Version=2010-05-08")
    assert answer.status_code == 400
    error = query_error(answer.content)
    assert error.code == "InvalidAction" and "CreateUnicorn" in error.message


def test_missing_action(endpoint):
    answer = post(endpoint, "Version=2010-05-08&UserName=alice")
    assert answer.status_code == 400
    assert query_error(answer.content).code == "MissingAction"


def test_an_empty_body(endpoint):
    answer = post(endpoint, "")
    assert answer.status_code == 400
    assert query_error(answer.content).code == "MissingAction"


def test_bad_percent_encoding_in_the_form_body(endpoint):
    answer = post(endpoint, "Action=CreateUser&Version=2010-05-08&UserName=%E2%28%A1%ZZ")
    assert answer.status_code == 400
    assert query_error(answer.content).code == "MalformedQueryString"


def test_invalid_utf8_in_the_form_body(endpoint):
    answer = post(endpoint, b"Action=CreateUser&Version=2010-05-08&UserName=%C3%28")
    assert answer.status_code == 400
    assert query_error(answer.content).code == "MalformedQueryString"


def test_a_form_body_that_is_not_a_form(endpoint):
    answer = post(endpoint, b"\x00\x01\x02&&&===&=&Action")
    assert 400 <= answer.status_code < 500
    query_error(answer.content)


def test_wrong_content_type_for_a_query_request(endpoint):
    answer = post(endpoint, "Action=ListUsers&Version=2010-05-08", content_type="text/plain")
    assert answer.status_code < 500
    if answer.status_code >= 400:
        query_error(answer.content)


def test_a_json_body_sent_to_a_query_service(endpoint):
    answer = post(endpoint, json.dumps({"Action": "ListUsers"}), content_type="application/json")
    assert 400 <= answer.status_code < 500
    # It looks like JSON, so the refusal may come as a JSON envelope; either way it must parse.
    if answer.headers.get("Content-Type", "").startswith("application/x-amz-json") or answer.text.lstrip().startswith("{"):
        json_error(answer.content)
    else:
        query_error(answer.content)


def test_wrong_version(endpoint):
    answer = post(endpoint, "Action=ListUsers&Version=1999-01-01")
    assert answer.status_code < 500
    if answer.status_code >= 400:
        query_error(answer.content)


def test_unknown_x_amz_target_is_unknown_operation(endpoint):
    answer = post(endpoint, "{}", service="ds", content_type=JSON_1_1,
                  extra={"X-Amz-Target": "DirectoryService_20150416.ConjureUnicorn"})
    assert answer.status_code == 400
    assert json_error(answer.content).code == "UnknownOperationException"


def test_x_amz_target_of_no_service(endpoint):
    answer = post(endpoint, "{}", service="nothing", content_type=JSON_1_1, extra={"X-Amz-Target": "Nothing_2020.Do"})
    assert 400 <= answer.status_code < 500
    json_error(answer.content)


def test_broken_json_body(endpoint):
    answer = post(endpoint, '{"DirectoryIds": [', service="ds", content_type=JSON_1_1,
                  extra={"X-Amz-Target": "DirectoryService_20150416.DescribeDirectories"})
    assert answer.status_code == 400
    assert json_error(answer.content).code == "SerializationException"


@pytest.mark.parametrize("body", ["[]", "null", '"text"', "{\"a\":" + "[" * 2000 + "]" * 2000 + "}"])
def test_json_that_is_not_an_object(endpoint, body):
    answer = post(endpoint, body, service="ds", content_type=JSON_1_1,
                  extra={"X-Amz-Target": "DirectoryService_20150416.DescribeDirectories"})
    assert 400 <= answer.status_code < 500
    json_error(answer.content)


def test_an_oversized_body_is_refused_with_413(endpoint):
    body = "Action=ListUsers&Version=2010-05-08&Padding=" + "x" * (1 << 20)
    answer = post(endpoint, body)
    assert answer.status_code == 413
    assert query_error(answer.content).code == "RequestEntityTooLarge"


def test_an_oversized_chunked_body_is_refused_with_413(endpoint):
    chunk = b"x" * 65536
    chunks = iter([b"Action=ListUsers&Version=2010-05-08&Padding="] + [chunk] * 20)
    headers = {"Content-Type": FORM, "Authorization": "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/iam/aws4_request, "
               "SignedHeaders=host;x-amz-date, Signature=00", "X-Amz-Date": "20250101T000000Z"}
    answer = requests.post(endpoint + "/", data=chunks, headers=headers, timeout=TIMEOUT)
    assert answer.status_code == 413
    assert query_error(answer.content).code == "RequestEntityTooLarge"


def test_a_huge_header_does_not_crash_the_server(endpoint):
    try:
        answer = post(endpoint, "Action=ListUsers&Version=2010-05-08", extra={"X-Junk": "y" * 100_000})
    except requests.ConnectionError:
        return  # closing the connection on an oversized header is an acceptable answer
    assert answer.status_code < 500 or answer.status_code == 431


def test_get_on_the_root_without_anything(endpoint):
    answer = requests.get(endpoint + "/", timeout=TIMEOUT)
    assert 400 <= answer.status_code < 500
    query_error(answer.content)


def test_an_unknown_control_route(endpoint):
    answer = requests.get(endpoint + "/_kerbside/nothing", timeout=TIMEOUT)
    assert answer.status_code == 404
    assert "error" in answer.json()


def test_a_list_member_with_a_silly_index(endpoint):
    answer = post(endpoint, "Action=TagUser&Version=2010-05-08&UserName=x&Tags.member.99999999999999999999.Key=a")
    assert 400 <= answer.status_code < 500
    query_error(answer.content)


def test_an_integer_that_is_not_one(endpoint):
    answer = post(endpoint, "Action=ListUsers&Version=2010-05-08&MaxItems=lots")
    assert answer.status_code == 400
    error = query_error(answer.content)
    assert error.code == "ValidationError" and "'maxItems'" in error.message


def test_a_boolean_that_is_not_one(endpoint):
    answer = post(endpoint, "Action=ListPolicies&Version=2010-05-08&OnlyAttached=perhaps")
    assert answer.status_code == 400
    query_error(answer.content)


def test_a_parameter_name_with_a_hundred_thousand_dots_does_not_kill_the_server(start_kerbside):
    # On a server of its own: when this bug bites, the server dies.
    server = start_kerbside()
    try:
        name = ".".join(["a"] * 100_000)
        try:
            answer = post(server.endpoint, f"Action=ListUsers&Version=2010-05-08&{name}=1")
        except requests.ConnectionError:
            answer = None
        alive = server.process.poll() is None
        assert alive, f"the server died (exit {server.process.returncode}) on a deeply dotted parameter name"
        assert answer is not None and answer.status_code < 500
        if answer.status_code >= 400:
            query_error(answer.content)
    finally:
        if server.process.poll() is None:
            assert server.stop() == 0
        else:
            server.process = None   # dead: nothing for start_kerbside to stop


# -- fuzz -------------------------------------------------------------------------------------

VALID_QUERY_BODIES = [
    "Action=CreateUser&Version=2010-05-08&UserName=fuzz&Path=%2Ffuzz%2F&Tags.member.1.Key=k&Tags.member.1.Value=v",
    "Action=ListUsers&Version=2010-05-08&MaxItems=5&PathPrefix=%2F",
    "Action=CreateRole&Version=2010-05-08&RoleName=r&AssumeRolePolicyDocument=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D",
    "Action=PutUserPolicy&Version=2010-05-08&UserName=fuzz&PolicyName=p&PolicyDocument=%7B%7D",
    "Action=SimulateCustomPolicy&Version=2010-05-08&PolicyInputList.member.1=%7B%7D&ActionNames.member.1=s3%3AGetObject",
    "Action=ListPolicies&Version=2010-05-08&Scope=Local&OnlyAttached=true",
]
VALID_STS_BODIES = [
    "Action=GetCallerIdentity&Version=2011-06-15",
    "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr&RoleSessionName=s1&DurationSeconds=900",
    "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=900",
]
VALID_JSON_BODIES = ['{"DirectoryIds":["d-1234567890"],"Limit":5}', '{}']
SPICE = ["%", "%0", "%ZZ", "&", "=", "==", "&&", "\x00", "\xff", "é", "😀", "[", "{", "}", "\"", ".member.", ".1.",
         ".0.", ".-1.", "Action=", "Version=", "9" * 30, "-1", "true", " ", "+", "%2B", "\\", "'", "<", ">", "]]>"]


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(6)
        position = rng.randrange(len(text) + 1)
        if choice == 0 and text:  # delete a span
            end = min(len(text), position + rng.randint(1, 8))
            text = text[:position] + text[end:]
        elif choice == 1:  # insert something spicy
            text = text[:position] + rng.choice(SPICE) + text[position:]
        elif choice == 2 and text:  # flip a character
            text = text[:position % len(text)] + chr(rng.randrange(1, 0x2FF)) + text[position % len(text) + 1:]
        elif choice == 3 and text:  # duplicate a span
            end = min(len(text), position + rng.randint(1, 20))
            text = text[:end] + text[position:end] + text[end:]
        elif choice == 4 and "&" in text:  # shuffle parameters
            parts = text.split("&")
            rng.shuffle(parts)
            text = "&".join(parts)
        else:  # truncate
            text = text[:position]
    return text


def latin1(text: str) -> str:
    """A valid header value: Latin-1 without control characters (anything else is not HTTP)."""
    text = text.encode("latin-1", "replace").decode("latin-1")
    return "".join(ch for ch in text if ch >= " " and ch != "\x7f").strip()


def test_fuzzed_requests_never_crash_the_server(endpoint, kerbside):
    rng = random.Random(20250101)
    session = requests.Session()
    statuses: dict[int, int] = {}
    for attempt in range(300):
        kind = rng.randrange(3)
        if kind == 0:
            service, content_type, body, extra = "iam", FORM, mutate(rng.choice(VALID_QUERY_BODIES), rng), {}
        elif kind == 1:
            service, content_type, body, extra = "sts", FORM, mutate(rng.choice(VALID_STS_BODIES), rng), {}
        else:
            target = "DirectoryService_20150416." + rng.choice(["DescribeDirectories", "CreateDirectory", "Nope"])
            service, content_type, body, extra = "ds", JSON_1_1, mutate(rng.choice(VALID_JSON_BODIES), rng), {"X-Amz-Target": latin1(mutate(target, rng)) if rng.random() < 0.3 else target}
        data = body.encode("utf-8", "surrogatepass")
        headers = signed_headers(endpoint, data, service, content_type, extra)
        try:
            answer = session.post(endpoint + "/", data=data, headers=headers, timeout=TIMEOUT)
        except requests.RequestException as error:
            pytest.fail(f"request {attempt} broke the connection: {error}\nbody: {body!r}\n{kerbside.log_text(2000)}")
        statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
        if answer.status_code >= 400:
            try:
                if kind == 2 or answer.text.lstrip().startswith("{"):
                    refusal = json_error(answer.content)
                else:
                    refusal = query_error(answer.content)
            except (AssertionError, ValueError) as error:
                pytest.fail(f"request {attempt} got no AWS error envelope ({error})\nstatus {answer.status_code} "
                            f"headers {dict(answer.headers)}\nanswer {answer.content[:500]!r}\nbody {body!r} extra {extra}")
            # Directory Service is modelled but not served yet: its operations answer 501 NotImplemented.
            assert answer.status_code < 500 or (answer.status_code, refusal.code) == (501, "NotImplemented"), \
                f"request {attempt} got {answer.status_code}: {answer.text[:500]}\nbody: {body!r}"
        if attempt % 50 == 0:
            kerbside.health()
    assert sum(statuses.values()) == 300
    assert any(code >= 400 for code in statuses), statuses
