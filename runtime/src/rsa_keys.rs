//! RSA-SHA256 (PKCS#1 v1.5) signatures: verification with the provider's public key, and
//! signing with a private key for the mock server.

/// Verifies a base64 signature of `msg` with a PEM (SPKI) public key.
pub fn verify(
    public_pem: &str,
    msg: &[u8],
    signature_b64: &str,
) -> Result<(), crate::signing::SignError> {
    use base64::Engine as _;
    use rsa::pkcs8::DecodePublicKey;
    use rsa::signature::Verifier;
    let key = rsa::RsaPublicKey::from_public_key_pem(public_pem)
        .map_err(|e| crate::signing::SignError::BadKey(e.to_string()))?;
    let sig_bytes = base64::engine::general_purpose::STANDARD
        .decode(signature_b64.trim())
        .map_err(|_| crate::signing::SignError::Mismatch)?;
    let sig = rsa::pkcs1v15::Signature::try_from(sig_bytes.as_slice())
        .map_err(|_| crate::signing::SignError::Mismatch)?;
    rsa::pkcs1v15::VerifyingKey::<rsa::sha2::Sha256>::new(key)
        .verify(msg, &sig)
        .map_err(|_| crate::signing::SignError::Mismatch)
}

/// Signs `msg` with an RSA private key (PKCS#8 PEM), base64; used by the mock server.
pub fn sign(private_pem: &str, msg: &[u8]) -> Result<String, crate::signing::SignError> {
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::signature::{SignatureEncoding, Signer};
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(private_pem)
        .map_err(|e| crate::signing::SignError::BadKey(e.to_string()))?;
    let sig = rsa::pkcs1v15::SigningKey::<rsa::sha2::Sha256>::new(key).sign(msg);
    Ok(crate::signing::base64_encode(&sig.to_bytes()))
}
