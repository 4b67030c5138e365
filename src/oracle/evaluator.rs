//! The evaluator: the program holding the variants leafdiff cannot link
//! (a 32-bit arch's C, compiled with `-m32`; csrc/evaluator.c), started on
//! first use from the copy build.rs embeds, and asked over a pipe.
//!
//! A pipe's round trip costs far more than a call, so calls are batched by
//! replay: inside [`batched`], a call the evaluator has not answered yet is
//! recorded and answered with a placeholder, the work is done again once
//! every recorded call has been sent in one message, and only a pass in
//! which every call was answered counts. Each pass answers at least one
//! more call of each dependent chain, so a case of `d` dependent calls
//! costs `d` round trips however many cases share them.

use super::generated::EVALUATOR;
use crate::call::{Args, Outcome};
use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::RefCell;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Mutex, OnceLock};

const CALL_RECORD: usize = 40;
const RESULT_RECORD: usize = 16;
/// Calls per message: their answers must fit in the pipe's buffer (64 KiB
/// on Linux), or both ends would wait on a full pipe.
const CALLS_PER_MESSAGE: usize = 2048;
/// Passes after which a batch stops replaying and asks call by call: a
/// guard against work whose calls never settle, not a limit work reaches.
const MAX_PASSES: usize = 64;

/// One call of one helper of one evaluator variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Call {
    pub variant: u32,
    /// The helper's position in that variant's table.
    pub helper: u32,
    pub args: Args,
}

/// A call packed into four words: looked up on every call of a batched
/// pass, so hashed and compared as plain integers.
type CallKey = [u64; 4];

impl Call {
    fn key(&self) -> CallKey {
        let a = &self.args;
        let flags = u64::from(a.page.device_private)
            | u64::from(a.page.anon) << 1
            | u64::from(a.page.locked) << 2
            | u64::from(a.knobs.swap_migration_ad_supported) << 3
            | u64::from(a.knobs.arch) << 8;
        [
            a.a,
            a.b,
            a.page.pfn,
            u64::from(self.variant) << 32 | u64::from(self.helper) << 16 | flags,
        ]
    }
}

/// What a variant of the evaluator holds: its helpers' names in table
/// order, and its `enum softleaf_type` enumerators.
pub struct Description {
    pub helpers: Vec<String>,
    pub softleaf_types: Vec<(u64, String)>,
}

struct Process {
    child: Child,
    to: BufWriter<ChildStdin>,
    from: BufReader<ChildStdout>,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn process() -> &'static Mutex<Process> {
    static PROCESS: OnceLock<Mutex<Process>> = OnceLock::new();
    PROCESS.get_or_init(|| {
        Mutex::new(start().unwrap_or_else(|e| {
            panic!("leafdiff: could not start the 32-bit evaluator: {e}; rebuild leafdiff (`cargo build --release`), or leave the 32-bit arches out with LEAFDIFF_VARIANTS")
        }))
    })
}

/// Writes the embedded program where it can be run (once per content: the
/// name is its hash), then starts it.
fn start() -> std::io::Result<Process> {
    let path = std::env::temp_dir().join(format!("leafdiff-evaluator-{:016x}", fnv1a(EVALUATOR)));
    if std::fs::read(&path).ok().as_deref() != Some(EVALUATOR) {
        let partial = path.with_extension(format!("{}.partial", std::process::id()));
        std::fs::write(&partial, EVALUATOR)?;
        std::fs::set_permissions(
            &partial,
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )?;
        std::fs::rename(&partial, &path)?;
    }
    let mut child = Command::new(&path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    Ok(Process {
        to: BufWriter::new(child.stdin.take().expect("piped")),
        from: BufReader::new(child.stdout.take().expect("piped")),
        child,
    })
}

/// FNV-1a: names the written program by its content.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn lost(e: std::io::Error) -> ! {
    panic!("leafdiff: the 32-bit evaluator stopped answering: {e}")
}

/// The helpers and enumerators of the evaluator's variant `variant`.
pub fn describe(variant: u32) -> Description {
    let mut p = process().lock().unwrap();
    let mut message = vec![b'T'];
    message.extend(variant.to_le_bytes());
    p.to.write_all(&message)
        .and_then(|()| p.to.flush())
        .unwrap_or_else(|e| lost(e));
    let mut d = Description {
        helpers: Vec::new(),
        softleaf_types: Vec::new(),
    };
    loop {
        let mut line = String::new();
        p.from.read_line(&mut line).unwrap_or_else(|e| lost(e));
        let mut words = line.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some("H"), Some(name), None) => d.helpers.push(name.into()),
            (Some("E"), Some(name), Some(value)) => d.softleaf_types.push((
                value.parse().expect("the evaluator writes decimal values"),
                name.into(),
            )),
            _ if line.is_empty() => lost(std::io::ErrorKind::UnexpectedEof.into()),
            _ => return d,
        }
    }
}

