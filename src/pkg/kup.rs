//! `kup1` packages (`.zup`, and the payload of 7905/7912 `.sbin`): a 24-byte outer header, then a
//! `+kxz` inner package of raw and raw-DEFLATE regions described by a map table at its end.
//! Regions are copied into a 0xFF-filled 512 KiB bank at their destinations.
use super::MAX_OUTPUT;
use super::bytes::{Bytes, c_string};
use super::error::{PkgError, Result};
use crate::report::{Span, Status};
use byteorder::ByteOrder as _;
use serde::Serialize;
use std::io::Read;

pub const KUP_MAGIC: &[u8; 4] = b"kup1";
pub const KXZ_MAGIC: &[u8; 4] = b"+kxz";
pub const OUTER_LEN: usize = 24;
pub const BANK_SIZE: usize = 0x80000;
/// Bank offset of the section-check header (S2; 7912 observed).
pub const SECTION_HEADER: usize = 0x40000;
const MAX_GAP: usize = 8;

pub fn looks_like_kup(data: &[u8]) -> bool {
    data.starts_with(KUP_MAGIC)
}

pub fn platform_name(code: u32) -> &'static str {
    match code {
        0x201 => "ATA182",
        0x301 => "ATA186/188",
        0x401 => "7902G",
        0x501 => "7905G",
        0x601 => "7912G",
        0x40101 => "kf200",
        _ => "unknown",
    }
}

