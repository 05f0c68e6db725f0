# The CORS of an application's storage and APIs, as Terraform declares it.
variable "front_ends" {
  type    = list(string)
  default = ["https://app.example.com"]
}

variable "partner_origin" {
  type = string # given at plan time: not evaluated here
}

locals {
  upload_origins = concat(var.front_ends, ["https://admin.example.com"])
  assets_origins = ["https://app.example.com", "https://*.example.com"]
}

resource "aws_s3_bucket_cors_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  cors_rule {
    allowed_headers = ["*"]
    allowed_methods = ["PUT", "POST"]
    allowed_origins = [
      "https://app.example.com",
      "https://*example.com",
    ]
    expose_headers  = ["ETag"]
    max_age_seconds = 3000
  }

  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["*"]
  }
}

resource "aws_s3_bucket" "legacy" {
  bucket = "legacy-assets"

  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = local.assets_origins
  }
}

resource "aws_cloudfront_response_headers_policy" "cors" {
  name = "cors"

  cors_config {
    access_control_allow_credentials = true

    access_control_allow_headers {
      items = ["Content-Type"]
    }
    access_control_allow_methods {
      items = ["GET", "POST"]
    }
    access_control_allow_origins {
      items = ["https://app.example.com", "http://localhost:3000"]
    }
    origin_override = true
  }
}

resource "aws_apigatewayv2_api" "api" {
  name          = "api"
  protocol_type = "HTTP"

  cors_configuration {
    allow_credentials = true
    allow_headers     = ["content-type", "authorization"]
    allow_methods     = ["GET", "POST"]
    allow_origins     = var.front_ends
    max_age           = 600
  }
}

resource "google_storage_bucket" "media" {
  name     = "media"
  location = "EU"

  cors {
    origin          = ["https://app.example.com"]
    method          = ["GET", "HEAD"]
    response_header = ["Content-Type"]
    max_age_seconds = 3600
  }
  cors {
    origin = ["*"]
    method = ["GET"]
  }
}

resource "azurerm_storage_account" "files" {
  name                     = "files"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"

  blob_properties {
    cors_rule {
      allowed_headers    = ["x-ms-meta-*", "content-type"]
      allowed_methods    = ["GET", "PUT"]
      allowed_origins    = ["https://app.example.com", "${var.partner_origin}"]
      exposed_headers    = ["x-ms-meta-*"]
      max_age_in_seconds = 200
    }
  }
}
