//! `probe`'s logic through an in-memory [`Transport`]: the SCCP and 7905G/7912G paths, and
//! files that do not parse (the tftpd-hpa tests cover the network).
use crate::assist_fixtures;

use std::collections::BTreeMap;
use std::time::Duration;

use assist_fixtures::*;
use cfgfmt::assist::Severity;
use cfgfmt::device::{Mac, Model, Protocol};
use cfgfmt::tftp::client::Fetch;
use cfgfmt::tftp::probe::{self, ProbeOptions, ProbeReport, Read, Transport};

/// A server that holds `files`; names in `refused` answer "access violation".
struct Memory {
    files: BTreeMap<String, Vec<u8>>,
    refused: Vec<String>,
    asked: Vec<String>,
}

impl Memory {
    fn new(fx: &Fx) -> Memory {
        Memory {
            files: fx.files.clone(),
            refused: Vec::new(),
            asked: Vec::new(),
        }
    }
}

impl Transport for Memory {
    fn read(&mut self, file: &str) -> Read {
        self.asked.push(file.to_string());
        let result = if self.refused.iter().any(|r| r == file) {
            Fetch::AccessViolation {
                message: "Access violation".into(),
            }
        } else {
            match self.files.get(file) {
                Some(b) => Fetch::Fetched {
                    bytes: b.clone(),
                    size: b.len() as u64,
                    blksize: 1428,
                    tsize: Some(b.len() as u64),
                },
                None => Fetch::NotFound {
                    message: "File not found".into(),
                },
            }
        };
        Read {
            result,
            elapsed: Duration::ZERO,
        }
    }
    fn describe(&self) -> String {
        "memory".into()
    }
}

fn run(fx: &Fx, model: Model, protocol: Protocol) -> (ProbeReport, Vec<String>) {
    let mut m = Memory::new(fx);
    let r = probe::probe(
        &mut m,
        &ProbeOptions {
            mac: Mac::parse(MAC).unwrap(),
            model,
            protocol,
        },
    );
    (r, m.asked)
}

fn checks(r: &ProbeReport) -> Vec<String> {
    for f in &r.findings {
        let def = cfgfmt::tftp::check_def(&f.code).expect("catalogued");
        assert!(def.rules.contains(&f.rule.as_str()), "{f:?}");
        assert!(!f.message.is_empty() && !f.why.is_empty() && !f.fix.is_empty());
    }
    r.findings
        .iter()
        .map(|f| format!("{} {} {}", f.severity, f.code, f.file))
        .collect()
}

#[test]
fn sccp_phone_follows_load_information() {
    let (r, asked) = run(&clean_7940_sccp(), Model::M7960, Protocol::Sccp);
    assert_eq!(
        asked,
        [
            format!("CTLSEP{MAC}.tlv"),
            format!("SEP{MAC}.cnf.xml"),
            "P0030801SR02.loads".into(),
            "P0030801SR02.sbn".into(),
            "P0030801SR02.sb2".into(),
        ]
    );
    assert_eq!(
        checks(&r),
        [format!("info probe-optional-file CTLSEP{MAC}.tlv")]
    );
    assert!(!r.has_problems());
}

#[test]
fn sccp_falls_back_to_xmldefault() {
    let mut fx = clean_7940_sccp();
    fx.remove(&format!("SEP{MAC}.cnf.xml"));
    let (r, asked) = run(&fx, Model::M7940, Protocol::Sccp);
    assert_eq!(asked[2], "XMLDefault.cnf.xml");
    assert_eq!(asked[3], "P0030801SR02.loads");
    assert!(!r.has_problems(), "{}", r.render_text());
    fx.remove("XMLDefault.cnf.xml");
    let (r, _) = run(&fx, Model::M7940, Protocol::Sccp);
    assert_eq!(
        checks(&r)[0],
        format!("error probe-required-file SEP{MAC}.cnf.xml")
    );
}

#[test]
fn os79xx_with_extension_and_missing_load() {
    let mut fx = clean_7940_sip();
    fx.set("OS79XX.TXT", "P0S3-8-12-00.loads\r\n");
    let (r, asked) = run(&fx, Model::M7940, Protocol::Sip);
    assert_eq!(asked[1], "P0S3-8-12-00.loads");
    assert!(
        checks(&r).contains(&"warning probe-note OS79XX.TXT".to_string()),
        "{:?}",
        checks(&r)
    );
    // A load none of whose forms is there: one finding naming them all.
    let mut fx = clean_7940_sip();
    fx.set("OS79XX.TXT", "P0S3-9-9-99\n");
    let (r, asked) = run(&fx, Model::M7940, Protocol::Sip);
    assert_eq!(
        &asked[1..4],
        ["P0S3-9-9-99.loads", "P0S3-9-9-99.sbn", "P0S3-9-9-99.bin"]
    );
    let f = &r.findings[0];
    assert_eq!(
        (f.code.as_str(), f.severity),
        ("probe-required-file", Severity::Error)
    );
    assert!(
        f.message
            .contains("none of P0S3-9-9-99.loads, P0S3-9-9-99.sbn, P0S3-9-9-99.bin")
    );
}

