"""The response-shape check itself: it must catch what botocore's parser lets through.

Every other test relies on shapes.py to prove responses are shaped right, so here it is shown
responses that are wrong in the ways a hand-written serializer goes wrong.
"""

import datetime

import botocore.session
import pytest

import shapes


@pytest.fixture(scope="module")
def iam_model():
    return botocore.session.get_session().get_service_model("iam")


def problems_in_xml(model, body: str) -> list[str]:
    found: list[str] = []
    shapes.check_query_xml(model, body.encode(), found)
    return found


def wrap(operation: str, result: str) -> str:
    return (f'<{operation}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><{operation}Result>{result}'
            f'</{operation}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></{operation}Response>')


USER = ("<User><Path>/</Path><UserName>alice</UserName><UserId>AIDAEXAMPLE</UserId>"
        "<Arn>arn:aws:iam::123456789012:user/alice</Arn><CreateDate>2025-01-01T00:00:00Z</CreateDate></User>")


def test_a_well_formed_response_passes(iam_model):
    assert problems_in_xml(iam_model.operation_model("GetUser"), wrap("GetUser", USER)) == []


def test_an_unknown_element_is_caught(iam_model):
    body = wrap("GetUser", USER.replace("<Path>", "<Nickname>al</Nickname><Path>"))
    assert any("Nickname" in problem for problem in problems_in_xml(iam_model.operation_model("GetUser"), body))


def test_a_misnamed_member_is_caught(iam_model):
    body = wrap("GetUser", USER.replace("UserName>", "Username>"))
    assert any("Username" in problem for problem in problems_in_xml(iam_model.operation_model("GetUser"), body))


def test_a_list_without_member_elements_is_caught(iam_model):
    body = wrap("ListUsers", f"<Users>{USER}</Users><IsTruncated>false</IsTruncated>")
    assert any("should be <member>" in problem for problem in problems_in_xml(iam_model.operation_model("ListUsers"), body))


def test_a_missing_result_wrapper_and_request_id_are_caught(iam_model):
    body = f'<GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">{USER}</GetUserResponse>'
    found = problems_in_xml(iam_model.operation_model("GetUser"), body)
    assert any("GetUserResult" in problem for problem in found)
    assert any("RequestId" in problem for problem in found)


def test_bad_scalar_text_is_caught(iam_model):
    body = wrap("ListUsers", f"<Users><member>{USER[6:-7]}</member></Users><IsTruncated>no</IsTruncated>")
    assert any("true/false" in problem for problem in problems_in_xml(iam_model.operation_model("ListUsers"), body))
    body = wrap("GetUser", USER.replace("2025-01-01T00:00:00Z", "yesterday"))
    assert any("timestamp" in problem for problem in problems_in_xml(iam_model.operation_model("GetUser"), body))


def test_parsed_output_missing_a_required_member_is_caught(iam_model):
    output = iam_model.operation_model("GetUser").output_shape
    found: list[str] = []
    shapes.check_parsed(output, {"User": {"UserName": "alice", "Path": "/", "Arn": "arn", "UserId": "AIDA"}}, "", found)
    assert found == ["User.CreateDate: required member missing"]


def test_parsed_output_of_the_wrong_types_is_caught(iam_model):
    output = iam_model.operation_model("ListUsers").output_shape
    found: list[str] = []
    shapes.check_parsed(output, {"Users": {"not": "a list"}, "IsTruncated": "false"}, "", found)
    assert any("Users" in problem and "list" in problem for problem in found)
    assert any("IsTruncated" in problem and "boolean" in problem for problem in found)
    found = []
    shapes.check_parsed(iam_model.operation_model("GetUser").output_shape,
                        {"User": {"UserName": "a", "Path": "/", "Arn": "x", "UserId": "y", "CreateDate": "2025-01-01"}},
                        "", found)
    assert any("CreateDate" in problem and "timestamp" in problem for problem in found)


def test_enum_values_are_checked(iam_model):
    output = iam_model.operation_model("ListAccessKeys").output_shape
    found: list[str] = []
    key = {"UserName": "a", "AccessKeyId": "AKIA", "Status": "Sleeping", "CreateDate": datetime.datetime.now()}
    shapes.check_parsed(output, {"AccessKeyMetadata": [key], "IsTruncated": False}, "", found)
    assert any("Sleeping" in problem for problem in found)


@pytest.fixture(scope="module")
def ec2_model():
    return botocore.session.get_session().get_service_model("ec2")


def problems_in_ec2_xml(model, body: str) -> list[str]:
    found: list[str] = []
    shapes.check_ec2_xml(model, body.encode(), found)
    return found


def ec2_wrap(operation: str, members: str, request_id: str = "<requestId>r-1</requestId>") -> str:
    return f'<{operation}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15">{request_id}{members}</{operation}Response>'


VPC = ("<vpcId>vpc-1</vpcId><ownerId>123456789012</ownerId><state>available</state><cidrBlock>10.0.0.0/16</cidrBlock>"
       "<isDefault>false</isDefault>")


def test_a_well_formed_ec2_response_passes(ec2_model):
    body = ec2_wrap("DescribeVpcs", f"<vpcSet><item>{VPC}</item></vpcSet>")
    assert problems_in_ec2_xml(ec2_model.operation_model("DescribeVpcs"), body) == []


def test_ec2_lists_must_use_item_elements(ec2_model):
    body = ec2_wrap("DescribeVpcs", f"<vpcSet><member>{VPC}</member></vpcSet>")
    assert any("should be <item>" in problem for problem in problems_in_ec2_xml(ec2_model.operation_model("DescribeVpcs"), body))


def test_ec2_members_go_by_location_name(ec2_model):
    body = ec2_wrap("DescribeVpcs", f"<Vpcs><item>{VPC}</item></Vpcs>")
    assert any("Vpcs" in problem for problem in problems_in_ec2_xml(ec2_model.operation_model("DescribeVpcs"), body))


def test_an_ec2_response_without_request_id_or_with_stray_members_is_caught(ec2_model):
    found = problems_in_ec2_xml(ec2_model.operation_model("CreateTags"), ec2_wrap("CreateTags", "<return>true</return>", ""))
    assert any("requestId" in problem for problem in found)
    assert any("empty response" in problem for problem in found)
