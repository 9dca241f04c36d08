//! One file model: a file is recognised by its content once ([`FileKind`]) and parsed once
//! into one enum ([`AnyFile`]); `inspect` ([`mod@report`]), `dump` ([`mod@dump`]), `extract` and
//! `strip` ([`mod@extract`]) and the folder walk ([`folder`]) are each one match over it.
//!
//! Binary profiles (plain, weak- or strong-encrypted, split base and `.ex`), text profiles,
//! every firmware package, bundles and the text files around them all go through here, so a
//! folder lists them with one schema.
pub mod date;
pub mod dump;
pub mod extract;
pub mod folder;
pub mod report;

use crate::pkg::error::Result;
use crate::pkg::sgn::{self, SignedFile, VerifyingKey};
use crate::pkg::{
    bundle, image, kup, loads, sig78, textfiles,
    tlv::{self, TrustList},
};
use crate::profile::inspect::{self as pinspect, InspectOptions as ProfileOptions, Inspection};
use crate::table::TagTable;

pub use crate::pkg::detect::FileKind;
pub use date::utc_date;
pub use dump::{Dump, dump, dump_bytes};
pub use extract::{StripSummary, extract, strip, write_atomic};
pub use folder::{
    InspectOptions, MAX_DIR_TOTAL, ReadFile, Unread, inspect_path, is_table_name, table_beside,
    table_for,
};
pub use report::{
    Field, FileReport, PARSE_ERROR, PkgReport, Section, hint_text, report, unknown_hint,
    unknown_report, unreadable_report,
};

/// How much of a file is read to tell whether it is of any known kind before the rest.
pub const HEAD_BYTES: usize = 64 << 10;

/// Whether a file that starts with `head` is of no known kind whatever follows, so it need
/// not be held whole: every kind is told by its first bytes (well within [`HEAD_BYTES`]),
/// except the text kinds, which need every byte to be text; a binary byte in `head`
/// rules them out.
pub fn unknown_by_head(name: &str, head: &[u8], opts: &ProfileOptions) -> bool {
    head.len() >= HEAD_BYTES
        && head
            .iter()
            .any(|b| !(b.is_ascii_graphic() || b.is_ascii_whitespace()))
        && recognise(name, head, opts) == FileKind::Unknown
}

/// A tag table to read profiles with, and the name to show for it.
pub type ProfileTable = (TagTable, String);

/// What a file's reading depends on besides its bytes.
#[derive(Debug, Clone, Default)]
pub struct Context<'k> {
    /// Certificate or public key that signed files are verified with.
    pub key: Option<&'k VerifyingKey>,
    /// The tag table for binary profiles (`None`: the built-in table that explains most).
    pub table: Option<&'k ProfileTable>,
    /// Keys, protocol filter and secrets for binary profiles.
    pub profile: ProfileOptions,
}

