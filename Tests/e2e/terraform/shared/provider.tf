# Copied into every configuration by Tests/e2e/terraform_runner.py: the AWS provider from the
# local mirror, pointed at Kerbside (`endpoint`, passed as TF_VAR_endpoint) for every service
# the configurations use.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

variable "endpoint" {
  description = "Kerbside's URL, e.g. http://127.0.0.1:4566"
  type        = string
}

provider "aws" {
  region     = "us-east-1"
  access_key = "test"
  secret_key = "test"

  # Let the provider check its credentials and look up the account, as it does against AWS.
  skip_credentials_validation = false
  skip_requesting_account_id  = false
  skip_metadata_api_check     = true

  endpoints {
    ds  = var.endpoint
    ec2 = var.endpoint
    iam = var.endpoint
    rds = var.endpoint
    sts = var.endpoint
  }
}
