//! `doctor`: every check of the catalogue against a folder built by the test — the clean
//! folders report nothing, each broken variant reports exactly the expected finding.
use crate::assist_fixtures;
use crate::pkg_fixtures;

use assist_fixtures::*;
use cfgfmt::assist::doctor::{self, DoctorOptions, SIP2_CNF_LIMIT};
use cfgfmt::assist::{CHECKS, Severity, check_def};
use cfgfmt::table::builtin;
use pkg_fixtures::*;

/// Asserts the report holds exactly these checks (in report order).
#[track_caller]
fn expect(fx: &Fx, want: &[&str]) -> doctor::Report {
    let r = fx.doctor();
    assert_eq!(checks(&r), want, "{}", r.render_text());
    for f in &r.findings {
        let def = check_def(&f.code).expect("check in the catalogue");
        assert!(def.rules.contains(&f.rule.as_str()), "{f:?}");
        assert!(!f.message.is_empty() && !f.why.is_empty() && !f.fix.is_empty());
    }
    r
}

// ---------------------------------------------------------------- clean folders

#[test]
fn readme_7912_folder_is_clean() {
    let fx = clean_7912();
    // The folder's gkdefault.cfg is the README's golden file.
    assert_eq!(fx.files["gkdefault.cfg"], GOLDEN_CFG);
    let r = expect(&fx, &[]);
    assert!(!r.has_errors());
}

#[test]
fn clean_7940_sip_folder_is_clean() {
    expect(&clean_7940_sip(), &[]);
}

#[test]
fn clean_7940_sccp_folder_is_clean() {
    expect(&clean_7940_sccp(), &[]);
}

#[test]
fn empty_folder_is_clean() {
    expect(&Fx::default(), &[]);
}

#[test]
fn missing_folder_is_an_error_not_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    assert!(doctor::doctor(&dir.path().join("nope"), &DoctorOptions::default()).is_err());
}

// ---------------------------------------------------------------- OS79XX.TXT

#[test]
fn file_name_case() {
    let mut fx = clean_7940_sip();
    fx.rename("OS79XX.TXT", "os79xx.txt");
    let r = expect(&fx, &["file-name-case"]);
    assert_eq!(r.findings[0].rule, "R4");
    let mut fx = clean_7940_sip();
    fx.rename("SIPDefault.cnf", "sipdefault.cnf");
    expect(&fx, &["file-name-case"]);
    let mut fx = clean_7940_sip();
    fx.rename("RINGLIST.DAT", "RingList.dat");
    expect(&fx, &["file-name-case"]);
    let mut fx = clean_7912();
    fx.rename("gkdefault.cfg", "GKDEFAULT.CFG");
    expect(&fx, &["file-name-case"]);
}

#[test]
fn os79xx_missing() {
    let mut fx = clean_7940_sip();
    fx.remove("OS79XX.TXT");
    expect(&fx, &["os79xx-missing"]);
}

#[test]
fn os79xx_unreadable() {
    let mut fx = clean_7940_sip();
    fx.set("OS79XX.TXT", "");
    expect(&fx, &["os79xx-unreadable"]);
    fx.set("OS79XX.TXT", vec![0xff, 0xfe, 0x00]);
    expect(&fx, &["os79xx-unreadable"]);
}

#[test]
fn os79xx_has_bin_suffix() {
    let mut fx = clean_7940_sip();
    fx.set("OS79XX.TXT", "P003-8-12-00.bin\r\n");
    let r = expect(&fx, &["os79xx-has-bin-suffix"]);
    assert_eq!(r.findings[0].line(), Some(1));
    assert!(r.findings[0].fix.ends_with("P003-8-12-00"));
}

#[test]
fn os79xx_extra_content() {
    let mut fx = clean_7940_sip();
    fx.set("OS79XX.TXT", "P003-8-12-00\r\nP0S3-8-12-00\r\n");
    let r = expect(&fx, &["os79xx-extra-content"]);
    assert_eq!(r.findings[0].line(), Some(2));
    fx.set("OS79XX.TXT", " P003-8-12-00\n");
    expect(&fx, &["os79xx-extra-content"]);
    fx.set("OS79XX.TXT", "P003-8-12-00 image\n");
    expect(&fx, &["os79xx-extra-content"]);
}

