//! `dump`: the annotated regions of a file, one match over what it is.
use std::borrow::Cow;

use super::{AnyFile, File, Payload};
use crate::finding::Finding;
use crate::pkg::error::PkgError;
use crate::pkg::sgn::SignedFile;
use crate::profile::inspect::{self as pinspect, Encryption, HIDDEN};
use crate::report::Span;

/// What `dump` shows of a file: a summary, notes, the bytes to show (a profile's decrypted
/// view, with hidden values masked) and the regions over them.
#[derive(Debug, Clone)]
pub struct Dump<'a> {
    /// `kind, N bytes[, table T]`.
    pub summary: String,
    /// Lines to print before the dump.
    pub notes: Vec<String>,
    pub view: Cow<'a, [u8]>,
    /// Empty when no structure is known (the dump is then raw).
    pub spans: Vec<Span>,
    /// A profile's findings, printed after the dump.
    pub findings: Vec<Finding>,
}

/// The dump of an opened file; the parse error when it is not what it claims to be.
pub fn dump<'a, 'f>(file: &'f File<'a>) -> Result<Dump<'a>, &'f PkgError> {
    let parsed = file.parsed.as_ref()?;
    let mut d = Dump {
        summary: format!("{}, {} bytes", file.kind.describe(), file.bytes.len()),
        notes: Vec::new(),
        view: Cow::Borrowed(file.bytes),
        spans: Vec::new(),
        findings: Vec::new(),
    };
    match parsed {
        AnyFile::Profile(ins) => {
            d.summary = format!("{}, {} bytes, table {}", ins.kind, ins.size, ins.table);
            if ins.encryption != Encryption::None {
                d.notes
                    .push("decrypted view: offsets are the file's".into());
            }
            if ins.records.iter().any(|r| r.value == HIDDEN) {
                d.notes
                    .push("hidden values are masked as 2a (*); --show-secrets shows them".into());
            }
            d.view = Cow::Owned(pinspect::masked_view(ins));
            d.spans = pinspect::spans(ins);
            d.findings = ins.findings.clone();
        }
        AnyFile::Signed { signed, payload } => {
            d.spans = signed_spans(signed, payload.as_ref()?);
        }
        AnyFile::Signed78 { signed: s, .. } => {
            d.spans = vec![
                Span::new(0, 4, "magic", "78xx signed header"),
                Span::new(4, 4, "header length", s.header_length.to_string()),
                Span::new(0x0c, 4, "payload length", s.payload_length.to_string()),
                Span::new(0x14, 32, "SHA-256", s.sha256_stored.clone()),
                Span::new(
                    0x38,
                    4.max(s.filename.len()),
                    "name",
                    format!("{:?}", s.filename),
                ),
                Span::new(
                    s.header_length,
                    s.payload_length,
                    "payload",
                    format!("{} bytes", s.payload_length),
                ),
            ]
        }
        AnyFile::Image(img) => d.spans = img.spans(0),
        AnyFile::Kup(pkg) => d.spans = pkg.spans(),
        AnyFile::Os79xx(os) => {
            d.spans = vec![Span::new(
                0,
                file.bytes.len(),
                "OS79XX.TXT",
                format!("{:?}", os.name),
            )]
        }
        AnyFile::TextProfile
        | AnyFile::PlainTextProfile
        | AnyFile::EncryptedProfile
        | AnyFile::Bundle(_)
        | AnyFile::SipConfig(_)
        | AnyFile::XmlConfig { .. }
        | AnyFile::CipcManifest
        | AnyFile::Unknown => {}
    }
    Ok(d)
}

fn signed_spans(s: &SignedFile<'_>, payload: &Payload<'_>) -> Vec<Span> {
    let whole = |label: &str, detail: String| {
        let mut v = s.spans();
        v.push(Span::new(
            s.payload_offset(),
            s.payload().len(),
            label,
            detail,
        ));
        v
    };
    match payload {
        Payload::Loads(lf) => lf.spans(),
        Payload::TrustList(t) => t.spans(),
        Payload::Image(img) => {
            let mut v = s.spans();
            v.extend(img.spans(s.payload_offset()));
            v
        }
        Payload::Kup(pkg) => {
            let mut v = s.spans();
            v.extend(pkg.spans());
            v
        }
        Payload::List(_) => whole("manifest", "file list".into()),
        Payload::Other => whole("payload", format!("{} bytes", s.payload().len())),
    }
}

/// The regions of `bytes` (named `name`) for the hex dump, read without keys or table.
pub fn dump_bytes(name: &str, bytes: &[u8]) -> crate::pkg::error::Result<Vec<Span>> {
    let file = File::open(name, bytes, &Default::default());
    dump(&file)
        .map(|d| d.spans)
        .map_err(|e| PkgError::Unsupported(e.to_string()))
}
