# The network a directory and its databases live in, as a user would write it: a VPC with DNS
# hostnames, two subnets in two zones, a security group, a peering to a second VPC, and the
# account's default VPC. Applied against Kerbside by Tests/e2e/test_terraform_vpc.py.
# With ../shared/provider.tf, which the runner copies in.

data "aws_vpc" "default" {
  default = true
}

data "aws_availability_zones" "available" {
  state = "available"
}

resource "aws_vpc" "directory" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags = {
    Name = "directory"
  }
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.directory.id
  cidr_block        = "10.20.1.0/24"
  availability_zone = data.aws_availability_zones.available.names[0]
  tags = {
    Name = "directory-a"
  }
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.directory.id
  cidr_block        = "10.20.2.0/24"
  availability_zone = data.aws_availability_zones.available.names[1]
  tags = {
    Name = "directory-b"
  }
}

resource "aws_security_group" "databases" {
  name        = "databases"
  description = "PostgreSQL and Kerberos from the VPC"
  vpc_id      = aws_vpc.directory.id

  ingress {
    description = "PostgreSQL"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.directory.cidr_block]
  }

  ingress {
    description = "Kerberos"
    from_port   = 88
    to_port     = 88
    protocol    = "udp"
    cidr_blocks = ["10.20.0.0/16", "10.30.0.0/16"]
  }

  ingress {
    from_port = 0
    to_port   = 0
    protocol  = "-1"
    self      = true
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = {
    Name = "databases"
  }
}

resource "aws_vpc" "clients" {
  cidr_block = "10.30.0.0/16"
  tags = {
    Name = "clients"
  }
}

resource "aws_vpc_peering_connection" "clients_to_directory" {
  vpc_id      = aws_vpc.clients.id
  peer_vpc_id = aws_vpc.directory.id
  auto_accept = true
  tags = {
    Name = "clients-to-directory"
  }
}

output "default_vpc_id" {
  value = data.aws_vpc.default.id
}

output "default_vpc_cidr" {
  value = data.aws_vpc.default.cidr_block
}

output "vpc_id" {
  value = aws_vpc.directory.id
}

output "subnet_ids" {
  value = [aws_subnet.a.id, aws_subnet.b.id]
}

output "security_group_id" {
  value = aws_security_group.databases.id
}

output "peering_id" {
  value = aws_vpc_peering_connection.clients_to_directory.id
}

output "peering_status" {
  value = aws_vpc_peering_connection.clients_to_directory.accept_status
}
