"""Directory helpers: the default VPC's subnets, a directory made and waited for, a user ready to log in."""

from __future__ import annotations

import time

ADMIN_PASSWORD = "Sup3r-Secret-Pass!"
ACTIVE_TIMEOUT = 15.0


def default_subnets(ec2) -> list[str]:
    """Two default subnets in different zones, as CreateMicrosoftAD needs."""
    subnets = ec2.describe_subnets()["Subnets"]
    by_zone: dict[str, str] = {}
    for subnet in subnets:
        if subnet.get("DefaultForAz", True):
            by_zone.setdefault(subnet["AvailabilityZone"], subnet["SubnetId"])
    assert len(by_zone) >= 2, f"expected default subnets in two zones, got {subnets}"
    return sorted(by_zone.values())[:2]


def default_vpc(ec2) -> str:
    vpcs = [vpc for vpc in ec2.describe_vpcs()["Vpcs"] if vpc.get("IsDefault")]
    assert vpcs, "no default VPC"
    return vpcs[0]["VpcId"]


def wait_for_stage(ds, directory_id: str, stages=("Active",), timeout: float = ACTIVE_TIMEOUT) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        description = ds.describe_directories(DirectoryIds=[directory_id])["DirectoryDescriptions"][0]
        if description["Stage"] in stages:
            return description
        assert time.monotonic() < deadline, f"{directory_id} stayed {description['Stage']} for {timeout}s: {description}"
        time.sleep(0.02)


def create_directory(ds, ec2, name: str = "corp.example.com", password: str = ADMIN_PASSWORD, **extra) -> str:
    directory_id = ds.create_microsoft_ad(
        Name=name, Password=password, Edition=extra.pop("Edition", "Standard"),
        VpcSettings={"VpcId": default_vpc(ec2), "SubnetIds": default_subnets(ec2)}, **extra)["DirectoryId"]
    wait_for_stage(ds, directory_id)
    return directory_id


def trusted_forest(ds, dsdata, ec2, corp: str, user: str = "bob", password: str = "Rabbit-Hole-123") -> str:
    """onprem.example.com, with `user`, trusted by `corp` (a verified forest trust, as the RDS
    guides set one up); answers the outgoing trust's id."""
    onprem = create_directory(ds, ec2, "onprem.example.com")
    ds.enable_directory_data_access(DirectoryId=onprem)
    user_with_password(ds, dsdata, onprem, user, password)
    outgoing = ds.create_trust(DirectoryId=corp, RemoteDomainName="onprem.example.com", TrustPassword="Trust-Pass-1",
                               TrustDirection="One-Way: Outgoing", TrustType="Forest")["TrustId"]
    ds.create_trust(DirectoryId=onprem, RemoteDomainName="corp.example.com", TrustPassword="Trust-Pass-1",
                    TrustDirection="One-Way: Incoming")
    ds.verify_trust(TrustId=outgoing)
    return outgoing


def user_with_password(ds, dsdata, directory_id: str, name: str, password: str) -> str:
    """Creates a directory user and sets its password; returns its SID."""
    sid = dsdata.create_user(DirectoryId=directory_id, SAMAccountName=name)["SID"]
    ds.reset_user_password(DirectoryId=directory_id, UserName=name, NewPassword=password)
    return sid