#[test]
fn os79xx_trailing_space_is_info_only() {
    // Cisco's own SIP 8.12 file, byte for byte.
    let mut fx = clean_7940_sip();
    fx.set("OS79XX.TXT", "P003-8-12-00 \r\n");
    let r = expect(&fx, &["os79xx-trailing-space"]);
    assert_eq!(r.findings[0].severity, Severity::Info);
    assert!(!r.has_errors());
}

#[test]
fn os79xx_unknown_name() {
    let mut fx = clean_7940_sip();
    fx.set("OS79XX.TXT", "p003-8-12-00\n");
    let r = expect(&fx, &["os79xx-unknown-name"]);
    assert!(r.findings[0].message.contains("wrong case"), "{r:?}");
    fx.set("OS79XX.TXT", "firmware\n");
    expect(&fx, &["os79xx-unknown-name"]);
}

#[test]
fn os79xx_wrong_form() {
    let mut fx = clean_7940_sip();
    fx.set("OS79XX.TXT", "P0S3-02-3-00\n");
    let r = expect(&fx, &["os79xx-wrong-form"]);
    assert!(r.findings[0].message.contains("P0S30203"), "{r:?}");
    fx.set("OS79XX.TXT", "P0S30700\n");
    let r = expect(&fx, &["os79xx-wrong-form"]);
    assert!(r.findings[0].message.contains("P0S3-07-0-00"), "{r:?}");
}

#[test]
fn os79xx_not_7940() {
    let mut fx = clean_7940_sip();
    fx.set("OS79XX.TXT", "CP7912080000SIP060111A\n");
    expect(&fx, &["os79xx-not-7940"]);
    fx.set("OS79XX.TXT", "P00405000700\n");
    expect(&fx, &["os79xx-not-7940"]);
}

#[test]
fn os79xx_image_missing() {
    let mut fx = clean_7940_sip();
    fx.set("OS79XX.TXT", "P0S3-07-5-00\n");
    expect(&fx, &["os79xx-image-missing"]);
    // The same name in another case is pointed out.
    let mut fx = clean_7940_sip();
    fx.set("OS79XX.TXT", "P0S30203\n")
        .set("p0s30203.bin", vec![1u8; 16]);
    let r = expect(&fx, &["os79xx-image-missing"]);
    assert!(r.findings[0].message.contains("case-sensitive"), "{r:?}");
}

#[test]
fn release_left_in_a_subfolder() {
    // The zip unpacked as it is: its top folder P0S3-8-12-00/ holds the load.
    let mut fx = clean_7940_sip();
    for name in [
        "P003-8-12-00.bin",
        "P003-8-12-00.sbn",
        "P0S3-8-12-00.loads",
        "P0S3-8-12-00.sb2",
    ] {
        fx.rename(name, &format!("P0S3-8-12-00/{name}"));
    }
    let r = expect(&fx, &["os79xx-image-missing", "image-version-missing-file"]);
    assert!(
        r.findings
            .iter()
            .all(|f| f.message.contains("subfolder \"P0S3-8-12-00/\"")),
        "{r:?}"
    );
}

#[test]
fn os79xx_names_load_not_loader() {
    let mut fx = clean_7940_sip();
    fx.set("OS79XX.TXT", "P0S3-8-12-00\r\n");
    let r = expect(&fx, &["os79xx-names-load-not-loader"]);
    assert!(r.findings[0].fix.ends_with("P003-8-12-00"));
    assert!(check_def("os79xx-names-load-not-loader").unwrap().inferred);
}

// ---------------------------------------------------------------- .loads and images

#[test]
fn loads_unreadable() {
    let mut fx = clean_7940_sip();
    fx.set("P0S3-8-12-00.loads", "P003-8-12-00.sbn\nP0S3-8-12-00.sb2\n");
    expect(&fx, &["loads-unreadable"]);
}

#[test]
fn loads_file_missing() {
    let mut fx = clean_7940_sip();
    fx.remove("P0S3-8-12-00.sb2");
    let r = expect(&fx, &["loads-file-missing"]);
    assert_eq!(r.findings[0].file, "P0S3-8-12-00.loads");
}

#[test]
fn loads_bin_missing_is_info() {
    let mut fx = clean_7940_sip();
    fx.remove("P003-8-12-00.bin");
    let r = expect(&fx, &["loads-bin-missing"]);
    assert_eq!(r.findings[0].severity, Severity::Info);
}

