//! Turning a finding into something a kernel developer can paste: the case
//! in kernel terms, a KUnit test case, or a standalone C program.

use super::causes::{holds, quotes, Quote};
use super::describe::TypeNames;
use super::{Case, Engine, FindingKind};
use crate::call::{Evaluate, Outcome};
use crate::oracle::{KernelMeta, Variant};
use leafdiff_kernel::arch::{Arch, Cross, TableWords};
use leafdiff_kernel::config::{ConfigOption, KernelConfig};
use leafdiff_kernel::helpers::{table_of, Answer, Param, Sig, SOFTLEAF_TYPES};
use std::collections::BTreeSet;
use std::fmt;

/// Plain `Debug` in kernel vocabulary, with no variant at hand: enough to
/// read a crash message or `cargo fuzz fmt` output as it is.
impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = KernelConfig::from_bits(self.config_bits as u32).label();
        let arch = Arch::by_id(self.arch);
        // Without an arch, the 64-bit layout.
        let type_shift = arch.map_or(58, super::sweep::type_shift);
        let words = [self.args.a, self.args.b];
        let args: Vec<String> = self
            .helper
            .sig
            .shape()
            .carried()
            .map(|(param, word)| {
                let w = word.map_or(0, |i| words[i]);
                match param {
                    Param::Type => format!("type {w}"),
                    Param::Word if word == Some(1) => format!("offset {w:#x}"),
                    Param::Word | Param::Radix | Param::ArchEntry => format!("{w:#x}"),
                    Param::Page => format!("{:?}", self.args.page),
                    Param::TableWord => format!("pte {w:#x}"),
                    Param::Entry => format!(
                        "swp_entry(type {}, offset {:#x})",
                        w >> type_shift,
                        w & ((1 << type_shift) - 1)
                    ),
                }
            })
            .collect();
        write!(f, "{}({}", self.helper.name, args.join(", "))?;
        let questions = arch.map_or(&[][..], |a| a.knobs);
        write!(
            f,
            ") on kernel {} arch {} config {config} {}",
            self.kernel,
            arch.map_or("unknown", |a| a.name),
            self.args.knobs.describe(questions)
        )
    }
}

/// How a value of a helper's result type reads in C and in a report.
fn render_value(sig: Sig, value: u64, names: &TypeNames) -> String {
    match sig.answer() {
        Answer::Truth => (value == 1).to_string(),
        Answer::SoftleafType => SOFTLEAF_TYPES
            .get(value as usize)
            .map_or(format!("unknown enumerator (raw {value:#x})"), |s| {
                s.to_string()
            }),
        Answer::Entry => format!("{value:#x} = {}", names.entry(value)),
        _ => format!("{value:#x}"),
    }
}

pub fn render_outcome(sig: Sig, o: &Outcome, names: &TypeNames) -> String {
    let mut s = render_value(sig, o.value, names);
    if o.warned {
        s.push_str(" (VM_WARN_ON_ONCE fired)");
    }
    if o.bugged {
        s = "BUG_ON fired".into();
    }
    s
}

/// The C argument list a helper is called with, and setup statements.
fn c_arguments(case: &Case, names: &TypeNames, words: TableWords) -> (Vec<String>, String) {
    let shape = case.helper.sig.shape();
    let page = &case.args.page;
    // The page a call is given, or the one its entry names (whose lock matters).
    let setup_page =
        (shape.params.contains(&Param::Page) || shape.answer == Answer::Page).then(|| {
            format!(
                "/* needs a page: pfn {:#x}, device_private={}, anon={}, locked={} */",
                page.pfn, page.device_private as u8, page.anon as u8, page.locked as u8
            )
        });
    let call_words = [case.args.a, case.args.b];
    let (setup, args): (Vec<Option<String>>, Vec<String>) = shape
        .carried()
        .map(|(param, word)| c_argument(param, word.map(|i| call_words[i]), case, names, words))
        .unzip();
    (
        setup_page
            .into_iter()
            .chain(setup.into_iter().flatten())
            .collect(),
        args.join(", "),
    )
}

