//! The Cisco signed-file header ("SGN header") shared by `.sgn .sbn .sb2 .loads .sbin .tlv`.
//!
//! A flat run of `tag:u8, len:u16 BE, value` elements (tag 13 = one padding byte without length)
//! up to `header_length`, then the unmodified payload. Containers (3, 7, 9 and the `.enc.sgn`
//! blocks 16, 17, 21) are stepped into: only their 3-byte prefix is consumed.
use super::bytes::{Bytes, c_string, hex_bytes};
use super::error::{PkgError, Result};
use crate::report::{Span, Status};
use serde::Serialize;
use std::path::Path;

pub const TAG_VERSION: u8 = 1;
pub const TAG_HEADER_LENGTH: u8 = 2;
pub const TAG_SIGNER_INFO: u8 = 3;
pub const TAG_SIGNER_NAME: u8 = 4;
pub const TAG_SERIAL: u8 = 5;
pub const TAG_ISSUER: u8 = 6;
pub const TAG_SIGNATURE_INFO: u8 = 7;
pub const TAG_HASH_ALGORITHM: u8 = 8;
pub const TAG_SIG_ALGORITHM_INFO: u8 = 9;
pub const TAG_SIG_ALGORITHM: u8 = 10;
pub const TAG_SIG_MODULUS: u8 = 11;
pub const TAG_SIGNATURE: u8 = 12;
pub const TAG_PADDING: u8 = 13;
pub const TAG_FILENAME: u8 = 14;
pub const TAG_TIMESTAMP: u8 = 15;
pub const TAG_SIGNER_VERSION: u8 = 28;

/// Containers nest at most three deep in every known file; allow a little more.
const MAX_DEPTH: usize = 8;

/// The placeholder signer serial carried by every Cisco 7940/7960/7912 firmware file seen.
pub const CISCO_PLACEHOLDER_SERIAL: [u8; 8] = [0x12, 0x34, 0x56, 0x78, 0x90, 0xab, 0xcd, 0xef];

/// `01 00 02 ?? ?? 02 00 02`: version TLV (any version) then the header-length TLV.
pub fn looks_signed(bytes: &[u8]) -> bool {
    matches!(bytes, [1, 0, 2, _, _, 2, 0, 2, ..])
}

pub fn tag_name(tag: u8) -> &'static str {
    match tag {
        1 => "version",
        2 => "header length",
        3 => "signer info",
        4 => "signer name",
        5 => "serial number",
        6 => "issuer name",
        7 => "signature info",
        8 => "hash algorithm",
        9 => "signature algorithm info",
        10 => "signature algorithm",
        11 => "signature modulus",
        12 => "signature",
        13 => "padding",
        14 => "filename",
        15 => "timestamp",
        16 => "encryption info",
        17 => "encryption IV block",
        18 => "encryption tag 18 (meaning unknown)",
        19 => "IV",
        20 => "pad byte count",
        21 => "encryption key block",
        22 => "encryption tag 22 (meaning unknown)",
        23 => "key size",
        24 => "cipher",
        25 => "encrypted key",
        26 => "plaintext hash algorithm",
        27 => "plaintext digest",
        28 => "signer version",
        _ => "unknown",
    }
}

fn is_container(tag: u8) -> bool {
    matches!(tag, 3 | 7 | 9 | 16 | 17 | 21)
}