#[test]
fn image_damaged() {
    let mut fx = clean_7940_sip();
    let sb2 = fx.remove("P0S3-8-12-00.sb2");
    fx.set("P0S3-8-12-00.sb2", sb2[..40].to_vec());
    expect(&fx, &["image-damaged"]);
    // A kup1 package whose checksum no longer matches.
    let mut fx = clean_7912();
    let mut img = fx.remove(SIP_IMAGE_7912);
    let last = img.len() - 20;
    img[last] ^= 0x55;
    fx.set(SIP_IMAGE_7912, img);
    let r = expect(&fx, &["image-damaged"]);
    assert_eq!(r.findings[0].rule, "R26");
}

#[test]
fn image_renamed() {
    let mut fx = clean_7940_sip();
    let app = app_payload("P0S3-8-12-00", "PAS3ARM1", 0x200, 0x40);
    fx.set(
        "P0S3-8-12-00.sb2",
        SgnBuilder::cisco("P0S3-8-11-00.sb2").build(&app),
    );
    expect(&fx, &["image-renamed"]);
    assert!(check_def("image-renamed").unwrap().inferred);
}

// ---------------------------------------------------------------- configuration files

#[test]
fn image_version_missing_file() {
    let mut fx = clean_7940_sip();
    fx.set(
        "SIPDefault.cnf",
        SIPDEFAULT.replace("P0S3-8-12-00", "P0S3-08-11-00"),
    );
    let r = expect(&fx, &["image-version-missing-file"]);
    assert_eq!(r.findings[0].line(), Some(2));
    // R19: a SIP configuration naming the SCCP load is fine when the load is there.
    let mut fx = clean_7940_sip();
    for (n, b) in clean_7940_sccp().files {
        if n.starts_with("P0030801SR02") {
            fx.set(&n, b);
        }
    }
    fx.set(
        "SIPDefault.cnf",
        SIPDEFAULT.replace("P0S3-8-12-00", "P0030801SR02"),
    );
    expect(&fx, &[]);
}

#[test]
fn image_version_syntax() {
    for bad in [
        "image_version:\" P0S3-8-12-00 \"",
        "image_version: P0S3-8-12-00.loads",
        "image_version: \"P0S3-8-12-00",
        "image_version: p0s3-8-12-00",
        "image_version: P0S3-02-3-00",
    ] {
        let mut fx = clean_7940_sip();
        fx.set(
            "SIPDefault.cnf",
            SIPDEFAULT.replace("image_version: P0S3-8-12-00", bad),
        );
        expect(&fx, &["image-version-syntax"]);
    }
    // Seen spellings that are fine.
    for good in [
        "image_version: \"P0S3-8-12-00\";",
        "image_version : P0S3-8-12-00 ; comment",
    ] {
        let mut fx = clean_7940_sip();
        fx.set(
            "SIPDefault.cnf",
            SIPDEFAULT.replace("image_version: P0S3-8-12-00", good),
        );
        expect(&fx, &[]);
    }
}

