"""What AWS answers when it says no: the error code, the HTTP status and the message."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from botocore.exceptions import ClientError


@dataclass
class Refusal:
    code: str
    status: int
    message: str


@contextmanager
def refused(code: str, status: int, *fragments: str):
    """Expects the block's boto3 call to fail with `code` and `status`, its message holding each fragment."""
    outcome: list[Refusal] = []
    with pytest.raises(ClientError) as info:
        yield outcome
    response = info.value.response
    refusal = Refusal(response["Error"].get("Code", ""), response["ResponseMetadata"].get("HTTPStatusCode", 0),
                      response["Error"].get("Message", ""))
    outcome.append(refusal)
    assert (refusal.code, refusal.status) == (code, status), f"expected {code} ({status}), got {refusal}"
    for fragment in fragments:
        assert fragment in refusal.message, f"message {refusal.message!r} does not mention {fragment!r}"


def query_error(body: bytes | str) -> Refusal:
    """Reads a query-protocol ErrorResponse; fails if the body is not one."""
    root = ElementTree.fromstring(body)
    local = root.tag.rsplit("}", 1)[-1]
    assert local == "ErrorResponse", f"not an ErrorResponse: {body[:500]!r}"
    error = root.find("{*}Error")
    assert error is not None, f"ErrorResponse without Error: {body[:500]!r}"
    code, message = error.findtext("{*}Code"), error.findtext("{*}Message")
    request_id = root.findtext("{*}RequestId")
    assert code and message is not None and request_id, f"incomplete ErrorResponse: {body[:500]!r}"
    return Refusal(code, 0, message)


def json_error(body: bytes | str) -> Refusal:
    """Reads a json-protocol error (`__type` and `message`); fails if the body is not one."""
    data = json.loads(body)
    assert isinstance(data, dict) and data.get("__type"), f"not a JSON error envelope: {body[:500]!r}"
    message = data.get("message", data.get("Message"))
    assert isinstance(message, str), f"JSON error without message: {body[:500]!r}"
    return Refusal(data["__type"].rsplit("#", 1)[-1], 0, message)
