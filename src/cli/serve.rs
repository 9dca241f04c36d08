//! Glue for `serve`: arguments, the socket (bound, inherited from systemd, then the
//! privilege drop), signals, and printing the live events; the server is
//! [`cfgfmt::tftp::server`].

use std::io::Write as _;
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Args;

use super::failure::Failure;
use cfgfmt::tftp::diagnose::RootIndex;
use cfgfmt::tftp::server::only::{self, ArpTable, Only};
use cfgfmt::tftp::server::source::{FileSource, Layered, MemorySource, StaticRoot, Swappable};
use cfgfmt::tftp::server::transfer::TransferLimits;
use cfgfmt::tftp::server::watch::Watch;
use cfgfmt::tftp::server::{self, Control, Counters, Event, Events, ServerConfig};

const AFTER_HELP: &str = "\
Every transfer is one line on standard output (one JSON object a line with --json), and the
conversion guide's findings follow each phone's boot as it happens. SIGUSR1 prints the status
of every phone; SIGHUP reads ROOT and the inventory again (an inventory that does not render
leaves the previous files served); SIGINT or SIGTERM stops: running transfers get --grace seconds, then are
aborted, and the status is printed.

Port 69 needs root: run as root with --user tftp (the socket is bound first, then the process
drops to that user), or let systemd pass the socket (contrib/cfgfmt-rs-serve.socket).

Examples:
  cfgfmt-rs serve /srv/tftp --listen 0.0.0.0:69 --user tftp
  cfgfmt-rs serve /srv/tftp --only 10.0.0.21 --only 0006.d7aa.2a2e --fold-case
  cfgfmt-rs serve /srv/tftp --listen 127.0.0.1:6969 --json";

#[derive(Args, Debug, Clone)]
#[command(after_help = AFTER_HELP)]
pub struct ServeArgs {
    /// The TFTP root: files are served from it, never from outside it.
    #[arg(value_name = "ROOT")]
    root: PathBuf,
    /// Devices CSV (as `provision` reads it): its files are rendered in memory when the
    /// server starts, byte for byte what `provision --apply` would write, and served ahead
    /// of ROOT's files of the same name; nothing is written. A row that does not render
    /// stops the start.
    #[arg(long, value_name = "CSV")]
    inventory: Option<PathBuf>,
    /// Address and port to listen on (ignored when systemd passes a socket).
    #[arg(long, value_name = "ADDR:PORT", default_value = "0.0.0.0:69")]
    listen: String,
    /// Only these clients get the files that convert a phone (images, OS79XX.TXT, the
    /// default and per-phone configuration files): an IP, a CIDR block or a MAC; repeat or
    /// separate with commas. Others are refused them, and the log says so.
    #[arg(long, value_name = "IP|CIDR|MAC", value_delimiter = ',')]
    only: Vec<String>,
    /// One JSON object a line on stdout (events, findings, status), for scripts.
    #[arg(long)]
    json: bool,
    /// Serve a file asked for in another case under its name in ROOT (each time a finding).
    #[arg(long)]
    fold_case: bool,
    /// After binding, drop to this user (and its group).
    #[arg(long, value_name = "USER")]
    user: Option<String>,
    /// Transfers at once, all clients (more requests wait: the client asks again).
    #[arg(long, value_name = "N", default_value_t = 512)]
    max_transfers: usize,
    /// Transfers at once from one client address.
    #[arg(long, value_name = "M", default_value_t = 8)]
    per_client: usize,
    /// Seconds to wait for an acknowledgement before sending again.
    #[arg(long, value_name = "SECONDS", default_value_t = 1)]
    timeout: u64,
    /// Retransmissions before a transfer is given up.
    #[arg(long, value_name = "N", default_value_t = 5)]
    retries: u32,
    /// Largest block size granted (RFC 2348; memory is one block per transfer).
    #[arg(long, value_name = "BYTES", default_value_t = 8192)]
    max_blksize: u16,
    /// Largest window granted (RFC 7440 windowsize).
    #[arg(long, value_name = "BLOCKS", default_value_t = 64)]
    max_window: u16,
    /// Longest transfer, seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    max_duration: u64,
    /// On SIGINT/SIGTERM, seconds running transfers get to finish.
    #[arg(long, value_name = "SECONDS", default_value_t = 5)]
    grace: u64,
}

/// Prints events and findings, one line each; feeds the watch.
struct Printer {
    json: bool,
    watch: Mutex<Watch>,
}

