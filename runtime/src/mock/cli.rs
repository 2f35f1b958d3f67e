//! The `<crate>-mock` command every generated crate ships, written once: its arguments
//! (`--listen`, `--webhook-url`, `--credential`, one flag per limit), its start-up lines,
//! Ctrl-C. Secret
//! credentials are never printed, not even the docs' sample values.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use super::engine::{Config, StoreAt};
use super::limits::{FLAGS, Limits};
use super::server::{MockServer, Provider};
use super::tables::Spec;

/// The global allocator of every `<crate>-mock` binary (mimalloc): set in the binary, so a
/// crate using the mock in its own tests keeps its allocator.
pub use mimalloc::MiMalloc as Allocator;

/// What the arguments asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    /// Run on this address with this configuration.
    Run(SocketAddr, Box<ConfigArgs>),
    /// Print the help.
    Help,
}

/// The configuration the arguments set.
#[derive(Debug, PartialEq, Eq)]
pub struct ConfigArgs {
    pub webhook_url: Option<String>,
    /// The limits, with those given as flags (`--max-body`, `--idle-timeout` …) set.
    pub limits: Limits,
    /// Credentials given with `--credential`, by name.
    pub credentials: Vec<(String, String)>,
    /// Where the state is kept (`--store`).
    pub store: StoreAt,
}

/// The help text of `bin`, a mock of `provider`: every flag, the limits with their defaults.
pub fn help(bin: &str, provider: &str) -> String {
    let mut out = format!(
        "{bin}: a local {provider} mock server.\n\nOptions:\n  --listen ADDR              address to bind (default 127.0.0.1:8080)\n  --webhook-url URL          where webhooks go when a record names none\n  --credential NAME=VALUE    accept this credential instead of the docs' sample\n  --store memory|sqlite:PATH keep records, nonces, journal and webhook deliveries in memory\n                             (default) or in a SQLite database kept across restarts\n  --help                     this text\n\nLimits (a request past one is answered in the provider's error shape):\n"
    );
    for f in FLAGS {
        let value = f.value(&Limits::DEFAULT);
        out.push_str(&format!(
            "  {:<26} {} (default {value})\n",
            format!("{} N", f.flag),
            f.help
        ));
    }
    out.truncate(out.trim_end().len());
    out
}

/// Reads the arguments (without the program name); `Err` is a usage error to print.
pub fn parse(spec: &Spec, args: &[String]) -> Result<Command, String> {
    let mut listen = "127.0.0.1:8080".to_string();
    let mut config = ConfigArgs {
        webhook_url: None,
        limits: Limits::DEFAULT,
        credentials: Vec::new(),
        store: StoreAt::Memory,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |flag: &str, what: &str| {
            it.next()
                .filter(|v| !v.starts_with("--"))
                .cloned()
                .ok_or_else(|| format!("{flag} needs {what}"))
        };
        match a.as_str() {
            "--listen" => listen = value("--listen", "an address like 127.0.0.1:8080")?,
            "--webhook-url" => config.webhook_url = Some(value("--webhook-url", "a URL")?),
            "--store" => {
                config.store = StoreAt::parse(&value("--store", "memory or sqlite:PATH")?)?
            }
            flag if FLAGS.iter().any(|f| f.flag == flag) => {
                let f = FLAGS.iter().find(|f| f.flag == flag);
                if let Some(f) = f {
                    let text = value(f.flag, f.takes)?;
                    f.apply(&mut config.limits, &text)?;
                }
            }
            "--credential" => {
                let kv = value("--credential", "NAME=VALUE")?;
                let names: Vec<&str> = spec.credentials.iter().map(|c| c.name).collect();
                match kv.split_once('=') {
                    Some((k, v)) if names.contains(&k) => {
                        config.credentials.push((k.to_string(), v.to_string()));
                    }
                    _ => {
                        return Err(format!(
                            "--credential takes NAME=VALUE with NAME one of: {}",
                            names.join(", ")
                        ));
                    }
                }
            }
            "--help" | "-h" => return Ok(Command::Help),
            other => return Err(format!("unknown argument `{other}`; see --help")),
        }
    }
    let addr = listen
        .parse::<SocketAddr>()
        .map_err(|_| format!("--listen: `{listen}` is not an address like 127.0.0.1:8080"))?;
    Ok(Command::Run(addr, Box::new(config)))
}

/// The lines printed once the mock listens: where, with which credentials (secret ones by
/// name only), and where the control API is.
pub fn banner(bin: &str, base_url: &str, spec: &Spec, config: &Config) -> String {
    let mut out = format!("{bin} listening on {base_url}\ntest credentials:\n");
    for (name, value) in &config.credentials {
        let secret = spec.credentials.iter().any(|c| c.name == name && c.secret);
        if secret {
            out.push_str(&format!("  {name} = (secret, not shown)\n"));
        } else {
            out.push_str(&format!("  {name} = {value}\n"));
        }
    }
    let limits: Vec<String> = config
        .limits
        .named()
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    out.push_str(&format!("limits: {}\n", limits.join(" ")));
    out.push_str(&format!("store: {}\n", config.store));
    out.push_str(&format!(
        "control API: {base_url}/__mock/  (Ctrl-C to stop)\n"
    ));
    out
}

/// Runs the command for provider `P`: 0 after Ctrl-C, 1 when it cannot listen, 2 on a usage
/// error.
pub fn main<P: Provider>(bin: &str, provider: &str) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match parse(P::spec(), &args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{bin}: {e}");
            return ExitCode::from(2);
        }
    };
    let (addr, given) = match command {
        Command::Help => {
            println!("{}", help(bin, provider));
            return ExitCode::SUCCESS;
        }
        Command::Run(addr, given) => (addr, given),
    };
    let mut config = P::default_config();
    config.limits = given.limits;
    config.webhook_url = given.webhook_url;
    config.credentials.extend(given.credentials);
    config.store = given.store;
    // One core (e.g. pinned with taskset): a single-threaded runtime avoids cross-thread
    // wake-ups; otherwise one worker per core.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let runtime = if cores == 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
    };
    let runtime = match runtime {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{bin}: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(async move {
        let server = match MockServer::<P>::start_with(config.clone(), addr).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{bin}: cannot start on {addr}: {e}");
                return ExitCode::from(1);
            }
        };
        print!("{}", banner(bin, &server.base_url(), P::spec(), &config));
        let _ = std::io::stdout().flush();
        if let Err(e) = tokio::signal::ctrl_c().await {
            eprintln!("{bin}: cannot wait for Ctrl-C ({e}); stopping");
        }
        server.stop().await;
        println!("stopped");
        ExitCode::SUCCESS
    })
}