fn is_known(tag: u8) -> bool {
    (1..=28).contains(&tag)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum HashAlgorithm {
    Sha1,
    /// Code 2 is defined by certutils but never seen in a real file.
    Sha256Unverified,
    Sha512,
    Unknown(u8),
}

impl HashAlgorithm {
    pub fn from_code(code: u8) -> Self {
        match code {
            1 => HashAlgorithm::Sha1,
            2 => HashAlgorithm::Sha256Unverified,
            3 => HashAlgorithm::Sha512,
            other => HashAlgorithm::Unknown(other),
        }
    }
    pub fn describe(&self) -> String {
        match self {
            HashAlgorithm::Sha1 => "SHA-1 (1)".into(),
            HashAlgorithm::Sha256Unverified => "SHA-256 (2, unverified code — guess)".into(),
            HashAlgorithm::Sha512 => "SHA-512 (3)".into(),
            HashAlgorithm::Unknown(c) => format!("unknown ({c})"),
        }
    }
}

/// One element as found in the walk, for dumps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Element {
    pub offset: usize,
    pub tag: u8,
    /// Value length (0 for the padding tag).
    pub len: usize,
    pub depth: usize,
    pub container: bool,
}

impl Element {
    /// Offset of the value (after the tag and length bytes).
    pub fn value_offset(&self) -> usize {
        if self.tag == TAG_PADDING {
            self.offset + 1
        } else {
            self.offset + 3
        }
    }
    /// Bytes the element occupies including its prefix (a container: its prefix plus children).
    pub fn total_len(&self) -> usize {
        if self.tag == TAG_PADDING {
            1
        } else {
            3 + self.len
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct UnknownTag {
    pub offset: usize,
    pub tag: u8,
    pub len: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SignatureField {
    /// Offset of the tag-12 byte.
    pub tlv_offset: usize,
    pub len: usize,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SgnHeader<'a> {
    pub version: (u8, u8),
    pub header_length: usize,
    pub signer_version: Option<(u8, u8)>,
    pub signer: Option<String>,
    #[serde(serialize_with = "ser_hex_opt")]
    pub serial: Option<&'a [u8]>,
    pub issuer: Option<String>,
    pub hash: Option<HashAlgorithm>,
    pub signature_algorithm: Option<u8>,
    /// Tag 11 index into {512, 1024, 2048, 4096} bits.
    pub modulus_index: Option<u8>,
    pub signature: Option<SignatureField>,
    pub filename: Option<String>,
    pub timestamp: Option<u32>,
    pub padding: usize,
    pub unknown: Vec<UnknownTag>,
    /// Every element in walk order (for dumps; left out of JSON).
    #[serde(skip)]
    pub elements: Vec<Element>,
    pub warnings: Vec<String>,
}

fn ser_hex_opt<S: serde::Serializer>(
    v: &Option<&[u8]>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match v {
        Some(b) => s.serialize_some(&hex::encode(b)),
        None => s.serialize_none(),
    }
}

impl SgnHeader<'_> {
    pub fn modulus_bits(&self) -> Option<usize> {
        match self.modulus_index? {
            0 => Some(512),
            1 => Some(1024),
            2 => Some(2048),
            3 => Some(4096),
            _ => None,
        }
    }
    pub fn serial_hex(&self) -> Option<String> {
        self.serial.map(hex_bytes)
    }
    /// The placeholder identity of Cisco's firmware signatures (key not public).
    pub fn is_cisco_placeholder(&self) -> bool {
        self.serial == Some(&CISCO_PLACEHOLDER_SERIAL[..])
    }
    /// Tag 14 against a file name (basename compare; tag 14 may carry a sub-directory).
    pub fn filename_matches(&self, actual: &str) -> Option<bool> {
        let embedded = self.filename.as_deref()?;
        let base = |s: &str| s.rsplit(['/', '\\']).next().unwrap_or(s).to_string();
        Some(base(embedded) == base(actual))
    }
}

/// A signed file: header plus borrowed payload.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SignedFile<'a> {
    pub header: SgnHeader<'a>,
    #[serde(skip)]
    pub bytes: &'a [u8],
}

impl<'a> SignedFile<'a> {
    pub fn payload(&self) -> &'a [u8] {
        self.bytes
            .get(self.header.header_length..)
            .unwrap_or_default()
    }
    pub fn payload_offset(&self) -> usize {
        self.header.header_length
    }
    /// The bytes the signature covers (certutils' rule): the whole file minus the tag-12 TLV.
    pub fn signed_parts(&self) -> [&'a [u8]; 2] {
        match &self.header.signature {
            Some(sig) => {
                let cut_end = sig.tlv_offset + 3 + sig.len;
                [
                    self.bytes.get(..sig.tlv_offset).unwrap_or_default(),
                    self.bytes.get(cut_end..).unwrap_or_default(),
                ]
            }
            None => [self.bytes, &[]],
        }
    }
    pub fn signature_bytes(&self) -> Option<&'a [u8]> {
        let sig = self.header.signature.as_ref()?;
        self.bytes
            .get(sig.tlv_offset + 3..sig.tlv_offset + 3 + sig.len)
    }