#[test]
fn unparsable_files_are_errors() {
    let mut fx = clean_7940_sip();
    fx.set("OS79XX.TXT", "\r\n");
    fx.set("P0S3-8-12-00.loads", b"not a signed file".to_vec());
    let (r, _) = run(&fx, Model::M7940, Protocol::Sip);
    assert_eq!(
        checks(&r),
        [
            "error probe-unparsable OS79XX.TXT",
            "error probe-unparsable P0S3-8-12-00.loads"
        ]
    );
}

#[test]
fn refused_optional_file_is_a_warning() {
    let mut m = Memory::new(&clean_7940_sip());
    m.refused.push("ringer1.pcm".into());
    let r = probe::probe(
        &mut m,
        &ProbeOptions {
            mac: Mac::parse(MAC).unwrap(),
            model: Model::M7960,
            protocol: Protocol::Sip,
        },
    );
    assert_eq!(checks(&r), ["warning probe-optional-file ringer1.pcm"]);
    assert_eq!(r.findings[0].rule, "R8");
    assert!(r.has_problems());
}

#[test]
fn gk_profiles_own_first_encrypted_and_7905() {
    // The phone's own profile wins: gkdefault.cfg is not asked for.
    let mut fx = clean_7912();
    let cfg = fx.files["gkdefault.cfg"].clone();
    fx.set(&format!("gk{}", MAC.to_ascii_lowercase()), cfg.clone());
    let (r, asked) = run(&fx, Model::M7912, Protocol::Sip);
    assert_eq!(
        asked,
        [
            format!("gk{}", MAC.to_ascii_lowercase()),
            SIP_IMAGE_7912.to_string()
        ]
    );
    assert!(r.findings.is_empty());
    // Encrypted (no #ata): fetched, not followed, a warning.
    let mut fx = clean_7912();
    fx.set("gkdefault.cfg", vec![0x11u8; 64]);
    let (r, asked) = run(&fx, Model::M7912, Protocol::Sip);
    assert_eq!(asked.len(), 2);
    assert!(checks(&r).contains(&"warning probe-note gkdefault.cfg".to_string()));
    // 7905G: ld<mac> then lddefault.cfg.
    let mut fx = Fx::default();
    fx.set("lddefault.cfg", cfg);
    let (r, asked) = run(&fx, Model::M7905, Protocol::Sip);
    assert_eq!(
        &asked[..2],
        [
            format!("ld{}", MAC.to_ascii_lowercase()),
            "lddefault.cfg".into()
        ]
    );
    assert_eq!(
        checks(&r).last().unwrap(),
        &format!("info probe-optional-file ld{}", MAC.to_ascii_lowercase())
    );
}

#[test]
fn mac_forms() {
    for s in [
        "0006D7AA2A2E",
        "00:06:d7:aa:2a:2e",
        "0006.d7aa.2a2e",
        "00-06-D7-AA-2A-2E",
    ] {
        assert_eq!(Mac::parse(s).unwrap().upper(), MAC);
    }
    assert!(Mac::parse("0006D7AA2A2").is_err());
    assert!(Mac::parse("0006D7AA2A2G").is_err());
    assert_eq!(
        probe::ring_files(b"Chirp 1\tringer1.pcm\r\n# c\n\nOld  ringer2.pcm\n"),
        ["ringer1.pcm", "ringer2.pcm"]
    );
}

/// `plan` and `probe` agree: the files a plan's stage writes, served as they are, make a
/// phone still on the stage's starting protocol ask for the stage's target load.
#[test]
fn probe_follows_what_plan_writes() {
    use cfgfmt::assist::plan;
    let cases: &[(&str, &str, Option<Model>)] = &[
        ("SCCP-8.1(2)", "SIP-8.12", Some(Model::M7960)),
        ("SCCP-5.0(2)", "SIP-6.3", None),
        ("SIP-6.3", "SCCP-8.1(2)", None),
        ("SIP-8.12", "P0030801SR02", None),
        ("SIP-4.4", "SCCP-5.0(1.1)", None),
        ("SIP41.8-5-4S", "SCCP41.9-4-2SR1-1S", None),
        ("SCCP45.9-4-2SR1-1S", "SIP45.8-5-4S", Some(Model::M7965)),
        (
            "CP7912080000SIP060111A.sbin",
            "CP7912080004SCCP080108A.sbin",
            None,
        ),
        (
            "CP7912080004SCCP080108A.sbin",
            "CP7912080000SIP060111A.sbin",
            None,
        ),
    ];
    for &(from, to, model) in cases {
        let p = plan::plan(from, to, model, &[]).unwrap();
        let s = &p.stages[0];
        let mut fx = Fx::default();
        for c in s.actions.iter().filter_map(|a| a.content.as_ref()) {
            match c.file.as_str() {
                "XMLDefault.cnf.xml" => {
                    fx.set(&c.file, format!("<Default>\n{}\n</Default>\n", c.contents));
                }
                "gkdefault.txt" => {
                    let text = format!("#txt\n{}\n", c.contents);
                    fx.set("gkdefault.cfg", compile_gk(&text));
                }
                f => {
                    fx.set(f, c.contents.clone());
                }
            }
        }
        let stem = s.to.name.trim_end_matches(".sbin");
        for &m in &p.models {
            let (_, asked) = run(&fx, m, s.from.protocol);
            assert!(
                asked.iter().any(|a| a.starts_with(stem)),
                "{from} → {to} on a {m}: probe asked {asked:?}"
            );
        }
    }
}

