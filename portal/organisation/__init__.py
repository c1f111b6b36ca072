"""The city's organisation: units (OPD), services (layanan) and ASN profiles."""
