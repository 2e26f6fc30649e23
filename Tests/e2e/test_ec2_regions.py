"""EC2's view of the account and the world through boto3: availability zones, regions and
account attributes."""

from harness import REGION
from refusals import refused


def test_three_zones_in_the_signed_region(ec2):
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    assert [(z["ZoneName"], z["ZoneId"], z["State"], z["RegionName"], z["OptInStatus"], z["ZoneType"]) for z in zones] == [
        (f"{REGION}{letter}", f"use1-az{i}", "available", REGION, "opt-in-not-required", "availability-zone")
        for i, letter in enumerate("abc", start=1)]
    assert all(z["GroupName"] == REGION and z["NetworkBorderGroup"] == REGION and z["Messages"] == [] for z in zones)

    assert [z["ZoneName"] for z in ec2.describe_availability_zones(ZoneNames=[f"{REGION}b"])["AvailabilityZones"]] == [f"{REGION}b"]
    assert [z["ZoneName"] for z in ec2.describe_availability_zones(ZoneIds=["use1-az3"])["AvailabilityZones"]] == [f"{REGION}c"]
    assert len(ec2.describe_availability_zones(AllAvailabilityZones=True)["AvailabilityZones"]) == 3
    # Terraform's aws_availability_zones filters like this.
    filtered = ec2.describe_availability_zones(Filters=[{"Name": "opt-in-status", "Values": ["opt-in-not-required"]},
                                                        {"Name": "zone-type", "Values": ["availability-zone"]},
                                                        {"Name": "zone-name", "Values": ["*a", "*c"]}])["AvailabilityZones"]
    assert [z["ZoneName"] for z in filtered] == [f"{REGION}a", f"{REGION}c"]
    assert ec2.describe_availability_zones(Filters=[{"Name": "state", "Values": ["impaired"]}])["AvailabilityZones"] == []

    with refused("InvalidParameterValue", 400, f"{REGION}q"):
        ec2.describe_availability_zones(ZoneNames=[f"{REGION}q"])
    with refused("InvalidParameterValue", 400, "use1-az7"):
        ec2.describe_availability_zones(ZoneIds=["use1-az7"])
    with refused("InvalidParameterValue", 400, "The filter 'colour' is invalid"):
        ec2.describe_availability_zones(Filters=[{"Name": "colour", "Values": ["x"]}])


def test_regions(ec2):
    regions = ec2.describe_regions()["Regions"]
    names = [r["RegionName"] for r in regions]
    assert REGION in names and "eu-west-1" in names and "af-south-1" not in names
    assert all(r["OptInStatus"] == "opt-in-not-required" for r in regions)
    assert next(r for r in regions if r["RegionName"] == "eu-west-1")["Endpoint"] == "ec2.eu-west-1.amazonaws.com"

    everything = ec2.describe_regions(AllRegions=True)["Regions"]
    assert {r["RegionName"]: r["OptInStatus"] for r in everything}["af-south-1"] == "not-opted-in"
    assert len(everything) > len(regions)

    assert [r["RegionName"] for r in ec2.describe_regions(RegionNames=["us-west-2", "eu-central-1"])["Regions"]] == [
        "us-west-2", "eu-central-1"]
    assert [r["RegionName"] for r in ec2.describe_regions(Filters=[{"Name": "region-name", "Values": ["us-*"]}])["Regions"]] == [
        "us-east-1", "us-east-2", "us-west-1", "us-west-2"]
    assert [r["RegionName"] for r in ec2.describe_regions(
        AllRegions=True, Filters=[{"Name": "opt-in-status", "Values": ["not-opted-in"]}, {"Name": "endpoint", "Values": ["*me-*"]}])["Regions"]] == [
        "me-central-1", "me-south-1"]
    with refused("InvalidParameterValue", 400, "moon-1"):
        ec2.describe_regions(RegionNames=["moon-1"])


def test_account_attributes(ec2, boto):
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    attributes = {a["AttributeName"]: [v["AttributeValue"] for v in a["AttributeValues"]]
                  for a in ec2.describe_account_attributes()["AccountAttributes"]}
    assert attributes == {
        "supported-platforms": ["VPC"], "default-vpc": [default_vpc], "max-instances": ["20"],
        "vpc-max-security-groups-per-interface": ["5"], "max-elastic-ips": ["5"], "vpc-max-elastic-ips": ["5"]}

    only = ec2.describe_account_attributes(AttributeNames=["supported-platforms"])["AccountAttributes"]
    assert only == [{"AttributeName": "supported-platforms", "AttributeValues": [{"AttributeValue": "VPC"}]}]
    with refused("InvalidParameterValue", 400, "AttributeNames"):
        boto("ec2", validate=False).describe_account_attributes(AttributeNames=["favourite-colour"])
    with refused("DryRunOperation", 412):
        ec2.describe_account_attributes(DryRun=True)