/// One argument of a call in C, with the statement declaring it, if any,
/// of the call's word that carries it (none for the page).
fn c_argument(
    param: Param,
    word: Option<u64>,
    case: &Case,
    names: &TypeNames,
    words: TableWords,
) -> (Option<String>, String) {
    let a = word.unwrap_or_default();
    match param {
        Param::Type => (None, names.c_name(a)),
        Param::Word => (None, format!("{a:#x}ULL")),
        Param::Radix => (None, format!("(void *){a:#x}ULL")),
        Param::Page => (None, "page".into()),
        Param::TableWord => {
            let table = table_of(case.helper.name);
            let make = words.make(table);
            let setup = format!("const {table}_t {table} = {make}({a:#x}ULL);");
            (Some(setup), table.into())
        }
        Param::Entry | Param::ArchEntry => {
            let setup = match entry_type_macro(case, names) {
                // By name: type numbers move with the config and with patches.
                Some(ty) => format!(
                    "const swp_entry_t entry = swp_entry({ty}, {:#x}ULL);",
                    names.split(a).1
                ),
                None => format!(
                    "const swp_entry_t entry = {{ .val = {a:#x}ULL }}; /* {} */",
                    names.entry(a)
                ),
            };
            (Some(setup), "entry".into())
        }
    }
}

/// The setup of a call whose page-table argument another call makes: that
/// call's own setup, then the argument as its answer (`pte = softleaf_to_pte(entry)`).
fn made_argument(
    case: &Case,
    from: &Case,
    names: &TypeNames,
    words: TableWords,
) -> (Vec<String>, String) {
    let (mut setup, from_arg) = c_arguments(from, names, words);
    let (_, arg) = c_arguments(case, names, words);
    let c_type = if arg == "entry" {
        "swp_entry_t".to_string()
    } else {
        format!("{arg}_t")
    };
    setup.push(format!(
        "const {c_type} {arg} = {}({from_arg});",
        from.helper.name
    ));
    (setup, arg)
}

/// The `SWP_*` macro naming the type of the case's entry argument, if any.
fn entry_type_macro(case: &Case, names: &TypeNames) -> Option<String> {
    let takes_entry = case.helper.sig.takes_entry();
    let name = names.c_name(names.split(case.args.a).0);
    (takes_entry && name.starts_with("SWP_")).then_some(name)
}

/// The C expression whose value the test checks, and its expected value.
fn c_check(case: &Case, model: &Outcome, words: TableWords) -> (String, String) {
    let (_, args) = c_arguments(case, &TypeNames::empty(), words);
    let call = if case.helper.sig.answer() == Answer::Constant {
        case.helper.name.to_string()
    } else {
        format!("{}({args})", case.helper.name)
    };
    match case.helper.sig.answer() {
        Answer::Truth => (format!("!!{call}"), (model.value == 1).to_string()),
        Answer::SoftleafType => (
            call,
            SOFTLEAF_TYPES
                .get(model.value as usize)
                .unwrap_or(&"?")
                .to_string(),
        ),
        Answer::Page => (
            format!("page_to_pfn({call})"),
            format!("{:#x}ULL", model.value),
        ),
        Answer::Entry => (format!("{call}.val"), format!("{:#x}ULL", model.value)),
        Answer::TableWord => {
            let table = table_of(case.helper.name);
            (
                format!("{}({call})", words.read(table)),
                format!("{:#x}ULL", model.value),
            )
        }
        Answer::Word | Answer::Constant => (
            format!("(unsigned long)({call})"),
            format!("{:#x}ULL", model.value),
        ),
    }
}

fn config_comment(v: &Variant) -> String {
    let mut s = String::new();
    for (name, value) in v.config.defines(v.arch()) {
        s.push_str(&format!(" *   {name}={value}\n"));
    }
    s
}

fn kernel_line(v: &Variant) -> String {
    let k = v.kernel();
    let mut s = k.title();
    if !k.patches.is_empty() {
        s.push_str(", with LEAFDIFF_PATCHES applied");
    }
    s
}

/// The call a reproducer makes and what it should answer (what the
/// property says, else the model's answer): the case itself for a divergence,
/// the breaking helper's call for a property.
fn call_and_expected(
    engine: &Engine,
    variant: usize,
    case: &Case,
    kind: &FindingKind,
) -> (Case, Outcome) {
    match kind {
        FindingKind::Divergence { model, .. } => (case.clone(), *model),
        FindingKind::Property { call, expected, .. } => {
            let model = engine.model(variant).eval(call.helper, &call.args);
            let stated = expected.map(|value| Outcome {
                value,
                ..Outcome::default()
            });
            // What the property states comes first: its call's argument may
            // be made by the kernel's own encoder, which the model's answer
            // on the buggy argument would follow.
            ((**call).clone(), stated.or(model).unwrap_or_default())
        }
    }
}

