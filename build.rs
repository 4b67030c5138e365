//! Builds the C oracle: resolves and prepares each kernel (leafdiff-kernel),
//! compiles the generated wrapper once per (kernel, config) with the kernel's
//! own headers and our shims, archives the variants that compile into one
//! static library, records the ones that do not as findings, and generates
//! the FFI bindings and the variant table the oracle reads.

use leafdiff_kernel::arch::Arch;
use leafdiff_kernel::config::{self, KernelConfig};
use leafdiff_kernel::discover::{discover, Discovery};
use leafdiff_kernel::helpers::helper_id;
use leafdiff_kernel::prepare::{prepare, PreparedKernel};
use leafdiff_kernel::settings::{Matrix, Settings, ENV_VARS};
use leafdiff_kernel::{wrapper, Provenance};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

struct Variant {
    kernel: usize,
    config: KernelConfig,
    prefix: String,
    source: PathBuf,
    object: PathBuf,
    wrapped: usize,
}

struct Compiled {
    variant: Variant,
    /// `None` when it compiled; the compiler's complaint otherwise.
    failure: Option<String>,
}

fn main() {
    if let Err(e) = run() {
        // Cargo shows a build script's stderr on failure; make the cause the last word.
        eprintln!("\nleafdiff: {e:#}\n");
        std::process::exit(1);
    }
}

fn run() -> anyhow::Result<()> {
    for var in ENV_VARS {
        println!("cargo:rerun-if-env-changed={var}");
    }
    println!("cargo:rerun-if-env-changed=CC");
    println!("cargo:rerun-if-env-changed=CFLAGS");
    println!("cargo:rerun-if-changed=csrc");
    println!("cargo:rerun-if-changed=kernel-pin.toml");

    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let settings = Settings::from_env()?;
    for p in &settings.patches {
        println!("cargo:rerun-if-changed={}", p.display());
    }

    let mut log = |line: &str| println!("cargo:warning={line}");
    let kernels = prepare(
        &settings,
        &manifest.join("kernel-pin.toml"),
        &out.join("kernels"),
        &mut log,
    )?;
    for k in &kernels {
        if let leafdiff_kernel::Provenance::Path(p) = &k.tree.provenance {
            println!("cargo:rerun-if-changed={}", p.display());
        }
    }

    let discoveries: Vec<Discovery> = kernels.iter().map(|k| discover(&k.facts)).collect();
    let variants = plan(&kernels, &discoveries, &settings.matrix)?;
    if variants
        .iter()
        .any(|v| in_evaluator(kernels[v.kernel].arch))
    {
        probe_word32_compiler(&out)?;
    }
    let compiled = compile_all(&kernels, variants, &manifest)?;

    let good: Vec<&Compiled> = compiled.iter().filter(|c| c.failure.is_none()).collect();
    anyhow::ensure!(
        !good.is_empty(),
        "no variant compiled; the first failure was:\n{}",
        compiled[0].failure.as_deref().unwrap_or("")
    );
    let (word32, linked): (Vec<&Compiled>, Vec<&Compiled>) = good
        .iter()
        .partition(|c| in_evaluator(kernels[c.variant.kernel].arch));
    let mut lib = base_build(&manifest, None);
    lib.file(manifest.join("csrc/runtime.c"));
    for c in &linked {
        lib.object(&c.variant.object);
    }
    lib.compile("leafdiff_c");
    let evaluator = out.join("evaluator");
    if word32.is_empty() {
        std::fs::write(&evaluator, b"")?;
    } else {
        link_evaluator(&manifest, &out, &word32, &evaluator)?;
    }

    bindings(&manifest, &out)?;
    std::fs::write(
        out.join("variants.rs"),
        variants_rs(&kernels, &discoveries, &compiled)?,
    )?;
    Ok(())
}

