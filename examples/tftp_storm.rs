//! Load generator for `benches/serve-storm.sh`: many TFTP clients at once against one
//! server, each from its own loopback address (127.1.x.y) so that the server sees one
//! client per simulated phone.
//!
//!   tftp_storm image SERVER:PORT COUNT FILE EXPECTED_PATH BLKSIZE
//!       COUNT clients fetch FILE at once; each copy is compared with EXPECTED_PATH.
//!   tftp_storm boot SERVER:PORT INVENTORY.csv
//!       one phone per inventory row walks OS79XX.TXT → the image it names → SIPDefault.cnf
//!       → SIP<MAC>.cnf; each file is compared with what the inventory renders or the
//!       folder (ROOT, the 4th argument) holds.
//!
//! Prints one JSON line: clients, wall time, copies intact, failures.
// A bench tool: a bad argument or a failed bind ends it with the reason.
#![allow(
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::panic
)]
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cfgfmt::tftp::client::{ClientOptions, Fetch, UdpClient};

fn client(i: usize, server: SocketAddr, blksize: u16) -> UdpClient {
    let ip = format!("127.1.{}.{}", i / 250, i % 250 + 1);
    let socket = UdpSocket::bind((ip.as_str(), 0)).expect("bind a loopback address");
    let opts = ClientOptions {
        blksize: Some(blksize),
        timeout: Duration::from_secs(1),
        retries: 10,
        deadline: Duration::from_secs(600),
        ..ClientOptions::default()
    };
    UdpClient::from_socket(socket, server, opts)
}

fn bytes(f: Fetch) -> Result<Vec<u8>, String> {
    match f {
        Fetch::Fetched { bytes, .. } => Ok(bytes),
        other => Err(other.label()),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let server: SocketAddr = args[2].parse().expect("SERVER:PORT");
    let started = Instant::now();
    let results: Vec<Result<(), String>> = match args[1].as_str() {
        "image" => {
            let count: usize = args[3].parse().unwrap();
            let file = args[4].clone();
            let want = Arc::new(std::fs::read(&args[5]).unwrap());
            let blksize: u16 = args[6].parse().unwrap();
            let barrier = Arc::new(std::sync::Barrier::new(count));
            let handles: Vec<_> = (0..count)
                .map(|i| {
                    let (file, want, barrier) =
                        (file.clone(), Arc::clone(&want), Arc::clone(&barrier));
                    std::thread::spawn(move || {
                        let mut c = client(i, server, blksize);
                        barrier.wait();
                        let got = bytes(c.read(&file))?;
                        if got == *want {
                            Ok(())
                        } else {
                            Err(format!("client {i}: copy differs"))
                        }
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        }
        "boot" => {
            let csv = std::fs::read(&args[3]).unwrap();
            let root = std::path::PathBuf::from(&args[4]);
            let inv = cfgfmt::provision::Inventory::parse(&csv, &args[3]).unwrap();
            let rendered = Arc::new(inv.render().unwrap());
            let macs: Vec<String> = inv.devices.iter().map(|d| d.mac.upper()).collect();
            let count = macs.len();
            let barrier = Arc::new(std::sync::Barrier::new(count));
            let handles: Vec<_> = macs
                .into_iter()
                .enumerate()
                .map(|(i, mac)| {
                    let (rendered, barrier, root) =
                        (Arc::clone(&rendered), Arc::clone(&barrier), root.clone());
                    std::thread::spawn(move || -> Result<(), String> {
                        let mut c = client(i, server, 1428);
                        let expect = |name: &str, got: &[u8]| -> Result<(), String> {
                            let want = match rendered.get(name) {
                                Some(f) => f.bytes.clone(),
                                None => std::fs::read(root.join(name))
                                    .map_err(|e| format!("{name}: {e}"))?,
                            };
                            if got == want {
                                Ok(())
                            } else {
                                Err(format!("{mac}: {name} differs"))
                            }
                        };
                        barrier.wait();
                        let os = bytes(c.read("OS79XX.TXT"))?;
                        expect("OS79XX.TXT", &os)?;
                        let load = String::from_utf8_lossy(&os).trim().to_string();
                        let image = format!("{load}.sb2");
                        expect(&image, &bytes(c.read(&image))?)?;
                        expect("SIPDefault.cnf", &bytes(c.read("SIPDefault.cnf"))?)?;
                        let own = format!("SIP{mac}.cnf");
                        expect(&own, &bytes(c.read(&own))?)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        }
        other => panic!("unknown mode {other}"),
    };
    let wall = started.elapsed().as_secs_f64();
    let failures: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    println!(
        "{{\"clients\": {}, \"wall_s\": {wall:.2}, \"intact\": {}, \"failures\": {}, \"first_failure\": {:?}}}",
        results.len(),
        results.len() - failures.len(),
        failures.len(),
        failures.first().map(|s| s.as_str()).unwrap_or("")
    );
}