fn print_line(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

impl Events for Printer {
    fn event(&self, e: &Event) {
        let Ok(mut w) = self.watch.lock() else { return };
        let findings = w.observe(e);
        if self.json {
            let mut v = serde_json::to_value(e).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                o.insert("event".into(), "transfer".into());
            }
            print_line(&v.to_string());
        } else {
            print_line(&e.line());
        }
        for f in findings {
            if self.json {
                let mut v = serde_json::to_value(&f).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("event".into(), "finding".into());
                    o.insert("client".into(), e.client.clone().into());
                }
                print_line(&v.to_string());
            } else {
                print_line(&format!(
                    "  {}[{}] {} — {}",
                    f.severity, f.code, f.message, f.fix
                ));
            }
        }
    }
}

impl Printer {
    /// SIGHUP: ROOT and the inventory read again; on an error the previous files stay.
    fn reload(&self, a: &ServeArgs, source: &Swappable) {
        match load(a) {
            Ok(l) => {
                source.swap(l.source);
                if let Ok(mut w) = self.watch.lock() {
                    w.set_root(l.index);
                }
                if self.json {
                    print_line(
                        &serde_json::json!({"event": "reload", "rendered": l.rendered}).to_string(),
                    );
                } else {
                    print_line(&format!(
                        "reloaded (SIGHUP): {} rendered file{}",
                        l.rendered,
                        if l.rendered == 1 { "" } else { "s" }
                    ));
                }
            }
            Err(e) => {
                let why = e.line();
                if self.json {
                    print_line(
                        &serde_json::json!({"event": "reload-failed", "error": why}).to_string(),
                    );
                } else {
                    print_line(&format!(
                        "reload failed (SIGHUP), still serving the previous files: {why}"
                    ));
                }
            }
        }
    }

    fn status(&self, why: &str) {
        let Ok(w) = self.watch.lock() else { return };
        let s = w.status();
        if self.json {
            let mut v = serde_json::to_value(&s).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                o.insert("event".into(), "status".into());
                o.insert("why".into(), why.into());
            }
            print_line(&v.to_string());
        } else {
            print_line(&format!("status ({why}):\n{}", s.render_text().trim_end()));
        }
    }
}

/// Largest inventory read.
const MAX_INVENTORY: u64 = 64 << 20;

/// The inventory's files, rendered (nothing starts when a row does not render), and the
/// MACs of its devices.
fn inventory(
    csv: &std::path::Path,
    fold_case: bool,
) -> Result<(MemorySource, Vec<String>), Failure> {
    use std::io::Read as _;
    let reject = |reason: String| Failure::Rejected {
        what: "--inventory: ",
        reason,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(csv)
        .and_then(|f| f.take(MAX_INVENTORY + 1).read_to_end(&mut bytes))
        .map_err(|e| reject(format!("cannot read {}: {e}", csv.display())))?;
    if bytes.len() as u64 > MAX_INVENTORY {
        return Err(reject(format!(
            "{}: over {MAX_INVENTORY} bytes",
            csv.display()
        )));
    }
    let inv = cfgfmt::provision::Inventory::parse(&bytes, &csv.display().to_string())
        .map_err(|e| reject(e.to_string()))?;
    let rendered = inv.render().map_err(|e| reject(e.to_string()))?;
    let macs = inv.devices.iter().map(|d| d.mac.upper()).collect();
    Ok((MemorySource::from_rendered(&rendered, fold_case), macs))
}

fn bind(listen: &str) -> Result<(UdpSocket, &'static str), Failure> {
    // systemd socket activation: the socket is fd 3 (LISTEN_FDS, LISTEN_PID).
    let mut fds = listenfd::ListenFd::from_env();
    if fds.len() > 0
        && let Ok(Some(s)) = fds.take_udp_socket(0)
    {
        return Ok((s, "socket from systemd"));
    }
    let addr: SocketAddr = listen.parse().map_err(|_| Failure::BadValue {
        what: format!("--listen {listen:?}"),
        expected: "ADDR:PORT, e.g. 0.0.0.0:69 or [::]:69",
    })?;
    UdpSocket::bind(addr).map(|s| (s, "bound")).map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::PermissionDenied {
            " (ports below 1024 need root: run as root with --user, or use systemd's socket)"
        } else {
            ""
        };
        Failure::Rejected {
            what: "--listen: ",
            reason: format!("cannot bind {addr}: {e}{hint}"),
        }
    })
}

