resource "tls_private_key" "internal_ca" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}

resource "tls_self_signed_cert" "internal_ca" {
  private_key_pem = tls_private_key.internal_ca.private_key_pem

  subject {
    common_name  = "internal-ca.example.com"
    organization = "Example Corp"
  }

  validity_period_hours = 87600
  is_ca_certificate     = true
  allowed_uses          = ["cert_signing", "crl_signing"]
}

resource "tls_private_key" "ingress" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}

resource "tls_locally_signed_cert" "ingress" {
  cert_request_pem   = tls_cert_request.ingress.cert_request_pem
  ca_private_key_pem = tls_private_key.internal_ca.private_key_pem
  ca_cert_pem        = tls_self_signed_cert.internal_ca.cert_pem

  validity_period_hours = 26280
  allowed_uses          = ["key_encipherment", "digital_signature", "server_auth"]
}