/// One variant per (kernel and arch, config the arch allows).
fn plan(
    kernels: &[PreparedKernel],
    discoveries: &[Discovery],
    matrix: &Matrix,
) -> anyhow::Result<Vec<Variant>> {
    let mut variants = Vec::new();
    for (k, kernel) in kernels.iter().enumerate() {
        let configs = match matrix {
            Matrix::Pairwise => config::pairwise(kernel.arch),
            Matrix::Full => config::full(kernel.arch),
        };
        for (c, config) in configs.iter().enumerate() {
            let prefix = format!("ld_k{k}c{c}");
            let helpers = &discoveries[k].helpers;
            let text = wrapper::generate(&kernel.facts, helpers, &prefix);
            let source = kernel.include_dir.with_file_name(format!("{prefix}.c"));
            std::fs::write(&source, text)?;
            variants.push(Variant {
                kernel: k,
                config: config.clone(),
                object: source.with_extension("o"),
                prefix,
                source,
                wrapped: helpers.len(),
            });
        }
    }
    Ok(variants)
}

/// The compiler setup shared by every C file: honours CC/CFLAGS (as OSS-Fuzz
/// sets them) and, under `cargo fuzz` or `cargo afl`, instruments the
/// kernel's C for coverage the way that fuzzer instruments the Rust. An
/// arch's own shims (`csrc/shim/<arch>/`) come before the shared ones.
fn base_build(manifest: &Path, arch: Option<&Arch>) -> cc::Build {
    let mut b = cc::Build::new();
    b.opt_level(2).warnings(false);
    if let Some(arch) = arch {
        b.include(manifest.join("csrc/shim").join(arch.shims));
    }
    b.include(manifest.join("csrc/shim"))
        .include(manifest.join("csrc"));
    if std::env::var_os("CARGO_CFG_FUZZING").is_some() {
        if std::env::var_os("CC").is_none() {
            b.compiler(leafdiff_kernel::compiler::clang());
        }
        b.flag(coverage_flag());
    }
    b
}

/// cargo-afl instruments Rust with trace-pc-guard, which AFL++'s runtime
/// serves; libFuzzer's runtime serves what fuzzer-no-link emits.
fn coverage_flag() -> &'static str {
    let rustflags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    if rustflags.contains("sanitizer-coverage-trace-pc-guard") {
        "-fsanitize-coverage=trace-pc-guard,trace-cmp"
    } else {
        "-fsanitize=fuzzer-no-link"
    }
}

fn compile_all(
    kernels: &[PreparedKernel],
    variants: Vec<Variant>,
    manifest: &Path,
) -> anyhow::Result<Vec<Compiled>> {
    let jobs: usize = std::env::var("NUM_JOBS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2)
        .max(1);
    let queue = std::sync::Mutex::new(variants.into_iter().enumerate().collect::<Vec<_>>());
    let done = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| loop {
                let Some((i, v)) = queue.lock().unwrap().pop() else {
                    break;
                };
                let failure = compile_variant(&kernels[v.kernel], &v, manifest);
                done.lock().unwrap().push((
                    i,
                    Compiled {
                        variant: v,
                        failure,
                    },
                ));
            });
        }
    });
    let mut done = done.into_inner().unwrap();
    done.sort_by_key(|(i, _)| *i);
    Ok(done.into_iter().map(|(_, c)| c).collect())
}

fn compile_variant(kernel: &PreparedKernel, v: &Variant, manifest: &Path) -> Option<String> {
    let arch = kernel.arch;
    let mut cmd = if in_evaluator(arch) {
        word32_command(manifest, Some(arch))
    } else {
        let mut b = base_build(manifest, Some(arch));
        for flag in arch.cflags {
            b.flag(flag);
        }
        b.get_compiler().to_command()
    };
    cmd.arg("-I").arg(&kernel.include_dir);
    // A call to something the extraction did not take is the variant's
    // build finding, not an undefined symbol at link time.
    cmd.arg("-Werror=implicit-function-declaration");
    for (name, value) in v.config.defines(arch) {
        cmd.arg(format!("-D{name}={value}"));
    }
    cmd.arg("-c").arg(&v.source).arg("-o").arg(&v.object);
    match cmd.output() {
        Ok(o) if o.status.success() => None,
        Ok(o) => Some(String::from_utf8_lossy(&o.stderr).into_owned()),
        Err(e) => Some(format!("could not run the C compiler: {e}")),
    }
}