/// uid and gid of a user, from /etc/passwd.
fn lookup_user(name: &str) -> Option<(u32, u32)> {
    let text = std::fs::read_to_string("/etc/passwd").ok()?;
    text.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.first() == Some(&name))
            .then(|| Some((f.get(2)?.parse().ok()?, f.get(3)?.parse().ok()?)))?
    })
}

/// Drops to `user` for good (real, effective and saved ids; supplementary groups).
/// Called while the process has one thread, so the per-thread system calls cover it all.
fn drop_to(user: &str) -> Result<(), Failure> {
    let (uid, gid) = lookup_user(user).ok_or_else(|| Failure::Rejected {
        what: "--user: ",
        reason: format!("no user {user:?} in /etc/passwd"),
    })?;
    use rustix::process::{Gid, Uid};
    use rustix::thread::{set_thread_groups, set_thread_res_gid, set_thread_res_uid};
    let (u, g) = (Uid::from_raw(uid), Gid::from_raw(gid));
    let fail = |what: &str, e: rustix::io::Errno| Failure::Rejected {
        what: "--user: ",
        reason: format!("cannot {what} ({e}); run as root to drop privileges"),
    };
    set_thread_groups(&[g]).map_err(|e| fail("set the groups", e))?;
    set_thread_res_gid(g, g, g).map_err(|e| fail("set the group id", e))?;
    set_thread_res_uid(u, u, u).map_err(|e| fail("set the user id", e))?;
    if rustix::process::geteuid() != u {
        return Err(fail("become the user", rustix::io::Errno::PERM));
    }
    Ok(())
}

/// What the server serves: ROOT under the inventory's rendered files.
struct Loaded {
    source: Arc<dyn FileSource>,
    /// The folder's names and the rendered ones, for the live checks.
    index: Option<RootIndex>,
    /// The inventory's phones.
    macs: Vec<String>,
    rendered: usize,
}

fn load(a: &ServeArgs) -> Result<Loaded, Failure> {
    let root = StaticRoot::new(&a.root, a.fold_case).map_err(|e| Failure::Rejected {
        what: "ROOT: ",
        reason: format!("cannot serve {}: {e}", a.root.display()),
    })?;
    let (rendered, macs) = match &a.inventory {
        Some(csv) => inventory(csv, a.fold_case)?,
        None => (MemorySource::new(a.fold_case), Vec::new()),
    };
    let mut index = RootIndex::read(&a.root).ok();
    if let Some(ix) = index.as_mut() {
        ix.files.extend(rendered.names().map(str::to_string));
        ix.files.sort();
        ix.files.dedup();
    }
    Ok(Loaded {
        rendered: rendered.len(),
        source: Arc::new(Layered {
            first: rendered,
            then: root,
        }),
        index,
        macs,
    })
}

