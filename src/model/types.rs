//! The swap type numbers a configuration reserves, and the `softleaf_type`
//! classification built on them.
//!
//! `swap.h` carves special types out of the top of the 5-bit type space, so
//! every special type the config enables costs one swap file. Counting up from
//! `MAX_SWAPFILES` the blocks are: hardware poison, migration, device (private
//! read/write, exclusive, and with the device-migration series its three
//! migration types), and the PTE marker, which takes the last number from
//! 6.12 on. A block the config leaves out takes no numbers, and its names
//! are not defined at all.
//!
//! The generations before leafops.h (`Generation`) differ: their device
//! block has a read and a write device-exclusive type, and 6.1's has the
//! marker only with `CONFIG_PTE_MARKER` and a swapin-error type after it,
//! always reserved.

use super::{Features, Generation};
use leafdiff_kernel::config::{ConfigOption, KernelConfig};
use leafdiff_kernel::helpers::SOFTLEAF_TYPES;

/// Bits of type in an arch-independent entry (`MAX_SWAPFILES_SHIFT`).
pub const MAX_SWAPFILES_SHIFT: u32 = 5;

/// How many type numbers the type field can hold, special ones included.
pub const TYPE_NUMBERS: u32 = 1 << MAX_SWAPFILES_SHIFT;

/// A special (non swap file) swap type, by its `SWP_*` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SwpKind {
    Hwpoison,
    MigrationRead,
    MigrationReadExclusive,
    MigrationWrite,
    DeviceWrite,
    DeviceRead,
    DeviceExclusive,
    /// Before 7.2 a device-exclusive entry recorded whether the device
    /// mapping was writable, in two types.
    DeviceExclusiveWrite,
    DeviceExclusiveRead,
    MigrationDeviceRead,
    MigrationDeviceReadExclusive,
    MigrationDeviceWrite,
    PteMarker,
    /// 6.1: a page whose swapin failed (later kernels record it as a marker).
    SwapinError,
}

impl SwpKind {
    pub const ALL: [SwpKind; 14] = [
        SwpKind::Hwpoison,
        SwpKind::MigrationRead,
        SwpKind::MigrationReadExclusive,
        SwpKind::MigrationWrite,
        SwpKind::DeviceWrite,
        SwpKind::DeviceRead,
        SwpKind::DeviceExclusive,
        SwpKind::DeviceExclusiveWrite,
        SwpKind::DeviceExclusiveRead,
        SwpKind::MigrationDeviceRead,
        SwpKind::MigrationDeviceReadExclusive,
        SwpKind::MigrationDeviceWrite,
        SwpKind::PteMarker,
        SwpKind::SwapinError,
    ];

