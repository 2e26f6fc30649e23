# The seed story as a user would write it in Terraform: the role RDS uses to join a directory, an
# AWS Managed Microsoft AD in the default VPC, a parameter group and a subnet group, and a
# PostgreSQL instance joined to the directory with IAM database authentication on.
# Applied against Kerbside by Tests/e2e/test_terraform_rds.py.
# With ../shared/provider.tf and ../shared/directory.tf, which the runner copies in.

resource "aws_db_parameter_group" "kerberos" {
  name   = "kerberos-postgres17"
  family = "postgres17"

  parameter {
    name  = "krb_caseins_users"
    value = "1"
  }
}

resource "aws_db_subnet_group" "default" {
  name       = "databases"
  subnet_ids = local.subnet_ids
}

resource "aws_db_instance" "kerbdb" {
  identifier                          = "kerbdb"
  engine                              = "postgres"
  instance_class                      = "db.t3.micro"
  allocated_storage                   = 20
  username                            = "postgres"
  password                            = "Master-Pass-123"
  domain                              = aws_directory_service_directory.corp.id
  domain_iam_role_name                = aws_iam_role.kerberos.name
  iam_database_authentication_enabled = true
  parameter_group_name                = aws_db_parameter_group.kerberos.name
  db_subnet_group_name                = aws_db_subnet_group.default.name
  skip_final_snapshot                 = true

  tags = {
    team = "databases"
  }

  # The role must allow the directory actions before RDS uses it.
  depends_on = [aws_iam_role_policy_attachment.kerberos]
}

output "endpoint" {
  value = aws_db_instance.kerbdb.endpoint
}

output "address" {
  value = aws_db_instance.kerbdb.address
}

output "resource_id" {
  value = aws_db_instance.kerbdb.resource_id
}

output "directory_id" {
  value = aws_directory_service_directory.corp.id
}

output "directory_dns" {
  value = aws_directory_service_directory.corp.dns_ip_addresses
}