pub fn protocol_name(code: u16) -> &'static str {
    match code {
        0x400 => "SIP (itsp2) — 7912 SCCP images say 0x400 too",
        0x100 => "H.323",
        _ => "unknown",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct KupHeader {
    pub name: String,
    pub base_type: u32,
    pub platform: u32,
    pub protocol: u16,
    /// major << 8 | minor.
    pub version: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Region {
    pub index: usize,
    pub compressed: bool,
    pub dest: u32,
    /// Bytes placed in the bank (raw size, or declared output size).
    pub size: u32,
    /// Stored bytes in the package (raw: = size; compressed: DEFLATE + 8-byte trailer).
    pub stored: usize,
    /// Offset of the stored bytes, relative to the `kup1` start.
    pub data_offset: usize,
    /// Table entry offset, relative to the `kup1` start.
    pub entry_offset: usize,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct KupPackage<'a> {
    pub header: KupHeader,
    pub checksum_stored: u32,
    pub checksum_computed: u32,
    pub inner_length: u32,
    pub map_offset: u32,
    pub gap_tag: String,
    pub regions: Vec<Region>,
    pub map_version: u32,
    /// Whether a compressed entry's stored size counts the 8-byte trailer (decided from layout).
    pub stored_size_includes_trailer: bool,
    /// File offset of the `kup1` magic (non-zero inside `.sbin`).
    pub base: usize,
    #[serde(skip)]
    pub data: &'a [u8],
}

/// The 24-byte `kup1` header and the first 16 bytes of `+kxz` (magic, checksum, length, map
/// offset), without looking further.
pub fn parse_outer(data: &[u8], base: usize) -> Result<(KupHeader, u32, u32, u32)> {
    let b = Bytes::new(data, base);
    let magic = b.slice(0, 4, "kup1 magic")?;
    if magic != KUP_MAGIC {
        return Err(PkgError::BadMagic {
            offset: base,
            what: "kup1 package",
            expected: "\"kup1\"",
            found: hex::encode(magic),
        });
    }
    let header = KupHeader {
        name: c_string(b.slice(4, 8, "kup1 name")?).0,
        base_type: b.u32be(12, "kup1 base type")?,
        platform: b.u32be(16, "kup1 platform")?,
        protocol: b.u16be(20, "kup1 protocol")?,
        version: b.u16be(22, "kup1 version")?,
    };
    let kxz = b.slice(OUTER_LEN, 4, "+kxz magic")?;
    if kxz != KXZ_MAGIC {
        return Err(PkgError::BadMagic {
            offset: base + OUTER_LEN,
            what: "+kxz package",
            expected: "\"+kxz\"",
            found: hex::encode(kxz),
        });
    }
    let checksum = b.u32be(OUTER_LEN + 4, "+kxz checksum")?;
    let inner_length = b.u32be(OUTER_LEN + 8, "+kxz length")?;
    let map_offset = b.u32be(OUTER_LEN + 12, "+kxz map offset")?;
    Ok((header, checksum, inner_length, map_offset))
}

pub fn parse(data: &[u8], base: usize) -> Result<KupPackage<'_>> {
    let at = |o: usize| base + o;
    let (header, checksum_stored, inner_length, map_offset) = parse_outer(data, base)?;
    let inner = data.get(OUTER_LEN..).unwrap_or_default();
    let ib = Bytes::new(inner, base + OUTER_LEN);
    if usize::try_from(inner_length).ok() != Some(inner.len()) {
        return Err(PkgError::invalid(
            at(OUTER_LEN + 8),
            format!(
                "+kxz length {inner_length} but {} bytes follow the kup1 header (truncated or padded)",
                inner.len()
            ),
        ));
    }
    let checksum_computed = inner
        .get(12..)
        .unwrap_or_default()
        .iter()
        .fold(0u32, |s, &b| s.wrapping_add(u32::from(b)));
    let map = usize::try_from(map_offset).unwrap_or(usize::MAX);
    if map < 16 || map.saturating_add(8) > inner.len() {
        return Err(PkgError::invalid(
            at(OUTER_LEN + 12),
            format!("map table offset {map_offset:#x} outside the package"),
        ));
    }
    let raw_count = usize::from(ib.u16be(map, "raw region count")?);
    let comp_count = usize::from(ib.u16be(map + 2, "compressed region count")?);
    let table_len = 4 + raw_count * 8 + comp_count * 12 + 4;
    if map + table_len != inner.len() {
        return Err(PkgError::invalid(
            at(OUTER_LEN + map),
            format!(
                "map table of {raw_count} raw + {comp_count} compressed entries is {table_len} bytes, but {} remain to end of file",
                inner.len() - map
            ),
        ));
    }
    let (mut regions, mut data_pos, entry) = read_map(ib, map, raw_count, comp_count)?;
    let map_version = ib.u32be(entry, "map version")?;
    // Bound the total work of inflating, not just each region (many small bombs add up).
    let declared: u64 = regions.iter().map(|r| u64::from(r.size)).sum();
    if declared > MAX_OUTPUT as u64 {
        return Err(PkgError::TooLarge {
            offset: at(OUTER_LEN + map),
            what: "sum of declared region sizes",
            limit: MAX_OUTPUT,
        });
    }
    let includes = lay_out_compressed(ib, &mut regions, &mut data_pos, map)?;
    let gap = inner.get(data_pos..map).unwrap_or_default();
    let gap_tag = String::from_utf8_lossy(gap).into_owned();
    Ok(KupPackage {
        header,
        checksum_stored,
        checksum_computed,
        inner_length,
        map_offset,
        gap_tag,
        regions,
        map_version,
        stored_size_includes_trailer: includes,
        base,
        data,
    })
}

/// The map table's entries as regions (compressed ones not yet placed), where the raw data
/// ends, and where the map version follows.
fn read_map(
    ib: Bytes<'_>,
    map: usize,
    raw_count: usize,
    comp_count: usize,
) -> Result<(Vec<Region>, usize, usize)> {
    // Counts are now bounded by the file size, so the allocation is safe.
    let mut regions = Vec::with_capacity(raw_count + comp_count);
    let mut entry = map + 4;
    let mut data_pos = 16usize;
    for index in 0..raw_count {
        let dest = ib.u32be(entry, "raw entry")?;
        let size = ib.u32be(entry + 4, "raw entry")?;
        let stored = size as usize;
        regions.push(Region {
            index,
            compressed: false,
            dest,
            size,
            stored,
            data_offset: OUTER_LEN + data_pos,
            entry_offset: OUTER_LEN + entry,
        });
        data_pos = data_pos.saturating_add(stored);
        entry += 8;
    }
    for index in 0..comp_count {
        let dest = ib.u32be(entry, "compressed entry")?;
        let size = ib.u32be(entry + 4, "compressed entry")?;
        let stored = ib.u32be(entry + 8, "compressed entry")? as usize;
        regions.push(Region {
            index: raw_count + index,
            compressed: true,
            dest,
            size,
            stored,
            data_offset: 0,
            entry_offset: OUTER_LEN + entry,
        });
        entry += 12;
    }
    Ok((regions, data_pos, entry))
}

/// Places the compressed regions after the raw ones, deciding whether their stored size
/// counts the 8-byte trailer (the reading that leaves a 0–8-byte gap before the map table and
/// matches every trailer's ISIZE); `data_pos` ends past the last region.
fn lay_out_compressed(
    ib: Bytes<'_>,
    regions: &mut [Region],
    data_pos: &mut usize,
    map: usize,
) -> Result<bool> {
    let at = |o: usize| ib.base().saturating_sub(OUTER_LEN) + o;
    let comp_count = regions.iter().filter(|r| r.compressed).count();
    let stored_sizes: Vec<usize> = regions
        .iter()
        .filter(|r| r.compressed)
        .map(|r| r.stored)
        .collect();
    let data_start = *data_pos;
    let comp_sum = stored_sizes
        .iter()
        .fold(0usize, |a, &s| a.saturating_add(s));
    let end_incl = data_start.saturating_add(comp_sum);
    let end_excl = end_incl.saturating_add(8 * comp_count);
    // Which reading of the stored size (with or without the 8-byte trailer) lays the regions
    // out so that a 0–8-byte gap is left before the table and every trailer's ISIZE matches?
    let fits = |end: usize| end <= map && map - end <= MAX_GAP;
    let isize_ok = |includes: bool| {
        let mut pos = data_start;
        regions.iter().filter(|r| r.compressed).all(|r| {
            let stored = if includes {
                r.stored
            } else {
                r.stored.saturating_add(8)
            };
            let trailer_isize = pos
                .checked_add(stored)
                .and_then(|e| e.checked_sub(4))
                .and_then(|o| ib.u32le(o, "ISIZE").ok());
            pos = pos.saturating_add(stored);
            trailer_isize == Some(r.size)
        })
    };
    let includes = match (fits(end_incl), fits(end_excl)) {
        (true, true) => isize_ok(true) || !isize_ok(false),
        (true, false) => true,
        (false, true) => false,
        (false, false) => {
            return Err(PkgError::invalid(
                at(OUTER_LEN + map),
                format!(
                    "region data ends at {end_incl:#x} (or {end_excl:#x}), not within {MAX_GAP} bytes before the map table at {map:#x}"
                ),
            ));
        }
    };
    let mut pos = data_start;
    for r in regions.iter_mut().filter(|r| r.compressed) {
        if !includes {
            r.stored += 8;
        }
        if r.stored < 8 {
            return Err(PkgError::invalid(
                ib.base().saturating_sub(OUTER_LEN) + r.entry_offset,
                "compressed region shorter than its 8-byte trailer",
            ));
        }
        r.data_offset = OUTER_LEN + pos;
        pos += r.stored;
    }
    *data_pos = pos;
    Ok(includes)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct RegionCheck {
    pub index: usize,
    pub compressed: bool,
    pub crc_stored: u32,
    pub crc_computed: Option<u32>,
    pub isize_stored: u32,
    pub inflated: Option<usize>,
    pub error: Option<String>,
}

impl RegionCheck {
    pub fn ok(&self) -> bool {
        self.error.is_none()
            && (!self.compressed || self.crc_computed == Some(self.crc_stored))
            && self.inflated == Some(self.isize_stored as usize)
    }
}

const CRC32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

pub fn crc32(data: &[u8]) -> u32 {
    CRC32.checksum(data)
}

/// Inflate raw DEFLATE, refusing to produce more than `cap` bytes (zip-bomb guard).
pub fn inflate_bounded(stream: &[u8], cap: usize, offset: usize) -> Result<Vec<u8>> {
    let cap = cap.min(MAX_OUTPUT);
    let mut out = Vec::new();
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    flate2::read::DeflateDecoder::new(stream)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|e| PkgError::Decompress {
            offset,
            what: e.to_string(),
        })?;
    if out.len() > cap {
        return Err(PkgError::TooLarge {
            offset,
            what: "inflated region",
            limit: cap,
        });
    }
    Ok(out)
}

impl<'a> KupPackage<'a> {
    pub fn stored_bytes(&self, r: &Region) -> Result<&'a [u8]> {
        Bytes::new(self.data, self.base).slice(r.data_offset, r.stored, "region data")
    }

    /// The region's bank contents (raw copy, or inflated with the declared size as cap).
    pub fn region_output(&self, r: &Region) -> Result<(Vec<u8>, RegionCheck)> {
        let stored = self.stored_bytes(r)?;
        if !r.compressed {
            return Ok((
                stored.to_vec(),
                RegionCheck {
                    index: r.index,
                    compressed: false,
                    crc_stored: 0,
                    crc_computed: None,
                    isize_stored: r.size,
                    inflated: Some(stored.len()),
                    error: None,
                },
            ));
        }
        let split = stored.len() - 8;
        let (stream, trailer) = stored.split_at(split);
        let file_off = self.base + r.data_offset;
        let trailer = Bytes::new(trailer, file_off + split);
        let crc_stored = trailer.u32le(0, "CRC-32")?;
        let isize_stored = trailer.u32le(4, "ISIZE")?;
        let mut check = RegionCheck {
            index: r.index,
            compressed: true,
            crc_stored,
            crc_computed: None,
            isize_stored,
            inflated: None,
            error: None,
        };
        match inflate_bounded(stream, r.size as usize, file_off) {
            Ok(out) => {
                check.crc_computed = Some(crc32(&out));
                check.inflated = Some(out.len());
                if out.len() != r.size as usize {
                    check.error = Some(format!(
                        "inflated {} bytes, table says {}",
                        out.len(),
                        r.size
                    ));
                } else if check.crc_computed != Some(crc_stored) {
                    check.error = Some("CRC-32 mismatch".into());
                } else if isize_stored as usize != out.len() {
                    check.error = Some("ISIZE mismatch".into());
                }
                Ok((out, check))
            }
            Err(e) => {
                check.error = Some(e.to_string());
                Ok((Vec::new(), check))
            }
        }
    }

    /// Inflate and check every region.
    pub fn verify_regions(&self) -> Result<Vec<RegionCheck>> {
        self.regions
            .iter()
            .map(|r| self.region_output(r).map(|(_, c)| c))
            .collect()
    }

    /// Destinations that overlap another region or leave the bank.
    pub fn layout_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut ranges: Vec<(u64, u64, usize)> = self
            .regions
            .iter()
            .map(|r| {
                (
                    u64::from(r.dest),
                    u64::from(r.dest) + u64::from(r.size),
                    r.index,
                )
            })
            .collect();
        ranges.sort_unstable();
        for w in ranges.windows(2) {
            if let [a, b] = w
                && b.0 < a.1
            {
                problems.push(format!(
                    "region {} [{:#x}..{:#x}) overlaps region {} at {:#x}",
                    a.2, a.0, a.1, b.2, b.0
                ));
            }
        }
        for (start, end, idx) in &ranges {
            if *end > BANK_SIZE as u64 {
                problems.push(format!(
                    "region {idx} [{start:#x}..{end:#x}) leaves the {BANK_SIZE:#x}-byte bank"
                ));
            }
        }
        problems
    }

    /// Rebuild the 512 KiB bank (0xFF-filled). Fails on overlap, out-of-bank or bad regions.
    pub fn bank(&self) -> Result<Vec<u8>> {
        if let Some(p) = self.layout_problems().into_iter().next() {
            return Err(PkgError::invalid(
                self.base + OUTER_LEN + self.map_offset as usize,
                p,
            ));
        }
        let mut bank = vec![0xffu8; BANK_SIZE];
        for r in &self.regions {
            let (out, check) = self.region_output(r)?;
            if let Some(e) = check.error {
                return Err(PkgError::Decompress {
                    offset: self.base + r.data_offset,
                    what: e,
                });
            }
            let dest = r.dest as usize;
            if let Some(target) = bank.get_mut(dest..dest + out.len()) {
                target.copy_from_slice(&out);
            }
        }
        Ok(bank)
    }

    pub fn checksum_ok(&self) -> bool {
        self.checksum_stored == self.checksum_computed
    }

    pub fn spans(&self) -> Vec<Span> {
        let mut v = self.header_spans();
        v.extend(self.region_spans());
        v.extend(self.map_spans());
        v
    }

    /// The outer header: magics, name, platform, protocol, version, checksum, lengths.
    fn header_spans(&self) -> Vec<Span> {
        let b = self.base;
        let ok = |c: bool| if c { Status::Ok } else { Status::Bad };
        vec![
            Span::new(b, 4, "kup1 magic", "").with_status(Status::Ok),
            Span::new(b + 4, 8, "name", format!("{:?}", self.header.name)),
            Span::new(b + 12, 4, "base type", format!("{}", self.header.base_type)),
            Span::new(
                b + 16,
                4,
                "platform",
                format!(
                    "{:#x} {}",
                    self.header.platform,
                    platform_name(self.header.platform)
                ),
            ),
            Span::new(
                b + 20,
                2,
                "protocol",
                format!(
                    "{:#x} {}",
                    self.header.protocol,
                    protocol_name(self.header.protocol)
                ),
            ),
            Span::new(
                b + 22,
                2,
                "version",
                format!(
                    "{}.{}",
                    self.header.version >> 8,
                    self.header.version & 0xff
                ),
            ),
            Span::new(b + 24, 4, "+kxz magic", "").with_status(Status::Ok),
            Span::new(
                b + 28,
                4,
                "checksum",
                format!(
                    "{:#010x} (computed {:#010x})",
                    self.checksum_stored, self.checksum_computed
                ),
            )
            .with_status(ok(self.checksum_ok())),
            Span::new(b + 32, 4, "inner length", format!("{}", self.inner_length))
                .with_status(Status::Ok),
            Span::new(b + 36, 4, "map offset", format!("{:#x}", self.map_offset)),
        ]
    }

    /// Each region's stored data, then the gap tag between the data and the map.
    fn region_spans(&self) -> Vec<Span> {
        let b = self.base;
        let mut v = Vec::new();
        for r in &self.regions {
            let kind = if r.compressed { "compressed" } else { "raw" };
            v.push(Span::new(
                b + r.data_offset,
                r.stored,
                format!("region {} ({kind})", r.index),
                format!("→ bank {:#x}, {} bytes", r.dest, r.size),
            ));
        }
        let data_end = self
            .regions
            .iter()
            .map(|r| r.data_offset + r.stored)
            .max()
            .unwrap_or(OUTER_LEN + 16);
        let map = OUTER_LEN + self.map_offset as usize;
        if map > data_end {
            v.push(Span::new(
                b + data_end,
                map - data_end,
                "gap tag",
                format!("{:?}", self.gap_tag),
            ));
        }
        v
    }

    /// The region map: its counts, one entry per region, its version.
    fn map_spans(&self) -> Vec<Span> {
        let b = self.base;
        let map = OUTER_LEN + self.map_offset as usize;
        let mut v = vec![Span::new(
            b + map,
            4,
            "map counts",
            format!(
                "{} raw, {} compressed",
                self.regions.iter().filter(|r| !r.compressed).count(),
                self.regions.iter().filter(|r| r.compressed).count()
            ),
        )];
        for r in &self.regions {
            let len = if r.compressed { 12 } else { 8 };
            v.push(Span::new(
                b + r.entry_offset,
                len,
                format!("map entry {}", r.index),
                format!("dest {:#x} size {:#x}", r.dest, r.size),
            ));
        }
        v.push(Span::new(
            b + self.data.len() - 4,
            4,
            "map version",
            format!("{}", self.map_version),
        ));
        v
    }
}

