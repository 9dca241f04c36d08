//! `.tlv` trust lists (CTL/ITL): SGN header (with tag 28, signer version), then records. Each
//! record starts with tag 1 = its own length (u16, counted from the record's first byte); all
//! record TLVs are `tag:u8, len:u16 BE, value` (no padding tag).
use super::bytes::{Bytes, c_string, hex_bytes};
use super::error::{PkgError, Result};
use super::sgn::{self, SignedFile};
use crate::report::{Span, Status};
use serde::Serialize;

pub fn role_name(role: u16) -> &'static str {
    match role {
        0 => "SAST",
        1 => "CCM",
        2 => "CCM+TFTP",
        3 => "TFTP",
        4 => "CAPF",
        5 => "SRST",
        7 => "APP-SERVER",
        21 => "TVS",
        _ => "unknown",
    }
}

pub fn record_tag_name(tag: u8) -> &'static str {
    match tag {
        1 => "record length",
        2 => "DNS name",
        3 => "subject name",
        4 => "role",
        5 => "issuer name",
        6 => "serial number",
        7 => "public key",
        8 => "certificate signature",
        9 => "certificate",
        10 => "IP address",
        11 => "certificate hash",
        12 => "hash algorithm",
        _ => "unknown",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct CertSummary {
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
    pub key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct RecordField {
    pub offset: usize,
    pub tag: u8,
    pub len: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Record {
    pub offset: usize,
    pub length: usize,
    pub role: Option<u16>,
    pub dns_name: Option<String>,
    pub subject: Option<String>,
    pub issuer: Option<String>,
    pub serial: Option<String>,
    pub certificate: Option<CertSummary>,
    pub certificate_error: Option<String>,
    pub cert_hash: Option<String>,
    pub fields: Vec<RecordField>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct TrustList<'a> {
    pub signed: SignedFile<'a>,
    pub records: Vec<Record>,
}

/// Does the payload walk as trust-list records?
pub fn looks_like_records(payload: &[u8]) -> bool {
    matches!(payload, [1, 0, 2, ..]) && parse_records(payload, 0).is_ok()
}

pub fn parse(bytes: &[u8]) -> Result<TrustList<'_>> {
    let signed = sgn::parse(bytes)?;
    from_signed(signed)
}

pub fn from_signed(signed: SignedFile<'_>) -> Result<TrustList<'_>> {
    let records = parse_records(signed.payload(), signed.payload_offset())?;
    Ok(TrustList { signed, records })
}

pub fn summarize_certificate(der: &[u8]) -> std::result::Result<CertSummary, String> {
    use x509_cert::der::Decode;
    let cert = x509_cert::Certificate::from_der(der).map_err(|e| e.to_string())?;
    let tbs = &cert.tbs_certificate;
    let spki = &tbs.subject_public_key_info;
    let key = {
        use rsa::pkcs8::DecodePublicKey;
        use rsa::traits::PublicKeyParts;
        use x509_cert::der::Encode;
        spki.to_der()
            .ok()
            .and_then(|d| rsa::RsaPublicKey::from_public_key_der(&d).ok())
            .map(|k| format!("RSA-{}", k.size() * 8))
            .unwrap_or_else(|| format!("{}", spki.algorithm.oid))
    };
    Ok(CertSummary {
        subject: tbs.subject.to_string(),
        issuer: tbs.issuer.to_string(),
        serial: hex::encode(tbs.serial_number.as_bytes()),
        not_before: tbs.validity.not_before.to_string(),
        not_after: tbs.validity.not_after.to_string(),
        key,
    })
}

fn parse_records(payload: &[u8], base: usize) -> Result<Vec<Record>> {
    let pb = Bytes::new(payload, base);
    let mut records = Vec::new();
    let mut pos = 0usize;
    while pos < payload.len() {
        let rec_off = base + pos;
        let tag = pb
            .u8(pos, "record tag")
            .map_err(|_| PkgError::invalid(rec_off, "record cut"))?;
        if tag != 1 {
            return Err(PkgError::invalid(
                rec_off,
                format!("record must start with tag 1 (record length), found tag {tag}"),
            ));
        }
        let len_len = pb
            .u16be(pos + 1, "record length")
            .map_err(|_| PkgError::Truncated {
                offset: rec_off,
                what: "record header",
                needed: 5,
                available: payload.len() - pos,
            })?;
        if len_len != 2 {
            return Err(PkgError::invalid(
                rec_off + 1,
                "record-length TLV must have length 2",
            ));
        }
        let length =
            usize::from(
                pb.u16be(pos + 3, "record length")
                    .map_err(|_| PkgError::Truncated {
                        offset: rec_off,
                        what: "record header",
                        needed: 5,
                        available: payload.len() - pos,
                    })?,
            );
        if length < 5 || pos + length > payload.len() {
            return Err(PkgError::invalid(
                rec_off + 3,
                format!(
                    "record length {length} does not fit (5..={} bytes left)",
                    payload.len() - pos
                ),
            ));
        }
        let rec = pb.sub(pos, length, "record")?;
        let mut r = Record {
            offset: rec_off,
            length,
            role: None,
            dns_name: None,
            subject: None,
            issuer: None,
            serial: None,
            certificate: None,
            certificate_error: None,
            cert_hash: None,
            fields: vec![RecordField {
                offset: rec_off,
                tag: 1,
                len: 2,
            }],
        };
        read_fields(rec, &mut r)?;
        records.push(r);
        pos += length;
    }
    Ok(records)
}

/// The fields of one record after its length field, stored in `r`.
fn read_fields(rec: Bytes<'_>, r: &mut Record) -> Result<()> {
    let (rec_off, length) = (rec.base(), rec.len());
    let mut p = 5usize;
    while p < length {
        let ftag = rec.u8(p, "record field")?;
        let flen = usize::from(rec.u16be(p + 1, "record field length").map_err(|_| {
            PkgError::invalid(rec_off + p, "record field header cut by record length")
        })?);
        let value = rec.slice(p + 3, flen, "record field").map_err(|_| {
            PkgError::invalid(
                rec_off + p,
                format!(
                    "field tag {ftag} of length {flen} runs past record end {:#x}",
                    rec_off + length
                ),
            )
        })?;
        r.fields.push(RecordField {
            offset: rec_off + p,
            tag: ftag,
            len: flen,
        });
        match ftag {
            2 => r.dns_name = Some(c_string(value).0),
            3 => r.subject = Some(c_string(value).0),
            4 => {
                r.role = Some(
                    Bytes::new(value, rec_off + p + 3)
                        .u16be(0, "role")
                        .map_err(|_| PkgError::invalid(rec_off + p, "role must be 2 bytes"))?,
                )
            }
            5 => r.issuer = Some(c_string(value).0),
            6 => r.serial = Some(hex_bytes(value)),
            9 => match summarize_certificate(value) {
                Ok(c) => r.certificate = Some(c),
                Err(e) => r.certificate_error = Some(format!("offset {:#x}: {e}", rec_off + p + 3)),
            },
            11 => r.cert_hash = Some(hex_bytes(value)),
            _ => {}
        }
        p += 3 + flen;
    }
    Ok(())
}

impl TrustList<'_> {
    /// The SAST record whose serial matches header tag 5 (the file's signer).
    pub fn signer_record(&self) -> Option<&Record> {
        let serial = self.signed.header.serial_hex()?;
        self.records
            .iter()
            .find(|r| r.role == Some(0) && r.serial.as_deref() == Some(serial.as_str()))
    }

    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        let sast = self.records.iter().filter(|r| r.role == Some(0)).count();
        if sast > 2 {
            w.push(format!("{sast} SAST records; phones accept at most 2"));
        }
        if self.signer_record().is_none() {
            w.push("no SAST record matches the header's signer serial".into());
        }
        for r in &self.records {
            if let Some(e) = &r.certificate_error {
                w.push(format!(
                    "record at {:#x}: certificate does not parse: {e}",
                    r.offset
                ));
            }
        }
        w
    }

    pub fn spans(&self) -> Vec<Span> {
        let mut v = self.signed.spans();
        for r in &self.records {
            v.push(Span::new(
                r.offset,
                r.length,
                "record",
                format!(
                    "role {}",
                    r.role
                        .map(|x| format!("{x} {}", role_name(x)))
                        .unwrap_or_else(|| "?".into())
                ),
            ));
            for f in &r.fields {
                let status = if f.tag <= 12 {
                    Status::Info
                } else {
                    Status::Bad
                };
                v.push(
                    Span::new(
                        f.offset,
                        3 + f.len,
                        format!("rec tag {} {}", f.tag, record_tag_name(f.tag)),
                        describe_field(
                            f.tag,
                            self.signed
                                .bytes
                                .get(f.offset + 3..f.offset + 3 + f.len)
                                .unwrap_or_default(),
                        ),
                    )
                    .with_status(status),
                );
            }
        }
        v
    }
}

fn describe_field(tag: u8, value: &[u8]) -> String {
    match tag {
        1 | 4 => match value {
            [a, b] if tag == 4 => {
                let role = u16::from_be_bytes([*a, *b]);
                format!("{role} {}", role_name(role))
            }
            [a, b] => format!("{}", u16::from_be_bytes([*a, *b])),
            _ => hex_bytes(value),
        },
        2 | 3 | 5 => format!("{:?}", c_string(value).0),
        6 | 11 => hex_bytes(value),
        _ => format!("{} bytes", value.len()),
    }
}