/// A variant whose `unsigned long` is not the host's cannot be linked into
/// leafdiff: it is compiled as its own 32-bit target compiles it and runs
/// in the evaluator program (csrc/evaluator.c), which leafdiff embeds.
fn in_evaluator(arch: &Arch) -> bool {
    arch.word_bits != 64
}

/// gcc for a 32-bit arch, as `scripts/setup` installs it (gcc-multilib).
/// Neither CC nor CFLAGS applies: they name the host build's compiler and
/// sanitizers, whose runtimes do not come in 32 bits; the evaluator's C is
/// not instrumented.
fn word32_command(manifest: &Path, arch: Option<&Arch>) -> std::process::Command {
    let mut cmd = std::process::Command::new("gcc");
    cmd.args(["-m32", "-O2", "-w"]);
    if let Some(arch) = arch {
        cmd.args(arch.cflags)
            .arg("-I")
            .arg(manifest.join("csrc/shim").join(arch.shims));
    }
    for dir in [manifest.join("csrc/shim"), manifest.join("csrc")] {
        cmd.arg("-I").arg(dir);
    }
    cmd
}

/// Fails the build with what to do when `gcc -m32` cannot build a program:
/// otherwise every 32-bit variant would show as a kernel build finding.
fn probe_word32_compiler(out: &Path) -> anyhow::Result<()> {
    let probe = out.join("word32-probe.c");
    std::fs::write(&probe, "#include <stdint.h>\n#include <stdio.h>\nint main(void) { return (int)sizeof(uint64_t) - 8; }\n")?;
    let o = std::process::Command::new("gcc")
        .args(["-m32", "-static"])
        .arg(&probe)
        .arg("-o")
        .arg(out.join("word32-probe"))
        .output();
    match o {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => anyhow::bail!(
            "the 32-bit arches need `gcc -m32 -static`, which failed:\n{}\nInstall gcc-multilib (scripts/setup does), or leave the 32-bit arches out with LEAFDIFF_ARCH",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => anyhow::bail!("the 32-bit arches need gcc (gcc-multilib), which could not run: {e}"),
    }
}

/// Links the 32-bit variants, the runtime and csrc/evaluator.c into one
/// static program: static, so that it runs wherever leafdiff's fuzz targets
/// are copied (an OSS-Fuzz runner has no 32-bit libc).
fn link_evaluator(
    manifest: &Path,
    out: &Path,
    variants: &[&Compiled],
    program: &Path,
) -> anyhow::Result<()> {
    let mut table = String::from("/* Generated by build.rs. */\n#include \"leafdiff.h\"\n");
    for c in variants {
        let _ = writeln!(
            table,
            "extern const ld_variant {}__variant;",
            c.variant.prefix
        );
    }
    table.push_str("const ld_variant *const ld_evaluator_variants[] = {\n");
    for c in variants {
        let _ = writeln!(table, "\t&{}__variant,", c.variant.prefix);
    }
    let _ = writeln!(
        table,
        "}};\nconst unsigned int ld_evaluator_count = {};",
        variants.len()
    );
    let table_c = out.join("evaluator_table.c");
    std::fs::write(&table_c, table)?;
    let mut cmd = word32_command(manifest, None);
    cmd.arg("-static")
        .arg(manifest.join("csrc/evaluator.c"))
        .arg(manifest.join("csrc/runtime.c"))
        .arg(&table_c);
    for c in variants {
        cmd.arg(&c.variant.object);
    }
    let o = cmd.arg("-o").arg(program).output()?;
    anyhow::ensure!(
        o.status.success(),
        "linking the 32-bit evaluator failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    Ok(())
}

fn bindings(manifest: &Path, out: &Path) -> anyhow::Result<()> {
    bindgen::Builder::default()
        .header(manifest.join("csrc/leafdiff.h").display().to_string())
        .allowlist_type("ld_.*")
        .derive_default(true)
        .generate()
        .map_err(|e| {
            anyhow::anyhow!(
                "bindgen failed on csrc/leafdiff.h: {e} (is libclang installed? see README)"
            )
        })?
        .write_to_file(out.join("bindings.rs"))?;
    Ok(())
}

/// (source, sha256, how it was verified) for `leafdiff info` and reports.
fn provenance_text(k: &PreparedKernel) -> (String, String, String) {
    match &k.tree.provenance {
        Provenance::Path(p) => (
            format!("path {}", p.display()),
            String::new(),
            "local tree, used as given (not verified)".into(),
        ),
        Provenance::Debian {
            package,
            version,
            sha256,
            suite,
            fell_back_from,
            verified,
        } => {
            let mut s = format!("Debian {package} {version} ({suite})");
            if let Some(pinned) = fell_back_from {
                let _ = write!(
                    s,
                    ", instead of pinned {pinned} which the archive no longer serves"
                );
            }
            (s, sha256.clone(), verified.to_string())
        }
    }
}

/// The build's helper table: every (name, shape) some kernel defines, sorted,
/// so that a helper keeps its place whatever order the kernels come in.
type HelperKey = (String, leafdiff_kernel::helpers::Sig);

fn helper_table(
    discoveries: &[Discovery],
) -> Vec<(HelperKey, &leafdiff_kernel::discover::Discovered)> {
    let mut all: Vec<(HelperKey, &leafdiff_kernel::discover::Discovered)> = discoveries
        .iter()
        .flat_map(|d| &d.helpers)
        .map(|h| ((h.name.clone(), h.sig), h))
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all.dedup_by(|a, b| a.0 == b.0);
    all
}

/// Rust source for the variant table: the helper table, metadata as
/// statics, and one accessor per compiled variant's exported table.
fn variants_rs(
    kernels: &[PreparedKernel],
    discoveries: &[Discovery],
    compiled: &[Compiled],
) -> anyhow::Result<String> {
    let mut s = String::from("// Generated by build.rs.\n\n");
    let table = helper_table(discoveries);
    let mut ids: Vec<u32> = table
        .iter()
        .map(|((n, sig), _)| helper_id(n, *sig))
        .collect();
    ids.sort_unstable();
    anyhow::ensure!(
        ids.windows(2).all(|w| w[0] != w[1]),
        "two helpers share a case-file id: a leafdiff bug, report it with `leafdiff info`"
    );
    s.push_str("pub static HELPERS: &[HelperSpec] = &[\n");
    for ((name, sig), h) in &table {
        let _ = writeln!(
            s,
            "    HelperSpec {{ name: {name:?}, sig: Sig::{sig:?}, layer: Layer::{:?}, modelled: {}, id: {:#x} }},",
            h.layer,
            h.modelled,
            helper_id(name, *sig)
        );
    }
    s.push_str("];\n\npub static KERNELS: &[KernelMeta] = &[\n");
    for (k, d) in kernels.iter().zip(discoveries) {
        let (source, sha256, verified) = provenance_text(k);
        let mut defined: Vec<&str> = k.facts.index.defs.iter().map(|d| d.name.as_str()).collect();
        defined.sort_unstable();
        defined.dedup();
        let helpers: Vec<usize> = d
            .helpers
            .iter()
            .map(|h| {
                table
                    .iter()
                    .position(|(key, _)| key.0 == h.name && key.1 == h.sig)
                    .expect("every discovered helper is in the table")
            })
            .collect();
        let unchecked: Vec<(&str, &str)> = d
            .unchecked
            .iter()
            .map(|u| (u.name.as_str(), u.reason.as_str()))
            .collect();
        let changed: Vec<String> = d.changed.iter().map(|c| c.to_string()).collect();
        let prototypes: Vec<(&str, &str)> = d
            .helpers
            .iter()
            .map(|h| (h.name.as_str(), h.prototype.as_str()))
            .collect();
        let refs: Vec<(&str, Vec<&str>)> = d
            .helpers
            .iter()
            .map(|h| {
                let mut r: Vec<&str> = k
                    .facts
                    .index
                    .named(&h.spelling)
                    .flat_map(|def| def.refs.iter().map(String::as_str))
                    .collect();
                r.sort_unstable();
                r.dedup();
                (h.name.as_str(), r)
            })
            .collect();
        let refs_text: Vec<String> = refs
            .iter()
            .map(|(n, r)| format!("({n:?}, &{r:?})"))
            .collect();
        let _ = writeln!(
            s,
            "    KernelMeta {{ tree: {}, arch: leafdiff_kernel::arch::ALL[{}], root: {:?}, read_root: {:?}, include_dir: {:?}, version: {:?}, source: {:?}, sha256: {:?}, verified: {:?}, patches: {:?}, base_of: {:?}, defined: &{:?}, softleaf_types: &{:?}, helpers: &{:?}, prototypes: &{:?}, refs: &[{}], unchecked: &{:?}, prototype_changes: &{:?} }},",
            k.tree_index,
            leafdiff_kernel::arch::ALL
                .iter()
                .position(|a| *a == k.arch)
                .expect("every arch built is in arch::ALL"),
            k.tree.root.display().to_string(),
            k.read_root.display().to_string(),
            k.include_dir.display().to_string(),
            k.tree.version,
            source,
            sha256,
            verified,
            k.patch_report.as_ref().map(|r| r.to_string()).unwrap_or_default(),
            k.base_of,
            defined,
            k.facts.softleaf_types,
            helpers,
            prototypes,
            refs_text.join(", "),
            unchecked,
            changed,
        );
    }
    s.push_str("];\n\npub static VARIANTS: &[VariantMeta] = &[\n");
    let mut in_evaluator_order = 0;
    for c in compiled.iter().filter(|c| c.failure.is_none()) {
        let v = &c.variant;
        let table = if in_evaluator(kernels[v.kernel].arch) {
            in_evaluator_order += 1;
            format!("Table::Evaluator({})", in_evaluator_order - 1)
        } else {
            format!("Table::Linked(table_{})", v.prefix)
        };
        let _ = writeln!(
            s,
            "    VariantMeta {{ kernel: {}, config_bits: {}, prefix: {:?}, wrapped: {}, table: {table} }},",
            v.kernel,
            v.config.bits(),
            v.prefix,
            v.wrapped,
        );
    }
    s.push_str("];\n\npub static BUILD_FINDINGS: &[BuildFinding] = &[\n");
    for c in compiled {
        if let Some(msg) = &c.failure {
            let _ = writeln!(
                s,
                "    BuildFinding {{ kernel: {}, config_bits: {}, compiler_output: {:?} }},",
                c.variant.kernel,
                c.variant.config.bits(),
                msg
            );
        }
    }
    let _ = writeln!(
        s,
        "];\n\n/// The 32-bit variants' program (csrc/evaluator.c); empty when none was built.\npub static EVALUATOR: &[u8] = include_bytes!({:?});",
        std::env::var("OUT_DIR")? + "/evaluator"
    );
    let linked =
        |c: &&Compiled| c.failure.is_none() && !in_evaluator(kernels[c.variant.kernel].arch);
    s.push_str("\nunsafe extern \"C\" {\n");
    for c in compiled.iter().filter(linked) {
        let _ = writeln!(s, "    static {}__variant: ld_variant;", c.variant.prefix);
    }
    s.push_str("}\n\n");
    for c in compiled.iter().filter(linked) {
        let p = &c.variant.prefix;
        let _ = writeln!(
            s,
            "fn table_{p}() -> &'static ld_variant {{\n    // SAFETY: an immutable table the C side defines and never changes.\n    unsafe {{ &{p}__variant }}\n}}"
        );
    }
    Ok(s)
}
