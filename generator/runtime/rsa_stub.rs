//! This provider uses no RSA signatures; the functions say so instead of verifying.

/// Always fails: this crate was generated without RSA support.
pub fn verify(_public_pem: &str, _msg: &[u8], _signature_b64: &str) -> Result<(), crate::signing::SignError> {
    Err(crate::signing::SignError::BadKey("this provider's spec declares no RSA signatures".into()))
}

/// Always fails: this crate was generated without RSA support.
pub fn sign(_private_pem: &str, _msg: &[u8]) -> Result<String, crate::signing::SignError> {
    Err(crate::signing::SignError::BadKey("this provider's spec declares no RSA signatures".into()))
}
