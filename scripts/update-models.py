#!/usr/bin/env python3
"""Copy the botocore service models Kerbside serves into Sources/AWSWire/Models.

The models are the wire truth (shapes, member names, list wrapping, error codes). We commit them
stripped of their documentation text: the facts stay, the prose goes. For EC2 only the operations
Kerbside serves are kept (with every shape they reach), because the full model is 3 MB.

Run after upgrading botocore:  python3 scripts/update-models.py
"""
import gzip
import json
import os
import sys

import botocore

# service directory in botocore -> (api version, operations to keep or None for all)
SERVED = {
    "sts": ("2011-06-15", None),
    "iam": ("2010-05-08", None),
    "rds": ("2014-10-31", None),
    "ds": ("2015-04-16", None),
    "ds-data": ("2023-05-31", None),
    "ec2": ("2016-11-15", [
        "AcceptVpcPeeringConnection", "AuthorizeSecurityGroupEgress", "AuthorizeSecurityGroupIngress",
        "CreateSecurityGroup", "CreateSubnet", "CreateTags", "CreateVpc", "CreateVpcPeeringConnection",
        "DeleteSecurityGroup", "DeleteSubnet", "DeleteTags", "DeleteVpc", "DeleteVpcPeeringConnection",
        "DescribeAccountAttributes", "DescribeAvailabilityZones", "DescribeNetworkAcls",
        "DescribeNetworkInterfaces", "DescribeRegions", "DescribeRouteTables", "DescribeSecurityGroupRules",
        "DescribeSecurityGroups", "DescribeSubnets", "DescribeTags", "DescribeVpcAttribute",
        "DescribeVpcPeeringConnections", "DescribeVpcs", "ModifySubnetAttribute", "ModifyVpcAttribute",
        "RejectVpcPeeringConnection", "RevokeSecurityGroupEgress", "RevokeSecurityGroupIngress",
    ]),
}

PROSE = {"documentation", "documentationUrl", "deprecatedMessage", "examples"}


def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k not in PROSE}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def reachable_shapes(model, operations):
    shapes = model["shapes"]
    seen = set()
    stack = []
    for op in operations.values():
        for key in ("input", "output"):
            if key in op:
                stack.append(op[key]["shape"])
        stack.extend(e["shape"] for e in op.get("errors", []))
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        shape = shapes[name]
        refs = list(shape.get("members", {}).values())
        refs += [shape[k] for k in ("member", "key", "value") if k in shape]
        stack.extend(ref["shape"] for ref in refs)
    return seen


def main():
    root = os.path.join(os.path.dirname(botocore.__file__), "data")
    out_dir = os.path.join(os.path.dirname(__file__), "..", "Sources", "AWSWire", "Models")
    os.makedirs(out_dir, exist_ok=True)
    for service, (version, keep) in SERVED.items():
        with gzip.open(os.path.join(root, service, version, "service-2.json.gz")) as f:
            model = json.load(f)
        if keep is not None:
            missing = [op for op in keep if op not in model["operations"]]
            if missing:
                sys.exit(f"{service}: not in the model: {missing}")
            model["operations"] = {op: model["operations"][op] for op in keep}
            wanted = reachable_shapes(model, model["operations"])
            model["shapes"] = {k: v for k, v in model["shapes"].items() if k in wanted}
        model = strip(model)
        model["metadata"]["botocoreVersion"] = botocore.__version__
        path = os.path.join(out_dir, f"{service}.json")
        with open(path, "w") as f:
            json.dump(model, f, separators=(",", ":"))
            f.write("\n")
        print(f"{path}: {len(model['operations'])} operations, {len(model['shapes'])} shapes")


if __name__ == "__main__":
    main()