/// What either form of reproducer checks: the call, the model's answer, the
/// C setup lines and the expression compared with the expected value.
struct Check {
    case: Case,
    model: Outcome,
    names: TypeNames,
    setup: Vec<String>,
    expr: String,
    want: String,
}

impl Check {
    fn of(engine: &Engine, variant: usize, case: &Case, kind: &FindingKind) -> Check {
        let names = TypeNames::of(engine.variants[variant], case.args.knobs);
        let words = engine.variants[variant].arch().table_words;
        let (case, model) = call_and_expected(engine, variant, case, kind);
        let (setup, _) = match kind {
            FindingKind::Property {
                arg_from: Some(from),
                ..
            } => made_argument(&case, from, &names, words),
            _ => c_arguments(&case, &names, words),
        };
        let (expr, want) = c_check(&case, &model, words);
        Check {
            case,
            model,
            names,
            setup,
            expr,
            want,
        }
    }
}

/// What a `.kunitconfig` needs so that a kernel has one of the options the
/// matrix varies, and whether the option needs a real arch rather than UML
/// (kunit.py's default). Kconfig symbols without a prompt cannot be set
/// directly, so the visible options that select them are named: MIGRATION
/// through COMPACTION, ARCH_HAS_PMD_SOFTLEAVES through TRANSPARENT_HUGEPAGE,
/// HAVE_ARCH_USERFAULTFD_WP through USERFAULTFD. ZONE_DEVICE sits under
/// MEMORY_HOTREMOVE and MEMORY_HOTPLUG, which UML's Kconfig does not allow.
/// kunit.py refuses a .kunitconfig whose options the build drops, so
/// benches/kunit-in-kernel.sh holds these lines against a real Kconfig.
fn kunit_needs(option: ConfigOption) -> (&'static [&'static str], bool) {
    match option {
        ConfigOption::Migration => (&["CONFIG_COMPACTION=y", "CONFIG_MIGRATION=y"], false),
        ConfigOption::Swap => (&["CONFIG_SWAP=y"], false),
        ConfigOption::ZoneDevice => (
            &[
                "CONFIG_MEMORY_HOTPLUG=y",
                "CONFIG_MEMORY_HOTREMOVE=y",
                "CONFIG_ZONE_DEVICE=y",
            ],
            true,
        ),
        ConfigOption::DevicePrivate => (&["CONFIG_DEVICE_PRIVATE=y"], true),
        ConfigOption::MemoryFailure => (&["CONFIG_MEMORY_FAILURE=y"], true),
        ConfigOption::PmdSoftleaves => (&["CONFIG_TRANSPARENT_HUGEPAGE=y"], true),
        ConfigOption::SoftDirty => (
            &["CONFIG_CHECKPOINT_RESTORE=y", "CONFIG_MEM_SOFT_DIRTY=y"],
            true,
        ),
        ConfigOption::UffdWp => (&["CONFIG_USERFAULTFD=y"], true),
    }
}

/// The options a case needs: those every variant of its kernel that shows
/// the same finding has (the seed bug shows in every DEVICE_PRIVATE config,
/// whatever else is on); for a case that shows nothing, its variant's.
fn needed_options(engine: &Engine, variant: usize, case: &Case) -> BTreeSet<ConfigOption> {
    let own = engine.variants[variant].config.enabled.clone();
    let Some(bucket) = engine.run(case).first().map(|f| f.signature.bucket()) else {
        return own;
    };
    let kernel = engine.variants[variant].meta.kernel;
    engine
        .variants
        .iter()
        .filter(|v| v.meta.kernel == kernel)
        .filter(|v| {
            let other = Case {
                config_mask: u8::MAX,
                config_bits: v.meta.config_bits as u8,
                ..case.clone()
            };
            engine
                .run(&other)
                .iter()
                .any(|f| f.signature.bucket() == bucket)
        })
        .fold(own, |acc, v| {
            acc.intersection(&v.config.enabled).copied().collect()
        })
}