/// Exit status: 0 after a clean stop, 1 when the server could not start or its socket failed.
pub fn run(a: &ServeArgs) -> Result<i32, Failure> {
    let only = if a.only.is_empty() {
        None
    } else {
        let entries = a
            .only
            .iter()
            .filter(|s| !s.trim().is_empty())
            .map(|s| only::Entry::parse(s))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|reason| Failure::Rejected {
                what: "--only ",
                reason,
            })?;
        Some(Only(entries))
    };
    if !(8..=65464).contains(&a.max_blksize)
        || a.max_window == 0
        || a.max_transfers == 0
        || a.per_client == 0
    {
        return Err(Failure::BadValue {
            what: "--max-blksize/--max-window/--max-transfers/--per-client".into(),
            expected: "blksize 8..65464, the others at least 1",
        });
    }
    let loaded = load(a)?;
    let (index, inventory_macs, rendered_count) = (loaded.index, loaded.macs, loaded.rendered);
    let swappable = Arc::new(Swappable::new(loaded.source));
    let source: Arc<dyn FileSource> = Arc::clone(&swappable) as Arc<dyn FileSource>;
    let (socket, how) = bind(&a.listen)?;
    if let Some(user) = &a.user {
        drop_to(user)?;
    }
    let control = Arc::new(Control::default());
    let usr1 = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // A second signal while stopping ends the process at once (exit status 130).
        signal_hook::flag::register_conditional_shutdown(sig, 130, Arc::clone(&control.stop))
            .and_then(|_| signal_hook::flag::register(sig, Arc::clone(&control.stop)))
            .map_err(Failure::Socket)?;
    }
    let hup = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGHUP, Arc::clone(&hup))
        .map_err(Failure::Socket)?;
    signal_hook::flag::register(signal_hook::consts::SIGUSR1, Arc::clone(&usr1))
        .map_err(Failure::Socket)?;
    // Phones expected: the inventory's (those --only lists, when it lists MACs), or the
    // MACs --only lists.
    let listed: Vec<String> = only
        .as_ref()
        .map(|o| o.macs().map(|m| m.upper()).collect())
        .unwrap_or_default();
    let mut expected: Vec<String> = if inventory_macs.is_empty() {
        listed
    } else if listed.is_empty() {
        inventory_macs
    } else {
        inventory_macs
            .into_iter()
            .filter(|m| listed.contains(m))
            .collect()
    };
    expected.sort();
    expected.dedup();
    let printer = Arc::new(Printer {
        json: a.json,
        watch: Mutex::new(Watch::new(index, expected)),
    });
    let local = socket.local_addr().map_err(Failure::Socket)?;
    let banner = format!(
        "serving {} on {local} ({how}{}), read-only; {rendered_count} rendered file{}{}{}",
        a.root.display(),
        a.user
            .as_ref()
            .map(|u| format!(", running as {u}"))
            .unwrap_or_default(),
        if rendered_count == 1 { "" } else { "s" },
        if a.fold_case { "; --fold-case" } else { "" },
        only.as_ref()
            .map(|o| format!(
                "; --only {} entr{}",
                o.0.len(),
                if o.0.len() == 1 { "y" } else { "ies" }
            ))
            .unwrap_or_default(),
    );
    if a.json {
        print_line(&serde_json::json!({"event": "start", "listen": local.to_string(), "root": a.root.display().to_string(), "rendered": rendered_count}).to_string());
    } else {
        print_line(&banner);
    }
    let cfg = ServerConfig {
        max_transfers: a.max_transfers,
        per_client: a.per_client,
        limits: TransferLimits {
            timeout: Duration::from_secs(a.timeout.max(1)),
            retries: a.retries,
            max_duration: Duration::from_secs(a.max_duration.max(1)),
            max_blksize: a.max_blksize,
            max_window: a.max_window,
        },
        only,
        grace: Duration::from_secs(a.grace),
        ..ServerConfig::default()
    };
    let counters = Arc::new(Counters::default());
    // SIGUSR1 and the stop notice are printed from a small thread that polls the flags.
    let watcher = {
        let (args, swappable, hup) = (a.clone(), Arc::clone(&swappable), Arc::clone(&hup));
        let (printer, control, usr1) = (
            Arc::clone(&printer),
            Arc::clone(&control),
            Arc::clone(&usr1),
        );
        std::thread::spawn(move || {
            let mut said = false;
            loop {
                if usr1.swap(false, Ordering::Relaxed) {
                    printer.status("SIGUSR1");
                }
                if hup.swap(false, Ordering::Relaxed) {
                    printer.reload(&args, &swappable);
                }
                if control.stop.load(Ordering::Relaxed) && !said {
                    said = true;
                    if !printer.json {
                        print_line(
                            "stopping: no new transfers; running ones get the grace period, then are aborted",
                        );
                    }
                }
                if control.abort.load(Ordering::Relaxed) || STOPPED.load(Ordering::Relaxed) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };
    let result = server::serve(
        socket,
        source,
        &cfg,
        Arc::new(ArpTable),
        Arc::clone(&printer) as Arc<dyn Events>,
        Arc::clone(&control),
        Arc::clone(&counters),
    );
    STOPPED.store(true, Ordering::Relaxed);
    let _ = watcher.join();
    printer.status("exit");
    let c = &counters;
    let g = Counters::get;
    let totals = format!(
        "stopped: {} request{}, {} sent ({} bytes), {} failed, {} refused, {} aborted at stop; {} malformed datagram{} ignored, {} over the limits",
        g(&c.requests),
        if g(&c.requests) == 1 { "" } else { "s" },
        g(&c.sent),
        g(&c.bytes),
        g(&c.failed),
        g(&c.refused),
        g(&c.aborted),
        g(&c.malformed),
        if g(&c.malformed) == 1 { "" } else { "s" },
        g(&c.busy),
    );
    if a.json {
        print_line(&serde_json::json!({"event": "stop", "counters": serde_json::to_value(&**c).unwrap_or_default()}).to_string());
    } else {
        print_line(&totals);
    }
    match result {
        Ok(()) => Ok(0),
        Err(e) => Err(Failure::Socket(e)),
    }
}

static STOPPED: AtomicBool = AtomicBool::new(false);