    /// Annotated spans for the header (the payload is left to the payload's inspector).
    pub fn spans(&self) -> Vec<Span> {
        let mut spans = Vec::new();
        for e in &self.header.elements {
            let value = self
                .bytes
                .get(e.value_offset()..e.value_offset() + e.len)
                .unwrap_or_default();
            // A container shows only its 3-byte prefix; its children follow as their own rows.
            let (len, detail) = if e.container {
                (3, format!("container of {} bytes", e.len))
            } else {
                (e.total_len(), describe_value(e.tag, value))
            };
            let status = if is_known(e.tag) {
                Status::Info
            } else {
                Status::Bad
            };
            spans.push(
                Span::new(
                    e.offset,
                    len,
                    format!("tag {} {}", e.tag, tag_name(e.tag)),
                    detail,
                )
                .with_status(status),
            );
        }
        spans
    }
}

fn describe_value(tag: u8, value: &[u8]) -> String {
    match tag {
        TAG_VERSION | TAG_SIGNER_VERSION => match value {
            [a, b] => format!("{a}.{b}"),
            _ => hex_bytes(value),
        },
        TAG_HEADER_LENGTH => match value {
            [a, b] => format!("{}", u16::from_be_bytes([*a, *b])),
            _ => hex_bytes(value),
        },
        TAG_SIGNER_NAME | TAG_ISSUER | TAG_FILENAME => format!("{:?}", c_string(value).0),
        TAG_HASH_ALGORITHM => value
            .first()
            .map(|c| HashAlgorithm::from_code(*c).describe())
            .unwrap_or_default(),
        TAG_SIGNATURE => format!("{} bytes ({} bits)", value.len(), value.len() * 8),
        TAG_TIMESTAMP => match value {
            [a, b, c, d] => format!("{}", u32::from_be_bytes([*a, *b, *c, *d])),
            _ => hex_bytes(value),
        },
        TAG_PADDING => String::new(),
        _ if value.len() <= 32 => hex_bytes(value),
        _ => format!("{} bytes", value.len()),
    }
}

fn one_byte(value: &[u8], offset: usize, tag: u8) -> Result<u8> {
    value.first().copied().ok_or_else(|| {
        PkgError::invalid(
            offset,
            format!("tag {tag} ({}) has no value", tag_name(tag)),
        )
    })
}

fn two_bytes(value: &[u8], offset: usize, tag: u8) -> Result<(u8, u8)> {
    match value {
        [a, b] => Ok((*a, *b)),
        _ => Err(PkgError::invalid(
            offset,
            format!(
                "tag {tag} ({}) must be 2 bytes, is {}",
                tag_name(tag),
                value.len()
            ),
        )),
    }
}

