//! Debian archive access (helper A owns this file).