#[test]
fn load_information_missing_file() {
    let mut fx = clean_7940_sccp();
    fx.set(
        &format!("SEP{MAC}.cnf.xml"),
        "<device>\n<loadInformation>P00308010200</loadInformation>\n</device>\n",
    );
    let r = expect(&fx, &["load-information-missing-file"]);
    assert_eq!(r.findings[0].line(), Some(2));
    // Issue 19.4: every model's load is checked (this used to be left alone), and the
    // message names the model.
    let mut fx = clean_7940_sccp();
    fx.set(
        "XMLDefault.cnf.xml",
        "<Default>\n<loadInformation8 model=\"IP Phone 7940\">P0030801SR02</loadInformation8>\n<loadInformation115 model=\"IP Phone 7941\">SCCP41.9-4-2SR1-1S</loadInformation115>\n</Default>\n",
    );
    let r = expect(&fx, &["load-information-missing-file"]);
    assert_eq!(r.findings[0].line(), Some(3));
    assert!(
        r.findings[0]
            .message
            .starts_with("\"SCCP41.9-4-2SR1-1S\" (the 7941's load) is named here"),
        "{}",
        r.findings[0].message
    );
    // With its manifest (and the file it lists) there, nothing to say; a 7921G manifest
    // in Cisco's upper-case .LOADS counts.
    fx.set(
        "SCCP41.9-4-2SR1-1S.loads",
        SgnBuilder::cisco("SCCP41.9-4-2SR1-1S.loads")
            .build(b"#\r\n# RELEASE load version 9-4-2ES9\r\n#\r\n\r\njar41sccp.9-4-2ES9.sbn\r\n"),
    );
    fx.set(
        "jar41sccp.9-4-2ES9.sbn",
        SgnBuilder::cisco("jar41sccp.9-4-2ES9.sbn").build(b"CNU_File_Archive_3.0"),
    );
    fx.set(
        "XMLDefault.cnf.xml",
        "<Default>\n<loadInformation8 model=\"IP Phone 7940\">P0030801SR02</loadInformation8>\n<loadInformation115 model=\"IP Phone 7941\">SCCP41.9-4-2SR1-1S</loadInformation115>\n<loadInformation365 model=\"SCCP: Cisco 7921\">CP7921G-1.4.6.3</loadInformation365>\n<loadInformation307 model=\"IP Phone 7911\">SCCP11.9-4-2-1S</loadInformation307>\n</Default>\n",
    );
    fx.set("CP7921G-1.4.6.3.LOADS", b"x".to_vec());
    let r = doctor::doctor(fx.write().path(), &DoctorOptions::default()).unwrap();
    let missing: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.code == "load-information-missing-file")
        .map(|f| (f.line(), f.message.split(' ').next().unwrap_or("")))
        .collect();
    assert_eq!(
        missing,
        [(Some(5), "\"SCCP11.9-4-2-1S\"")],
        "{}",
        r.render_text()
    );
    // A named manifest that lists a file the folder lacks: the naming line says so too.
    fx.remove("jar41sccp.9-4-2ES9.sbn");
    let r = doctor::doctor(fx.write().path(), &DoctorOptions::default()).unwrap();
    let at_line: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.code == "loads-list-file-missing" && f.file == "XMLDefault.cnf.xml")
        .collect();
    assert_eq!(at_line.len(), 1, "{}", r.render_text());
    assert_eq!(at_line[0].line(), Some(3));
    assert_eq!(at_line[0].severity, Severity::Warning);
    assert!(
        at_line[0].message.ends_with(
            "its manifest SCCP41.9-4-2SR1-1S.loads lists 1 file not in the folder: jar41sccp.9-4-2ES9.sbn"
        ),
        "{}",
        at_line[0].message
    );
}

#[test]
fn sipdefault_missing() {
    let mut fx = clean_7940_sip();
    fx.remove("SIPDefault.cnf");
    expect(&fx, &["sipdefault-missing"]);
}

fn sip2_folder(cnf_len: usize) -> Fx {
    let mut fx = Fx::default();
    let mut cnf = "image_version: P0S30203\n".to_string();
    while cnf.len() < cnf_len {
        cnf.push_str("# padding padding padding padding padding padding padding\n");
    }
    cnf.truncate(cnf_len);
    fx.set("OS79XX.TXT", "P0S30203\n")
        .set("P0S30203.bin", vec![0u8; 256])
        .set("SIPDefault.cnf", cnf);
    fx
}

#[test]
fn sipdefault_too_large_for_sip2() {
    expect(&sip2_folder(6000), &["sipdefault-too-large-for-sip2"]);
    expect(&sip2_folder(300), &[]);
}

/// R23 gives no number: the threshold is our guess, and the check says so.
#[test]
fn sip2_size_threshold_is_inferred() {
    assert!(check_def("sipdefault-too-large-for-sip2").unwrap().inferred);
    let limit = SIP2_CNF_LIMIT as usize;
    expect(&sip2_folder(limit), &[]);
    let r = expect(&sip2_folder(limit + 1), &["sipdefault-too-large-for-sip2"]);
    assert!(r.findings[0].message.contains("inferred"));
}

#[test]
fn sip_mac_cnf_case() {
    for bad in [
        format!("sip{}.cnf", MAC.to_lowercase()),
        format!("SIP{}.cnf", MAC.to_lowercase()),
        format!("SIP{MAC}.CNF"),
    ] {
        let mut fx = clean_7940_sip();
        fx.rename(&format!("SIP{MAC}.cnf"), &bad);
        let r = expect(&fx, &["sip-mac-cnf-case"]);
        assert!(r.findings[0].fix.contains(&format!("SIP{MAC}.cnf")));
    }
}

