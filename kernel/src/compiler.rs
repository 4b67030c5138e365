//! The clang that compiles the kernel's C when it is instrumented (fuzzing,
//! coverage): build.rs and `leafdiff coverage` must pick the same one.

use std::process::Command;

/// clang-19 (what `scripts/setup` installs), else clang.
pub fn clang() -> &'static str {
    ["clang-19", "clang"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok())
        .unwrap_or("clang")
}