/// Parse the signed header at the start of `bytes`.
pub fn parse(bytes: &[u8]) -> Result<SignedFile<'_>> {
    let file = Bytes::new(bytes, 0);
    let (version, header_length) = parse_prefix(file)?;
    let mut h = SgnHeader {
        version,
        header_length,
        signer_version: None,
        signer: None,
        serial: None,
        issuer: None,
        hash: None,
        signature_algorithm: None,
        modulus_index: None,
        signature: None,
        filename: None,
        timestamp: None,
        padding: 0,
        unknown: Vec::new(),
        elements: vec![
            Element {
                offset: 0,
                tag: 1,
                len: 2,
                depth: 0,
                container: false,
            },
            Element {
                offset: 5,
                tag: 2,
                len: 2,
                depth: 0,
                container: false,
            },
        ],
        warnings: Vec::new(),
    };
    walk_elements(file.sub(0, header_length, "SGN header")?, &mut h)?;
    if let (Some(bits), Some(sig)) = (h.modulus_bits(), &h.signature)
        && bits != sig.len * 8
    {
        h.warnings.push(format!(
            "signature is {} bits but tag 11 says {bits}",
            sig.len * 8
        ));
    }
    if h.signature.is_none() {
        h.warnings.push("no signature (tag 12) in header".into());
    }
    Ok(SignedFile { header: h, bytes })
}

/// The two fixed elements (version, header length): the version and the header length.
fn parse_prefix(file: Bytes<'_>) -> Result<((u8, u8), usize)> {
    let mut c = file.cursor(0);
    let first = c.u8("SGN header version tag")?;
    if first != TAG_VERSION {
        return Err(PkgError::BadMagic {
            offset: 0,
            what: "SGN header",
            expected: "tag 1 (version)",
            found: format!("tag {first}"),
        });
    }
    if c.u16be("version length")? != 2 {
        return Err(PkgError::invalid(1, "version TLV must have length 2"));
    }
    let version = (c.u8("version major")?, c.u8("version minor")?);
    let tag = c.u8("header length tag")?;
    if tag != TAG_HEADER_LENGTH {
        return Err(PkgError::BadMagic {
            offset: 5,
            what: "SGN header",
            expected: "tag 2 (header length) as second element",
            found: format!("tag {tag}"),
        });
    }
    if c.u16be("header length length")? != 2 {
        return Err(PkgError::invalid(6, "header-length TLV must have length 2"));
    }
    let header_length = usize::from(c.u16be("header length")?);
    if header_length > file.len() {
        return Err(PkgError::invalid(
            8,
            format!(
                "header length {header_length} exceeds file size {}",
                file.len()
            ),
        ));
    }
    if header_length < 10 {
        return Err(PkgError::invalid(
            8,
            format!("header length {header_length} is shorter than its own first two elements"),
        ));
    }
    Ok((version, header_length))
}

/// The elements after the fixed two, containers opened and closed, values applied to `h`.
fn walk_elements<'a>(header: Bytes<'a>, h: &mut SgnHeader<'a>) -> Result<()> {
    let header_length = header.len();
    // Ends of the containers we are inside, innermost last.
    let mut open: Vec<usize> = Vec::new();
    let mut pos = 10usize;
    while pos < header_length {
        while open.last().is_some_and(|&end| pos >= end) {
            open.pop();
        }
        let tag = header.u8(pos, "SGN tag")?;
        let depth = open.len();
        if tag == TAG_PADDING {
            h.padding += 1;
            h.elements.push(Element {
                offset: pos,
                tag,
                len: 0,
                depth,
                container: false,
            });
            pos += 1;
            continue;
        }
        let len = usize::from(header.u16be(pos + 1, "SGN tag length").map_err(|_| {
            PkgError::invalid(
                pos,
                format!(
                    "tag {tag} ({}) is cut by header length {header_length}",
                    tag_name(tag)
                ),
            )
        })?);
        let end = pos + 3 + len;
        if end > header_length {
            return Err(PkgError::invalid(
                pos,
                format!(
                    "tag {tag} ({}) of length {len} runs past header length {header_length}",
                    tag_name(tag)
                ),
            ));
        }
        if let Some(&outer) = open.last()
            && end > outer
        {
            return Err(PkgError::invalid(
                pos,
                format!("tag {tag} runs past its container ending at {outer:#x}"),
            ));
        }
        let container = is_container(tag);
        h.elements.push(Element {
            offset: pos,
            tag,
            len,
            depth,
            container,
        });
        if container {
            if open.len() >= MAX_DEPTH {
                return Err(PkgError::invalid(pos, "containers nested too deep"));
            }
            open.push(end);
            pos += 3;
            continue;
        }
        let value = header.slice(pos + 3, len, "SGN tag value")?;
        apply_tag(h, tag, value, pos)?;
        pos = end;
    }
    Ok(())
}