/// Evaluates `calls` in one round trip.
fn send(calls: &[Call]) -> Vec<Outcome> {
    let mut message = Vec::with_capacity(5 + calls.len() * CALL_RECORD);
    message.push(b'C');
    message.extend((calls.len() as u32).to_le_bytes());
    for c in calls {
        message.extend(c.variant.to_le_bytes());
        message.extend(c.helper.to_le_bytes());
        message.extend(args_record(&c.args));
    }
    let mut p = process().lock().unwrap();
    p.to.write_all(&message)
        .and_then(|()| p.to.flush())
        .unwrap_or_else(|e| lost(e));
    let mut replies = vec![0u8; calls.len() * RESULT_RECORD];
    p.from.read_exact(&mut replies).unwrap_or_else(|e| lost(e));
    replies.chunks(RESULT_RECORD).map(outcome_of).collect()
}

fn args_record(a: &Args) -> [u8; 32] {
    let mut r = [0u8; 32];
    r[0..8].copy_from_slice(&a.a.to_le_bytes());
    r[8..16].copy_from_slice(&a.b.to_le_bytes());
    r[16..24].copy_from_slice(&a.page.pfn.to_le_bytes());
    r[24] = a.page.device_private.into();
    r[25] = a.page.anon.into();
    r[26] = a.page.locked.into();
    r[27] = a.knobs.arch;
    r[28] = a.knobs.swap_migration_ad_supported.into();
    r
}

fn outcome_of(r: &[u8]) -> Outcome {
    Outcome {
        value: u64::from_le_bytes(r[0..8].try_into().expect("8 bytes")),
        warned: r[8] != 0,
        bugged: r[9] != 0,
    }
}

/// The calls a batch has answered, and those it still has to send.
#[derive(Default)]
struct Batch {
    answered: FxHashMap<CallKey, Outcome>,
    unanswered: Vec<Call>,
}

thread_local! {
    static BATCH: RefCell<Option<Batch>> = const { RefCell::new(None) };
}

/// One call: from the batch when one is open (a placeholder until the batch
/// has sent it), else in a round trip of its own.
pub fn eval(call: Call) -> Outcome {
    let batched = BATCH.with_borrow_mut(|batch| {
        let batch = batch.as_mut()?;
        Some(batch.answered.get(&call.key()).copied().unwrap_or_else(|| {
            batch.unanswered.push(call);
            Outcome::default()
        }))
    });
    batched.unwrap_or_else(|| send(&[call])[0])
}

/// `work` on each item, with the evaluator's calls batched: each pass runs
/// `work` on the items not yet done and then sends every call it could not
/// answer, in as few messages as the pipe allows; an item is done on the
/// first pass that asked nothing new. `work` must be a pure function of
/// its item and the calls' answers.
pub fn batched<I, T>(items: &[I], mut work: impl FnMut(&I) -> T) -> Vec<T> {
    if BATCH.with_borrow(Option::is_some) {
        return items.iter().map(work).collect();
    }
    BATCH.set(Some(Batch::default()));
    let unanswered = || BATCH.with_borrow(|b| b.as_ref().expect("open batch").unanswered.len());
    let mut done: Vec<Option<T>> = items.iter().map(|_| None).collect();
    for _ in 0..MAX_PASSES {
        for (item, slot) in items
            .iter()
            .zip(done.iter_mut())
            .filter(|(_, s)| s.is_none())
        {
            let before = unanswered();
            let result = work(item);
            if unanswered() == before {
                *slot = Some(result);
            }
        }
        let calls = BATCH
            .with_borrow_mut(|b| std::mem::take(&mut b.as_mut().expect("open batch").unanswered));
        if calls.is_empty() {
            break;
        }
        let answers = answer_all(calls);
        BATCH.with_borrow_mut(|b| {
            let answered = &mut b.as_mut().expect("open batch").answered;
            answered.extend(answers.into_iter().map(|(c, o)| (c.key(), o)));
        });
    }
    BATCH.set(None);
    // Past MAX_PASSES, what is left is asked call by call.
    items
        .iter()
        .zip(done)
        .map(|(item, slot)| slot.unwrap_or_else(|| work(item)))
        .collect()
}

/// Sends the calls, each once, in as few messages as the pipe allows.
fn answer_all(mut calls: Vec<Call>) -> Vec<(Call, Outcome)> {
    let mut seen = FxHashSet::default();
    calls.retain(|c| seen.insert(*c));
    calls
        .chunks(CALLS_PER_MESSAGE)
        .flat_map(|group| group.iter().copied().zip(send(group)).collect::<Vec<_>>())
        .collect()
}
