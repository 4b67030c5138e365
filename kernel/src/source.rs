//! Resolving LEAFDIFF_KERNEL items to trees (helper A owns this file).
