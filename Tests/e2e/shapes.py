"""The response-shape check that runs after every boto3 call the suite makes.

botocore's parsers ignore XML they do not expect and leave out members they do not find, so a
response can "work" in boto3 while being shaped wrong for other SDKs. After each successful call
this module checks two things against the operation's output shape in the botocore model:

* the parsed response: every `required` member present, recursively, and every value of the
  right Python type for its shape (str, int, bool, datetime, list, dict, enum values);
* the raw XML (query protocol): every element is a member of the shape it appears in, lists
  wrap their elements in `member`, and the envelope is `<OpResponse><OpResult>` with a RequestId;
* the raw XML (EC2 protocol): the same for members (by their `locationName`), lists wrap their
  elements in `item`, and the envelope is `<OpResponse>` with a `requestId`.

Each call that passes is recorded as covered, for the final coverage test.
"""

from __future__ import annotations

import datetime
import threading
import xml.etree.ElementTree as ElementTree

covered: set[tuple[str, str]] = set()
_lock = threading.Lock()

# IAM's policy documents are URL-encoded JSON strings on the wire; botocore's own after-call
# handler for IAM decodes them into dicts before ours runs.
POLICY_DOCUMENT_SHAPES = {"policyDocumentType"}


class ShapeError(AssertionError):
    pass


def watch(client) -> None:
    client.meta.events.register("after-call", _after_call, unique_id="kerbside-e2e-shape-check")


def _after_call(http_response, parsed, model, **_):
    if http_response is None or http_response.status_code >= 300 or "Error" in parsed:
        return
    service = model.service_model.service_name
    problems: list[str] = []
    check_parsed(model.output_shape, {k: v for k, v in parsed.items() if k != "ResponseMetadata"}, "", problems)
    if model.metadata.get("protocol") == "query":
        check_query_xml(model, http_response.content, problems)
    elif model.metadata.get("protocol") == "ec2":
        check_ec2_xml(model, http_response.content, problems)
    if problems:
        raise ShapeError(f"{service}:{model.name} response does not match the botocore model:\n  "
                         + "\n  ".join(problems[:20]) + f"\n--- body ---\n{http_response.content[:3000]!r}")
    with _lock:
        covered.add((service, model.name))