/// The bank's section check (bank 0x40000): magic 0x1234000N, stored check, N descriptors
/// `(start>>8)<<16 | (size>>8)`; check = 0xDEADBEEF XOR every BE word of the described ranges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SectionCheck {
    pub count: usize,
    pub stored: u32,
    pub computed: u32,
    pub ranges: Vec<(u32, u32)>,
}

pub fn section_check(bank: &[u8]) -> Option<SectionCheck> {
    let magic = Bytes::new(bank, 0)
        .u32be(SECTION_HEADER, "section magic")
        .ok()?;
    if magic & 0xffff_ff00 != 0x1234_0000 {
        return None;
    }
    let count = (magic & 0xff) as usize;
    if count == 0 || count > 32 {
        return None;
    }
    let stored = Bytes::new(bank, 0)
        .u32be(SECTION_HEADER + 4, "section check")
        .ok()?;
    let mut computed = 0xdead_beefu32;
    let mut ranges = Vec::with_capacity(count);
    for i in 0..count {
        let d = Bytes::new(bank, 0)
            .u32be(SECTION_HEADER + 8 + 4 * i, "section descriptor")
            .ok()?;
        let (start, size) = ((d >> 16) << 8, (d & 0xffff) << 8);
        ranges.push((start, size));
        let range = Bytes::new(bank, 0)
            .slice(start as usize, size as usize, "section")
            .ok()?;
        for w in range.chunks_exact(4) {
            computed ^= byteorder::BigEndian::read_u32(w);
        }
    }
    Some(SectionCheck {
        count,
        stored,
        computed,
        ranges,
    })
}

