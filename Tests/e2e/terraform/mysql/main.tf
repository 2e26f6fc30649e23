# The MySQL family as a user would write it in Terraform: an RDS for MySQL instance with IAM
# database authentication, and an Aurora MySQL cluster joined to an AWS Managed Microsoft AD with
# IAM database authentication, with a writer. Applied against Kerbside by
# Tests/e2e/test_terraform_mysql.py.

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

data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "default" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }
  filter {
    name   = "default-for-az"
    values = ["true"]
  }
}

locals {
  # Two default subnets in two zones, as a Microsoft AD needs.
  subnet_ids = slice(sort(data.aws_subnets.default.ids), 0, 2)
}

data "aws_iam_policy_document" "rds_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["rds.amazonaws.com", "directoryservice.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "kerberos" {
  name               = "rds-directoryservice-kerberos-access-role"
  assume_role_policy = data.aws_iam_policy_document.rds_trust.json
}

resource "aws_iam_role_policy_attachment" "kerberos" {
  role       = aws_iam_role.kerberos.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSDirectoryServiceAccess"
}

resource "aws_directory_service_directory" "corp" {
  name     = "corp.example.com"
  password = "Sup3r-Secret-Pass!"
  type     = "MicrosoftAD"
  edition  = "Standard"

  vpc_settings {
    vpc_id     = data.aws_vpc.default.id
    subnet_ids = local.subnet_ids
  }

  tags = {
    Name = "corp"
  }
}

resource "aws_db_instance" "shop" {
  identifier                          = "shop"
  engine                              = "mysql"
  engine_version                      = "8.0"
  instance_class                      = "db.t3.micro"
  allocated_storage                   = 20
  db_name                             = "shop"
  username                            = "admin"
  password                            = "Master-Pass-123"
  iam_database_authentication_enabled = true
  skip_final_snapshot                 = true
  apply_immediately                   = true

  tags = {
    team = "databases"
  }
}

resource "aws_rds_cluster" "ledger" {
  cluster_identifier                  = "ledger"
  engine                              = "aurora-mysql"
  engine_version                      = "8.0.mysql_aurora.3.08.2"
  database_name                       = "ledger"
  master_username                     = "admin"
  master_password                     = "Master-Pass-123"
  domain                              = aws_directory_service_directory.corp.id
  domain_iam_role_name                = aws_iam_role.kerberos.name
  iam_database_authentication_enabled = true
  skip_final_snapshot                 = true
  apply_immediately                   = true

  # The role must allow the directory actions before RDS uses it.
  depends_on = [aws_iam_role_policy_attachment.kerberos]
}

resource "aws_rds_cluster_instance" "writer" {
  identifier         = "ledger-1"
  cluster_identifier = aws_rds_cluster.ledger.id
  engine             = aws_rds_cluster.ledger.engine
  engine_version     = aws_rds_cluster.ledger.engine_version
  instance_class     = "db.r6g.large"
}

output "instance_endpoint" {
  value = aws_db_instance.shop.endpoint
}

output "instance_resource_id" {
  value = aws_db_instance.shop.resource_id
}

output "cluster_endpoint" {
  value = aws_rds_cluster.ledger.endpoint
}

output "cluster_resource_id" {
  value = aws_rds_cluster.ledger.cluster_resource_id
}

output "directory_id" {
  value = aws_directory_service_directory.corp.id
}
