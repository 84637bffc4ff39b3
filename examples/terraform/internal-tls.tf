resource "tls_private_key" "internal" {
  algorithm = "ECDSA"
  ecdsa_curve = "P256"
}

resource "tls_self_signed_cert" "internal" {
  private_key_pem = tls_private_key.internal.private_key_pem

  subject {
    common_name  = "api.internal.example.net"
    organization = "Platform"
  }

  validity_period_hours = 87600 # ten years, so we never have to think about it again
  allowed_uses = [
    "key_encipherment",
    "digital_signature",
    "server_auth",
  ]
}