pub const KBZ_MAGIC: &[u8; 4] = b"+kbz";
const KBZ_HEADER: usize = 24;
const MAX_KBZ: usize = 64;

/// A nested `+kbz` payload inside a bank: `"+kbz", u32 version (2), u32 Σ stored bytes,
/// u32 stored length, u32 Σ output bytes, u32 output length` (BE, like the MIPS bank), then raw
/// DEFLATE + LE CRC-32 + LE ISIZE.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct KbzCheck {
    pub offset: usize,
    pub version: u32,
    pub stored_len: u32,
    pub output_len: u32,
    /// Σ of the stored bytes matches (guess: summed over the `stored_len` bytes after the header).
    pub stored_sum_ok: bool,
    pub output_sum_ok: bool,
    pub crc_ok: bool,
    pub error: Option<String>,
}

impl KbzCheck {
    pub fn ok(&self) -> bool {
        self.error.is_none() && self.crc_ok && self.output_sum_ok && self.stored_sum_ok
    }
}

fn byte_sum(data: &[u8]) -> u32 {
    data.iter().fold(0u32, |s, &b| s.wrapping_add(u32::from(b)))
}

/// Check one `+kbz` payload at `offset` of `bank`.
pub fn check_kbz(bank: &[u8], offset: usize) -> Result<KbzCheck> {
    let magic = Bytes::new(bank, 0).slice(offset, 4, "+kbz magic")?;
    if magic != KBZ_MAGIC {
        return Err(PkgError::BadMagic {
            offset,
            what: "+kbz payload",
            expected: "\"+kbz\"",
            found: hex::encode(magic),
        });
    }
    let version = Bytes::new(bank, 0).u32be(offset + 4, "+kbz version")?;
    let stored_sum = Bytes::new(bank, 0).u32be(offset + 8, "+kbz stored sum")?;
    let stored_len = Bytes::new(bank, 0).u32be(offset + 12, "+kbz stored length")?;
    let output_sum = Bytes::new(bank, 0).u32be(offset + 16, "+kbz output sum")?;
    let output_len = Bytes::new(bank, 0).u32be(offset + 20, "+kbz output length")?;
    let start = offset + KBZ_HEADER;
    let stored = Bytes::new(bank, 0).slice(start, stored_len as usize, "+kbz stored data")?;
    // Does the stored length count the 8-byte trailer? Decide by where ISIZE matches.
    let (stream, trailer) = if stored.len() >= 8
        && Bytes::new(stored, start)
            .u32le(stored.len() - 4, "ISIZE")
            .ok()
            == Some(output_len)
    {
        stored.split_at(stored.len() - 8)
    } else {
        (
            stored,
            Bytes::new(bank, 0).slice(start + stored.len(), 8, "+kbz trailer")?,
        )
    };
    let crc = Bytes::new(trailer, 0).u32le(0, "+kbz CRC-32")?;
    let mut check = KbzCheck {
        offset,
        version,
        stored_len,
        output_len,
        stored_sum_ok: byte_sum(stored) == stored_sum,
        output_sum_ok: false,
        crc_ok: false,
        error: None,
    };
    match inflate_bounded(stream, output_len as usize, start) {
        Ok(out) => {
            check.crc_ok = crc32(&out) == crc;
            check.output_sum_ok = byte_sum(&out) == output_sum;
            if out.len() != output_len as usize {
                check.error = Some(format!(
                    "inflated {} bytes, header says {output_len}",
                    out.len()
                ));
            }
        }
        Err(e) => check.error = Some(e.to_string()),
    }
    Ok(check)
}

