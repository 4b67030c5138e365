//! Resolves the kernels this build would use (downloading and caching a
//! Debian package if it is not cached yet) and prints their roots, without
//! compiling anything. The fetch step of oss-fuzz/Dockerfile and
//! .clusterfuzzlite/Dockerfile: the build that follows runs with
//! LEAFDIFF_OFFLINE=1 and so needs no network.
//!
//! `cargo run -p leafdiff-kernel --example fetch` (LEAFDIFF_KERNEL,
//! LEAFDIFF_CACHE and LEAFDIFF_MIRROR as for any build).

use leafdiff_kernel::{settings::Settings, source};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let pin = Path::new(env!("CARGO_MANIFEST_DIR")).join("../kernel-pin.toml");
    let trees = Settings::from_env()
        .map_err(|e| e.to_string())
        .and_then(|s| {
            source::resolve(&s, &pin, &mut |line| eprintln!("fetch: {line}"))
                .map_err(|e| e.to_string())
        });
    match trees {
        Ok(trees) => {
            for t in trees {
                println!("{} ({})", t.root.display(), t.version);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fetch: {e}");
            ExitCode::from(2)
        }
    }
}
