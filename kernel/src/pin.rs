//! The pinned default kernel (helper A owns this file).