/// Every `+kbz` payload found in a bank (at most 64).
pub fn scan_kbz(bank: &[u8]) -> Vec<std::result::Result<KbzCheck, String>> {
    scan_kbz_in(bank, &[(0, bank.len())])
}

/// `+kbz` payloads starting inside the given `(start, len)` bank ranges (the 0xFF fill
/// between regions cannot hold one, so callers pass the region destinations).
pub fn scan_kbz_in(
    bank: &[u8],
    ranges: &[(usize, usize)],
) -> Vec<std::result::Result<KbzCheck, String>> {
    let mut out = Vec::new();
    let mut budget = MAX_OUTPUT;
    for &(start, len) in ranges {
        let Some(area) = bank.get(start..start.saturating_add(len).min(bank.len())) else {
            continue;
        };
        let mut from = 0usize;
        while out.len() < MAX_KBZ {
            let Some(found) = area
                .get(from..)
                .and_then(|b| b.windows(4).position(|w| w == KBZ_MAGIC))
            else {
                break;
            };
            let at = start + from + found;
            let declared = Bytes::new(bank, 0)
                .u32be(at + 20, "+kbz output length")
                .map_or(0, |v| v as usize);
            if budget < declared {
                out.push(Err(format!(
                    "+kbz at {at:#x}: skipped, inflate budget exhausted"
                )));
            } else {
                budget -= declared;
                out.push(check_kbz(bank, at).map_err(|e| e.to_string()));
            }
            from += found + 4;
        }
    }
    out
}