/// A newer phone fetches every file its `.loads` manifest lists: the probe follows them,
/// and one missing is an error.
#[test]
fn newer_phone_follows_the_files_its_manifest_lists() {
    use crate::pkg_fixtures::SgnBuilder;
    let stem = "SIP41.9-4-2SR1-1S";
    let listed = ["jar41sip.9-4-2ES26.sbn", "cnu41.9-4-2ES26.sbn"];
    let body = format!(
        "#\r\n# RELEASE load version 9-4-2ES26\r\n#\r\n\r\n{}\r\n{}\r\n",
        listed[0], listed[1]
    );
    let mut fx = Fx::default();
    fx.set(
        &format!("SEP{MAC}.cnf.xml"),
        format!("<device>\n<loadInformation>{stem}</loadInformation>\n</device>\n"),
    )
    .set(
        &format!("{stem}.loads"),
        SgnBuilder::cisco(&format!("{stem}.loads")).build(body.as_bytes()),
    );
    for f in listed {
        fx.set(f, SgnBuilder::cisco(f).build(b"CNU_File_Archive_3.0"));
    }
    let (r, asked) = run(&fx, Model::M7941, Protocol::Sip);
    assert_eq!(
        asked,
        [
            format!("CTLSEP{MAC}.tlv"),
            format!("SEP{MAC}.cnf.xml"),
            format!("{stem}.loads"),
            listed[0].into(),
            listed[1].into(),
        ]
    );
    assert!(!r.has_problems(), "{}", r.render_text());
    fx.remove(listed[1]);
    let (r, _) = run(&fx, Model::M7941, Protocol::Sip);
    assert_eq!(
        checks(&r)[0],
        format!("error probe-required-file {}", listed[1])
    );
    // A manifest that does not parse is an error, not a silent stop.
    fx.set(&format!("{stem}.loads"), b"not a manifest".to_vec());
    let (r, _) = run(&fx, Model::M7941, Protocol::Sip);
    assert_eq!(
        checks(&r)[0],
        format!("error probe-unparsable {stem}.loads")
    );
}

/// An ATA's profile is read with the ATA's table and its upgradecode image fetched.
#[test]
fn ata_profile_upgradecode_image_is_followed() {
    use cfgfmt::table::{TagTable, builtin};
    let image = "ATA030204SIP060104A.zup";
    let text = format!(
        "#txt\nupgradecode:3,0x301,0x0400,0x0200,0.0.0.0,69,0x060104a,{image}\nUID0:2009\nUseSIP:1\n"
    );
    let table = TagTable::parse(builtin("ata186").unwrap().text.as_bytes()).0;
    let out = cfgfmt::profile::compile(
        text.as_bytes(),
        std::path::Path::new("atadefault.txt"),
        &mut cfgfmt::text::NoIncludes,
        &table,
        &Default::default(),
    )
    .unwrap();
    let mut fx = Fx::default();
    fx.set("atadefault.cfg", out.files[0].bytes.clone())
        .set(image, sbin(image, 0x301));
    let (r, asked) = run(&fx, Model::Ata186, Protocol::Sip);
    let own = format!("ata{}", MAC.to_ascii_lowercase());
    assert_eq!(asked, [own.clone(), "atadefault.cfg".into(), image.into()]);
    assert_eq!(checks(&r), [format!("info probe-optional-file {own}")]);
    fx.remove(image);
    let (r, _) = run(&fx, Model::Ata186, Protocol::Sip);
    assert_eq!(checks(&r)[0], format!("error probe-required-file {image}"));
    // Encrypted (no #ata magic), as ATA profiles often are: noted, not a problem.
    fx.set("atadefault.cfg", vec![0x11u8; 64]);
    let (r, asked) = run(&fx, Model::Ata186, Protocol::Sip);
    assert_eq!(asked.len(), 2);
    assert!(checks(&r).contains(&"info probe-note atadefault.cfg".to_string()));
    assert!(!r.has_problems(), "{}", r.render_text());
}