    /// The `SWP_*` macro naming this type's number.
    pub fn name(self) -> &'static str {
        match self {
            SwpKind::Hwpoison => "SWP_HWPOISON",
            SwpKind::MigrationRead => "SWP_MIGRATION_READ",
            SwpKind::MigrationReadExclusive => "SWP_MIGRATION_READ_EXCLUSIVE",
            SwpKind::MigrationWrite => "SWP_MIGRATION_WRITE",
            SwpKind::DeviceWrite => "SWP_DEVICE_WRITE",
            SwpKind::DeviceRead => "SWP_DEVICE_READ",
            SwpKind::DeviceExclusive => "SWP_DEVICE_EXCLUSIVE",
            SwpKind::DeviceExclusiveWrite => "SWP_DEVICE_EXCLUSIVE_WRITE",
            SwpKind::DeviceExclusiveRead => "SWP_DEVICE_EXCLUSIVE_READ",
            SwpKind::MigrationDeviceRead => "SWP_MIGRATION_DEVICE_READ",
            SwpKind::MigrationDeviceReadExclusive => "SWP_MIGRATION_DEVICE_READ_EXCLUSIVE",
            SwpKind::MigrationDeviceWrite => "SWP_MIGRATION_DEVICE_WRITE",
            SwpKind::PteMarker => "SWP_PTE_MARKER",
            SwpKind::SwapinError => "SWP_SWAPIN_ERROR",
        }
    }

    /// The type a later generation that lacks this one records the same
    /// entries as: 7.2 merged the two device-exclusive types.
    pub fn merged_into(self) -> Option<SwpKind> {
        match self {
            SwpKind::DeviceExclusiveRead | SwpKind::DeviceExclusiveWrite => {
                Some(SwpKind::DeviceExclusive)
            }
            _ => None,
        }
    }

    pub fn from_name(name: &str) -> Option<SwpKind> {
        SwpKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// What `softleaf_type()` calls an entry of this type; for the types of
    /// the generations before it, what the softleaf API calls the same thing.
    pub fn softleaf_type(self) -> SoftleafType {
        match self {
            SwpKind::Hwpoison => SoftleafType::Hwpoison,
            SwpKind::MigrationRead => SoftleafType::MigrationRead,
            SwpKind::MigrationReadExclusive => SoftleafType::MigrationReadExclusive,
            SwpKind::MigrationWrite => SoftleafType::MigrationWrite,
            SwpKind::DeviceWrite => SoftleafType::DevicePrivateWrite,
            SwpKind::DeviceRead => SoftleafType::DevicePrivateRead,
            SwpKind::DeviceExclusive
            | SwpKind::DeviceExclusiveWrite
            | SwpKind::DeviceExclusiveRead => SoftleafType::DeviceExclusive,
            SwpKind::MigrationDeviceRead => SoftleafType::MigrationDeviceRead,
            SwpKind::MigrationDeviceReadExclusive => SoftleafType::MigrationDeviceReadExclusive,
            SwpKind::MigrationDeviceWrite => SoftleafType::MigrationDeviceWrite,
            SwpKind::PteMarker | SwpKind::SwapinError => SoftleafType::Marker,
        }
    }
}

/// One block of consecutive special types; its length is the `*_NUM` that
/// counts it.
#[derive(Clone, Copy)]
struct Block {
    kinds: &'static [SwpKind],
}

impl Block {
    fn len(&self) -> u32 {
        self.kinds.len() as u32
    }
}

/// A block the config leaves out.
const NO_BLOCK: Block = Block { kinds: &[] };

const HWPOISON: Block = Block {
    kinds: &[SwpKind::Hwpoison],
};
const MIGRATION: Block = Block {
    kinds: &[
        SwpKind::MigrationRead,
        SwpKind::MigrationReadExclusive,
        SwpKind::MigrationWrite,
    ],
};
const DEVICE: Block = Block {
    kinds: &[
        SwpKind::DeviceWrite,
        SwpKind::DeviceRead,
        SwpKind::DeviceExclusive,
    ],
};
/// The device block as the device-private migration series extends it: its
/// three migration types follow `SWP_DEVICE_EXCLUSIVE`.
const DEVICE_WITH_MIGRATION: Block = Block {
    kinds: &[
        SwpKind::DeviceWrite,
        SwpKind::DeviceRead,
        SwpKind::DeviceExclusive,
        SwpKind::MigrationDeviceRead,
        SwpKind::MigrationDeviceReadExclusive,
        SwpKind::MigrationDeviceWrite,
    ],
};
/// The device block before 7.2: device-exclusive entries in two types.
const DEVICE_EXCLUSIVE_RW: Block = Block {
    kinds: &[
        SwpKind::DeviceWrite,
        SwpKind::DeviceRead,
        SwpKind::DeviceExclusiveWrite,
        SwpKind::DeviceExclusiveRead,
    ],
};
const PTE_MARKER: Block = Block {
    kinds: &[SwpKind::PteMarker],
};
const SWAPIN_ERROR: Block = Block {
    kinds: &[SwpKind::SwapinError],
};