/// Runtime address of bank byte 0 (ATA analysis, S2; the 7912 tables point into the same
/// window). Used only by the best-effort launch-table reader.
pub const RUNTIME_BASE: u32 = 0x0CF8_0000;
/// Bank offsets where launch headers sit (ATA analysis; 7912 shows the same design).
pub const LAUNCH_HEADERS: [usize; 3] = [0x0, 0x40100, 0x70000];
const MAX_LAUNCH_RECORDS: u32 = 256;

/// A launch table as the ATA analysis describes it — semantics are a guess for 7905/7912:
/// header `{u32, u32 table_address, u32 count, u32}` and `count` 16-byte records
/// `{u32 type, u32 f1, u32 f2, u32 f3}` with types 1–13, the last of type 3.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct LaunchTableGuess {
    pub header_offset: usize,
    pub table_address: u32,
    pub table_offset: usize,
    pub records: Vec<[u32; 4]>,
    pub types_in_range: bool,
    pub ends_with_type_3: bool,
}

/// Launch tables found at the known header offsets (those whose table maps into the bank).
pub fn launch_tables_guess(bank: &[u8]) -> Vec<LaunchTableGuess> {
    let mut out = Vec::new();
    for header_offset in LAUNCH_HEADERS {
        let (Ok(table_address), Ok(count)) = (
            Bytes::new(bank, 0).u32be(header_offset + 4, "launch table address"),
            Bytes::new(bank, 0).u32be(header_offset + 8, "launch record count"),
        ) else {
            continue;
        };
        if count == 0 || count > MAX_LAUNCH_RECORDS || table_address < RUNTIME_BASE {
            continue;
        }
        let table_offset = (table_address - RUNTIME_BASE) as usize;
        let Ok(table) =
            Bytes::new(bank, 0).slice(table_offset, count as usize * 16, "launch records")
        else {
            continue;
        };
        let records: Vec<[u32; 4]> = table
            .chunks_exact(16)
            .map(|r| {
                let w = |i: usize| Bytes::new(r, 0).u32be(i * 4, "launch record").unwrap_or(0);
                [w(0), w(1), w(2), w(3)]
            })
            .collect();
        let types_in_range = records.iter().all(|r| (1..=13).contains(&r[0]));
        let ends_with_type_3 = records.last().is_some_and(|r| r[0] == 3);
        out.push(LaunchTableGuess {
            header_offset,
            table_address,
            table_offset,
            records,
            types_in_range,
            ends_with_type_3,
        });
    }
    out
}
