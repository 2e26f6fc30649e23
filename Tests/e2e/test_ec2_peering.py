"""VPC peering through boto3: within an account and across two, acceptance, rejection, deletion,
the failures AWS reports as a status, and what each side sees."""

import datetime

import pytest

from harness import DEFAULT_ACCOUNT, REGION, Credentials
from refusals import refused

OTHER = "210987654321"
FAILED = "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range"


@pytest.fixture
def other(boto):
    return boto("ec2", Credentials(OTHER, "x"))


def make_vpc(ec2, cidr: str) -> str:
    return ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]


def peering(ec2, peering_id: str) -> dict:
    [found] = ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[peering_id])["VpcPeeringConnections"]
    return found


def test_peering_two_vpcs_of_one_account(ec2):
    a, b = make_vpc(ec2, "10.1.0.0/16"), make_vpc(ec2, "10.2.0.0/16")
    created = ec2.create_vpc_peering_connection(
        VpcId=a, PeerVpcId=b,
        TagSpecifications=[{"ResourceType": "vpc-peering-connection", "Tags": [{"Key": "Name", "Value": "a-b"}]}])["VpcPeeringConnection"]
    pcx = created["VpcPeeringConnectionId"]
    assert pcx.startswith("pcx-")
    assert created["Status"] == {"Code": "initiating-request", "Message": f"Initiating Request to {DEFAULT_ACCOUNT}"}
    assert created["RequesterVpcInfo"]["VpcId"] == a and created["RequesterVpcInfo"]["CidrBlock"] == "10.1.0.0/16"
    assert created["AccepterVpcInfo"] == {"OwnerId": DEFAULT_ACCOUNT, "VpcId": b, "Region": REGION}
    assert created["Tags"] == [{"Key": "Name", "Value": "a-b"}]

    pending = peering(ec2, pcx)
    assert pending["Status"] == {"Code": "pending-acceptance", "Message": f"Pending Acceptance by {DEFAULT_ACCOUNT}"}
    # A request waits a week for its accepter.
    waits = pending["ExpirationTime"] - datetime.datetime.now(datetime.timezone.utc)
    assert datetime.timedelta(days=6, hours=23) < waits <= datetime.timedelta(days=7)

    accepted = ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)["VpcPeeringConnection"]
    assert accepted["Status"] == {"Code": "active", "Message": "Active"}
    assert accepted["AccepterVpcInfo"]["CidrBlock"] == "10.2.0.0/16"
    assert accepted["AccepterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is False
    assert "ExpirationTime" not in peering(ec2, pcx)
    ec2.get_waiter("vpc_peering_connection_exists").wait(VpcPeeringConnectionIds=[pcx], WaiterConfig={"Delay": 1, "MaxAttempts": 2})

    with refused("InvalidStateTransition", 400, pcx):
        ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    with refused("DependencyViolation", 400, a):
        ec2.delete_vpc(VpcId=a)

    assert ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)["Return"] is True
    assert peering(ec2, pcx)["Status"] == {"Code": "deleted", "Message": f"Deleted by {DEFAULT_ACCOUNT}"}
    ec2.delete_vpc(VpcId=a)
    ec2.delete_vpc(VpcId=b)
    # Deleted peerings stay visible for a while, as on AWS.
    assert peering(ec2, pcx)["Status"]["Code"] == "deleted"


def test_overlapping_or_missing_peer_vpcs_fail(ec2, other):
    a, b = make_vpc(ec2, "10.1.0.0/16"), make_vpc(ec2, "10.1.128.0/17")
    overlapping = ec2.create_vpc_peering_connection(VpcId=a, PeerVpcId=b)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    assert peering(ec2, overlapping)["Status"] == {"Code": "failed", "Message": FAILED}
    with refused("InvalidStateTransition", 400):
        ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=overlapping)

    missing = ec2.create_vpc_peering_connection(VpcId=a, PeerVpcId="vpc-0123456789abcdef0")["VpcPeeringConnection"]
    assert peering(ec2, missing["VpcPeeringConnectionId"])["Status"]["Code"] == "failed"
    # A VPC named with the wrong owner is as good as missing.
    theirs = make_vpc(other, "10.9.0.0/16")
    wrong_owner = ec2.create_vpc_peering_connection(VpcId=a, PeerVpcId=theirs)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    assert peering(ec2, wrong_owner)["Status"]["Message"] == FAILED
    # Failed peerings do not hold their VPCs.
    ec2.delete_vpc(VpcId=b)


