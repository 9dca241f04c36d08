//! The signed header of 78xx files (`kern78xx.11-0-1-11.sbn`, `sip78xx.11-0-1-11.loads`):
//! little-endian, magic `cd 34 12 ab`, read from Cisco's 78xx 11.0(1) release.
//!
//! | offset | size | field |
//! | --- | --- | --- |
//! | 0x00 | 4 | magic `0xab1234cd` (LE) |
//! | 0x04 | 4 | header length (0x150 in every sample) |
//! | 0x0c | 4 | payload length (header + payload = file length) |
//! | 0x14 | 32 | SHA-256 of the payload (checked on every sample) |
//! | 0x34 | 4 | length of the embedded file name |
//! | 0x38 | … | embedded file name, NUL-padded |
//! | … | … | up to the header length: signature (256 bytes in the samples; not verified) |
use super::bytes::Bytes;
use super::error::{PkgError, Result};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const MAGIC: [u8; 4] = [0xcd, 0x34, 0x12, 0xab];

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Signed78<'a> {
    #[serde(skip)]
    pub bytes: &'a [u8],
    pub header_length: usize,
    pub payload_length: usize,
    pub sha256_stored: String,
    pub sha256_ok: bool,
    pub filename: String,
    /// Bytes between the name field and the payload (the signature, by its size).
    pub signature_len: usize,
}

fn le32(b: &[u8], off: usize) -> Result<usize> {
    let v = Bytes::new(b, 0)
        .u32le(off, "78xx header")
        .map_err(|_| PkgError::invalid(off, "78xx header ends early"))?;
    usize::try_from(v).map_err(|_| PkgError::invalid(off, "length too large"))
}

pub fn looks_signed78(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC)
}

pub fn parse(bytes: &[u8]) -> Result<Signed78<'_>> {
    if !looks_signed78(bytes) {
        return Err(PkgError::invalid(0, "no 78xx magic cd 34 12 ab"));
    }
    let header_length = le32(bytes, 4)?;
    let payload_length = le32(bytes, 0x0c)?;
    if header_length < 0x38 || header_length > bytes.len() {
        return Err(PkgError::invalid(
            4,
            format!(
                "header length {header_length} does not fit the file ({} bytes)",
                bytes.len()
            ),
        ));
    }
    if header_length.checked_add(payload_length) != Some(bytes.len()) {
        return Err(PkgError::invalid(
            0x0c,
            format!(
                "header {header_length} + payload {payload_length} bytes ≠ file length {}",
                bytes.len()
            ),
        ));
    }
    let stored = bytes
        .get(0x14..0x34)
        .ok_or_else(|| PkgError::invalid(0x14, "78xx header ends early"))?;
    let name_len = le32(bytes, 0x34)?;
    let name_end = 0x38usize.saturating_add(name_len);
    let name = bytes
        .get(0x38..name_end)
        .filter(|_| name_end <= header_length)
        .ok_or_else(|| {
            PkgError::invalid(0x34, format!("name length {name_len} runs past the header"))
        })?;
    let filename = String::from_utf8_lossy(name)
        .trim_end_matches('\0')
        .to_string();
    // The name field is padded to a multiple of 4 bytes (NUL included).
    let padded = (name_end + 1).div_ceil(4) * 4;
    let payload = bytes.get(header_length..).unwrap_or_default();
    let computed = Sha256::digest(payload);
    Ok(Signed78 {
        bytes,
        header_length,
        payload_length,
        sha256_stored: hex::encode(stored),
        sha256_ok: computed.as_slice() == stored,
        filename,
        signature_len: header_length.saturating_sub(padded),
    })
}

impl<'a> Signed78<'a> {
    pub fn payload(&self) -> &'a [u8] {
        self.bytes.get(self.header_length..).unwrap_or_default()
    }
}