#[cfg(unix)]
#[test]
fn not_world_readable() {
    use std::os::unix::fs::PermissionsExt;
    let fx = clean_7940_sip();
    let dir = fx.write();
    let p = dir.path().join("SIPDefault.cnf");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    let r = run_doctor(dir.path());
    assert_eq!(checks(&r), ["not-world-readable"], "{}", r.render_text());
    assert_eq!(r.findings[0].fix, "chmod a+r SIPDefault.cnf");
    assert!(check_def("not-world-readable").unwrap().inferred);
}

#[test]
fn both_protocol_configs() {
    let mut fx = clean_7940_sip();
    fx.set(
        &format!("SEP{MAC}.cnf.xml"),
        "<device>\n<loadInformation>P00308010200</loadInformation>\n</device>\n",
    );
    let r = expect(
        &fx,
        &["load-information-missing-file", "both-protocol-configs"],
    );
    assert!(r.findings.iter().any(|f| f.file == "."));
}

/// Issue 12: a newer phone's manifest (79x1 here) whose files are not all in the folder is a
/// warning naming them; present files are referenced (and so checked).
#[test]
fn loads_list_file_missing() {
    let mut fx = clean_7940_sip();
    let body = b"#\r\n# RELEASE load version 9-4-2ES9\r\n#\r\n\r\njar11sip.9-4-2ES9.sbn\r\ncnu11.9-4-2ES9.sbn \r\n";
    fx.set(
        "SIP11.9-4-2SR1-1S.loads",
        SgnBuilder::cisco("SIP11.9-4-2SR1-1S.loads").build(body),
    );
    fx.set(
        "jar11sip.9-4-2ES9.sbn",
        SgnBuilder::cisco("jar11sip.9-4-2ES9.sbn").build(b"CNU_File_Archive_3.0"),
    );
    let r = expect(&fx, &["loads-list-file-missing"]);
    assert_eq!(r.findings[0].severity, Severity::Warning);
    assert!(
        r.findings[0]
            .message
            .contains("(release 9-4-2ES9) lists 1 file not in the folder: cnu11.9-4-2ES9.sbn"),
        "{}",
        r.findings[0].message
    );
    // A listed file renamed by hand is caught by the image checks.
    fx.set(
        "cnu11.9-4-2ES9.sbn",
        SgnBuilder::cisco("other.sbn").build(b"CNU_File_Archive_3.0"),
    );
    expect(&fx, &["image-renamed"]);
}

/// Issue 12: SIP phones' XML (Cisco's SIP tree: XMLDefault.cnf.xml naming SIP loads only,
/// `<sipProfile>` templates) is not the SCCP side of R12.
#[test]
fn sip_xml_configs_are_not_sccp_configuration() {
    let mut fx = clean_7940_sip();
    fx.set(
        "XMLDefault.cnf.xml",
        "<Default>\n  <loadInformation8 model=\"SIP: Cisco 7940\">P0S3-8-12-00</loadInformation8>\n  <loadInformation115 model=\"SIP: Cisco 7941\">SIP41.8-5-4S</loadInformation115>\n</Default>\n",
    );
    fx.set(
        &format!("SEP{MAC}.cnf.xml"),
        "<device>\n  <deviceProtocol>SIP</deviceProtocol>\n  <sipProfile>\n  </sipProfile>\n  <loadInformation>SIP41.8-5-4S</loadInformation>\n</device>\n",
    );
    // The 7941's SIP load is there (issue 19.4 checks every model's load).
    fx.set(
        "SIP41.8-5-4S.loads",
        SgnBuilder::cisco("SIP41.8-5-4S.loads").build(
            b"#\r\n# RELEASE load version 8-5-4TH1-6\r\n#\r\n\r\njar41sip.8-5-4TH1-6.sbn\r\n",
        ),
    );
    fx.set(
        "jar41sip.8-5-4TH1-6.sbn",
        SgnBuilder::cisco("jar41sip.8-5-4TH1-6.sbn").build(b"CNU_File_Archive_3.0"),
    );
    expect(&fx, &[]);
}

#[test]
fn no_load_specified() {
    let mut fx = Fx::default();
    fx.set(&format!("SEP{MAC}.cnf.xml"), "<device>\n</device>\n");
    expect(&fx, &["no-load-specified"]);
}

#[test]
fn ringlist_file_missing() {
    let mut fx = clean_7940_sip();
    fx.remove("ringer2.pcm");
    let r = expect(&fx, &["ringlist-file-missing"]);
    assert_eq!(r.findings[0].line(), Some(2));
}

