//! TFTP-root folders for the assistant's tests, built at test time from synthetic but
//! structurally valid files (the package fixtures' signed headers, UAL images, `.loads` and
//! `kup1` packages). No Cisco firmware.
#![allow(dead_code)]

use crate::pkg_fixtures::*;
use cfgfmt::assist::doctor::{self, DoctorOptions, Report};
use cfgfmt::profile::{self, CompileOptions};
use cfgfmt::table::{TagTable, builtin};
use std::collections::BTreeMap;
use std::path::Path;

pub const EXAMPLE_TXT: &str = include_str!("../../testdata/examples/gkdefault.txt");
pub const GOLDEN_CFG: &[u8] = include_bytes!("../../testdata/golden/gkdefault.cfg");
pub const MAC: &str = "0006D7AA2A2E";
pub const SIP_IMAGE_7912: &str = "CP7912080000SIP060111A.sbin";

/// A folder's files by name.
#[derive(Clone, Debug, Default)]
pub struct Fx {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Fx {
    pub fn set(&mut self, name: &str, bytes: impl Into<Vec<u8>>) -> &mut Self {
        self.files.insert(name.to_string(), bytes.into());
        self
    }
    pub fn remove(&mut self, name: &str) -> Vec<u8> {
        self.files
            .remove(name)
            .unwrap_or_else(|| panic!("fixture has no {name}"))
    }
    pub fn rename(&mut self, from: &str, to: &str) -> &mut Self {
        let b = self.remove(from);
        self.set(to, b)
    }
    pub fn write(&self) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        self.write_into(dir.path());
        dir
    }
    pub fn write_into(&self, dir: &Path) {
        for (name, bytes) in &self.files {
            let p = dir.join(name);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent).unwrap();
            }
            std::fs::write(p, bytes).unwrap();
        }
    }
    /// Runs doctor on a fresh copy.
    pub fn doctor(&self) -> Report {
        let dir = self.write();
        run_doctor(dir.path())
    }
}

pub fn run_doctor(dir: &Path) -> Report {
    let mut r = doctor::doctor(dir, &DoctorOptions::default()).unwrap();
    r.root = "tftp".into();
    r
}

/// The check ids of a report, in report order.
pub fn checks(r: &Report) -> Vec<String> {
    r.findings.iter().map(|f| f.code.clone()).collect()
}

pub fn table_7912() -> TagTable {
    TagTable::parse(builtin("7912").unwrap().text.as_bytes()).0
}

/// Compiles a text profile with the built-in 7905G/7912G table (what `-tsip_ptag.dat` does).
pub fn compile_gk(text: &str) -> Vec<u8> {
    let out = profile::compile(
        text.as_bytes(),
        Path::new("gkdefault.txt"),
        &mut cfgfmt::text::NoIncludes,
        &table_7912(),
        &CompileOptions {
            output_name: "gkdefault.cfg".into(),
            ..Default::default()
        },
    )
    .unwrap();
    out.files[0].bytes.clone()
}

/// The README's example with its upgradecode line replaced.
pub fn example_with_upgradecode(line: &str) -> String {
    EXAMPLE_TXT
        .lines()
        .map(|l| {
            if l.starts_with("upgradecode:") {
                line.to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// A signed 7912G-style image (`kup1` platform `platform`) under `name`.
pub fn sbin(name: &str, platform: u32) -> Vec<u8> {
    let regions = vec![
        KupRegion {
            dest: 0x0,
            data: (0..0x30u8).collect(),
            compress: false,
        },
        KupRegion {
            dest: 0x1000,
            data: b"hello hello hello hello kup1".repeat(4),
            compress: true,
        },
    ];
    let kup = build_kup(platform, 0x400, 0x0800, &regions, b"LD61LDR6", true);
    SgnBuilder::cisco(name).build(&kup)
}

/// The clean 7912G folder of the README: its gkdefault.txt, that text compiled with the 7912
/// table (= the golden gkdefault.cfg), and the image its upgradecode names.
pub fn clean_7912() -> Fx {
    let mut fx = Fx::default();
    fx.set("gkdefault.txt", EXAMPLE_TXT)
        .set("gkdefault.cfg", compile_gk(EXAMPLE_TXT))
        .set(SIP_IMAGE_7912, small_sbin());
    fx
}

pub const SIPDEFAULT: &str = "\
# SIPDefault.cnf: settings for every phone
image_version: P0S3-8-12-00
proxy1_address: 192.168.1.10
proxy1_port: 5060
dtmf_outofband: avt
";

pub fn sip_mac_cnf() -> String {
    "line1_name: 201\nline1_authname: 201\nline1_password: secret\nline1_displayname: \"Lobby\"\n"
        .into()
}

/// A clean 7940/7960 SIP 8.12 folder: the release's five files (OS79XX.TXT without Cisco's
/// trailing space), SIPDefault.cnf, one SIP<MAC>.cnf, RINGLIST.DAT and its ring file.
pub fn clean_7940_sip() -> Fx {
    let mut fx = Fx::default();
    for (name, bytes) in sip812_set(0x200) {
        fx.set(&name, bytes);
    }
    fx.set("OS79XX.TXT", "P003-8-12-00\r\n")
        .set("SIPDefault.cnf", SIPDEFAULT)
        .set(&format!("SIP{MAC}.cnf"), sip_mac_cnf())
        .set(
            "RINGLIST.DAT",
            "Chirp 1\tringer1.pcm\r\nChirp 2\tringer2.pcm\r\n",
        )
        .set("ringer1.pcm", vec![0x7fu8; 64])
        .set("ringer2.pcm", vec![0x7fu8; 64]);
    fx
}

/// A clean 7940/7960 SCCP 8.1(2)SR2 folder: the load's four files, OS79XX.TXT naming it,
/// XMLDefault.cnf.xml and a SEP<MAC>.cnf.xml naming it in loadInformation.
pub fn clean_7940_sccp() -> Fx {
    let id = "P0030801SR02";
    let bin = loader_payload(id, "PAS30831", 0x200);
    let sbn = SgnBuilder::cisco(&format!("{id}.sbn")).build(&bin);
    let app = app_payload(id, "PA03Z031", 0x200, 0x40);
    let sb2 = SgnBuilder::cisco(&format!("{id}.sb2")).build(&app);
    let loads = SgnBuilder::cisco(&format!("{id}.loads")).build(&loads_body(
        &format!("{id}.sbn"),
        &format!("{id}.sb2"),
        "PAS30831",
    ));
    let mut fx = Fx::default();
    fx.set(&format!("{id}.bin"), bin)
        .set(&format!("{id}.sbn"), sbn)
        .set(&format!("{id}.sb2"), sb2)
        .set(&format!("{id}.loads"), loads)
        .set("OS79XX.TXT", format!("{id}\r\n"))
        .set(
            "XMLDefault.cnf.xml",
            format!(
                "<Default>\n<callManagerGroup/>\n<loadInformation8 model=\"IP Phone 7940\">{id}</loadInformation8>\n<loadInformation7 model=\"IP Phone 7960\">{id}</loadInformation7>\n</Default>\n"
            ),
        )
        .set(
            &format!("SEP{MAC}.cnf.xml"),
            format!("<device>\n<loadInformation>{id}</loadInformation>\n</device>\n"),
        );
    fx
}
