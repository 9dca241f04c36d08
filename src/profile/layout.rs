//! Bytes of the `#ata` format: magic, varints, the header record, record walking.

use crate::crypto;

pub const MAGIC: &[u8; 4] = b"#ata";
/// The header record's tag; its value is checksum (2) and payload length (2).
pub const TAG_HEADER: u16 = 0x7FFE;
/// The pointer from a split base file to its extended file.
pub const TAG_EXTENDED: u16 = 0x4000;
pub const TAG_UPGRADECODE: u16 = 0x1100;
pub const TAG_UPGRADELANG: u16 = 0x1101;
pub const TAG_TFTPURL2: u16 = 0x1102;
pub const TAG_UPGRADELOGO: u16 = 0x1103;
pub const TAG_UPGRADEXML: u16 = 0x1104;
pub const TAG_ENCRYPT_KEY_EX: u16 = 0x1105;
/// Largest value a varint holds.
pub const MAX_VARINT: u16 = 0x7FFF;

/// Appends a varint: one byte below 0x80, else two with the top bit set in the first.
/// Callers keep values at most 0x7FFF (tags from the table, values of at most 512 bytes).
pub(crate) fn put_varint(out: &mut Vec<u8>, value: u16) {
    debug_assert!(value <= MAX_VARINT);
    if value < 0x80 {
        out.push(value as u8);
    } else {
        out.push(0x80 | (value >> 8) as u8);
        out.push(value as u8);
    }
}

/// Encodes a varint, refusing values above 0x7FFF.
pub fn varint(value: u32) -> Option<Vec<u8>> {
    let value = u16::try_from(value).ok().filter(|&v| v <= MAX_VARINT)?;
    let mut out = Vec::with_capacity(2);
    put_varint(&mut out, value);
    Some(out)
}

/// Reads a varint at `pos`: the value and the bytes it took, `None` if cut short.
pub fn get_varint(bytes: &[u8], pos: usize) -> Option<(u16, usize)> {
    let first = *bytes.get(pos)?;
    if first & 0x80 == 0 {
        Some((u16::from(first), 1))
    } else {
        let second = *bytes.get(pos + 1)?;
        Some((u16::from(first & 0x7F) << 8 | u16::from(second), 2))
    }
}

/// Appends one record (tag and length at most 0x7FFF, see [`put_varint`]).
pub(crate) fn put_record(out: &mut Vec<u8>, tag: u16, value: &[u8]) {
    put_varint(out, tag);
    put_varint(out, value.len() as u16);
    out.extend_from_slice(value);
}

/// Size of a record on disk.
pub fn record_len(tag: u16, value_len: usize) -> usize {
    let v = |x: usize| if x < 0x80 { 1 } else { 2 };
    v(usize::from(tag)) + v(value_len) + value_len
}

/// Which checksum a header carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    /// Plain and weak files: byte sum.
    Simple,
    /// Strong files: internet checksum.
    Internet,
}

impl Checksum {
    pub fn of(self, payload: &[u8]) -> u16 {
        match self {
            Checksum::Simple => crypto::checksum_simple(payload),
            Checksum::Internet => crypto::checksum_internet(payload),
        }
    }
}

/// The header record (`ff fe 04`, checksum, length) for a payload of at most 0xFFFF bytes.
pub fn header(payload: &[u8], checksum: Checksum) -> [u8; 7] {
    let sum = checksum.of(payload).to_be_bytes();
    let len = (payload.len() as u16).to_be_bytes();
    [0xff, 0xfe, 0x04, sum[0], sum[1], len[0], len[1]]
}

/// One record as found in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawRecord<'a> {
    /// Offset of the record's first byte in the walked buffer.
    pub offset: usize,
    pub tag: u16,
    /// Bytes taken by the tag and length varints.
    pub head_len: usize,
    pub value: &'a [u8],
}

impl RawRecord<'_> {
    pub fn end(&self) -> usize {
        self.offset + self.head_len + self.value.len()
    }
}

/// Where and why a record stream stopped making sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corruption {
    pub offset: usize,
    pub what: &'static str,
}

/// Walks records from `start` to the end of `bytes`. Returns what it read and, if the
/// stream breaks, where. Allocation is bounded by the input: each record takes ≥ 2 bytes.
pub fn walk(bytes: &[u8], start: usize) -> (Vec<RawRecord<'_>>, Option<Corruption>) {
    let mut records = Vec::new();
    let mut pos = start;
    while pos < bytes.len() {
        let Some((tag, tag_len)) = get_varint(bytes, pos) else {
            return (
                records,
                Some(Corruption {
                    offset: pos,
                    what: "tag cut short",
                }),
            );
        };
        let Some((len, len_len)) = get_varint(bytes, pos + tag_len) else {
            return (
                records,
                Some(Corruption {
                    offset: pos,
                    what: "length cut short",
                }),
            );
        };
        let value_start = pos + tag_len + len_len;
        let Some(value) = bytes.get(value_start..value_start + usize::from(len)) else {
            return (
                records,
                Some(Corruption {
                    offset: pos,
                    what: "record value runs past the end",
                }),
            );
        };
        records.push(RawRecord {
            offset: pos,
            tag,
            head_len: tag_len + len_len,
            value,
        });
        pos = value_start + usize::from(len);
    }
    (records, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints() {
        for (v, h) in [
            (0x14, "14"),
            (0x7FFE, "fffe"),
            (0x1102, "9102"),
            (0x4000, "c000"),
            (0x7FFF, "ffff"),
            (0x80, "8080"),
            (0x7F, "7f"),
        ] {
            assert_eq!(varint(v).map(hex::encode), Some(h.to_string()));
            let bytes = hex::decode(h).unwrap();
            assert_eq!(get_varint(&bytes, 0), Some((v as u16, bytes.len())));
        }
        assert_eq!(varint(0x8000), None);
        assert_eq!(get_varint(&[0x81], 0), None);
    }

    #[test]
    fn header_checksum_and_length() {
        assert_eq!(
            hex::encode(header(&[0x14, 1, 1], Checksum::Simple)),
            "fffe0400160003"
        );
        assert_eq!(
            hex::encode(header(&[0x14, 1, 1], Checksum::Internet)),
            "fffe04ebfd0003"
        );
    }

    #[test]
    fn walking_and_corruption() {
        let bytes = hex::decode("fffe040016000314010180820168").unwrap();
        let (recs, bad) = walk(&bytes, 0);
        assert_eq!(bad, None);
        assert_eq!(recs.len(), 3);
        assert_eq!(
            (recs[1].offset, recs[1].tag, recs[1].value),
            (7, 0x14, &[1u8][..])
        );
        assert_eq!((recs[2].tag, recs[2].value), (130, &[0x68u8][..]));
        let (recs, bad) = walk(&bytes[..8], 0);
        assert_eq!(recs.len(), 1);
        assert_eq!(
            bad,
            Some(Corruption {
                offset: 7,
                what: "length cut short"
            })
        );
        let (_, bad) = walk(&bytes[..9], 0);
        assert_eq!(bad.map(|c| c.what), Some("record value runs past the end"));
    }

    #[test]
    fn record_lengths() {
        assert_eq!(record_len(0x14, 1), 3);
        assert_eq!(record_len(0x1100, 200), 204);
    }
}