// ---------------------------------------------------------------- 7905G/7912G profiles

#[test]
fn gkdefault_missing() {
    let mut fx = clean_7912();
    fx.remove("gkdefault.cfg");
    let r = expect(&fx, &["gkdefault-missing"]);
    assert_eq!(r.findings[0].file, "gkdefault.txt");
    // A 7912G SIP image with no profile at all.
    let mut fx = Fx::default();
    fx.set(SIP_IMAGE_7912, small_sbin());
    expect(&fx, &["gkdefault-missing"]);
    // A per-phone profile is enough.
    fx.set(&format!("gk{}", MAC.to_lowercase()), GOLDEN_CFG);
    expect(&fx, &[]);
}

#[test]
fn gk_mac_case() {
    let mut fx = clean_7912();
    fx.set(&format!("gk{MAC}"), GOLDEN_CFG);
    let r = expect(&fx, &["gk-mac-case"]);
    assert!(
        r.findings[0]
            .fix
            .contains(&format!("gk{}", MAC.to_lowercase()))
    );
}

#[test]
fn gk_profile_undecodable() {
    let mut fx = clean_7912();
    let mut cfg = fx.remove("gkdefault.cfg");
    let n = cfg.len();
    cfg[n - 3] ^= 0x01;
    fx.set("gkdefault.cfg", cfg);
    expect(&fx, &["gk-profile-undecodable"]);
}

#[test]
fn gk_profile_encrypted() {
    let mut fx = clean_7912();
    fx.set("gkdefault.cfg", vec![0xa5u8; 201]);
    let r = expect(&fx, &["gk-profile-encrypted"]);
    assert_eq!(r.findings[0].severity, Severity::Warning);
    assert!(
        r.findings[0]
            .fix
            .contains("-tbuiltin:7912 gkdefault.txt gkdefault.cfg")
    );
}

/// Issue 12: a gkdefault.cfg holding plain text (Cisco's sccp/United_States/gkdefault.cfg is
/// `UIPassword:7912`) is an error: the phone rejects it. The fix names a table that exists.
#[test]
fn gk_profile_text() {
    let mut fx = clean_7912();
    fx.set("gkdefault.cfg", b"UIPassword:7912\n".to_vec());
    let r = expect(&fx, &["gk-profile-text"]);
    assert_eq!(r.findings[0].severity, Severity::Error);
    assert!(
        r.findings[0]
            .fix
            .ends_with("cfgfmt-rs -tbuiltin:7912 gkdefault.txt gkdefault.cfg"),
        "{}",
        r.findings[0].fix
    );
    // With Cisco's table beside it, the fix names that file.
    fx.set(
        "sip_ptag7912.dat",
        builtin("7912").unwrap().text.as_bytes().to_vec(),
    );
    let r = expect(&fx, &["gk-profile-text"]);
    assert!(
        r.findings[0].fix.contains("cfgfmt-rs -tsip_ptag7912.dat "),
        "{}",
        r.findings[0].fix
    );
    assert!(r.render_text().find("sip_ptag.dat").is_none());
}

#[test]
fn gkdefault_txt_invalid() {
    // Seven fields: the compiler prints "bad argument for upgrade tag" and leaves the line out.
    let txt = example_with_upgradecode(
        "upgradecode:3,0x601,0x0400,0x0100,0.0.0.0,69,CP7912080000SIP060111A.sbin",
    );
    let mut fx = clean_7912();
    fx.set("gkdefault.txt", txt);
    let r = expect(&fx, &["gkdefault-txt-invalid"]);
    assert_eq!(r.findings[0].line(), Some(7));
}

#[test]
fn gkdefault_stale() {
    let mut fx = clean_7912();
    fx.set(
        "gkdefault.txt",
        EXAMPLE_TXT.replace("Lobby phone", "Front desk"),
    );
    let dir = fx.write();
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(dir.path().join("gkdefault.cfg"))
        .unwrap()
        .set_modified(old)
        .unwrap();
    let r = run_doctor(dir.path());
    assert_eq!(checks(&r), ["gkdefault-stale"], "{}", r.render_text());
    assert!(r.findings[0].message.contains("older"));
}

