//! OS79XX.TXT, `image_version`, `<loadInformation>`.
use cfgfmt::device::load_id_name as device_type_model;
use cfgfmt::pkg::names::Protocol;
use cfgfmt::pkg::textfiles;

#[test]
fn cisco_os79xx_with_trailing_space_and_crlf() {
    // §8: `50 30 30 33 2d 38 2d 31 32 2d 30 30 20 0d 0a`.
    let bytes = hex::decode("5030303 32d382d31322d3030200d0a".replace(' ', "")).unwrap();
    assert_eq!(bytes, b"P003-8-12-00 \r\n");
    let os = textfiles::parse_os79xx(&bytes).unwrap();
    assert_eq!(os.name, "P003-8-12-00");
    assert!(os.parsed.as_ref().unwrap().is_loader);
    assert_eq!(os.warnings.len(), 1, "{:?}", os.warnings);
    assert!(os.warnings[0].contains("trailing whitespace"));
}

#[test]
fn os79xx_flags_extension_and_extra_lines() {
    let os = textfiles::parse_os79xx(b"P0S3-07-4-00.bin\nmore\n").unwrap();
    assert!(os.warnings.iter().any(|w| w.contains("without .bin")));
    assert!(os.warnings.iter().any(|w| w.contains("extra line")));
    assert!(textfiles::parse_os79xx(b"\r\n").is_err());
    assert!(
        textfiles::parse_os79xx(b"P00308010200")
            .unwrap()
            .warnings
            .is_empty()
    );
}

#[test]
fn image_version_spellings() {
    let cnf = "# comment\nimage_version: P0S30202\nimage_version : \"P00308010200\"\nImage_version: P0S3-03-0-00\nimage_version: \"P0S3-07-4-00\";\nimage_version:\" P0S3-8-12-00 \"\nimage_version: P0S3-07-5-00 ; trailing\nproxy1_address: 10.0.0.1\n";
    let v = textfiles::parse_image_version(cnf.as_bytes());
    let values: Vec<&str> = v.iter().map(|x| x.value.as_str()).collect();
    assert_eq!(
        values,
        [
            "P0S30202",
            "P00308010200",
            "P0S3-03-0-00",
            "P0S3-07-4-00",
            "P0S3-8-12-00",
            "P0S3-07-5-00"
        ]
    );
    assert!(v.iter().all(|x| x.parsed.is_some()));
    assert_eq!(v[1].parsed.as_ref().unwrap().protocol, Protocol::Sccp);
    assert!(v[2].warnings.iter().any(|w| w.contains("Image_version")));
    assert!(
        v[4].warnings
            .iter()
            .any(|w| w.contains("spaces inside the quotes"))
    );
    assert!(v[0].warnings.is_empty() && v[3].warnings.is_empty());
    assert_eq!(v[0].line, 2);
}

#[test]
fn load_information_elements() {
    let xml = r#"<Default>
<loadInformation7 model="IP Phone 7960">P0030801SR02</loadInformation7>
<loadInformation8 model="IP Phone 7940">P0030801SR02</loadInformation8>
<loadInformation30007 model="IP Phone 7912">CP7912080004SCCP080108A</loadInformation30007>
<loadInformation434 model="IP Phone 7942"></loadInformation434>
<loadInformation/>
</Default>"#;
    let v = textfiles::parse_load_information(xml.as_bytes());
    assert_eq!(v.len(), 4);
    assert_eq!(v[0].device_type, Some(7));
    assert_eq!(v[0].model.as_deref(), Some("IP Phone 7960"));
    assert_eq!(v[0].value, "P0030801SR02");
    assert_eq!(device_type_model(7), Some("7960"));
    assert_eq!(device_type_model(8), Some("7940"));
    assert_eq!(device_type_model(30007), Some("7912"));
    assert_eq!(
        v[2].parsed.as_ref().unwrap().upgradecode_date().as_deref(),
        Some("0x080108a")
    );
    assert_eq!(v[3].value, "");
    let sep = textfiles::parse_load_information(
        b"<device><loadInformation>P0030801SR02</loadInformation></device>",
    );
    assert_eq!(sep.len(), 1);
    assert_eq!(sep[0].device_type, None);
    assert_eq!(sep[0].value, "P0030801SR02");
}