/// A reproducer's `.kunitconfig` and the arch it must run on (`None`: any,
/// UML included).
pub struct KunitConfig {
    pub text: String,
    pub arch: Option<&'static str>,
}

pub const KUNITCONFIG_PATH: &str = "mm/tests/leafdiff.kunitconfig";

/// The `.kunitconfig` for the call the reproducer of `kind` on `case` makes.
pub fn kunitconfig(
    engine: &Engine,
    variant: usize,
    case: &Case,
    kind: &FindingKind,
) -> KunitConfig {
    let (call, _) = call_and_expected(engine, variant, case, kind);
    let options = needed_options(engine, variant, &call);
    let mut lines = vec![
        "CONFIG_KUNIT=y".to_string(),
        "CONFIG_LEAFDIFF_KUNIT_TEST=y".to_string(),
    ];
    let mut needs_arch = super::signature::arch_dependent(call.helper);
    for option in &options {
        let (symbols, not_uml) = kunit_needs(*option);
        needs_arch |= not_uml;
        for s in symbols {
            if !lines.iter().any(|l| l == s) {
                lines.push(s.to_string());
            }
        }
    }
    let arch = needs_arch.then_some(engine.variants[variant].arch().kunit_arch);
    let label = KernelConfig { enabled: options }.label();
    let mut text = format!(
        "# leafdiff reproducer for {}: the options it shows with ({label}) and what they need.\n# ./tools/testing/kunit/kunit.py run --kunitconfig={KUNITCONFIG_PATH}{}\n",
        call.helper.name,
        arch.map_or(String::new(), |a| format!(" --arch={a}"))
    );
    for l in lines {
        text.push_str(&l);
        text.push('\n');
    }
    KunitConfig { text, arch }
}

/// A KUnit test case in the kernel's current layout (mm/tests/). A helper
/// whose answer is an arch's encoding is guarded to skip where that encoding
/// is not the one compiled (`Arch::kunit_skip_if`); any other helper runs
/// on every arch.
pub fn kunit(
    engine: &Engine,
    variant: usize,
    case: &Case,
    kind: &FindingKind,
    signature: &str,
) -> String {
    let v = engine.variants[variant];
    let config = kunitconfig(engine, variant, case, kind);
    let Check {
        case,
        model,
        names,
        setup,
        expr,
        want,
    } = Check::of(engine, variant, case, kind);
    let case = &case;
    let suite = "leafdiff";
    let mut s = format!(
        "// SPDX-License-Identifier: GPL-2.0\n/*\n * leafdiff reproducer: {signature}\n * Kernel: {}\n * Config ({}):\n{} * Knobs: {}\n *\n * Save as mm/tests/{suite}_kunit.c; add to mm/Makefile:\n *   obj-$(CONFIG_LEAFDIFF_KUNIT_TEST) += tests/{suite}_kunit.o\n * and to mm/Kconfig:\n *   config LEAFDIFF_KUNIT_TEST\n *   \ttristate \"KUnit test for the leafdiff reproducer\" if !KUNIT_ALL_TESTS\n *   \tdepends on KUNIT\n *   \tdefault KUNIT_ALL_TESTS\n * Save as {KUNITCONFIG_PATH} (`leafdiff repro FILE --kunitconfig`):\n",
        kernel_line(v),
        v.arch().name,
        config_comment(v),
        case.args.knobs.describe(v.arch().knobs),
    );
    for line in config.text.lines().filter(|l| !l.starts_with('#')) {
        s.push_str(&format!(" *   {line}\n"));
    }
    s.push_str(&format!(
        " * Run with:\n *   ./tools/testing/kunit/kunit.py run --kunitconfig={KUNITCONFIG_PATH}{}\n */\n#include <kunit/test.h>\n{}\nstatic void {suite}_repro(struct kunit *test)\n{{\n",
        config.arch.map_or(String::new(), |a| format!(" --arch={a}")),
        api_includes(v.kernel()),
    ));
    let mut guards: Vec<(String, String)> = Vec::new();
    if super::signature::arch_dependent(case.helper) {
        guards.push((
            v.arch().kunit_skip_if.into(),
            format!(
                "checks the {} swap encoding: not this arch's",
                v.arch().name
            ),
        ));
    }
    if let Some(ty) = entry_type_macro(case, &names) {
        guards.push((
            format!("!defined({ty})"),
            format!("{ty} is not defined in this config"),
        ));
    }
    for (i, (cond, reason)) in guards.iter().enumerate() {
        let directive = if i == 0 { "#if" } else { "#elif" };
        s.push_str(&format!(
            "{directive} {cond}\n\tkunit_skip(test, \"{reason}\");\n"
        ));
    }
    if !guards.is_empty() {
        s.push_str("#else\n");
    }
    for line in &setup {
        s.push_str(&format!("\t{line}\n"));
    }
    if case.args.knobs.swap_migration_ad_supported {
        s.push_str("\t/* expects swap_migration_ad_supported to be true on this machine */\n");
    }
    if model.warned {
        s.push_str("\t/* the call is expected to fire VM_WARN_ON_ONCE */\n");
    }
    match want.as_str() {
        "true" => s.push_str(&format!("\tKUNIT_EXPECT_TRUE(test, {expr});\n")),
        "false" => s.push_str(&format!("\tKUNIT_EXPECT_FALSE(test, {expr});\n")),
        _ => s.push_str(&format!("\tKUNIT_EXPECT_EQ(test, {expr}, {want});\n")),
    }
    if !guards.is_empty() {
        s.push_str("#endif\n");
    }
    s.push_str(&format!(
        "}}\n\nstatic struct kunit_case {suite}_cases[] = {{\n\tKUNIT_CASE({suite}_repro),\n\t{{}}\n}};\n\nstatic struct kunit_suite {suite}_suite = {{\n\t.name = \"{suite}\",\n\t.test_cases = {suite}_cases,\n}};\nkunit_test_suite({suite}_suite);\n\nMODULE_DESCRIPTION(\"leafdiff reproducer\");\nMODULE_LICENSE(\"GPL\");\n"
    ));
    s
}

