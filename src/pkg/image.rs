//! 7940/7960 Universal Application Loader images: the loader (`.bin`, or `.sbn` payload) and the
//! application (`.sb2` payload). Offsets are from the payload start; integers are LE here.
//! Only the load name, the version tag and the lengths are understood; the other fields are
//! reported raw and labelled as guesses.
use super::bytes::{Bytes, ascii_tag, c_string};
use super::error::{PkgError, Result};
use crate::report::{Span, Status};
use serde::Serialize;

pub const NAME_OFFSET: usize = 0x20;
pub const TAG_OFFSET: usize = 0x120;
pub const FIELD_118: usize = 0x118;
pub const CHECKSUM_GUESS: usize = 0x128;
pub const FIELD_12C: usize = 0x12c;
pub const LOADER_LEN_FIELD: usize = 0x138;
pub const DSP_NAME_LEN: usize = 28;
const MIN_LEN: usize = 0x140;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ImageKind {
    /// `u32le@0x138 == len − 0x20`.
    Loader,
    /// `len == u32le@0x12c + dsp.total_len`.
    Application,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DspBlock {
    pub offset: usize,
    pub name: String,
    /// LE u32 at +0x1c: checksum? (guess)
    pub field_1c_guess: u32,
    pub total_len: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct UalImage {
    pub kind: ImageKind,
    pub len: usize,
    /// All eight exception vectors are ARM `B` instructions.
    pub arm_vectors: bool,
    pub load_name: String,
    pub version_tag: String,
    /// LE u32 at 0x118; 3 in every sample, meaning unknown.
    pub field_118: u32,
    /// LE u32 at 0x128; 16-bit-sized, probably a checksum (algorithm unknown — guess).
    pub checksum_guess: u32,
    /// LE u32 at 0x12c: application = ARM code length (= DSP offset); loader = perhaps unpacked size (guess).
    pub field_12c: u32,
    /// Loader only: LE u32 at 0x138 = payload length − 0x20.
    pub code_length: Option<u32>,
    pub dsp: Option<DspBlock>,
}

fn arm_vectors(data: &[u8]) -> bool {
    (0..8).all(|i| data.get(i * 4 + 3) == Some(&0xea))
}

/// Quick structural test (vectors + a load name at 0x20), used by detection.
pub fn looks_like_image(data: &[u8]) -> bool {
    data.len() >= MIN_LEN && arm_vectors(data) && data.get(NAME_OFFSET) == Some(&b'P')
}

/// Parse a loader or application payload. `base` is the payload's offset in the file (for errors).
pub fn parse(data: &[u8], base: usize) -> Result<UalImage> {
    let b = Bytes::new(data, base);
    let err = |off: usize, what: String| b.invalid(off, what);
    if data.len() < MIN_LEN {
        return Err(PkgError::Truncated {
            offset: base,
            what: "UAL image header",
            needed: MIN_LEN,
            available: data.len(),
        });
    }
    let vectors = arm_vectors(data);
    let name_area = b.slice(NAME_OFFSET, FIELD_118 - NAME_OFFSET, "load name")?;
    let (load_name, _) = c_string(name_area);
    if load_name.is_empty() || !load_name.is_ascii() {
        return Err(err(
            NAME_OFFSET,
            "no load name at payload offset 0x20".into(),
        ));
    }
    let tag_bytes = b.slice(TAG_OFFSET, 8, "version tag")?;
    let version_tag = ascii_tag(tag_bytes).ok_or_else(|| {
        err(
            TAG_OFFSET,
            "version tag at payload offset 0x120 is not ASCII".into(),
        )
    })?;
    let field_118 = b.u32le(FIELD_118, "field 0x118")?;
    let checksum_guess = b.u32le(CHECKSUM_GUESS, "field 0x128")?;
    let field_12c = b.u32le(FIELD_12C, "field 0x12c")?;
    let loader_len = b.u32le(LOADER_LEN_FIELD, "field 0x138")?;
    let len = data.len();
    if usize::try_from(loader_len)
        .ok()
        .and_then(|l| l.checked_add(0x20))
        == Some(len)
    {
        return Ok(UalImage {
            kind: ImageKind::Loader,
            len,
            arm_vectors: vectors,
            load_name,
            version_tag,
            field_118,
            checksum_guess,
            field_12c,
            code_length: Some(loader_len),
            dsp: None,
        });
    }
    let dsp_off =
        usize::try_from(field_12c).map_err(|_| err(FIELD_12C, "ARM length does not fit".into()))?;
    if dsp_off < MIN_LEN || dsp_off >= len {
        return Err(err(
            FIELD_12C,
            format!(
                "neither loader (u32@0x138 {loader_len:#x} ≠ len−0x20 {:#x}) nor application (ARM length {field_12c:#x} outside image of {len:#x} bytes)",
                len.saturating_sub(0x20)
            ),
        ));
    }
    let dsp_name_bytes = b.slice(dsp_off, DSP_NAME_LEN, "DSP block name")?;
    let (dsp_name, _) = c_string(dsp_name_bytes);
    let field_1c_guess = b.u32le(dsp_off + 0x1c, "DSP block field 0x1c")?;
    let total_len = b.u32le(dsp_off + 0x20, "DSP block length")?;
    if usize::try_from(total_len)
        .ok()
        .and_then(|t| t.checked_add(dsp_off))
        != Some(len)
    {
        return Err(err(
            dsp_off + 0x20,
            format!(
                "DSP block length {total_len:#x} + ARM length {dsp_off:#x} ≠ image length {len:#x}"
            ),
        ));
    }
    Ok(UalImage {
        kind: ImageKind::Application,
        len,
        arm_vectors: vectors,
        load_name,
        version_tag,
        field_118,
        checksum_guess,
        field_12c,
        code_length: None,
        dsp: Some(DspBlock {
            offset: dsp_off,
            name: dsp_name,
            field_1c_guess,
            total_len,
        }),
    })
}

impl UalImage {
    /// Spans relative to `base` (the payload offset in the file).
    pub fn spans(&self, base: usize) -> Vec<Span> {
        let mut v = self.header_spans(base);
        match self.kind {
            ImageKind::Loader => v.extend(self.loader_spans(base)),
            ImageKind::Application => v.extend(self.application_spans(base)),
        }
        v
    }

    /// The vectors and header fields both kinds share.
    fn header_spans(&self, base: usize) -> Vec<Span> {
        let vec_status = if self.arm_vectors {
            Status::Ok
        } else {
            Status::Bad
        };
        vec![
            Span::new(base, 0x20, "ARM vectors", "eight B instructions").with_status(vec_status),
            Span::new(
                base + NAME_OFFSET,
                FIELD_118 - NAME_OFFSET,
                "load name",
                format!("{:?}", self.load_name),
            ),
            Span::new(
                base + FIELD_118,
                4,
                "field 0x118",
                format!("{} (meaning unknown)", self.field_118),
            ),
            Span::new(base + 0x11c, 4, "field 0x11c", "zero in samples"),
            Span::new(
                base + TAG_OFFSET,
                8,
                "version tag",
                format!("{:?}", self.version_tag),
            ),
            Span::new(
                base + CHECKSUM_GUESS,
                4,
                "checksum? (guess)",
                format!("{:#x}", self.checksum_guess),
            ),
        ]
    }

    /// A loader's fields after the shared header, then its body.
    fn loader_spans(&self, base: usize) -> Vec<Span> {
        vec![
            Span::new(
                base + FIELD_12C,
                4,
                "unpacked size? (guess)",
                format!("{}", self.field_12c),
            ),
            Span::new(base + 0x130, 4, "flags? (guess)", ""),
            Span::new(base + 0x134, 4, "field 0x134 (unknown)", ""),
            Span::new(
                base + LOADER_LEN_FIELD,
                4,
                "code length",
                format!("{:#x} = len − 0x20", self.code_length.unwrap_or(0)),
            )
            .with_status(Status::Ok),
            Span::new(base + 0x13c, 4, "field 0x13c (unknown)", ""),
            Span::new(
                base + 0x140,
                self.len - 0x140,
                "compressed loader body",
                "method unidentified",
            ),
        ]
    }

    /// An application's ARM length and code, then its DSP block.
    fn application_spans(&self, base: usize) -> Vec<Span> {
        let dsp_off = self.field_12c as usize;
        let mut v = vec![
            Span::new(
                base + FIELD_12C,
                4,
                "ARM image length",
                format!("{dsp_off:#x} = DSP block offset"),
            )
            .with_status(Status::Ok),
            Span::new(
                base + 0x130,
                dsp_off.saturating_sub(0x130),
                "ARM code",
                "pointers then Thumb/ARM code",
            ),
        ];
        if let Some(d) = &self.dsp {
            v.extend(dsp_spans(base, d));
        }
        v
    }
}

/// The DSP block of an application image, relative to `base`.
fn dsp_spans(base: usize, d: &DspBlock) -> Vec<Span> {
    vec![
        Span::new(
            base + d.offset,
            DSP_NAME_LEN,
            "DSP name",
            format!("{:?}", d.name),
        ),
        Span::new(
            base + d.offset + 0x1c,
            4,
            "DSP checksum? (guess)",
            format!("{:#x}", d.field_1c_guess),
        ),
        Span::new(
            base + d.offset + 0x20,
            4,
            "DSP block length",
            format!("{}", d.total_len),
        )
        .with_status(Status::Ok),
        Span::new(
            base + d.offset + 0x24,
            (d.total_len as usize).saturating_sub(0x24),
            "DSP data",
            "",
        ),
    ]
}