/// One leaf element's value, stored in the header it belongs to.
fn apply_tag<'a>(h: &mut SgnHeader<'a>, tag: u8, value: &'a [u8], pos: usize) -> Result<()> {
    let len = value.len();
    match tag {
        TAG_VERSION | TAG_HEADER_LENGTH => h
            .warnings
            .push(format!("offset {pos:#x}: repeated tag {tag} ignored")),
        TAG_SIGNER_NAME => h.signer = Some(nul_string(value, pos, tag, &mut h.warnings)),
        TAG_SERIAL => h.serial = Some(value),
        TAG_ISSUER => h.issuer = Some(nul_string(value, pos, tag, &mut h.warnings)),
        TAG_HASH_ALGORITHM => h.hash = Some(HashAlgorithm::from_code(one_byte(value, pos, tag)?)),
        TAG_SIG_ALGORITHM => h.signature_algorithm = Some(one_byte(value, pos, tag)?),
        TAG_SIG_MODULUS => h.modulus_index = Some(one_byte(value, pos, tag)?),
        TAG_SIGNATURE => {
            h.signature = Some(SignatureField {
                tlv_offset: pos,
                len,
            })
        }
        TAG_FILENAME => h.filename = Some(nul_string(value, pos, tag, &mut h.warnings)),
        TAG_TIMESTAMP => {
            h.timestamp = Some(
                Bytes::new(value, pos + 3)
                    .u32be(0, "timestamp")
                    .map_err(|_| PkgError::invalid(pos, "timestamp must be 4 bytes"))?,
            )
        }
        TAG_SIGNER_VERSION => h.signer_version = Some(two_bytes(value, pos, tag)?),
        16..=27 => {} // `.enc.sgn` block: shown in dumps, not interpreted.
        _ => {
            h.warnings.push(format!(
                "offset {pos:#x}: unknown tag {tag} (length {len}) skipped"
            ));
            h.unknown.push(UnknownTag {
                offset: pos,
                tag,
                len,
            });
        }
    }
    Ok(())
}

fn nul_string(value: &[u8], pos: usize, tag: u8, warnings: &mut Vec<String>) -> String {
    let (s, had_nul) = c_string(value);
    if !had_nul {
        warnings.push(format!(
            "offset {pos:#x}: tag {tag} ({}) is not NUL-terminated",
            tag_name(tag)
        ));
    }
    s
}

/// Outcome of a signature check; never "invalid" without a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", content = "detail", rename_all = "kebab-case")]
pub enum SignatureCheck {
    NotVerified(String),
    Valid(String),
    Invalid(String),
    Unverifiable(String),
}

impl SignatureCheck {
    pub fn describe(&self) -> String {
        match self {
            SignatureCheck::NotVerified(d) => format!("not verified ({d})"),
            SignatureCheck::Valid(d) => format!("valid ({d})"),
            SignatureCheck::Invalid(d) => format!("INVALID ({d})"),
            SignatureCheck::Unverifiable(d) => format!("unverifiable ({d})"),
        }
    }
}

/// An RSA public key taken from a PEM certificate or public key.
#[derive(Debug, Clone)]
pub struct VerifyingKey {
    pub key: rsa::RsaPublicKey,
    pub source: String,
}

