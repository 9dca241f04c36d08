//! A checked reader over borrowed bytes that knows where they sit in the file: every error
//! it returns names a file offset, so parsers never fix offsets up by hand. Reads are built on
//! `byteorder`; [`Bytes`] reads at offsets, [`Cursor`] reads in sequence.
use byteorder::{BigEndian, ByteOrder, LittleEndian};

use super::error::{PkgError, Result};

/// Borrowed bytes and the file offset of their first byte.
#[derive(Debug, Clone, Copy)]
pub struct Bytes<'a> {
    data: &'a [u8],
    base: usize,
}

impl<'a> Bytes<'a> {
    /// `data` starts at file offset `base`.
    pub fn new(data: &'a [u8], base: usize) -> Self {
        Bytes { data, base }
    }
    pub fn data(&self) -> &'a [u8] {
        self.data
    }
    pub fn len(&self) -> usize {
        self.data.len()
    }
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
    /// File offset of the first byte.
    pub fn base(&self) -> usize {
        self.base
    }
    /// File offset of `offset` (relative to these bytes).
    pub fn file_offset(&self, offset: usize) -> usize {
        self.base.saturating_add(offset)
    }

    /// `len` bytes at `offset`, or a `Truncated` error at the file offset.
    pub fn slice(&self, offset: usize, len: usize, what: &'static str) -> Result<&'a [u8]> {
        offset
            .checked_add(len)
            .and_then(|end| self.data.get(offset..end))
            .ok_or(PkgError::Truncated {
                offset: self.file_offset(offset),
                what,
                needed: len,
                available: self.data.len().saturating_sub(offset),
            })
    }
    /// The bytes from `offset` for `len` bytes, as a reader with its own file offset.
    pub fn sub(&self, offset: usize, len: usize, what: &'static str) -> Result<Bytes<'a>> {
        Ok(Bytes::new(
            self.slice(offset, len, what)?,
            self.file_offset(offset),
        ))
    }
    /// Everything from `offset` on (empty past the end).
    pub fn rest(&self, offset: usize) -> Bytes<'a> {
        Bytes::new(
            self.data.get(offset..).unwrap_or_default(),
            self.file_offset(offset),
        )
    }
    pub fn u8(&self, offset: usize, what: &'static str) -> Result<u8> {
        Ok(self
            .slice(offset, 1, what)?
            .first()
            .copied()
            .unwrap_or_default())
    }
    pub fn u16<E: ByteOrder>(&self, offset: usize, what: &'static str) -> Result<u16> {
        Ok(E::read_u16(self.slice(offset, 2, what)?))
    }
    pub fn u32<E: ByteOrder>(&self, offset: usize, what: &'static str) -> Result<u32> {
        Ok(E::read_u32(self.slice(offset, 4, what)?))
    }
    pub fn u16be(&self, offset: usize, what: &'static str) -> Result<u16> {
        self.u16::<BigEndian>(offset, what)
    }
    pub fn u32be(&self, offset: usize, what: &'static str) -> Result<u32> {
        self.u32::<BigEndian>(offset, what)
    }
    pub fn u32le(&self, offset: usize, what: &'static str) -> Result<u32> {
        self.u32::<LittleEndian>(offset, what)
    }
    /// An `Invalid` error at `offset` (relative to these bytes).
    pub fn invalid(&self, offset: usize, what: impl Into<String>) -> PkgError {
        PkgError::invalid(self.file_offset(offset), what)
    }
    /// A sequential reader from `offset`.
    pub fn cursor(&self, offset: usize) -> Cursor<'a> {
        Cursor {
            bytes: *self,
            pos: offset,
        }
    }
}

/// Reads one field after another.
#[derive(Debug, Clone, Copy)]
pub struct Cursor<'a> {
    bytes: Bytes<'a>,
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// Position, relative to the reader's bytes.
    pub fn pos(&self) -> usize {
        self.pos
    }
    /// File offset of the position.
    pub fn file_offset(&self) -> usize {
        self.bytes.file_offset(self.pos)
    }
    pub fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }
    pub fn is_at_end(&self) -> bool {
        self.remaining() == 0
    }
    pub fn skip(&mut self, len: usize, what: &'static str) -> Result<()> {
        self.take(len, what).map(|_| ())
    }
    pub fn take(&mut self, len: usize, what: &'static str) -> Result<&'a [u8]> {
        let s = self.bytes.slice(self.pos, len, what)?;
        self.pos += len;
        Ok(s)
    }
    pub fn u8(&mut self, what: &'static str) -> Result<u8> {
        let v = self.bytes.u8(self.pos, what)?;
        self.pos += 1;
        Ok(v)
    }
    pub fn u16be(&mut self, what: &'static str) -> Result<u16> {
        let v = self.bytes.u16be(self.pos, what)?;
        self.pos += 2;
        Ok(v)
    }
    pub fn u32be(&mut self, what: &'static str) -> Result<u32> {
        let v = self.bytes.u32be(self.pos, what)?;
        self.pos += 4;
        Ok(v)
    }
    pub fn u32le(&mut self, what: &'static str) -> Result<u32> {
        let v = self.bytes.u32le(self.pos, what)?;
        self.pos += 4;
        Ok(v)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_file_offsets() {
        let file = [0u8, 1, 2, 3, 4, 5, 6, 7];
        let b = Bytes::new(&file, 0).sub(4, 4, "tail").unwrap();
        assert_eq!(b.u16be(0, "x").unwrap(), 0x0405);
        assert_eq!(b.u32le(0, "x").unwrap(), 0x0706_0504);
        match b.u32be(2, "field").unwrap_err() {
            PkgError::Truncated {
                offset,
                needed,
                available,
                ..
            } => {
                assert_eq!((offset, needed, available), (6, 4, 2));
            }
            e => panic!("{e}"),
        }
        let mut c = b.cursor(0);
        assert_eq!(c.u8("a").unwrap(), 4);
        assert_eq!(c.u16be("b").unwrap(), 0x0506);
        assert_eq!(c.file_offset(), 7);
        assert_eq!(c.u16be("c").unwrap_err().offset(), Some(7));
    }
}