/// A signed (SGN header) file's payload, parsed by what it holds.
#[derive(Debug)]
pub enum Payload<'a> {
    /// 7940/7960 `.loads` manifest.
    Loads(Box<loads::LoadsFile<'a>>),
    /// File-list manifest of the newer phones.
    List(loads::FileList),
    /// UAL loader or application image (`.sbn`, `.sb2`).
    Image(image::UalImage),
    /// `kup1` package (`.sbin`).
    Kup(kup::KupPackage<'a>),
    /// CTL/ITL trust list (`.tlv`).
    TrustList(TrustList<'a>),
    /// Anything else (`.sgn`, `.cop.sgn`, 79x1 `.sbn`…): the bytes are not interpreted.
    Other,
}

/// A file, parsed by what its content says it is.
// One value per opened file, never held in bulk: the variants stay unboxed to match on.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum AnyFile<'a> {
    /// Binary profile in any form: plain, weak, strong, split base or `.ex`.
    Profile(Box<Inspection>),
    /// Text profile (`#txt`), the compiler's input.
    TextProfile,
    /// Plain text under a profile's name: the phone rejects it.
    PlainTextProfile,
    /// A profile's name, no `#ata`, no key to try.
    EncryptedProfile,
    /// SGN-signed file; the payload may fail to parse while the header is sound.
    Signed {
        signed: SignedFile<'a>,
        payload: Result<Payload<'a>>,
    },
    /// 78xx signed file, with its manifest when it holds one.
    Signed78 {
        signed: sig78::Signed78<'a>,
        list: Option<Result<loads::FileList>>,
    },
    /// Unsigned UAL image (`.bin`, an `.sb2` payload).
    Image(image::UalImage),
    /// Unsigned `kup1` package (`.zup`).
    Kup(kup::KupPackage<'a>),
    /// Firmware bundle (`.zip`).
    Bundle(Vec<bundle::Member>),
    Os79xx(textfiles::Os79xx),
    SipConfig(Vec<textfiles::ImageVersion>),
    /// SCCP (`sip == false`) or SIP XML configuration.
    XmlConfig {
        sip: bool,
        loads: Vec<textfiles::LoadInformation>,
    },
    /// IP Communicator locale manifest.
    CipcManifest,
    Unknown,
}

/// A file with its name, its kind and what parsing it gave.
#[derive(Debug)]
pub struct File<'a> {
    /// The name as given (a zip member keeps its folders).
    pub name: String,
    pub bytes: &'a [u8],
    pub kind: FileKind,
    /// `Err` when the file is not what its first bytes promise.
    pub parsed: Result<AnyFile<'a>>,
}

impl<'a> File<'a> {
    /// Recognise `bytes` (named `name`) and parse them, once.
    pub fn open(name: &str, bytes: &'a [u8], ctx: &Context<'_>) -> Self {
        let kind = recognise(name, bytes, &ctx.profile);
        let parsed = parse(kind, bytes, ctx);
        File {
            name: name.to_string(),
            bytes,
            kind,
            parsed,
        }
    }

    /// The name without folders.
    pub fn base_name(&self) -> &str {
        base_name(&self.name)
    }
}

fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// What the content says the file is; with a profile key, a file nothing else claims is
/// tried as an encrypted profile (it has no magic to recognise it by).
pub fn recognise(name: &str, bytes: &[u8], opts: &ProfileOptions) -> FileKind {
    let kind = crate::pkg::detect::detect(name, bytes);
    let keyed = opts.weak_key.is_some() || opts.strong_key.is_some();
    match kind {
        FileKind::EncryptedProfile | FileKind::Unknown if keyed => FileKind::Profile,
        k => k,
    }
}

fn parse<'a>(kind: FileKind, bytes: &'a [u8], ctx: &Context<'_>) -> Result<AnyFile<'a>> {
    Ok(match kind {
        FileKind::Profile => AnyFile::Profile(Box::new(inspect_profile(bytes, ctx))),
        FileKind::TextProfile => AnyFile::TextProfile,
        FileKind::PlainTextProfile => AnyFile::PlainTextProfile,
        FileKind::EncryptedProfile => AnyFile::EncryptedProfile,
        FileKind::Loads
        | FileKind::LoadsList
        | FileKind::SignedLoader
        | FileKind::SignedApplication
        | FileKind::SignedKup
        | FileKind::TrustList
        | FileKind::SignedOther => {
            let signed = sgn::parse(bytes)?;
            let payload = signed_payload(kind, &signed);
            AnyFile::Signed { signed, payload }
        }
        FileKind::Loads78xx | FileKind::Signed78xx => {
            let signed = sig78::parse(bytes)?;
            let list = (kind == FileKind::Loads78xx && signed.sha256_ok)
                .then(|| loads::parse_file_list(signed.payload(), signed.header_length));
            AnyFile::Signed78 { signed, list }
        }
        FileKind::Loader | FileKind::Application => AnyFile::Image(image::parse(bytes, 0)?),
        FileKind::Kup => AnyFile::Kup(kup::parse(bytes, 0)?),
        FileKind::Bundle => AnyFile::Bundle(bundle::read_zip(bytes)?),
        FileKind::Os79xxTxt => AnyFile::Os79xx(textfiles::parse_os79xx(bytes)?),
        FileKind::SipConfig => AnyFile::SipConfig(textfiles::parse_image_version(bytes)),
        FileKind::XmlConfig | FileKind::SipXmlConfig => AnyFile::XmlConfig {
            sip: kind == FileKind::SipXmlConfig,
            loads: textfiles::parse_load_information(bytes),
        },
        FileKind::CipcManifest => AnyFile::CipcManifest,
        FileKind::Unknown => AnyFile::Unknown,
    })
}

fn signed_payload<'a>(kind: FileKind, signed: &SignedFile<'a>) -> Result<Payload<'a>> {
    let (payload, at) = (signed.payload(), signed.payload_offset());
    Ok(match kind {
        FileKind::Loads => Payload::Loads(Box::new(loads::from_signed(signed.clone())?)),
        FileKind::LoadsList => Payload::List(loads::parse_file_list(payload, at)?),
        FileKind::SignedLoader | FileKind::SignedApplication => {
            Payload::Image(image::parse(payload, at)?)
        }
        FileKind::SignedKup => Payload::Kup(kup::parse(payload, at)?),
        FileKind::TrustList => Payload::TrustList(tlv::from_signed(signed.clone())?),
        _ => Payload::Other,
    })
}

/// A binary profile read with the context's table, or the built-in table that explains most.
fn inspect_profile(bytes: &[u8], ctx: &Context<'_>) -> Inspection {
    match ctx.table {
        Some((t, n)) => pinspect::inspect(bytes, t, n, &ctx.profile),
        None => {
            let (t, n) = pinspect::guess_table(bytes, &ctx.profile);
            pinspect::inspect(bytes, &t, &n, &ctx.profile)
        }
    }
}

/// Inspect one file's bytes; never fails — a parse error is a finding of the report.
pub fn inspect_bytes(name: &str, bytes: &[u8], key: Option<&VerifyingKey>) -> FileReport {
    inspect_bytes_with(name, bytes, key, None)
}

/// [`inspect_bytes`], reading binary profiles with `table` (default: the built-in table
/// that explains most of the file's records).
pub fn inspect_bytes_with(
    name: &str,
    bytes: &[u8],
    key: Option<&VerifyingKey>,
    table: Option<&ProfileTable>,
) -> FileReport {
    let ctx = Context {
        key,
        table,
        profile: ProfileOptions::default(),
    };
    report(&File::open(name, bytes, &ctx), key)
}
