#!/usr/bin/env python3
"""Writes fixtures/sigv4/vectors.json: requests signed by botocore (the reference SigV4
implementation) that Kerbside's Swift SigV4 tests must verify. Re-run after a botocore upgrade."""
import json
import os
from urllib.parse import urlsplit

from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

KEY, SECRET = "AKIDEXAMPLEKERBSIDE1", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

CASES = [
    ("sts-form-post", "POST", "https://sts.amazonaws.com/", "sts", "us-east-1",
     {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, "Action=GetCallerIdentity&Version=2011-06-15", None),
    ("iam-form-post-encoded", "POST", "http://127.0.0.1:4566/", "iam", "us-east-1",
     {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
     "Action=CreateRole&RoleName=a%2Bb&AssumeRolePolicyDocument=%7B%22Version%22%3A%222012-10-17%22%7D&Version=2010-05-08", None),
    ("get-query-unicode", "GET", "http://127.0.0.1:4566/?b=2&a=1&sp=a%20b&uni=%C3%A9&tilde=~x&plus=%2B", "rds", "eu-west-1", {}, "", None),
    ("json-target-session-token", "POST", "http://127.0.0.1:4566/", "ds", "us-west-2",
     {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "DirectoryService_20150416.DescribeDirectories",
      "X-Custom": "  several   spaces  here "}, '{"Limit": 5}', "FQoGZXIvYXdzEXAMPLETOKEN"),
    ("rest-path-encoded", "POST", "http://127.0.0.1:4566/Users/Describe%20User?DirectoryId=d-1234567890", "ds-data", "us-east-1",
     {"Content-Type": "application/json"}, '{"SAMAccountName":"alice"}', None),
]


def main():
    vectors = []
    for name, method, url, service, region, headers, body, token in CASES:
        credentials = Credentials(KEY, SECRET, token)
        request = AWSRequest(method=method, url=url, headers=dict(headers), data=body.encode())
        signer = SigV4Auth(credentials, service, region)
        captured = []
        original = signer.canonical_request
        signer.canonical_request = lambda r: captured.append(original(r)) or captured[-1]
        signer.add_auth(request)
        canonical = captured[0]
        prepared = request.prepare()
        # The HTTP client adds Host when sending; the signature covers it.
        headers = [["Host", urlsplit(url).netloc]] + [[k, v] for k, v in prepared.headers.items()]
        vectors.append({
            "name": name, "placement": "header", "method": method, "url": prepared.url,
            "headers": headers,
            "body": body, "secret": SECRET, "canonicalRequest": canonical,
        })
    # A presigned URL (query-string authentication), as SDKs make for sts:GetCallerIdentity.
    request = AWSRequest(method="GET", url="http://127.0.0.1:4566/?Action=GetCallerIdentity&Version=2011-06-15")
    SigV4QueryAuth(Credentials(KEY, SECRET), "sts", "us-east-1", expires=900).add_auth(request)
    prepared = request.prepare()
    vectors.append({
        "name": "presigned-get", "placement": "query", "method": "GET", "url": prepared.url,
        "headers": [["host", "127.0.0.1:4566"]], "body": "", "secret": SECRET, "canonicalRequest": None,
    })
    path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "sigv4", "vectors.json")
    with open(path, "w") as f:
        json.dump({"generatedBy": "scripts/make-sigv4-fixtures.py", "vectors": vectors}, f, indent=2)
        f.write("\n")
    print(f"wrote {len(vectors)} vectors to {path}")


if __name__ == "__main__":
    main()