/// Accept `CERTIFICATE`, `PUBLIC KEY` (SPKI) or `RSA PUBLIC KEY` (PKCS#1) PEM.
pub fn load_verifying_key(pem: &[u8]) -> Result<VerifyingKey> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    use rsa::pkcs8::DecodePublicKey;
    use x509_cert::der::{Decode, Encode};
    let (label, der) = x509_cert::der::pem::decode_vec(pem)
        .map_err(|e| PkgError::Certificate(format!("not PEM: {e}")))?;
    match label {
        "CERTIFICATE" => {
            let cert = x509_cert::Certificate::from_der(&der)
                .map_err(|e| PkgError::Certificate(e.to_string()))?;
            let spki = cert
                .tbs_certificate
                .subject_public_key_info
                .to_der()
                .map_err(|e| PkgError::Certificate(e.to_string()))?;
            let key = rsa::RsaPublicKey::from_public_key_der(&spki)
                .map_err(|e| PkgError::Certificate(format!("not an RSA key: {e}")))?;
            Ok(VerifyingKey {
                key,
                source: format!("certificate {}", cert.tbs_certificate.subject),
            })
        }
        "PUBLIC KEY" => Ok(VerifyingKey {
            key: rsa::RsaPublicKey::from_public_key_der(&der)
                .map_err(|e| PkgError::Certificate(e.to_string()))?,
            source: "public key".into(),
        }),
        "RSA PUBLIC KEY" => Ok(VerifyingKey {
            key: rsa::RsaPublicKey::from_pkcs1_der(&der)
                .map_err(|e| PkgError::Certificate(e.to_string()))?,
            source: "RSA public key".into(),
        }),
        other => Err(PkgError::Certificate(format!(
            "unsupported PEM label {other:?}"
        ))),
    }
}

pub fn load_verifying_key_file(path: &Path) -> Result<VerifyingKey> {
    let pem = crate::io::read_bounded(path, crate::io::Limit::CERTIFICATE)?;
    load_verifying_key(&pem)
}

/// Verify with certutils' coverage rule (file minus the tag-12 TLV, PKCS#1 v1.5).
pub fn verify(file: &SignedFile<'_>, key: Option<&VerifyingKey>) -> SignatureCheck {
    use sha1::Digest;
    let Some(key) = key else {
        return SignatureCheck::NotVerified("no certificate".into());
    };
    let Some(sig) = file.signature_bytes() else {
        return SignatureCheck::Unverifiable("file carries no signature".into());
    };
    let parts = file.signed_parts();
    let result = match file.header.hash {
        Some(HashAlgorithm::Sha1) => {
            let mut h = sha1::Sha1::new();
            parts.iter().for_each(|p| h.update(p));
            key.key
                .verify(rsa::Pkcs1v15Sign::new::<sha1::Sha1>(), &h.finalize(), sig)
        }
        Some(HashAlgorithm::Sha256Unverified) => {
            let mut h = sha2::Sha256::new();
            parts.iter().for_each(|p| h.update(p));
            key.key
                .verify(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &h.finalize(), sig)
        }
        Some(HashAlgorithm::Sha512) => {
            let mut h = sha2::Sha512::new();
            parts.iter().for_each(|p| h.update(p));
            key.key
                .verify(rsa::Pkcs1v15Sign::new::<sha2::Sha512>(), &h.finalize(), sig)
        }
        other => {
            return SignatureCheck::Unverifiable(format!("hash algorithm {other:?} not supported"));
        }
    };
    match result {
        Ok(()) => SignatureCheck::Valid(format!("RSA PKCS#1 v1.5 against {}", key.source)),
        // Cisco's firmware key is not public and its coverage rule unconfirmed: a mismatch
        // there says nothing about the file.
        Err(_) if file.header.is_cisco_placeholder() => SignatureCheck::Unverifiable(
            "Cisco firmware signature: key not public and coverage unconfirmed; the given certificate does not match".into(),
        ),
        Err(_) => SignatureCheck::Invalid(format!("does not verify against {}", key.source)),
    }
}
