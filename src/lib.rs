//! `cfgfmt`: a pure-Rust toolkit for the provisioning files of Cisco's legacy IP phones
//! and adapters (7940/7960, 7905/7912, ATA 186/188).
//!
//! The data flows one way: a text profile is parsed ([`text`]) against a tag table
//! ([`table`]), its values are encoded by the codecs ([`codec`]) and laid out as a binary
//! `#ata` profile ([`profile`]); decoding walks the same path backwards. Firmware package
//! files have one module each under [`pkg`].
//!
//! ```
//! use std::path::Path;
//! use cfgfmt::profile::{CompileOptions, compile};
//! use cfgfmt::table::{TagTable, builtin};
//! use cfgfmt::text::NoIncludes;
//!
//! // The 7905G/7912G table that Cisco ships as sip_ptag7912.dat, built in.
//! let (table, _warnings) = TagTable::parse(builtin("7912").unwrap().text.as_bytes());
//! let out = compile(b"#txt\nUseTftp:1\n", Path::new("gk.txt"), &mut NoIncludes, &table, &CompileOptions::default())?;
//! assert_eq!(out.files[0].bytes, b"#ata\xff\xfe\x04\x00\x16\x00\x03\x14\x01\x01");
//! # Ok::<(), cfgfmt::diag::Error>(())
//! ```

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod assist;
pub mod batch;
pub mod catalogue;
pub mod cnum;
pub mod codec;
pub mod crypto;
pub mod device;
pub mod diag;
pub mod file;
pub mod finding;
pub mod io;
pub mod lint;
pub mod pkg;
pub mod profile;
pub mod provision;
pub mod report;
pub mod table;
pub mod text;
pub mod tftp;