def test_peering_across_accounts(ec2, other):
    mine, theirs = make_vpc(ec2, "10.1.0.0/16"), make_vpc(other, "10.2.0.0/16")
    pcx = ec2.create_vpc_peering_connection(VpcId=mine, PeerVpcId=theirs, PeerOwnerId=OTHER)["VpcPeeringConnection"]["VpcPeeringConnectionId"]

    # Both accounts see it; a third does not.
    seen_by_them = peering(other, pcx)
    assert seen_by_them["Status"] == {"Code": "pending-acceptance", "Message": f"Pending Acceptance by {OTHER}"}
    assert seen_by_them["RequesterVpcInfo"]["OwnerId"] == DEFAULT_ACCOUNT and seen_by_them["AccepterVpcInfo"]["OwnerId"] == OTHER
    assert [p["VpcPeeringConnectionId"] for p in other.describe_vpc_peering_connections(
        Filters=[{"Name": "status-code", "Values": ["pending-acceptance"]}])["VpcPeeringConnections"]] == [pcx]

    with refused("OperationNotPermitted", 400, pcx):
        ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    with refused("OperationNotPermitted", 400):
        ec2.reject_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    with refused("OperationNotPermitted", 400):
        other.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)

    accepted = other.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)["VpcPeeringConnection"]
    assert accepted["Status"]["Code"] == "active" and accepted["AccepterVpcInfo"]["CidrBlock"] == "10.2.0.0/16"
    assert peering(ec2, pcx)["Status"]["Code"] == "active"
    with refused("DependencyViolation", 400):
        other.delete_vpc(VpcId=theirs)

    # Either side may delete an active peering.
    other.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert peering(ec2, pcx)["Status"] == {"Code": "deleted", "Message": f"Deleted by {OTHER}"}
    with refused("InvalidStateTransition", 400):
        ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    other.delete_vpc(VpcId=theirs)


def test_a_third_account_sees_nothing(ec2, other, boto):
    mine, theirs = make_vpc(ec2, "10.1.0.0/16"), make_vpc(other, "10.2.0.0/16")
    pcx = ec2.create_vpc_peering_connection(VpcId=mine, PeerVpcId=theirs, PeerOwnerId=OTHER)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    third = boto("ec2", Credentials("333333333333", "x"))
    assert third.describe_vpc_peering_connections()["VpcPeeringConnections"] == []
    with refused("InvalidVpcPeeringConnectionID.NotFound", 400, f"The vpcPeeringConnection ID '{pcx}' does not exist"):
        third.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])
    with refused("InvalidVpcPeeringConnectionID.NotFound", 400):
        third.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    # Nor does the same account in another region.
    assert boto("ec2", region="eu-west-1").describe_vpc_peering_connections()["VpcPeeringConnections"] == []


def test_reject_and_withdraw(ec2, other):
    mine, theirs = make_vpc(ec2, "10.1.0.0/16"), make_vpc(other, "10.2.0.0/16")
    rejected = ec2.create_vpc_peering_connection(VpcId=mine, PeerVpcId=theirs, PeerOwnerId=OTHER)["VpcPeeringConnection"]
    assert other.reject_vpc_peering_connection(VpcPeeringConnectionId=rejected["VpcPeeringConnectionId"])["Return"] is True
    assert peering(ec2, rejected["VpcPeeringConnectionId"])["Status"] == {"Code": "rejected", "Message": f"Rejected by {OTHER}"}
    with refused("InvalidStateTransition", 400):
        other.accept_vpc_peering_connection(VpcPeeringConnectionId=rejected["VpcPeeringConnectionId"])

    # The requester withdraws a request nobody answered.
    withdrawn = ec2.create_vpc_peering_connection(VpcId=mine, PeerVpcId=theirs, PeerOwnerId=OTHER)["VpcPeeringConnection"]
    ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=withdrawn["VpcPeeringConnectionId"])
    assert peering(other, withdrawn["VpcPeeringConnectionId"])["Status"]["Code"] == "deleted"


