//! Checked big/little-endian reads over borrowed bytes; offsets in errors are file offsets.
use super::error::{PkgError, Result};

/// Borrow `len` bytes at `offset`, or say which `what` was cut short.
pub fn slice<'a>(
    data: &'a [u8],
    offset: usize,
    len: usize,
    what: &'static str,
) -> Result<&'a [u8]> {
    offset
        .checked_add(len)
        .and_then(|end| data.get(offset..end))
        .ok_or(PkgError::Truncated {
            offset,
            what,
            needed: len,
            available: data.len().saturating_sub(offset),
        })
}

pub fn array<const N: usize>(data: &[u8], offset: usize, what: &'static str) -> Result<[u8; N]> {
    let s = slice(data, offset, N, what)?;
    let mut out = [0u8; N];
    out.copy_from_slice(s);
    Ok(out)
}

pub fn u8_at(data: &[u8], offset: usize, what: &'static str) -> Result<u8> {
    Ok(array::<1>(data, offset, what)?[0])
}
pub fn u16be_at(data: &[u8], offset: usize, what: &'static str) -> Result<u16> {
    Ok(u16::from_be_bytes(array(data, offset, what)?))
}
pub fn u32be_at(data: &[u8], offset: usize, what: &'static str) -> Result<u32> {
    Ok(u32::from_be_bytes(array(data, offset, what)?))
}
pub fn u32le_at(data: &[u8], offset: usize, what: &'static str) -> Result<u32> {
    Ok(u32::from_le_bytes(array(data, offset, what)?))
}

/// Text up to the first NUL (or the whole slice), lossily decoded; `bool` = NUL was present.
pub fn c_string(value: &[u8]) -> (String, bool) {
    match value.iter().position(|&b| b == 0) {
        Some(n) => (
            String::from_utf8_lossy(value.get(..n).unwrap_or_default()).into_owned(),
            true,
        ),
        None => (String::from_utf8_lossy(value).into_owned(), false),
    }
}

/// Printable ASCII only (for tags such as `PAS30830`); `None` if anything else is inside.
pub fn ascii_tag(value: &[u8]) -> Option<String> {
    if value.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        Some(String::from_utf8_lossy(value).into_owned())
    } else {
        None
    }
}

/// Lowercase hex for short binary fields.
pub fn hex_bytes(value: &[u8]) -> String {
    hex::encode(value)
}

/// Shift a `Truncated` error's offset from a sub-slice to file offsets.
pub fn rebase(e: PkgError, base: usize) -> PkgError {
    match e {
        PkgError::Truncated {
            offset,
            what,
            needed,
            available,
        } => PkgError::Truncated {
            offset: offset + base,
            what,
            needed,
            available,
        },
        other => other,
    }
}