/// An older gkdefault.cfg whose text only gained a comment compiles to the same bytes: not
/// stale (the check compares contents; times decide only when includes prevent compiling).
#[test]
fn gkdefault_touched_but_equal_is_not_stale() {
    let mut fx = clean_7912();
    fx.set("gkdefault.txt", format!("{EXAMPLE_TXT}# edited\n"));
    let dir = fx.write();
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(dir.path().join("gkdefault.cfg"))
        .unwrap()
        .set_modified(old)
        .unwrap();
    assert_eq!(checks(&run_doctor(dir.path())), Vec::<String>::new());
}

/// Sets gkdefault.txt and the matching gkdefault.cfg to an upgradecode line.
fn with_upgradecode(fx: &mut Fx, line: &str) {
    let txt = example_with_upgradecode(line);
    fx.set("gkdefault.cfg", compile_gk(&txt))
        .set("gkdefault.txt", txt);
}

#[test]
fn upgradecode_fields() {
    let mut fx = clean_7912();
    with_upgradecode(
        &mut fx,
        "upgradecode:3,0x601,0x0400,0x0200,0.0.0.0,69,0x060111a,CP7912080000SIP060111A.sbin",
    );
    let r = expect(&fx, &["upgradecode-fields"]);
    assert!(r.findings[0].message.contains("needs 0x0100"), "{r:?}");
    with_upgradecode(
        &mut fx,
        "upgradecode:2,0x601,0x0400,0x0100,0.0.0.0,70,0x060111a,CP7912080000SIP060111A.sbin",
    );
    expect(&fx, &["upgradecode-fields"]);
}

#[test]
fn upgradecode_image_missing() {
    let mut fx = clean_7912();
    fx.remove(SIP_IMAGE_7912);
    expect(&fx, &["upgradecode-image-missing"]);
}

#[test]
fn upgradecode_date_mismatch() {
    let mut fx = clean_7912();
    with_upgradecode(
        &mut fx,
        "upgradecode:3,0x601,0x0400,0x0100,0.0.0.0,69,0x060112a,CP7912080000SIP060111A.sbin",
    );
    let r = expect(&fx, &["upgradecode-date-mismatch"]);
    assert!(r.findings[0].fix.contains("0x060111a"));
}

#[test]
fn upgradecode_platform_mismatch() {
    // Platform field 0x501 (7905G) for an image whose kup1 header says 0x601.
    let mut fx = clean_7912();
    with_upgradecode(
        &mut fx,
        "upgradecode:3,0x501,0x0400,0x0100,0.0.0.0,69,0x060111a,CP7912080000SIP060111A.sbin",
    );
    expect(&fx, &["upgradecode-platform-mismatch"]);
    // A 7905G image (consistent in itself) in a 7912G profile.
    let img = "CP7905080003SCCP070409A.sbin";
    let mut fx = clean_7912();
    fx.remove(SIP_IMAGE_7912);
    fx.set(img, sbin(img, 0x501));
    with_upgradecode(
        &mut fx,
        &format!("upgradecode:3,0x501,0x0400,0x0100,0.0.0.0,69,0x070409a,{img}"),
    );
    let r = expect(&fx, &["upgradecode-platform-mismatch"]);
    assert!(r.findings[0].message.contains("7912G phones"), "{r:?}");
}

#[test]
fn lddefault_for_7905() {
    let img = "CP7905080000SIP060111A.sbin";
    let txt = example_with_upgradecode(&format!(
        "upgradecode:3,0x501,0x0400,0x0100,0.0.0.0,69,0x060111a,{img}"
    ));
    let mut fx = Fx::default();
    fx.set(img, sbin(img, 0x501))
        .set("lddefault.cfg", compile_gk(&txt))
        .set("lddefault.txt", txt);
    expect(&fx, &[]);
    fx.remove("lddefault.cfg");
    expect(&fx, &["gkdefault-missing"]);
}

/// R18's folder for a 7940 on SIP 6.3 going to SCCP: gkdefault.cfg names the SCCP image the
/// guide quotes. Its layout is unknown (no kup1 check), its signed header is checked.
#[test]
fn r18_folder_for_7940_is_clean() {
    let img = "CP7940080001SCCP051117A.sbin";
    let txt = example_with_upgradecode(&format!(
        "upgradecode:3,0x601,0x0400,0x0100,0.0.0.0,69,0x051117a,{img}"
    ));
    let mut fx = Fx::default();
    fx.set("OS79XX.TXT", "P0S3-06-3-00\r\n")
        .set(
            "P0S3-06-3-00.sbn",
            SgnBuilder::cisco("P0S3-06-3-00.sbn").build(&[0x11u8; 300]),
        )
        .set("SIPDefault.cnf", "image_version: P0S3-06-3-00\n")
        .set(img, SgnBuilder::cisco(img).build(&[0x22u8; 300]))
        .set("gkdefault.cfg", compile_gk(&txt))
        .set("gkdefault.txt", txt);
    expect(&fx, &[]);
    let mut bad = fx.clone();
    bad.set(img, vec![0x22u8; 300]);
    expect(&bad, &["image-damaged"]);
}