/// The headers a reproducer includes for the kernel's generation
/// (ARCHITECTURE.md §8): before `leafops.h`, `swapops.h` after what it
/// relies on its includer for, as mm/*.c include it.
fn api_includes(k: &KernelMeta) -> &'static str {
    if k.defines("softleaf_type") {
        "#include <linux/leafops.h>\n#include <linux/swapops.h>\n"
    } else {
        "#include <linux/swap.h>\n#include <linux/huge_mm.h>\n#include <linux/swapops.h>\n"
    }
}

/// The kernel's own definition of `helper` as the variant's headers have it
/// (the patched tree when `LEAFDIFF_PATCHES` applied), each as
/// `file:first-last` and its lines: the definitions whose preprocessor
/// condition holds in the variant's config, or every one when that cannot
/// be decided. Empty when the headers do not define it (or are gone).
pub fn kernel_definition(engine: &Engine, variant: usize, helper: &str) -> String {
    let v = engine.variants[variant];
    let defines = v.config.defines(v.arch());
    let all = quotes(v.kernel(), helper);
    let chosen: Vec<&(Quote, Vec<String>)> = all
        .iter()
        .filter(|(_, cond)| holds(cond, &defines) != Some(false))
        .collect();
    let chosen = if chosen.is_empty() {
        all.iter().collect()
    } else {
        chosen
    };
    let mut s = String::new();
    for (q, cond) in chosen {
        if !cond.is_empty() {
            s.push_str(&format!("/* under {} */\n", cond.join(" && ")));
        }
        s.push_str(&q.to_string());
    }
    s
}