/// The type-number table of one configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwapTypes {
    /// `MAX_SWAPFILES`: numbers below it are real swap files.
    pub max_swapfiles: u32,
    pub hwpoison_num: u32,
    pub migration_num: u32,
    pub device_num: u32,
    pub pte_marker_num: u32,
    pub swapin_error_num: u32,
    /// The number of each special type, indexed like `SwpKind::ALL`; `None`
    /// when the config does not define that type.
    numbers: [Option<u32>; SwpKind::ALL.len()],
}

impl SwapTypes {
    pub fn new(config: &KernelConfig, features: &Features) -> SwapTypes {
        let when = |on: bool, block: Block| if on { block } else { NO_BLOCK };
        let hwpoison = when(config.has(ConfigOption::MemoryFailure), HWPOISON);
        let migration = when(config.has(ConfigOption::Migration), MIGRATION);
        let generation = features.generation;
        let device = when(
            config.has(ConfigOption::DevicePrivate),
            if generation.device_exclusive_rw() {
                DEVICE_EXCLUSIVE_RW
            } else if features.device_migration {
                DEVICE_WITH_MIGRATION
            } else {
                DEVICE
            },
        );
        let marker = when(generation.has_markers(config), PTE_MARKER);
        let swapin_error = when(generation == Generation::SwapinError, SWAPIN_ERROR);
        // Order matters: numbers are handed out upwards from MAX_SWAPFILES,
        // and the last block takes the last number.
        let blocks = [hwpoison, migration, device, marker, swapin_error];
        let reserved: u32 = blocks.iter().map(Block::len).sum();
        let max_swapfiles = TYPE_NUMBERS - reserved;
        let mut numbers = [None; SwpKind::ALL.len()];
        let in_order = blocks.iter().flat_map(|b| b.kinds.iter());
        for (number, kind) in (max_swapfiles..).zip(in_order) {
            numbers[Self::slot(*kind)] = Some(number);
        }
        SwapTypes {
            max_swapfiles,
            hwpoison_num: hwpoison.len(),
            migration_num: migration.len(),
            device_num: device.len(),
            pte_marker_num: marker.len(),
            swapin_error_num: swapin_error.len(),
            numbers,
        }
    }

    fn slot(kind: SwpKind) -> usize {
        SwpKind::ALL
            .iter()
            .position(|k| *k == kind)
            .expect("every kind is in ALL")
    }

    /// The number of a special type, `None` if the config does not define it.
    pub fn number(&self, kind: SwpKind) -> Option<u32> {
        self.numbers[Self::slot(kind)]
    }

    /// Whether `type_num` is the number of `kind` in this config.
    pub fn is(&self, type_num: u64, kind: SwpKind) -> bool {
        self.number(kind).map(u64::from) == Some(type_num)
    }

    /// Which special type a type number is, if any.
    pub fn kind_of(&self, type_num: u64) -> Option<SwpKind> {
        SwpKind::ALL.into_iter().find(|k| self.is(type_num, *k))
    }
}

/// `enum softleaf_type`, the kinds of software leaf entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SoftleafType {
    None,
    Swap,
    MigrationRead,
    MigrationReadExclusive,
    MigrationWrite,
    DevicePrivateRead,
    DevicePrivateWrite,
    DeviceExclusive,
    Hwpoison,
    Marker,
    MigrationDeviceRead,
    MigrationDeviceReadExclusive,
    MigrationDeviceWrite,
}

impl SoftleafType {
    pub const ALL: [SoftleafType; 13] = [
        SoftleafType::None,
        SoftleafType::Swap,
        SoftleafType::MigrationRead,
        SoftleafType::MigrationReadExclusive,
        SoftleafType::MigrationWrite,
        SoftleafType::DevicePrivateRead,
        SoftleafType::DevicePrivateWrite,
        SoftleafType::DeviceExclusive,
        SoftleafType::Hwpoison,
        SoftleafType::Marker,
        SoftleafType::MigrationDeviceRead,
        SoftleafType::MigrationDeviceReadExclusive,
        SoftleafType::MigrationDeviceWrite,
    ];

