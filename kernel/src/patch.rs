//! LEAFDIFF_PATCHES (helper B owns this file).