def check_parsed(shape, value, path: str, problems: list[str]) -> None:
    where = path or "<output>"
    if shape is None:
        if value:
            problems.append(f"{where}: the operation has no output, got {value!r}")
        return
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            problems.append(f"{where}: expected a structure (dict), got {type(value).__name__}")
            return
        for name in shape.required_members:
            if name not in value:
                problems.append(f"{path + '.' if path else ''}{name}: required member missing")
        for name, member_value in value.items():
            member = shape.members.get(name)
            if member is None:
                problems.append(f"{path + '.' if path else ''}{name}: not a member of {shape.name}")
                continue
            check_parsed(member, member_value, f"{path + '.' if path else ''}{name}", problems)
    elif kind == "list":
        if not isinstance(value, list):
            problems.append(f"{where}: expected a list, got {type(value).__name__}")
            return
        for index, element in enumerate(value):
            check_parsed(shape.member, element, f"{where}[{index}]", problems)
    elif kind == "map":
        if not isinstance(value, dict):
            problems.append(f"{where}: expected a map (dict), got {type(value).__name__}")
            return
        for key, element in value.items():
            check_parsed(shape.key, key, f"{where}<key>", problems)
            check_parsed(shape.value, element, f"{where}[{key!r}]", problems)
    elif kind == "string":
        if shape.name in POLICY_DOCUMENT_SHAPES and isinstance(value, dict):
            return
        if not isinstance(value, str):
            problems.append(f"{where}: expected a string, got {type(value).__name__} {value!r}")
        elif shape.enum and value not in shape.enum:
            problems.append(f"{where}: {value!r} is not one of {shape.name}'s values {shape.enum}")
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(f"{where}: expected an integer, got {type(value).__name__} {value!r}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{where}: expected a boolean, got {type(value).__name__} {value!r}")
    elif kind in ("float", "double"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            problems.append(f"{where}: expected a number, got {type(value).__name__} {value!r}")
    elif kind == "timestamp":
        if not isinstance(value, datetime.datetime):
            problems.append(f"{where}: expected a timestamp (datetime), got {type(value).__name__} {value!r}")
    elif kind == "blob":
        if not isinstance(value, (bytes, bytearray)):
            problems.append(f"{where}: expected a blob (bytes), got {type(value).__name__}")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def check_query_xml(model, body: bytes, problems: list[str]) -> None:
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        problems.append(f"the body is not XML: {error}")
        return
    if _local(root.tag) != f"{model.name}Response":
        problems.append(f"root element is <{_local(root.tag)}>, expected <{model.name}Response>")
    namespace = model.service_model.metadata.get("xmlNamespace")
    if namespace and not root.tag.startswith("{" + namespace + "}"):
        problems.append(f"root element is not in namespace {namespace}")
    children = {_local(child.tag): child for child in root}
    metadata = children.pop("ResponseMetadata", None)
    if metadata is None or not (metadata.findtext("{*}RequestId") or "").strip():
        problems.append("no ResponseMetadata/RequestId")
    output = model.output_shape
    wrapper = output.serialization.get("resultWrapper") if output is not None else None
    if output is None or not output.members:
        if wrapper and wrapper in children:
            children.pop(wrapper)
        if children:
            problems.append(f"unexpected elements in an empty response: {sorted(children)}")
        return
    if wrapper:
        result = children.pop(wrapper, None)
        if result is None:
            problems.append(f"no <{wrapper}> element")
            return
        if children:
            problems.append(f"unexpected elements beside <{wrapper}>: {sorted(children)}")
        _check_xml_structure(output, result, wrapper, problems)
    else:
        _check_xml_members(output, list(children.values()), model.name, problems)


def check_ec2_xml(model, body: bytes, problems: list[str]) -> None:
    """EC2's envelope: `<OpResponse xmlns=...><requestId/>members…</OpResponse>`, no result wrapper."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        problems.append(f"the body is not XML: {error}")
        return
    if _local(root.tag) != f"{model.name}Response":
        problems.append(f"root element is <{_local(root.tag)}>, expected <{model.name}Response>")
    namespace = model.service_model.metadata.get("xmlNamespace")
    if namespace and not root.tag.startswith("{" + namespace + "}"):
        problems.append(f"root element is not in namespace {namespace}")
    children = [child for child in root if _local(child.tag) != "requestId"]
    if not (root.findtext("{*}requestId") or "").strip():
        problems.append("no requestId")
    output = model.output_shape
    if output is None or not output.members:
        if children:
            problems.append(f"unexpected elements in an empty response: {sorted(_local(c.tag) for c in children)}")
        return
    _check_xml_members(output, children, model.name, problems)


def _check_xml_structure(shape, element, path: str, problems: list[str]) -> None:
    _check_xml_members(shape, list(element), path, problems)


def _check_xml_members(shape, elements, path: str, problems: list[str]) -> None:
    by_wire_name = {member.serialization.get("name", name): member for name, member in shape.members.items()}
    flattened = {wire for wire, member in by_wire_name.items() if member.serialization.get("flattened")}
    seen: set[str] = set()
    for child in elements:
        name = _local(child.tag)
        member = by_wire_name.get(name)
        if member is None:
            problems.append(f"{path}/{name}: no such member in {shape.name}")
            continue
        if name in seen and name not in flattened:
            problems.append(f"{path}/{name}: appears more than once")
        seen.add(name)
        _check_xml_value(member, child, f"{path}/{name}", problems)


def _check_xml_value(shape, element, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    if kind == "structure":
        _check_xml_structure(shape, element, path, problems)
    elif kind == "list":
        member_name = shape.member.serialization.get("name", "member")
        for child in element:
            if _local(child.tag) != member_name:
                problems.append(f"{path}/{_local(child.tag)}: list element should be <{member_name}>")
                continue
            _check_xml_value(shape.member, child, f"{path}/{member_name}", problems)
    elif kind == "map":
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        for entry in element:
            if _local(entry.tag) != "entry":
                problems.append(f"{path}/{_local(entry.tag)}: map element should be <entry>")
                continue
            names = sorted(_local(part.tag) for part in entry)
            if names != sorted([key_name, value_name]):
                problems.append(f"{path}/entry: has {names}, expected {key_name} and {value_name}")
    else:
        if len(element):
            problems.append(f"{path}: a {kind} must be text, found child elements")
        text = element.text or ""
        if kind in ("integer", "long"):
            try:
                int(text)
            except ValueError:
                problems.append(f"{path}: {text!r} is not an integer")
        elif kind == "boolean" and text not in ("true", "false"):
            problems.append(f"{path}: {text!r} is not true/false")
        elif kind == "timestamp" and not _is_iso8601(text):
            problems.append(f"{path}: {text!r} is not an ISO 8601 timestamp")


def _is_iso8601(text: str) -> bool:
    try:
        datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return text.endswith("Z") or "+" in text[10:]
    except ValueError:
        return False