/// A standalone C program over the extracted headers and leafdiff's shims;
/// exits 1 when the kernel's answer differs from the expected one.
pub fn c_program(
    engine: &Engine,
    variant: usize,
    case: &Case,
    kind: &FindingKind,
    signature: &str,
) -> String {
    let v = engine.variants[variant];
    let Check {
        case,
        setup,
        expr,
        want,
        ..
    } = Check::of(engine, variant, case, kind);
    let case = &case;
    // As build.rs compiles the variant: -m32 for a 32-bit arch, the arch's
    // own flags, the config's defines.
    let word = (v.arch().word_bits == 32).then(|| "-m32".to_string());
    let flags: Vec<String> = word
        .into_iter()
        .chain(["-O2".to_string()])
        .chain(v.arch().cflags.iter().map(|f| f.to_string()))
        .chain(
            v.config
                .defines(v.arch())
                .iter()
                .map(|(n, val)| format!("-D{n}={val}")),
        )
        .collect();
    let include = v.kernel().include_dir;
    let arch = v.arch().shims;
    let csrc = concat!(env!("CARGO_MANIFEST_DIR"), "/csrc");
    let want_c = match want.as_str() {
        "true" => "1".to_string(),
        "false" => "0".to_string(),
        other => other.to_string(),
    };
    let sources = format!(
        "-I{csrc}/shim/{arch} -I{csrc}/shim -I{csrc} -I{include} repro.c {csrc}/runtime.c -o repro"
    );
    let mut s = format!(
        "/*\n * leafdiff reproducer: {signature}\n * Kernel: {}\n * Build against the headers leafdiff extracted ({arch}), with leafdiff's shims:\n *   cc {} {sources} && ./repro\n{} */\n#include <stdio.h>\n#include \"leafdiff.h\"\n{}\nint main(void)\n{{\n\tconst ld_args args = {{ .a = {:#x}ULL, .b = {:#x}ULL, .page = {{ .pfn = {:#x}ULL, .device_private = {}, .anon = {}, .locked = {} }}, .arch_knobs = {}, .swap_migration_ad_supported = {} }};\n\tunsigned long long got, want = {want_c};\n\n\tld_call_begin(&args);\n",
        kernel_line(v),
        flags.join(" "),
        cross_line(v.arch(), &flags, &sources),
        api_includes(v.kernel()),
        case.args.a, case.args.b, case.args.page.pfn,
        case.args.page.device_private as u8, case.args.page.anon as u8, case.args.page.locked as u8,
        case.args.knobs.arch, case.args.knobs.swap_migration_ad_supported as u8,
    );
    for line in &setup {
        if line.starts_with("/*") {
            s.push_str("\tstruct page *page = &ld_state.arg_page;\n");
        }
        s.push_str(&format!("\t{line}\n"));
    }
    s.push_str(&format!(
        "\tgot = (unsigned long long)({expr});\n\tprintf(\"%s: got %#llx, expected %#llx%s\\n\", \"{}\", got, want, ld_state.warned ? \" (VM_WARN_ON_ONCE fired)\" : \"\");\n\treturn got != want;\n}}\n",
        case.helper.name
    ));
    s
}

/// The reproducer's build line for its arch itself: the same flags for a
/// compiler of the arch (whose word is the arch's, so no `-m32`), run under
/// qemu-user with the arch's C library from Debian's cross packages (linked
/// dynamically: Debian 12's qemu-alpha crashes static alpha programs).
fn cross_line(arch: &Arch, flags: &[String], sources: &str) -> String {
    let flags: Vec<&str> = flags
        .iter()
        .map(String::as_str)
        .filter(|&f| f != "-m32")
        .collect();
    let flags = flags.join(" ");
    let (packages, cc, triplet, qemu) = match arch.cross {
        Cross::Host => return String::new(),
        Cross::Unavailable(why) => {
            return format!(" * No line to build it for {} itself: {why}.\n", arch.name)
        }
        Cross::Clang {
            triplet,
            debian_arch,
            qemu,
        } => (
            format!("clang-19 lld-19 libc6-dev-{debian_arch}-cross libgcc-12-dev-{debian_arch}-cross qemu-user-static"),
            format!("clang-19 --target={triplet} -fuse-ld=lld"),
            triplet,
            qemu,
        ),
        Cross::Gcc { triplet, qemu } => (
            format!("gcc-{triplet} qemu-user-static; on Debian 12 it removes gcc-multilib"),
            format!("{triplet}-gcc"),
            triplet,
            qemu,
        ),
    };
    format!(
        " * Or built for {} itself and run under qemu (apt-get install {packages}):\n *   {cc} {flags} {sources} && qemu-{qemu}-static -L /usr/{triplet} ./repro\n",
        arch.name
    )
}

impl TypeNames {
    /// No names: for rendering expressions that only need raw values.
    pub fn empty() -> TypeNames {
        TypeNames::from_parts(None, 58, Vec::new())
    }
}
