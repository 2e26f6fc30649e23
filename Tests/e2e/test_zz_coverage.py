"""Runs last: every operation Kerbside says it implements was called and shape-checked.

Each boto3 call the suite made passed the response-shape check in shapes.py and was recorded;
this compares that record with GET /_kerbside/operations, for every service Kerbside serves.
"""

import pytest

import shapes

SERVED = {"iam", "sts", "ec2", "ds", "ds-data", "rds"}


def test_every_implemented_operation_was_called_and_shape_checked(kerbside, full_run):
    if not full_run:
        pytest.skip("only meaningful when the whole suite ran (no -k, -m, --lf, and every test file collected)")
    implemented = kerbside.operations()
    assert SERVED <= {service for service, operations in implemented.items() if operations}, implemented
    missing = sorted(f"{service}:{operation}" for service, operations in implemented.items()
                     for operation in operations if (service, operation) not in shapes.covered)
    assert not missing, f"{len(missing)} implemented operations were never called successfully:\n  " + "\n  ".join(missing)