/// Arbitrary bytes under every name doctor reads never panic it.
#[test]
fn arbitrary_content_never_panics() {
    let names = [
        "OS79XX.TXT",
        "SIPDefault.cnf",
        "SIP0006D7AA2A2E.cnf",
        "RINGLIST.DAT",
        "gkdefault.cfg",
        "gkdefault.txt",
        "gk0006d7aa2a2e",
        "lddefault.txt",
        "P0S3-8-12-00.loads",
        "CP7912080000SIP060111A.sbin",
        "XMLDefault.cnf.xml",
        "sip_ptag.dat",
    ];
    let mut x: u32 = 0x1234_5678;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x
    };
    for round in 0..40 {
        let mut fx = Fx::default();
        for n in names {
            let len = (next() % 700) as usize;
            let text = round % 2 == 0;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    let b = next() as u8;
                    if text {
                        b"P0S3-8.12:# \n\"<>ab#txt"[(b % 21) as usize]
                    } else {
                        b
                    }
                })
                .collect();
            fx.set(n, bytes);
        }
        let _ = fx.doctor();
    }
}

// ---------------------------------------------------------------- bounds

#[cfg(unix)]
#[test]
fn symlink_out_of_the_folder_is_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "P003-8-12-00\n").unwrap();
    let mut fx = clean_7940_sip();
    fx.remove("OS79XX.TXT");
    let dir = fx.write();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        dir.path().join("OS79XX.TXT"),
    )
    .unwrap();
    let r = run_doctor(dir.path());
    assert_eq!(
        checks(&r),
        // Errors first (issue 19.4).
        ["os79xx-unreadable", "entry-skipped"],
        "{}",
        r.render_text()
    );
    // A symlink inside the folder is followed.
    let dir = clean_7940_sip().write();
    std::fs::rename(dir.path().join("OS79XX.TXT"), dir.path().join("real.txt")).unwrap();
    std::os::unix::fs::symlink("real.txt", dir.path().join("OS79XX.TXT")).unwrap();
    assert_eq!(checks(&run_doctor(dir.path())), Vec::<String>::new());
}

#[test]
fn entry_limit_and_file_limit() {
    let dir = clean_7940_sip().write();
    let opts = DoctorOptions {
        max_entries: 3,
        max_file: 64 << 20,
    };
    let r = doctor::doctor(dir.path(), &opts).unwrap();
    assert!(checks(&r).contains(&"entry-skipped".to_string()), "{r:?}");
    let opts = DoctorOptions {
        max_entries: 10_000,
        max_file: 100,
    };
    let r = doctor::doctor(dir.path(), &opts).unwrap();
    let skipped: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.code == "entry-skipped")
        .map(|f| f.file.as_str())
        .collect();
    assert!(skipped.contains(&"P0S3-8-12-00.sb2"), "{r:?}");
}

/// Every file of every fixture, cut short or flipped, never panics the doctor.
#[test]
fn damaged_files_never_panic() {
    for fx in [clean_7912(), clean_7940_sip(), clean_7940_sccp()] {
        for name in fx.files.keys() {
            let len = fx.files[name].len();
            for cut in [0, 1, 7, len / 2, len.saturating_sub(1)] {
                let mut v = fx.clone();
                let b = v.files[name][..cut.min(len)].to_vec();
                v.set(name, b);
                let _ = v.doctor();
            }
            let mut v = fx.clone();
            let mut b = v.files[name].clone();
            for i in (0..b.len()).step_by(13) {
                b[i] ^= 0xa5;
            }
            v.set(name, b);
            let _ = v.doctor();
        }
    }
}

// ---------------------------------------------------------------- catalogue

#[test]
fn every_check_is_exercised_above() {
    let src = include_str!("assist_doctor.rs");
    for c in CHECKS {
        assert!(
            src.contains(&format!("\"{}\"", c.id)),
            "{} has no test here",
            c.id
        );
    }
}