    /// The enumerator's C name.
    pub fn name(self) -> &'static str {
        match self {
            SoftleafType::None => "SOFTLEAF_NONE",
            SoftleafType::Swap => "SOFTLEAF_SWAP",
            SoftleafType::MigrationRead => "SOFTLEAF_MIGRATION_READ",
            SoftleafType::MigrationReadExclusive => "SOFTLEAF_MIGRATION_READ_EXCLUSIVE",
            SoftleafType::MigrationWrite => "SOFTLEAF_MIGRATION_WRITE",
            SoftleafType::DevicePrivateRead => "SOFTLEAF_DEVICE_PRIVATE_READ",
            SoftleafType::DevicePrivateWrite => "SOFTLEAF_DEVICE_PRIVATE_WRITE",
            SoftleafType::DeviceExclusive => "SOFTLEAF_DEVICE_EXCLUSIVE",
            SoftleafType::Hwpoison => "SOFTLEAF_HWPOISON",
            SoftleafType::Marker => "SOFTLEAF_MARKER",
            SoftleafType::MigrationDeviceRead => "SOFTLEAF_MIGRATION_DEVICE_READ",
            SoftleafType::MigrationDeviceReadExclusive => {
                "SOFTLEAF_MIGRATION_DEVICE_READ_EXCLUSIVE"
            }
            SoftleafType::MigrationDeviceWrite => "SOFTLEAF_MIGRATION_DEVICE_WRITE",
        }
    }

    /// The index the harness reports a softleaf type as: its position in
    /// `SOFTLEAF_TYPES`, found by name so that the C enum's numbering (which a
    /// patch adding types changes) never matters.
    pub fn index(self) -> u64 {
        SOFTLEAF_TYPES
            .iter()
            .position(|n| *n == self.name())
            .expect("every model softleaf type is listed in SOFTLEAF_TYPES") as u64
    }

    /// The device-private migration types (the series): migration entries
    /// whose page is device private.
    pub fn is_migration_device_private(self) -> bool {
        matches!(
            self,
            SoftleafType::MigrationDeviceRead
                | SoftleafType::MigrationDeviceReadExclusive
                | SoftleafType::MigrationDeviceWrite
        )
    }

    /// Migration entries of any flavour. The series' device types are
    /// specialisations of migration types, so they count.
    pub fn is_migration(self) -> bool {
        self.is_migration_read() || self.is_migration_read_exclusive() || self.is_migration_write()
    }

    pub fn is_migration_read(self) -> bool {
        matches!(
            self,
            SoftleafType::MigrationRead | SoftleafType::MigrationDeviceRead
        )
    }

    pub fn is_migration_read_exclusive(self) -> bool {
        matches!(
            self,
            SoftleafType::MigrationReadExclusive | SoftleafType::MigrationDeviceReadExclusive
        )
    }

    pub fn is_migration_write(self) -> bool {
        matches!(
            self,
            SoftleafType::MigrationWrite | SoftleafType::MigrationDeviceWrite
        )
    }

    /// Device-private entries proper (the page lives in device memory);
    /// migration entries of such pages are not included.
    pub fn is_device_private(self) -> bool {
        matches!(
            self,
            SoftleafType::DevicePrivateRead | SoftleafType::DevicePrivateWrite
        )
    }

    /// Whether the entry's offset holds a pfn (`softleaf_has_pfn`).
    pub fn has_pfn(self) -> bool {
        self.is_migration()
            || self.is_device_private()
            || self == SoftleafType::DeviceExclusive
            || self == SoftleafType::Hwpoison
    }

    /// The kinds a PMD may hold as a leaf entry: migration and device private.
    pub fn valid_at_pmd(self) -> bool {
        self.is_device_private() || self.is_migration()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(options: &[ConfigOption]) -> KernelConfig {
        KernelConfig {
            enabled: options.iter().copied().collect(),
        }
    }

    fn all_on() -> KernelConfig {
        config(&ConfigOption::ALL)
    }

    const OFF: Features = Features {
        generation: Generation::Softleaf,
        device_migration: false,
        arch_layout: true,
    };
    const ON: Features = Features {
        generation: Generation::Softleaf,
        device_migration: true,
        arch_layout: true,
    };
    const SIX_ONE: Features = Features {
        generation: Generation::SwapinError,
        device_migration: false,
        arch_layout: true,
    };
    const SIX_TWELVE: Features = Features {
        generation: Generation::Swapops,
        device_migration: false,
        arch_layout: true,
    };

    #[test]
    fn all_options_on_reserves_eight_numbers() {
        let t = SwapTypes::new(&all_on(), &OFF);
        // 32 numbers, minus 3 device, 3 migration, 1 hwpoison, 1 marker.
        assert_eq!(t.max_swapfiles, 24);
        assert_eq!(t.number(SwpKind::Hwpoison), Some(24));
        assert_eq!(t.number(SwpKind::MigrationRead), Some(25));
        assert_eq!(t.number(SwpKind::MigrationReadExclusive), Some(26));
        assert_eq!(t.number(SwpKind::MigrationWrite), Some(27));
        assert_eq!(t.number(SwpKind::DeviceWrite), Some(28));
        assert_eq!(t.number(SwpKind::DeviceRead), Some(29));
        assert_eq!(t.number(SwpKind::DeviceExclusive), Some(30));
        assert_eq!(t.number(SwpKind::PteMarker), Some(31));
        assert_eq!(t.number(SwpKind::MigrationDeviceRead), None);
        assert_eq!((t.hwpoison_num, t.migration_num, t.device_num), (1, 3, 3));
    }

    #[test]
    fn series_adds_three_device_types() {
        let t = SwapTypes::new(&all_on(), &ON);
        assert_eq!(t.max_swapfiles, 21);
        assert_eq!(t.device_num, 6);
        assert_eq!(t.number(SwpKind::Hwpoison), Some(21));
        assert_eq!(t.number(SwpKind::MigrationRead), Some(22));
        assert_eq!(t.number(SwpKind::DeviceWrite), Some(25));
        assert_eq!(t.number(SwpKind::DeviceExclusive), Some(27));
        // +3, +4, +5 after SWP_DEVICE_WRITE.
        assert_eq!(t.number(SwpKind::MigrationDeviceRead), Some(28));
        assert_eq!(t.number(SwpKind::MigrationDeviceReadExclusive), Some(29));
        assert_eq!(t.number(SwpKind::MigrationDeviceWrite), Some(30));
        assert_eq!(t.number(SwpKind::PteMarker), Some(31));
    }

    #[test]
    fn series_without_device_private_changes_nothing() {
        let c = config(&[ConfigOption::Migration, ConfigOption::ZoneDevice]);
        assert_eq!(SwapTypes::new(&c, &ON), SwapTypes::new(&c, &OFF));
    }

    #[test]
    fn no_options_leaves_only_the_marker() {
        let t = SwapTypes::new(&KernelConfig::default(), &ON);
        assert_eq!(t.max_swapfiles, 31);
        assert_eq!(t.number(SwpKind::PteMarker), Some(31));
        assert!(SwpKind::ALL
            .iter()
            .filter(|k| **k != SwpKind::PteMarker)
            .all(|k| t.number(*k).is_none()));
    }

    #[test]
    fn migration_alone_sits_right_after_the_swap_files() {
        let t = SwapTypes::new(&config(&[ConfigOption::Migration]), &OFF);
        assert_eq!(t.max_swapfiles, 28);
        assert_eq!(t.number(SwpKind::MigrationRead), Some(28));
        assert_eq!(t.number(SwpKind::MigrationWrite), Some(30));
        assert_eq!(t.kind_of(29), Some(SwpKind::MigrationReadExclusive));
        assert_eq!(t.kind_of(27), None);
    }

    #[test]
    fn special_types_fill_the_top_without_gaps() {
        for bits in 0..1u32 << ConfigOption::ALL.len() {
            let c = KernelConfig::from_bits(bits);
            for f in [OFF, ON, SIX_ONE, SIX_TWELVE] {
                let t = SwapTypes::new(&c, &f);
                let mut nums: Vec<u32> = SwpKind::ALL.iter().filter_map(|k| t.number(*k)).collect();
                nums.sort_unstable();
                let expected: Vec<u32> = (t.max_swapfiles..TYPE_NUMBERS).collect();
                assert_eq!(nums, expected, "config {}", c.label());
            }
        }
    }

    #[test]
    fn six_one_has_two_exclusive_types_and_a_swapin_error_last() {
        let t = SwapTypes::new(&all_on(), &SIX_ONE);
        // 32 numbers, minus 4 device, 3 migration, 1 hwpoison, 1 marker
        // (HAVE_ARCH_USERFAULTFD_WP brings CONFIG_PTE_MARKER), 1 swapin error.
        assert_eq!(t.max_swapfiles, 22);
        assert_eq!(t.number(SwpKind::DeviceWrite), Some(26));
        assert_eq!(t.number(SwpKind::DeviceExclusiveWrite), Some(28));
        assert_eq!(t.number(SwpKind::DeviceExclusiveRead), Some(29));
        assert_eq!(t.number(SwpKind::DeviceExclusive), None);
        assert_eq!(t.number(SwpKind::PteMarker), Some(30));
        assert_eq!(t.number(SwpKind::SwapinError), Some(31));
        let no_markers = SwapTypes::new(&config(&[ConfigOption::Migration]), &SIX_ONE);
        assert_eq!(no_markers.number(SwpKind::PteMarker), None);
        assert_eq!(no_markers.pte_marker_num, 0);
        assert_eq!(no_markers.number(SwpKind::SwapinError), Some(31));
    }

    #[test]
    fn six_twelve_keeps_the_marker_last_without_swapin_error() {
        let t = SwapTypes::new(&all_on(), &SIX_TWELVE);
        assert_eq!(t.max_swapfiles, 23);
        assert_eq!(t.number(SwpKind::DeviceExclusiveRead), Some(30));
        assert_eq!(t.number(SwpKind::PteMarker), Some(31));
        assert_eq!(t.number(SwpKind::SwapinError), None);
        let bare = SwapTypes::new(&KernelConfig::default(), &SIX_TWELVE);
        assert_eq!(bare.number(SwpKind::PteMarker), Some(31));
    }

    #[test]
    fn softleaf_indices_follow_the_shared_table() {
        for (i, t) in SoftleafType::ALL.iter().enumerate() {
            assert_eq!(SOFTLEAF_TYPES[t.index() as usize], t.name());
            assert_eq!(t.index(), i as u64);
        }
    }

    #[test]
    fn device_migration_types_specialise_migration() {
        use SoftleafType::*;
        for t in [
            MigrationDeviceRead,
            MigrationDeviceReadExclusive,
            MigrationDeviceWrite,
        ] {
            assert!(t.is_migration() && t.has_pfn() && t.valid_at_pmd());
            assert!(t.is_migration_device_private());
            assert!(!t.is_device_private());
        }
        assert!(MigrationDeviceRead.is_migration_read());
        assert!(MigrationDeviceReadExclusive.is_migration_read_exclusive());
        assert!(MigrationDeviceWrite.is_migration_write());
        assert!(!MigrationDeviceRead.is_migration_write());
        assert!(!Swap.has_pfn() && !Marker.has_pfn() && !None.has_pfn());
    }
}