def test_one_live_peering_per_pair_of_vpcs(ec2):
    a, b = make_vpc(ec2, "10.1.0.0/16"), make_vpc(ec2, "10.2.0.0/16")
    first = ec2.create_vpc_peering_connection(VpcId=a, PeerVpcId=b)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    with refused("VpcPeeringConnectionAlreadyExists", 400, first):
        ec2.create_vpc_peering_connection(VpcId=b, PeerVpcId=a)
    ec2.reject_vpc_peering_connection(VpcPeeringConnectionId=first)
    again = ec2.create_vpc_peering_connection(VpcId=b, PeerVpcId=a)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    assert again != first


def test_describe_peering_filters(ec2, other):
    a, b = make_vpc(ec2, "10.1.0.0/16"), make_vpc(ec2, "10.2.0.0/16")
    theirs = make_vpc(other, "10.3.0.0/16")
    local = ec2.create_vpc_peering_connection(VpcId=a, PeerVpcId=b)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=local)
    remote = ec2.create_vpc_peering_connection(VpcId=a, PeerVpcId=theirs, PeerOwnerId=OTHER)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.create_tags(Resources=[remote], Tags=[{"Key": "team", "Value": "db"}])

    def ids(*filters) -> set[str]:
        answer = ec2.describe_vpc_peering_connections(Filters=[{"Name": n, "Values": v} for n, v in filters])
        return {p["VpcPeeringConnectionId"] for p in answer["VpcPeeringConnections"]}

    assert ids() == {local, remote}
    assert ids(("status-code", ["active"])) == {local}
    assert ids(("status-message", ["Pending*"])) == {remote}
    assert ids(("requester-vpc-info.vpc-id", [a])) == {local, remote}
    assert ids(("accepter-vpc-info.owner-id", [OTHER])) == {remote}
    assert ids(("accepter-vpc-info.cidr-block", ["10.2.0.0/16"])) == {local}
    assert ids(("requester-vpc-info.cidr-block", ["10.1.0.0/16"]), ("accepter-vpc-info.vpc-id", [theirs])) == {remote}
    assert ids(("vpc-peering-connection-id", [local])) == {local}
    assert ids(("tag:team", ["db"])) == {remote}
    assert ids(("expiration-time", ["*"])) == {local, remote}
    assert len(ec2.describe_vpc_peering_connections(MaxResults=5)["VpcPeeringConnections"]) == 2
    with refused("InvalidParameterValue", 400, "The filter 'status' is invalid"):
        ec2.describe_vpc_peering_connections(Filters=[{"Name": "status", "Values": ["active"]}])


def test_peering_refusals(ec2, boto):
    a = make_vpc(ec2, "10.1.0.0/16")
    with refused("InvalidVpcID.NotFound", 400, "vpc-0123456789abcdef0"):
        ec2.create_vpc_peering_connection(VpcId="vpc-0123456789abcdef0", PeerVpcId=a)
    with refused("MissingParameter", 400, "peerVpcId"):
        ec2.create_vpc_peering_connection(VpcId=a)
    with refused("MissingParameter", 400, "VpcId"):
        boto("ec2", validate=False).create_vpc_peering_connection(PeerVpcId=a)
    for operation in ("accept_vpc_peering_connection", "reject_vpc_peering_connection", "delete_vpc_peering_connection"):
        with refused("InvalidVpcPeeringConnectionID.NotFound", 400, "pcx-0123456789abcdef0"):
            getattr(ec2, operation)(VpcPeeringConnectionId="pcx-0123456789abcdef0")
    with refused("DryRunOperation", 412):
        ec2.create_vpc_peering_connection(VpcId=a, PeerVpcId=a, DryRun=True)
    assert ec2.describe_vpc_peering_connections()["VpcPeeringConnections"] == []
