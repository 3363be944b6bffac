"""`qkms serve`: the KMS JSON 1.1 API over HTTP, a thin adapter in front of `service.call`."""
